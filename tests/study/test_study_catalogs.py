"""A study of your own system types (issue 21): the study's and its scenario's `catalogs:` and
`--catalog`, shipped to every worker (local processes and Dask alike) as the texts the study was
checked against, recorded with their SHA-256 in the study folder, and never mixed with another catalog."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from iadsim.errors import UserError
from iadsim.study.executors import make_executor
from iadsim.study.runner import finish, run_study
from iadsim.study.spec import catalog_hash, load_study
from iadsim.study.store import StudyStore
from tests.helpers import MY_DRONE_CATALOG
from tests.study.conftest import TINY_SCENARIO

IADSIM = str(Path(sys.executable).parent / "iadsim")
DRONE = MY_DRONE_CATALOG
STUDY = """\
name: own drone study
scenario: tiny.yaml
replications: 3
seed: 5
{catalogs}sweeps:
  - path: units[0].inventory.generic-sr-interceptor
    values: [2, 6]
"""


def write(folder: Path, study_catalogs: str = "catalogs: [drone.yaml]\n", scenario_catalogs: str = "") -> Path:
    """drone.yaml, tiny.yaml (its drones of type my-drone) and study.yaml in ``folder``; return the study file."""
    (folder / "drone.yaml").write_text(DRONE)
    (folder / "tiny.yaml").write_text(scenario_catalogs + TINY_SCENARIO.replace("type: generic-drone",
                                                                                "type: my-drone"))
    (folder / "study.yaml").write_text(STUDY.format(catalogs=study_catalogs))
    return folder / "study.yaml"


def run(study_file: Path, folder: Path, kind: str, workers: int | None = None) -> pa.Table:
    """Load the study, then delete its catalog file (workers get the texts, not the path), then run it."""
    plan = load_study(study_file)
    (study_file.parent / "drone.yaml").unlink(missing_ok=True)
    with StudyStore.create_or_resume(folder, plan) as store, make_executor(kind, workers) as executor:
        outcome = run_study(plan, store, executor, plan.study.replications, batch_size=1)
        finish(store)
    assert outcome.ran == 6 and not outcome.interrupted
    return StudyStore.open(folder).metrics().drop_columns(["run_time_s"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    folder = tmp_path_factory.mktemp("reference")
    return run(write(folder), folder / "out", "inprocess")


@pytest.mark.parametrize(("kind", "workers"), [("local", 1), ("dask", 1)])
def test_workers_build_the_study_s_catalog_from_the_texts_it_ships(reference, tmp_path, kind, workers):
    assert run(write(tmp_path), tmp_path / "out", kind, workers).equals(reference)
    assert reference.column("threats").to_pylist() == [6.0] * 6


def test_the_study_folder_records_and_copies_the_catalog_files(tmp_path):
    study_file = write(tmp_path)
    digest = hashlib.sha256((tmp_path / "drone.yaml").read_bytes()).hexdigest()
    run(study_file, tmp_path / "out", "inprocess")
    manifest = json.loads((tmp_path / "out" / "study.json").read_text())
    assert manifest["catalogs"] == [{"file": str(tmp_path / "drone.yaml"), "copy": "catalogs/drone.yaml",
                                     "sha256": digest}]
    assert (tmp_path / "out" / "catalogs" / "drone.yaml").read_text() == DRONE
    assert manifest["catalog_hash"] == catalog_hash(load_study_again(tmp_path).catalog_files)


def load_study_again(folder: Path):
    (folder / "drone.yaml").write_text(DRONE)
    return load_study(folder / "study.yaml")


def test_a_changed_catalog_file_is_never_mixed_into_a_study_folder(tmp_path):
    study_file = write(tmp_path)
    run(study_file, tmp_path / "out", "inprocess")
    (tmp_path / "drone.yaml").write_text(DRONE.replace("50 m/s", "45 m/s"))
    with pytest.raises(UserError, match="the catalog of system types changed"):
        StudyStore.create_or_resume(tmp_path / "out", load_study(study_file))
    (tmp_path / "drone.yaml").write_text(DRONE)  # the same contents again: the study resumes
    StudyStore.create_or_resume(tmp_path / "out", load_study(study_file)).close()


def test_a_study_without_catalog_files_keeps_its_identity():
    """Folders of studies started before catalogs could be added still resume: the same catalog hash."""
    assert catalog_hash(()) == catalog_hash()
    plan = load_study(Path(__file__).parents[2] / "examples" / "demo-study.yaml")
    assert plan.catalog_files == () and "catalogs" not in plan.manifest()


def test_the_base_scenario_s_own_catalogs_are_read_beside_it(tmp_path):
    (tmp_path / "shared").mkdir()
    study_file = write(tmp_path, study_catalogs="", scenario_catalogs="catalogs: [shared/drone.yaml]\n")
    (tmp_path / "drone.yaml").rename(tmp_path / "shared" / "drone.yaml")
    plan = load_study(study_file)
    assert [file.path for file in plan.catalog_files] == [str(tmp_path / "shared" / "drone.yaml")]
    assert all(point.scenario.catalog_files == plan.catalog_files for point in plan.points)


def test_the_command_line_runs_a_study_with_catalog_option(tmp_path):
    study_file = write(tmp_path, study_catalogs="")
    done = subprocess.run([IADSIM, "validate", str(study_file)], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "unknown threat type 'my-drone'" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([IADSIM, "study", str(study_file), "--catalog", str(tmp_path / "drone.yaml"), "-o",
                           str(tmp_path / "out"), "--executor", "inprocess", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out" / "study.json").read_text())["catalogs"][0]["copy"] == "catalogs/drone.yaml"


def test_missing_and_swept_catalog_files_are_refused_at_their_line(tmp_path):
    study_file = write(tmp_path, study_catalogs="catalogs: [drone.yaml, gone.yaml]\n")
    with pytest.raises(UserError) as error:
        load_study(study_file)
    assert f"{study_file}:5: catalogs[1]: catalog file 'gone.yaml' does not exist" in error.value.render()
    study_file.write_text(STUDY.format(catalogs="catalogs: [drone.yaml]\n") +
                          "  - path: catalogs[0]\n    values: [drone.yaml]\n")
    with pytest.raises(UserError, match="catalog files are not swept"):
        load_study(study_file)
