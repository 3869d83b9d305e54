"""Two-point initiation: a track starts on two detections, with the velocity they give.

The new track's state is the linear Gaussian posterior of a first detection
(position, velocity zero with ``initial_speed_sigma`` per axis), predicted at
constant velocity to the second and updated with its converted position
(Bar-Shalom, Li & Kirubarajan 2001, §6.2 and §5.2), recomputed here in numpy.
Pairing is gated by ``max_target_speed``: a target faster than it never starts.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.radar import spherical
from iadsim.tracking import filters
from iadsim.tracking.backend import Scan, SensorGeometry, TrackerParameters
from iadsim.tracking.core import HITS, LIVE, LIVE_LIST, SEED, STATUS, TENTATIVE, ArrayTracker
from iadsim.tracking.stonesoup_backend import StoneSoupTracker

SIGMA = np.array([50.0, np.deg2rad(0.2), np.deg2rad(0.3)])
FLAT = SensorGeometry(pos=np.zeros((1, 3)), rotation=np.eye(3)[None], sigma=SIGMA[None], gravity=filters.FLAT_GRAVITY)
START_M = np.array([60_000.0, 90_000.0, 15_000.0])


def _scan(t_s: float, position_m: np.ndarray, rng: np.random.Generator | None = None) -> Scan:
    z = spherical(position_m[None]) + (rng.standard_normal((1, 3)) * SIGMA if rng is not None else 0.0)
    return Scan(t_s=t_s, sensor=0, z=z, picture=np.zeros(1, np.int64), truth=np.zeros(1, np.int64))


def _converted(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position and covariance G R Gᵀ of one (range, az, el) measurement (Jacobian of the conversion)."""
    x, p = np.zeros(6), np.zeros((6, 6))
    filters.initial_state(z, np.zeros(3), np.eye(3), SIGMA, 0.0, x, p)
    return x[:3], p[:3, :3]


def test_the_track_of_two_detections_is_the_kalman_posterior_of_the_pair() -> None:
    parameters = TrackerParameters()
    tracker = ArrayTracker(parameters, FLAT)
    velocity = np.array([-1800.0, -2200.0, 300.0])  # 2.86 km/s: 4 sigma of the 500 m/s prior per axis
    first, second = _scan(0.0, START_M), _scan(5.0, START_M + 5.0 * velocity)
    tracker.process(first)
    assert tracker.store.track[tracker.store.lists[LIVE_LIST, 0], STATUS] == SEED
    tracker.process(second)
    store = tracker.store  # grown: a second radar slot per track
    row = store.lists[LIVE_LIST, 0]
    assert store.counts[LIVE] == 1 and store.track[row, STATUS] == TENTATIVE and store.track[row, HITS] == 2

    (m1, r1), (m2, r2) = _converted(first.z[0]), _converted(second.z[0])
    dt, q, s0 = 5.0, parameters.process_intensity, parameters.initial_speed_sigma_mps
    x = np.concatenate((m1, np.zeros(3)))
    p = np.block([[r1, np.zeros((3, 3))], [np.zeros((3, 3)), s0**2 * np.eye(3)]])
    f = np.block([[np.eye(3), dt * np.eye(3)], [np.zeros((3, 3)), np.eye(3)]])
    noise = q * np.block([[dt**3 / 3 * np.eye(3), dt**2 / 2 * np.eye(3)], [dt**2 / 2 * np.eye(3), dt * np.eye(3)]])
    x, p = f @ x, f @ p @ f.T + noise
    h = np.hstack((np.eye(3), np.zeros((3, 3))))
    gain = p @ h.T @ np.linalg.inv(h @ p @ h.T + r2)
    x, p = x + gain @ (m2 - h @ x), (np.eye(6) - gain @ h) @ p
    np.testing.assert_allclose(store.x[row], x, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(store.p[row], p, rtol=1e-7, atol=1e-6)
    # Noise-free detections: the velocity is the displacement over the time, shrunk by the prior where the
    # positions err most (across the beam: 2 x (520 m)^2 against (2.5 km)^2 of prior spread, 8 %).
    assert np.linalg.norm(store.x[row, 3:] - velocity) < 0.03 * np.linalg.norm(velocity)


@pytest.mark.parametrize("speed_mps", [300.0, 2500.0])
def test_a_target_confirms_at_its_third_detection_whatever_its_speed(speed_mps: float) -> None:
    """Pd 1, 5 s scans: confirmed at the third scan (3 of 5). Stone Soup's one-point initiator, with the same
    500 m/s prior, confirms the slow target as fast and never the fast one (5 sigma per axis off its gate)."""
    heading = np.array([-0.6, -0.8, 0.0])
    rng = np.random.default_rng(4)
    ours, theirs = ArrayTracker(TrackerParameters(), FLAT), StoneSoupTracker(TrackerParameters(), FLAT)
    confirmed_at = {"ours": None, "theirs": None}
    for t_s in np.arange(0.0, 30.0, 5.0):
        scan = _scan(float(t_s), START_M + t_s * speed_mps * heading, rng)
        for name, tracker in (("ours", ours), ("theirs", theirs)):
            tracker.process(scan)
            if confirmed_at[name] is None and len(tracker.confirmed().id):
                confirmed_at[name] = float(t_s)
    assert confirmed_at["ours"] == 10.0
    assert confirmed_at["theirs"] == (10.0 if speed_mps < 1000.0 else None)


def test_no_track_starts_on_a_target_faster_than_max_target_speed() -> None:
    """12.5 km between detections 5 s apart, against 5 km at 1 km/s plus the gate on both errors (~4 km)."""
    tracker = ArrayTracker(TrackerParameters(max_target_speed_mps=1000.0), FLAT)
    velocity = np.array([0.0, -2500.0, 0.0])
    for t_s in np.arange(0.0, 30.0, 5.0):
        tracker.process(_scan(float(t_s), START_M + t_s * velocity))
    store = tracker.store
    live = store.lists[LIVE_LIST, : store.counts[LIVE]]
    assert len(tracker.confirmed().id) == 0
    assert set(store.track[live, STATUS].tolist()) <= {SEED}


def test_a_seed_no_detection_pairs_is_freed_after_as_many_misses_as_a_tentative_track_may_have() -> None:
    """3 of 5: a seed (one hit) can still confirm after two empty looks, not after three."""
    tracker = ArrayTracker(TrackerParameters(confirm_hits=3, confirm_looks=5), FLAT)
    tracker.process(_scan(0.0, START_M))
    live = []
    for t_s in (5.0, 10.0, 15.0):
        tracker.process(Scan(t_s=t_s, sensor=0, z=np.zeros((0, 3)), picture=np.zeros(0, np.int64),
                             truth=np.zeros(0, np.int64)))
        live.append(int(tracker.store.counts[LIVE]))
    assert live == [1, 1, 0]
