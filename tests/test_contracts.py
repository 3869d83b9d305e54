"""The stage contract (DESIGN.md, "Contracts between the parts"): what each model reads and writes.

- A combination of models in which one needs a world column that nothing chosen
  provides is refused at load, naming both models and the missing columns.
- A stage writes only the columns it declares (``provides``), which lie in the groups
  its role owns: every stage runs on the real world of a real scenario, and every
  column it changed is compared with its declaration.
"""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass

import numpy as np
import pytest

import iadsim
from iadsim import registry
from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.errors import UserError
from iadsim.events import NO_EVENTS
from iadsim.scenario.compile import compile_scenario
from tests.conftest import DEMO


class _SilentSensor:
    """A sense model that gives trackers only who saw whom, not what was measured (for this test)."""

    requires = registry.columns("threats", "status")
    provides = registry.columns("detections", "sensor_index", "threat_index")

    def __init__(self, compiled: object) -> None:
        pass

    def step(self, world, t_s, dt_s, rng):  # noqa: ANN001, ANN201 - the Stage protocol
        return NO_EVENTS


@pytest.fixture
def silent_sensor():
    registry.register("sense", "silent_test_sensor")(_SilentSensor)
    yield "silent_test_sensor"
    del registry._REGISTRY["sense"]["silent_test_sensor"]


def test_a_tracker_fed_by_a_sensor_that_lacks_its_columns_is_refused_at_load(silent_sensor):
    data = iadsim.load_scenario(DEMO).model_dump(mode="json")
    data["models"]["sense"] = silent_sensor
    with pytest.raises(UserError) as refused:
        iadsim.load_scenario(data)
    message = str(refused.value)
    assert "models.track" in message and "'ekf'" in message and f"'{silent_sensor}'" in message
    assert "detections.range_az_el" in message and "detections.t_s" in message
    assert "choose sense: radar" in message


def test_a_model_may_provide_only_columns_of_its_role():
    class Trespasser(_SilentSensor):
        provides = registry.columns("tracks", "pos_ecef_m")

    with pytest.raises(ValueError, match="tracks.pos_ecef_m: not a group its role owns"):
        registry.register("sense", "trespasser")(Trespasser)
    assert "trespasser" not in registry.available("sense")


def test_a_model_must_declare_what_it_reads_and_writes():
    class Undeclared:
        def step(self, world, t_s, dt_s, rng):  # noqa: ANN001, ANN201
            return NO_EVENTS

    with pytest.raises(TypeError, match="must declare requires"):
        registry.register("sense", "undeclared")(Undeclared)


def _snapshot(world) -> dict[str, object]:
    """Every column of every group, copied: ``group.column`` -> value."""
    out = {}
    for group in ("threats", "sensors", "units", "interceptors", "tracks", "detections", "assignments", "assets"):
        data = getattr(world, group)
        for column in fields(data):
            value = getattr(data, column.name)
            out[f"{group}.{column.name}"] = copy.deepcopy(value)
    return out


def _differs(before: object, after: object) -> bool:
    if is_dataclass(before):
        return any(_differs(getattr(before, f.name), getattr(after, f.name)) for f in fields(before))
    if isinstance(before, np.ndarray):
        return before.shape != after.shape or not np.array_equal(before, after, equal_nan=before.dtype.kind == "f")
    return before != after


# The demo with its own models, and with every default model: between them every role's
# usual model, in a raid with launches, kills and leaks.
MODEL_SETS = {
    "demo models": {},
    "default models": {"move": "waypoint", "sense": "range_horizon", "track": "truth_noise", "decide": "wta",
                       "fly": "average_speed"},
}


@pytest.mark.parametrize("label", list(MODEL_SETS))
def test_every_stage_writes_only_what_it_declares(label):
    catalog = load_catalog()
    data = iadsim.load_scenario(DEMO, catalog).model_dump(mode="json")
    data["models"].update(MODEL_SETS[label])
    data["duration"] = "25 min"  # drones, fighters, cruise missiles and the first ballistic missiles
    scenario = iadsim.load_scenario(data, catalog)
    compiled = compile_scenario(scenario, catalog, stream(scenario.seed, "compile"))
    stages = build_stages(compiled)
    streams = {role: stream(scenario.seed, role) for role, _ in stages}
    world, dt = compiled.world, scenario.time_step
    written: dict[str, set[str]] = {role: set() for role, _ in stages}
    before = _snapshot(world)
    for tick in range(1, compiled.n_ticks + 1):
        for role, stage in stages:
            stage.step(world, tick * dt, dt, streams[role])
            after = _snapshot(world)  # also the next stage's before: the copies are most of this test's time
            written[role] |= {name for name, value in before.items() if _differs(value, after[name])}
            before = after
    for role, stage in stages:
        undeclared = written[role] - stage.provides
        assert not undeclared, f"the {role} model {type(stage).__name__} wrote {sorted(undeclared)} undeclared"
    assert written["launch"] and written["fly"] and written["assess"], "the run fired nothing"
