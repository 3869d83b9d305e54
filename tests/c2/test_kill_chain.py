"""The kill chain (iadsim.c2.kill_chain): engagement radars cued by the air picture, hand-over, refusals."""

import numpy as np
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iadsim
from iadsim.c2.kill_chain import kill_chain_step
from iadsim.errors import UserError
from iadsim.verify.kill_chain import (
    battery_scenario, kill_chain_hand_over_time, kill_chain_no_engagement_radar, launches,
)


def test_a_battery_whose_engagement_radar_points_away_launches_nothing():
    """Verify row kill-chain-no-engagement-radar (issue 19: no launch without the unit's own engagement track)."""
    result = kill_chain_no_engagement_radar()
    assert result.passed, result.got


def test_the_hand_over_takes_acquisition_time_and_m_minus_one_scans():
    """Verify row kill-chain-hand-over-time: acquisition_time + (M - 1) T, the M-of-N closed form."""
    result = kill_chain_hand_over_time()
    assert result.passed, result.got


def _one_radar_tick(tick: int, up: bool, state: tuple, detected: bool) -> tuple:
    """One tick of the kernel for one radar of unit 0 and one firm track row of threat 0, looking every tick."""
    cue_t_s, counts, firm, seen = state
    eye = np.eye(3)[None]
    *returned, live = kill_chain_step(
        float(tick), tick, np.array([0]), np.array([0]), np.array([10]), np.array([2.0]), np.array([2000.0]),
        np.array([100e3]), np.array([np.pi]), np.array([0]), np.array([3, 5, 3]), np.zeros(1, bool),
        cue_t_s, counts, firm, seen, np.array([up]), np.ones(1, bool), np.zeros((1, 3)), eye, np.zeros(1),
        np.array([0] if detected else [], np.int32), np.array([0] if detected else [], np.int32),
        np.array([0], np.int32), np.array([0]), 1, np.ones(1, bool), np.ones(1, bool), np.zeros(1, np.int32),
        np.zeros(1, np.int32), np.array([[50e3, 0.0, 0.0]]), np.zeros((1, 3)), np.zeros(1), np.zeros(1, np.int32))
    assert list(live) == [0]  # the one row stays live
    return tuple(returned)


def _fresh() -> tuple:
    return np.full((1, 1), np.nan), np.zeros((1, 1, 3), np.int64), np.zeros((1, 1), bool), np.full((1, 1), -1)


def test_a_destroyed_or_silent_engagement_radar_holds_nothing_and_drops_what_it_held():
    state = _fresh()
    for tick in range(1, 8):
        *_, holds = _one_radar_tick(tick, True, state, True)
    assert holds[0, 0]  # cued at 1, first look at 3, firm at the third hit (5)
    *_, holds = _one_radar_tick(8, False, state, True)
    assert not holds[0, 0] and np.isnan(state[0][0, 0])
    down = _fresh()
    for tick in range(1, 8):
        *_, holds = _one_radar_tick(tick, False, down, True)
        assert not holds[0, 0]


def test_a_firm_engagement_track_is_dropped_after_coast_misses_in_a_row():
    state = _fresh()
    for tick in range(1, 6):
        _one_radar_tick(tick, True, state, True)
    assert state[2][0, 0]
    for tick in range(6, 8):
        *_, holds = _one_radar_tick(tick, True, state, False)
        assert holds[0, 0]
    *_, holds = _one_radar_tick(8, True, state, False)
    assert not holds[0, 0]


@pytest.mark.parametrize("doctrine, match", [
    ({"launch_on_remote": True}, "cannot launch on remote"),
    ({"kill_chain": "air_picture", "launch_on_remote": True}, "turns off"),
    ({"reserve_for": {"rounds": 30, "classes": ["ballistic_missile"], "layers": ["long"]}}, "more than unit"),
    ({"reserve_for": {"rounds": 2, "classes": ["ballistic_missile"], "layers": ["short"]}}, "no unit holds"),
    ({"reserve_for": {"rounds": 2, "classes": ["missile"], "layers": ["long"]}}, "reserve_for.classes"),
    ({"reserve_for": {"rounds": 2, "classes": ["aircraft"], "layers": ["longest"]}}, "reserve_for.layers"),
])
def test_kill_chain_doctrine_that_cannot_work_is_refused(doctrine, match):
    scenario = battery_scenario(45.0, "engagement_radar")
    scenario["doctrine"] = {**scenario["doctrine"], **doctrine}
    with pytest.raises(UserError, match=match):
        iadsim.load_scenario(scenario)


def test_reserve_for_keeps_its_rounds_from_other_classes():
    """Four fighters, 24 rounds, reserve 22 for ballistic missiles: at most two rounds go to the fighters."""
    scenario = battery_scenario(45.0, "engagement_radar")
    scenario["doctrine"]["reserve_for"] = {"rounds": 22, "classes": ["ballistic_missile"], "layers": ["long"]}
    fired, _ = launches(scenario)
    assert 0 < fired <= 2


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=st.floats(0.0, 359.0), fighters=st.integers(1, 5), unit_type=st.sampled_from(
    ["generic-lr-sam", "generic-sr-sam"]))
def test_no_unit_launches_at_a_track_its_engagement_radar_does_not_hold(heading, fighters, unit_type):
    """Property (issue 19, Verification): every launch follows a fire_control_track of the same unit and track."""
    scenario = battery_scenario(heading, "engagement_radar", unit_type=unit_type, fighters=fighters)
    scenario["units"][0]["inventory"] = {"generic-sr-interceptor" if unit_type == "generic-sr-sam"
                                         else "generic-lr-interceptor": 24}
    _, events = launches(scenario)
    kind = events.column("kind").cast("string")
    held = events.filter(pc.equal(kind, "fire_control_track"))
    first_held = {}
    for unit, track, t in zip(held.column("unit_id").to_pylist(), held.column("track_id").to_pylist(),
                              held.column("t_s").to_pylist()):
        first_held.setdefault((unit, track), t)
    fired = events.filter(pc.equal(kind, "launch"))
    for unit, track, t in zip(fired.column("unit_id").to_pylist(), fired.column("track_id").to_pylist(),
                              fired.column("t_s").to_pylist()):
        assert (unit, track) in first_held and first_held[(unit, track)] <= t
