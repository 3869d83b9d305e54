"""Ballistic flight: trajectory design against Bate, Mueller & White, and the `flight` move model end to end."""

import numpy as np
import pytest

from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.physics.ballistic import (
    TRAJECTORIES, BallisticPlan, apogee_radius_m, burnout_speed_mps, fly_ballistic, free_flight_range_angle,
    minimum_energy_angle, plan_flight_path_angle,
)
from iadsim.physics.environment import EARTH_MU_M3_S2, height_m
from iadsim.scenario.compile import compile_scenario
from iadsim.verify.physics import round_earth_free_flight_range, vacuum_flat_earth_range
from tests.helpers import raid, scenario

R = geo.MEAN_EARTH_RADIUS_M


def test_vacuum_flat_earth_range_matches_the_textbook_formula():
    """R = v² sin 2θ / g within 0.1 % (flat Earth, no drag)."""
    assert vacuum_flat_earth_range().passed


def test_round_earth_range_matches_bate_mueller_white():
    """Free flight under central gravity against BMW eq. 6.2-11 within 0.1 %."""
    assert round_earth_free_flight_range().passed


def test_burnout_speed_inverts_the_range_equation():
    """BMW eq. 6.2-11 gives Ψ from (Q, φ); the design formula gives back v from (Ψ, φ)."""
    q, phi = np.array([0.3, 0.6, 0.9]), np.deg2rad([25.0, 35.0, 45.0])
    psi = free_flight_range_angle(q, phi)
    speed = burnout_speed_mps(np.full(3, R), np.full(3, R), psi, phi)
    assert speed == pytest.approx(np.sqrt(q * EARTH_MU_M3_S2 / R), rel=1e-9)


def test_minimum_energy_angle_is_a_quarter_of_pi_minus_the_range_angle():
    """BMW eq. 6.2-16: φ = (π − Ψ)/4 for equal radii."""
    psi = np.deg2rad([2.0, 10.0, 40.0])
    assert minimum_energy_angle(np.full(3, R), np.full(3, R), psi) == pytest.approx((np.pi - psi) / 4.0, abs=1e-6)


def test_lofted_and_depressed_share_the_speed_and_bracket_the_minimum_energy_angle():
    r, psi = np.full(1, R), np.deg2rad([4.0])
    best = minimum_energy_angle(r, r, psi)
    fast = 1.1 * burnout_speed_mps(r, r, psi, best)
    lofted = plan_flight_path_angle(r, r, psi, np.array([TRAJECTORIES.index("lofted")]), fast, r)
    depressed = plan_flight_path_angle(r, r, psi, np.array([TRAJECTORIES.index("depressed")]), fast, r)
    assert depressed < best < lofted
    assert burnout_speed_mps(r, r, psi, lofted) == pytest.approx(fast, rel=1e-6)
    assert burnout_speed_mps(r, r, psi, depressed) == pytest.approx(fast, rel=1e-6)
    apogee = plan_flight_path_angle(r, r, psi, np.array([TRAJECTORIES.index("apogee")]), fast, r + 40e3)
    assert apogee_radius_m(r, burnout_speed_mps(r, r, psi, apogee), apogee) == pytest.approx(r + 40e3, abs=1.0)


def test_boost_and_reentry_drag_are_corrected_onto_the_aim_point():
    launch = geo.geodetic_to_ecef(np.deg2rad([41.6] * 3), np.deg2rad([26.5] * 3), np.zeros(3))
    aim = geo.geodetic_to_ecef(np.deg2rad([38.42] * 3), np.deg2rad([27.14] * 3), np.full(3, 10.0))
    plan = BallisticPlan(launch, aim, np.array([1, 0, 2]), np.full(3, 2100.0), np.full(3, 50e3),
                         np.array([20.0, 20.0, 0.0]), np.array([20000.0, np.inf, 20000.0]))
    flights = fly_ballistic(plan)
    assert (np.linalg.norm(flights.impact_pos_m - aim, axis=1) < 25.0).all()
    assert height_m(flights.pos_m[0]).max() == pytest.approx(50e3, rel=0.01), "apogee trajectory"
    slowed = np.linalg.norm(flights.vel_mps[2, int(flights.impact_t_s[2]) - 1])
    assert slowed < 2100.0 * 0.9, "drag on re-entry slows the body"


def test_the_flight_model_lands_ballistic_missiles_on_their_aim_and_knows_when():
    sc = scenario(raids=[raid("generic-ballistic-missile", launch_point={"lat": 41.6, "lon": 26.5}),
                         raid("generic-ballistic-missile", launch_point={"lat": 41.6, "lon": 26.5},
                              trajectory="minimum_energy"),
                         raid("generic-drone")], models={"move": "flight"})
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    mover = dict(build_stages(compiled))["move"]
    world = compiled.world
    peak = np.zeros(3)
    arrived = np.full(3, np.nan)
    for t in range(1, 2200):
        mover.step(world, float(t), 1.0, stream(0, "move"))
        peak = np.maximum(peak, world.threats.alt_m)
        arrived[world.threats.arrived] = t
        world.threats.status[world.threats.arrived] = 3
    assert peak[0] == pytest.approx(50e3, rel=0.01)
    assert peak[1] > peak[0], "minimum energy flies higher than the catalog's flattened arc"
    assert arrived == pytest.approx(np.ceil(mover.arrival_t_s), abs=1.0)
    assert np.linalg.norm(mover.impact_pos_ecef_m[:2] - world.threats.target_pos_ecef_m[:2], axis=1).max() < 25.0


def test_a_quasi_ballistic_missile_weaves_on_the_way_down_and_still_lands_on_its_aim():
    sc = scenario(raids=[raid("iskander-m-class", launch_point={"lat": 41.6, "lon": 26.5})], models={"move": "flight"})
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    mover = dict(build_stages(compiled))["move"]
    flight = fly_ballistic(mover.plan)
    t_end = int(flight.impact_t_s[0])
    vel = flight.vel_mps[0, : t_end + 1]
    pos = flight.pos_m[0, : t_end + 1]
    across = np.cross(vel, pos)
    across /= np.linalg.norm(across, axis=1, keepdims=True)
    sideways = np.einsum("ti,ti->t", np.diff(vel, axis=0), across[:-1])  # m/s gained sideways each second
    low = height_m(pos[:-1]) < 20e3
    descending = np.einsum("ti,ti->t", pos[:-1], vel[:-1]) < 0.0
    assert np.abs(sideways[low & descending]).max() > 30.0, "weaves at several g below 20 km"
    high = (height_m(pos[:-1]) > 20e3) & (height_m(pos[1:]) > 20e3)
    assert np.abs(sideways[high]).max() < 1.0, "no weave above it"
    assert np.linalg.norm(mover.impact_pos_ecef_m[0] - compiled.world.threats.target_pos_ecef_m[0]) < 50.0
