"""Greedy assignment and launchers: limits hold, inventories never go negative, dry units say so."""

import numpy as np

import iadsim
from tests.helpers import raid, scenario, unit


def run(sc):
    result = iadsim.simulate(sc)
    return result, result.to_pandas()


def test_a_unit_never_fires_more_rounds_than_it_holds_and_reports_running_dry():
    sc = scenario(units=[unit("generic-lr-sam", rounds=5, name="A")],
                  raids=[raid("generic-fighter", count=20, launch_interval="5 s")])
    result, events = run(sc)
    assert result.metrics["interceptors_fired"] == 5
    dry = events[events.kind == "out_of_rounds"]
    assert len(dry) == 1 and dry.weapon.iloc[0] == "generic-lr-interceptor"
    assert dry.t_s.iloc[0] == events[events.kind == "launch"].t_s.max()


def test_in_flight_interceptors_never_exceed_guidance_channels():
    """generic-sr-sam guides at most 8 interceptors and engages at most 4 targets at once."""
    sc = scenario(units=[unit("generic-sr-sam", rounds=100, name="S")],
                  raids=[raid("generic-drone", count=40, spread="3 km", target="S")], duration="1 h")
    _, events = run(sc)
    launches = events[events.kind == "launch"].set_index("interceptor_id").t_s
    ends = events[events.kind.isin(["intercept", "miss"])].set_index("interceptor_id").t_s
    times = np.unique(np.concatenate([launches.values, ends.values]))
    for t in times:
        flying = ((launches <= t) & (ends.reindex(launches.index).fillna(np.inf) > t)).sum()
        assert flying <= 4, f"{flying} interceptors in flight at {t} s"


def test_a_threat_is_engaged_again_only_after_a_miss():
    sc = scenario(units=[unit("generic-lr-sam", rounds=40, name="A")], raids=[raid("generic-fighter", count=6)])
    _, events = run(sc)
    for _, group in events[events.kind.isin(["launch", "intercept", "miss"])].groupby("threat_id"):
        kinds = list(group.sort_values("t_s", kind="stable").kind)
        for before, after in zip(kinds, kinds[1:], strict=False):
            assert not (before == "launch" and after == "launch"), kinds
