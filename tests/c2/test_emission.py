"""Emission control and anti-radiation missiles: radars fall silent by policy, silent radars detect nothing,
and an ARM whose radar fell silent misses by its drift (docs/doctrine.md, docs/models.md)."""

import numpy as np

import iadsim
from iadsim.catalog import load_catalog
from iadsim.scenario.load import scenario_hash
from iadsim.verify.arm import SHUT_DOWN_S, miss_and_drift_m, shutdown_scenario
from tests.helpers import raid, scenario, unit


def _events(**changes):
    return iadsim.simulate(scenario(**changes)).events.to_pandas()


def test_a_blinking_radar_switches_on_time_and_detects_only_while_on():
    emission = {"policy": "blinking", "on_for": "30 s", "off_for": "60 s"}
    events = _events(units=[unit(emission=emission)], raids=[raid(count=3, launch_interval="20 s")],
                     log_all_detections=True, duration="10 min")
    off = events[events.kind == "emission_off"]
    on = events[events.kind == "emission_on"]
    assert sorted(set(off.t_s)) [:2] == [30.0, 120.0] and sorted(set(on.t_s))[:2] == [90.0, 180.0]
    detected = events[events.kind == "detect"].t_s.to_numpy()
    assert len(detected) and (np.mod(detected - 1.0, 90.0) < 30.0 + 1e-9).all()  # a look one tick after the switch


def test_the_emission_policy_always_leaves_the_scenario_hash_and_the_log_unchanged():
    plain = scenario(units=[unit()], raids=[raid()])
    explicit = scenario(units=[unit(emission={"policy": "always"})], raids=[raid()],
                        doctrine={"emission": {"policy": "always"}})
    assert scenario_hash(plain) == scenario_hash(scenario(units=[unit()], raids=[raid()],
                                                          doctrine={"emission": {"policy": "always"}}))
    assert iadsim.simulate(plain).to_pandas().equals(iadsim.simulate(explicit).to_pandas())  # NaN == NaN here


def test_in_range_keeps_the_engagement_radar_silent_until_a_track_comes_within_range():
    emission = {"policy": "in_range", "radars": "engagement", "range": "40 km"}
    events = _events(units=[unit(emission=emission)], raids=[raid()], duration="45 min")
    switches = events[events.kind.isin(["emission_off", "emission_on"])]
    assert list(switches.kind[:2]) == ["emission_off", "emission_on"]
    assert set(switches.sensor_id) == {1}  # the fire-control radar only; the search radar stays on


def test_an_arm_warning_shuts_the_radars_down_after_the_reaction_time_and_never_without_reaction():
    def first_off(probability):
        data = shutdown_scenario(count=4)
        data["units"][0]["emission"] = {"policy": "arm_warning", "reaction_time": 7.0,
                                        "reaction_probability": probability}
        events = iadsim.simulate(data, seed=2).events.to_pandas()
        tracked = events[(events.kind == "track_start")].t_s.min()
        return tracked, events[events.kind == "emission_off"].t_s
    tracked, off = first_off(1.0)
    assert off.min() == tracked + 7.0
    assert first_off(0.0)[1].empty


def test_an_arm_misses_its_silent_radar_by_rate_times_time_from_shut_down():
    """Drift model of docs/models.md (Anti-radiation missiles): with no warhead scatter (cep 0) the miss is
    exactly e = v·(t − T), v the catalog silent_drift_rate, T the shut-down time."""
    miss, drift = miss_and_drift_m(seed=5, cep="0 m")
    assert len(miss) and (drift > 0).all()
    np.testing.assert_allclose(miss, drift, atol=1e-6)
    assert load_catalog().threat("agm-88-class").silent_drift_rate * (400.0 - SHUT_DOWN_S) >= drift.max()


def test_a_silent_engagement_radar_is_down_for_the_kill_chain_and_hands_its_tracks_over_again():
    """docs/doctrine.md (Emission control) with the kill chain (docs/models.md): while its engagement radar is
    silent a unit holds no engagement track and launches nothing; a track it held before falling silent is
    handed over from scratch (a new cue, acquisition and confirmation) once it radiates again."""
    emission = {"policy": "blinking", "radars": "engagement", "on_for": "40 s", "off_for": "50 s"}
    events = _events(units=[unit(rounds=16, emission=emission)], raids=[raid(count=6, launch_interval="30 s")],
                     duration="40 min")
    switches = events[events.kind.isin(["emission_on", "emission_off"])]

    def on_at(t):  # radiating from the start until the first switch
        earlier = switches[switches.t_s <= t]
        return earlier.empty or earlier.kind.iloc[-1] == "emission_on"

    firm = events[events.kind == "fire_control_track"]
    launches = events[events.kind == "launch"]
    assert len(launches) and all(on_at(t) for t in launches.t_s)
    for t, hand_over in zip(firm.t_s, firm.value, strict=True):  # radiating from the cue to the firm track
        assert not ((switches.t_s > t - hand_over - 1.0) & (switches.t_s <= t)
                    & (switches.kind == "emission_off")).any()
    assert firm.track_id.duplicated().any()  # a track held across a shut-down was handed over again
