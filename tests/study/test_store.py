"""The results folder: layout as documented, DuckDB views, and clear refusals of damaged folders and
of a different study's folder (which is left as it was)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from iadsim.errors import UserError
from iadsim.scenario.schema import Scenario
from iadsim.study.executors import make_executor
from iadsim.study.runner import finish, run_study
from iadsim.study.spec import load_study
from iadsim.study.store import StudyStore
from tests.study.conftest import write_study


def run(study_file: Path, folder: Path, replications: int | None = None, batch: int | None = 2) -> None:
    plan = load_study(study_file)
    with StudyStore.create_or_resume(folder, plan, replications) as store:
        run_study(plan, store, make_executor("inprocess"), replications or plan.study.replications, batch_size=batch)
        finish(store)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished study (study file, scenario, results in out/), run once for the module."""
    folder = tmp_path_factory.mktemp("made")
    run(write_study(folder), folder / "out")
    return folder


@pytest.fixture
def done(made: Path, study_file: Path) -> Path:
    """A copy of the finished study's results beside ``study_file``, for a test to change."""
    shutil.copytree(made / "out", study_file.parent / "out")
    return study_file.parent / "out"


def test_layout_and_views(done):
    manifest = json.loads((done / "study.json").read_text())
    assert manifest["format"] == "iadsim-study/2" and manifest["points"] == 2 and manifest["replications"] == 6
    assert manifest["sweeps"] == [{"path": "units[0].inventory.generic-sr-interceptor", "values": [2, 6]}]
    assert sorted(path.name for path in (done / "metrics").iterdir())[:2] == [
        "p00000-r0000000-0000002.parquet", "p00000-r0000002-0000004.parquet"]
    points = pq.read_table(done / "points.parquet")
    assert points.column("units[0].inventory.generic-sr-interceptor").to_pylist() == [2, 6]
    with duckdb.connect(str(done / "study.duckdb"), read_only=True) as db:
        by_point = db.execute('select "units[0].inventory.generic-sr-interceptor" as rounds, count(*), '
                          "avg(interceptors_fired) from runs group by all order by 1").fetchall()
        assert [row[:2] for row in by_point] == [(2, 6), (6, 6)] and by_point[0][2] <= 2
        assert db.execute("select count(*) from metrics_long where metric = 'leak_fraction'").fetchone() == (12,)
        summary = db.execute("select n, method, replications_needed from summary "
                         "where metric = 'leak_fraction' order by point").fetchall()
        assert all(row[0] == 6 and row[1] in ("bootstrap", "constant") and row[2] >= 1 for row in summary)
        radars = db.execute("select point, id, name, type from entities where kind = 'sensor' order by 1, 2").fetchall()
    store = StudyStore.open(done)
    for point in (0, 1):
        entities = store.entities(point).to_pylist()
        sensors = [(row["id"], row["name"], row["type"]) for row in entities if row["kind"] == "sensor"]
        assert sensors == [row[1:] for row in radars if row[0] == point] and sensors
        scenario = Scenario.model_validate_json(points.column("scenario_json")[point].as_py())
        assert [row["name"] for row in entities if row["kind"] == "unit"] == [unit.name for unit in scenario.units]


def test_duckdb_command_line_reads_the_database(done):
    """The `duckdb` command (duckdb-cli, an older DuckDB than the library) opens the file."""
    command = Path(sys.executable).parent / "duckdb"
    output = subprocess.run([str(command), str(done / "study.duckdb"), "select count(*) as n from runs"],
                            capture_output=True, text=True, check=True).stdout
    assert "12" in output


def test_raising_replications_adds_only_the_missing_ones(study_file, done):
    before = {path.name: path.stat().st_mtime_ns for path in (done / "metrics").iterdir()}
    run(study_file, done, replications=8)
    after = {path.name: path.stat().st_mtime_ns for path in (done / "metrics").iterdir()}
    assert {name: after[name] for name in before} == before and len(after) == len(before) + 2
    assert StudyStore.open(done).metrics().num_rows == 16
    assert json.loads((done / "study.json").read_text())["replications"] == 8


def test_a_different_study_is_refused_and_nothing_is_touched(tmp_path, study_file, done):
    files = {path: path.read_bytes() for path in done.rglob("*") if path.is_file()}
    text = study_file.read_text().replace("values: [2, 6]", "values: [2, 7]")
    study_file.write_text(text)
    with pytest.raises(UserError, match="holds the results of a different study; results are never mixed: the "
                                        "scenario differs at 1 of 2 sweep points") as caught:
        run(study_file, done)
    assert "run into another folder with -o" in caught.value.render()
    study_file.write_text(text.replace("seed: 5", "seed: 6"))
    with pytest.raises(UserError, match="the study seed is 6, the folder's is 5"):
        run(study_file, done)
    assert {path: path.read_bytes() for path in done.rglob("*") if path.is_file()} == files


def test_damaged_batch_file_is_named(study_file, done):
    victim = sorted((done / "metrics").iterdir())[1]
    victim.write_bytes(victim.read_bytes()[:100])
    for action in (lambda: run(study_file, done), lambda: StudyStore.open(done)):
        with pytest.raises(UserError, match=f"{victim.name} is damaged: it is not a readable Parquet file"):
            action()


def test_missing_manifest_and_foreign_folders(study_file, done, tmp_path):
    (done / "study.json").unlink()
    with pytest.raises(UserError, match="looks like a study folder .* but its study.json is missing"):
        run(study_file, done)
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"x")
    with pytest.raises(UserError, match="is not a study results folder and is not empty"):
        run(study_file, foreign)
    with pytest.raises(UserError, match="does not exist"):
        StudyStore.open(tmp_path / "nowhere")


def test_stray_file_and_leftover_temporary(study_file, done):
    (done / "metrics" / ".p00000-r0000000-0000002.parquet.abc.tmp").write_bytes(b"half")
    run(study_file, done)
    assert not list((done / "metrics").glob(".*.tmp"))
    (done / "metrics" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="notes.txt is damaged: iadsim did not write this file"):
        StudyStore.open(done)


def test_events_on_request(study_file, tmp_path):
    plan = load_study(study_file, events=True)
    folder = tmp_path / "with-events"
    with StudyStore.create_or_resume(folder, plan) as store:
        run_study(plan, store, make_executor("inprocess"), 2)
        finish(store)
        assert store.events(1).column("replication").to_pylist()[0] == 0
    with duckdb.connect(str(folder / "study.duckdb"), read_only=True) as db:
        kinds = db.execute("select point, count(distinct replication) from events where kind = 'leak' "
                       "group by all order by 1").fetchall()
    assert kinds[0] == (0, 2)
    with pytest.raises(UserError, match=r"event logs are kept in the folder but not asked for now \(--events\)"):
        run(study_file, folder)
