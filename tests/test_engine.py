"""The engine end to end on the demo scenario: events, metrics, determinism."""

import numpy as np
import pyarrow as pa

import iadsim
from iadsim.events import EVENT_SCHEMA, KINDS
from tests.conftest import DEMO


def test_demo_runs_and_every_threat_has_one_fate(demo_result):
    outcome = demo_result.metrics
    assert outcome["threats"] == 30
    assert outcome["killed"] + outcome["leaked"] <= outcome["threats"]
    assert outcome["detected"] >= outcome["engaged"] >= outcome["killed"] > 0
    events = demo_result.to_pandas()
    fates = events[events.kind.isin(["intercept", "leak"])]
    assert not fates.threat_id.duplicated().any(), "a threat was killed or leaked twice"


def test_events_follow_the_schema_and_are_sorted_by_time(demo_result):
    table = demo_result.events
    assert table.schema == EVENT_SCHEMA
    assert np.all(np.diff(table.column("t_s").to_numpy()) >= 0)
    assert set(table.column("kind").cast(pa.string()).to_pylist()) <= set(KINDS)


def ipc_bytes(table: pa.Table) -> bytes:
    """The table serialised to Arrow IPC: equal bytes mean bit-identical columns (NaNs included)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_same_seed_gives_bit_identical_events_and_another_seed_differs():
    scenario = iadsim.load_scenario(DEMO)
    first, second = iadsim.simulate(scenario, seed=11), iadsim.simulate(scenario, seed=11)
    assert ipc_bytes(first.events) == ipc_bytes(second.events)
    assert first.metrics == second.metrics
    assert ipc_bytes(iadsim.simulate(scenario, seed=12).events) != ipc_bytes(first.events)


def test_quiet_hours_are_jumped_over_without_changing_what_happens():
    """Two waves a day apart run in about twice the ticks of one wave, with the same outcome per wave."""
    from tests.helpers import raid, scenario, unit

    one = scenario(units=[unit("generic-sr-sam", rounds=40, name="S")],
                   raids=[raid("generic-drone", count=5, launch_interval="30 s", target="S")], duration="2 d")
    two = scenario(units=[unit("generic-sr-sam", rounds=40, name="S")],
                   raids=[raid("generic-drone", count=5, launch_interval="30 s", target="S"),
                          raid("generic-drone", count=5, launch_interval="30 s", target="S", launch_time="1 d")],
                   duration="2 d")
    first, both = iadsim.simulate(one), iadsim.simulate(two)
    assert both.ticks <= 2.2 * first.ticks
    assert both.ticks < 86_400 / 10
    launches = both.to_pandas()
    assert launches[launches.kind == "threat_launch"].t_s.max() >= 86_400
    assert both.metrics["threats"] == 10 and both.metrics["detected"] == 10
