"""The IMM's ballistic mode and its turn axis: free flight under gravity, and tracks held through a ballistic arc.

Ballistic mode: Li & Jilkov, "Survey of Maneuvering Target Tracking, Part II:
Motion Models of Ballistic and Space Targets", IEEE TAES 46(1), 2010.
Reference orbit: Kepler's equation with the f and g functions (Bate, Mueller &
White 1971 §4.5), itself checked here against RK4 integration of central gravity.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import iadsim

from iadsim import geo
from iadsim.physics.ballistic import BallisticPlan, fly_ballistic, rk4_step
from iadsim.physics.environment import central_gravity
from iadsim.sensors.radar import spherical
from iadsim.tracking import filters
from iadsim.tracking.backend import Scan, SensorGeometry, TrackerParameters
from iadsim.tracking.core import ArrayTracker
from iadsim.units import STANDARD_GRAVITY_MPS2
from iadsim.verify.tracking import ballistic_prediction_errors, kepler_state


def _ecef(lat_deg: float, lon_deg: float, alt_m: float) -> np.ndarray:
    return geo.geodetic_to_ecef(np.deg2rad([lat_deg]), np.deg2rad([lon_deg]), np.array([alt_m]))


def test_kepler_reference_agrees_with_integrated_central_gravity():
    pos, vel = _ecef(45.0, 30.0, 60e3), np.array([[1500.0, -800.0, -1200.0]])
    p, v = pos.copy(), vel.copy()
    for k in range(300):  # 30 s in steps of 0.1 s
        p, v = rk4_step(p, v, 0.1 * k, 0.1, lambda q, _v, _t: central_gravity(q))
    kepler_p, kepler_v = kepler_state(pos[0], vel[0], 30.0)
    assert np.linalg.norm(kepler_p - p[0]) < 1e-3
    assert np.linalg.norm(kepler_v - v[0]) < 1e-6


def test_ballistic_prediction_holds_kepler_and_beats_constant_velocity():
    position_m, velocity_mps, straight_m = ballistic_prediction_errors(10.0)
    assert position_m.max() < 1.0 and velocity_mps.max() < 0.1
    assert straight_m > 400.0, "constant velocity misses gravity's g dt²/2 = 490 m over 10 s"


def test_ballistic_prediction_is_exact_vacuum_flight_in_a_flat_frame():
    x = np.array([[1e3, 2e3, 30e3, 100.0, -200.0, 500.0]])
    dt = np.array([7.0])
    predicted = filters.predict_tracks(x, np.zeros((1, 6, 6)), dt, 0.0, True, 0.0, filters.FLAT_GRAVITY)[0][0]
    g = STANDARD_GRAVITY_MPS2
    expected_z = 30e3 + 500.0 * 7.0 - 0.5 * g * 49.0
    assert predicted[2] == pytest.approx(expected_z, abs=1e-9)
    assert predicted[5] == pytest.approx(500.0 - g * 7.0, abs=1e-12)
    assert predicted[:2] == pytest.approx([1e3 + 700.0, 2e3 - 1400.0])


@pytest.mark.parametrize("field, pos", [(filters.FLAT_GRAVITY, np.array([[50e3, 80e3, 5e3]])),
                                        (filters.CENTRAL_GRAVITY, _ecef(38.4, 27.1, 5e3))])
def test_coordinated_turn_is_about_the_local_vertical_of_the_frame(field, pos):
    up = pos / np.linalg.norm(pos) if field == filters.CENTRAL_GRAVITY else np.array([[0.0, 0.0, 1.0]])
    east = np.cross([[0.0, 0.0, 1.0]], up) if field == filters.CENTRAL_GRAVITY else np.array([[1.0, 0.0, 0.0]])
    east /= np.linalg.norm(east)
    x = np.concatenate((pos, 250.0 * east), axis=1)
    dt, rate = np.array([10.0]), 0.05
    new = filters.predict_tracks(x, np.zeros((1, 6, 6)), dt, rate, False, 0.0, field)[0][0]
    assert float(new[3:] @ up[0]) == pytest.approx(0.0, abs=1e-9), "a level turn stays level"
    assert float((new[:3] - pos[0]) @ up[0]) == pytest.approx(0.0, abs=1e-6)
    heading_change = np.arccos(np.clip(new[3:] @ x[0, 3:] / 250.0**2, -1.0, 1.0))
    assert heading_change == pytest.approx(rate * 10.0, rel=1e-9)
    left = np.cross(up[0], east[0])
    assert float(new[3:] @ left) > 0.0, "a positive rate turns left (anticlockwise seen from above)"


def _tracks_lost_on_a_ballistic_arc(interacting_models: bool, runs: int = 10, period_s: float = 5.0) -> float:
    """Confirmed tracks lost per flight: a 280 km minimum-energy flight in vacuum, one radar near the aim point."""
    plan = BallisticPlan(_ecef(40.9, 27.1, 0.0), _ecef(38.4, 27.1, 10.0), np.array([0]), np.array([np.nan]),
                         np.array([np.nan]), np.array([0.0]), np.array([np.inf]))
    flight = fly_ballistic(plan)
    lat, lon = np.deg2rad([38.55]), np.deg2rad([27.1])
    radar = geo.geodetic_to_ecef(lat, lon, np.array([50.0]))
    rotation = geo.enu_rotation(lat, lon)
    sigma = np.array([50.0, np.deg2rad(0.2), np.deg2rad(0.3)])
    sensors = SensorGeometry(pos=radar, rotation=rotation, sigma=sigma[None], gravity=filters.CENTRAL_GRAVITY)
    lost = 0
    for seed in range(runs):
        rng = np.random.default_rng(seed)
        tracker = ArrayTracker(TrackerParameters(interacting_models=interacting_models), sensors)
        for t_s in np.arange(30.0, flight.impact_t_s[0] - 1.0, period_s):
            local = np.einsum("ij,kj->ki", rotation[0], flight.state_at(np.array([0]), np.array([t_s])) - radar)
            z = spherical(local) + rng.standard_normal((1, 3)) * sigma
            tracker.process(Scan(t_s=float(t_s), sensor=0, z=z, picture=np.zeros(1, np.int64),
                                 truth=np.zeros(1, np.int64)))
            lost += len(tracker.ended().id)
    return lost / runs


def test_imm_holds_a_ballistic_missile_that_constant_velocity_loses():
    assert _tracks_lost_on_a_ballistic_arc(interacting_models=True) == 0.0
    assert _tracks_lost_on_a_ballistic_arc(interacting_models=False) >= 2.0


CASE1 = Path(__file__).resolve().parents[2] / "examples" / "case1_s400_city.yaml"


def _ballistic_lost_and_engaged(track: str, seed: int) -> tuple[float, int]:
    """Case 1, radar sensing: tracks of the ballistic missiles lost per missile, and missiles fired at."""
    document = yaml.safe_load(CASE1.read_text())
    document["models"] = {"move": "flight", "fly": "flyout", "sense": "radar", "track": track}
    document.setdefault("doctrine", {})["kill_chain"] = "air_picture"  # the trackers alone, not the hand-over
    events = iadsim.simulate(iadsim.load_scenario(document), seed=seed).events.to_pandas()
    launched = events[events.kind == "threat_launch"]
    ballistic = set(launched.threat_id[launched.weapon.str.startswith("iskander")])
    mine = events[events.threat_id.isin(ballistic)]
    lost = mine[(mine.kind == "track_drop") & mine.reason.astype(str).str.startswith("lost_")]
    return len(lost) / len(ballistic), mine[mine.kind == "launch"].threat_id.nunique()


def test_imm_holds_case_1_ballistic_missiles_better_than_ekf():
    """Seeds 0-3: ekf loses 2.4 tracks per Iskander-class missile, imm 0.7 (since two-point initiation
    both start them with their speed and fire at them; with one-point starts ekf lost 3.25 on seed 0 and
    fired at none). The kill chain is off: with it (engagements later, missiles longer in flight) seeds 0-3 give
    ekf 2.1 and imm 1.1."""
    ekf = [_ballistic_lost_and_engaged("ekf", seed) for seed in range(4)]
    imm = [_ballistic_lost_and_engaged("imm", seed) for seed in range(4)]
    ekf_lost, imm_lost = (sum(lost for lost, _ in runs) / len(runs) for runs in (ekf, imm))
    assert imm_lost <= 0.5 * ekf_lost
    assert sum(engaged for _, engaged in imm) >= 4
