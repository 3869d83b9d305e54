"""A run's results folder: the entities table beside the events, reasons as an enumeration, and readers
that learn names from the folder without compiling the scenario again."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import iadsim
from iadsim.entities import ENTITY_SCHEMA, names
from iadsim.errors import UserError
from iadsim.events import EVENT_SCHEMA, REASONS, events
from iadsim.report.record import read_run_folder
from iadsim.results import write_run
from iadsim.run_layout import RESULTS_FORMAT
from tests.helpers import raid, scenario, unit


@pytest.fixture(scope="module")
def run() -> iadsim.RunResult:
    """A battery that marches once, a stand-alone radar, and drones it shoots at."""
    marching = unit(moves=[{"time": "60 s", "to": {"lat": 38.45, "lon": 27.20}, "speed": "15 m/s"}])
    return iadsim.simulate(scenario(
        duration="15 min", units=[marching, unit("generic-sr-sam", rounds=8, name="Point defence")],
        sensors=[{"name": "Hill radar", "type": "generic-search-radar", "position": {"lat": 38.6, "lon": 27.3}}],
        raids=[raid(count=6, name="Swarm")]), seed=4)


def test_the_entities_name_every_id_the_events_carry(run):
    entities = run.entities
    assert entities.schema == ENTITY_SCHEMA
    assert names(entities, "unit") == [u.name for u in run.scenario.units]
    assert names(entities, "asset") == ["City"]
    sensors = names(entities, "sensor")
    assert "Hill radar" in sensors
    assert all(name.split("/")[0] in {u.name for u in run.scenario.units} for name in sensors if name != "Hill radar")
    assert set(names(entities, "threat")) == {"Swarm"}
    table = run.events
    for column, kind in (("sensor_id", "sensor"), ("unit_id", "unit"), ("threat_id", "threat")):
        ids = np.unique(table.column(column).to_numpy())
        assert set(ids[ids >= 0]) <= set(range(len(names(entities, kind)))), column


def test_reasons_are_a_fixed_dictionary_and_unit_moves_count_them(run):
    reason = run.events.column("reason")
    assert run.events.schema == EVENT_SCHEMA
    assert pa.types.is_dictionary(reason.type) and reason.chunk(0).dictionary.to_pylist() == list(REASONS)
    kinds = run.events.column("kind").cast(pa.string()).to_numpy(zero_copy_only=False)
    reasons = reason.cast(pa.string()).to_numpy(zero_copy_only=False)
    assert list(reasons[kinds == "unit_state"][:3]) == ["marching", "setting_up", "deployed"]
    assert run.metrics["unit_moves"] == 1
    assert set(reasons[kinds == "track_drop"]) <= {r for r in REASONS if r.startswith(("lost_", "target_"))}
    assert (reasons[~np.isin(kinds, ["track_drop", "miss", "unit_state"])] == "").all()


def test_an_unknown_reason_is_refused():
    with pytest.raises(ValueError, match="unknown event reason"):
        events("miss", 0.0, 1, reason="bad luck")


def test_a_report_reads_names_from_the_folder_without_compiling(run, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    write_run(run, folder)
    assert pq.read_table(folder / "entities.parquet").to_pandas().equals(run.entities.to_pandas())
    assert json.loads((folder / "summary.json").read_text())["format"] == RESULTS_FORMAT

    def refuse(*args, **kwargs):
        raise AssertionError("the report compiled the scenario")

    monkeypatch.setattr("iadsim.scenario.compile.compile_scenario", refuse)
    record = read_run_folder(folder)
    assert record.sensor_name(0) == names(run.entities, "sensor")[0]
    from iadsim.report.page import render_run_report

    assert "Hill radar" in render_run_report(record)


def test_a_folder_without_entities_is_refused_with_advice(run, tmp_path):
    folder = tmp_path / "out"
    write_run(run, folder)
    (folder / "entities.parquet").unlink()
    with pytest.raises(UserError, match="entities.parquet missing"):
        read_run_folder(folder)
