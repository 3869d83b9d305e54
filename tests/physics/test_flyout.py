"""Interceptor flyout, PN guidance, lethality and flyout tables."""

import numpy as np
import pytest

import iadsim
from iadsim.c2.engagement import Envelope
from iadsim.catalog import load_catalog
from iadsim.errors import UserError
from iadsim.physics import flyout_table
from iadsim.physics.flyout import Airframes
from iadsim.physics.guidance import pn_acceleration
from iadsim.physics.lethality import kill_probability
from iadsim.verify.physics import (
    apn_step_manoeuvre, carleton_lethal_area, pn_miss_straight_target, pn_step_manoeuvre,
)
from tests.helpers import raid, scenario, unit


def test_pn_against_a_step_manoeuvre_follows_zarchans_closed_form():
    """n_c = N' n_T/(N'−2) [1 − (1 − t/t_F)^(N'−2)] (Zarchan ch. 2) within 2 %."""
    assert pn_step_manoeuvre().passed


def test_augmented_pn_against_a_step_manoeuvre_follows_its_closed_form():
    """n_c = ½ N' n_T (1 − t/t_F)^(N'−2) (Zarchan ch. 8) within 2 %."""
    assert apn_step_manoeuvre().passed


def test_endgame_sub_steps_resolve_the_miss_against_a_straight_target():
    """Zero-lag PN has no miss against a non-manoeuvring target (Zarchan ch. 2): under 0.5 m with 1 s ticks."""
    assert pn_miss_straight_target().passed


def test_augmented_pn_adds_half_n_times_the_target_acceleration_across_the_line_of_sight():
    rel_pos, rel_vel = np.array([[1000.0, 0.0, 0.0]]), np.array([[-500.0, 0.0, 0.0]])
    accel = np.array([[30.0, 20.0, 0.0]])
    command = pn_acceleration(rel_pos, rel_vel, 4.0, accel)
    assert command[0] == pytest.approx([0.0, 40.0, 0.0])


def test_carleton_has_the_cookie_cutters_lethal_area():
    assert carleton_lethal_area().passed
    pk = kill_probability(np.array([0.0, 10.0, 20.0, np.nan]), np.full(4, 15.0), np.full(4, 0.8),
                          np.array([False, False, False, True]))
    assert list(pk) == [0.8, 0.8, 0.0, 0.0]


def test_a_type_with_some_flyout_figures_missing_is_a_clear_user_error():
    partial = load_catalog().interceptor("pac3-mse-class").model_copy(update={"navigation_constant": None})
    with pytest.raises(UserError, match="navigation_constant"):
        Airframes.of([partial])


def test_a_gun_without_flyout_figures_flies_at_its_average_speed(tmp_path, monkeypatch):
    """The KORKUT-class burst has no flyout figures: the flyout stage flies it as `average_speed` does."""
    monkeypatch.setenv("IADSIM_CACHE", str(tmp_path))
    gun = {"name": "gun", "type": "steel-dome-korkut-system", "position": {"lat": 38.42, "lon": 27.15},
           "inventory": {"steel-dome-korkut-35mm-class": 20}}
    sc = scenario(raids=[raid("generic-cruise-missile", count=3, launch_interval="30 s")], units=[gun],
                  models={"move": "flight", "fly": "flyout"})
    events = iadsim.simulate(sc).events.to_pandas()
    assert (events.kind == "launch").sum() >= 1
    assert events.kind.isin(["intercept", "miss"]).sum() >= 1


def test_flyout_table_is_cached_and_agrees_with_the_envelope(tmp_path, monkeypatch):
    monkeypatch.setenv("IADSIM_CACHE", str(tmp_path))
    kind = load_catalog().interceptor("generic-sr-interceptor")
    table = flyout_table.flyout_table(kind)
    assert len(list((tmp_path / "flyout").glob("*.npz"))) == 1
    again = flyout_table.flyout_table(kind)
    assert np.array_equal(table.time_of_flight_s, again.time_of_flight_s)
    tof, speed = table.lookup(np.array([6e3, 1e6]), np.array([3e3, 3e3]))
    assert np.isfinite(tof[0]) and np.isinf(tof[1])
    assert 0 < speed[0] < kind.burnout_speed
    assert tof[0] > 6e3 / kind.burnout_speed, "no faster than the peak speed"


def test_c2_predicts_intercepts_from_the_flyout_table(tmp_path, monkeypatch):
    """A target standing still: the envelope's time of flight is the table's."""
    from iadsim import geo

    monkeypatch.setenv("IADSIM_CACHE", str(tmp_path))
    kind = load_catalog().interceptor("generic-sr-interceptor")
    table = flyout_table.flyout_table(kind)
    envelope = Envelope.of([kind], [table])
    lat, lon = np.deg2rad(38.4), np.deg2rad(27.1)
    launcher, rotation = geo.geodetic_to_ecef(lat, lon, 0.0), geo.enu_rotation(lat, lon)
    target = geo.enu_to_ecef(np.array([[0.0, 8e3, 2e3]]), launcher, rotation)
    ok, tof = envelope.intercepts(0, launcher, rotation, target, np.zeros((1, 3)), np.array([1e3]))
    expected, _ = table.lookup(np.array([8e3]), geo.ecef_to_geodetic(target)[2])
    assert ok[0] and tof[0] == pytest.approx(expected[0], rel=1e-6)


def test_a_run_with_the_flyout_model_kills_threats_with_small_misses(tmp_path, monkeypatch):
    monkeypatch.setenv("IADSIM_CACHE", str(tmp_path))
    sc = scenario(raids=[raid("generic-fighter", count=2, launch_interval="60 s")],
                  units=[unit("generic-lr-sam", rounds=8)], models={"move": "flight", "fly": "flyout"})
    result = iadsim.simulate(sc)
    events = result.events.to_pandas()
    ends = events[events.kind.isin(["intercept", "miss"])]
    assert len(ends) >= 2
    assert (ends.value.dropna() < 1.0).all(), "PN with endgame sub-steps hits within a metre"
    assert result.metrics["killed"] >= 1


def test_the_endgame_follows_a_turning_target_within_the_tick():
    """A target in a 4 g level turn, seen once a second: with its acceleration the endgame's parabola
    keeps the true closest approach under 1 m (lethal radii are 3-15 m); taken as straight, it is off by metres."""
    from iadsim import geo
    from iadsim.physics.flyout import FlightState, fly_tick, launch_direction

    airframes = Airframes.of([load_catalog().interceptor("generic-sr-interceptor")])
    lat0, lon0 = np.deg2rad(38.4), np.deg2rad(27.1)
    origin, rotation = geo.geodetic_to_ecef(lat0, lon0, 0.0), geo.enu_rotation(lat0, lon0)
    speed, accel = 250.0, 4.0 * 9.80665
    rate, radius = accel / speed, speed**2 / accel
    phases = np.linspace(0.0, 2.0 * np.pi, 8, endpoint=False)

    def target(t):
        angle = phases + rate * t
        enu = np.column_stack([2e3 + radius * np.cos(angle), 8e3 + radius * np.sin(angle), np.full(8, 3e3)])
        return geo.enu_to_ecef(enu, origin, rotation)

    def true_misses(curved):
        launcher = np.tile(origin, (8, 1))
        state = FlightState(launcher.copy(), launch_direction(launcher, target(10.0)), np.zeros(8, np.int64),
                            np.zeros(8))
        miss, flying, last_chord = np.full(8, np.nan), np.ones(8, bool), target(0.0) - target(-1.0)
        for t in range(1, 60):
            chord = target(t) - target(t - 1.0)
            estimate, last_chord = chord - last_chord, chord
            rows = np.flatnonzero(flying)
            sub = FlightState(state.pos_m[rows], state.vel_mps[rows], state.kind[rows], state.flown_s[rows])
            outcome = fly_tick(sub, airframes, target(t)[rows], chord[rows], 1.0,
                               target_accel_mps2=estimate[rows] if curved else None)
            state.pos_m[rows], state.vel_mps[rows], state.flown_s[rows] = sub.pos_m, sub.vel_mps, sub.flown_s
            for i in rows[outcome.reached]:
                miss[i] = np.linalg.norm(state.pos_m[i] - target(state.flown_s[i])[i])
            flying[rows[outcome.reached | outcome.gave_up]] = False
            if not flying.any():
                break
        return miss

    assert np.max(true_misses(curved=True)) < 1.0
    assert np.max(true_misses(curved=False)) > 2.0
