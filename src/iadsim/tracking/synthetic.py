"""Simulated radar scans of many targets in a flat local frame: the common input of tracker tests and benchmarks.

One radar at the origin of an east-north-up frame looks every ``period_s``;
targets fly nearly constant velocity (white-noise acceleration of intensity
``q``), each detected with probability ``pd``, with Gaussian range, azimuth and
elevation errors; false alarms are Poisson in number and uniform over the
coverage. The *standard scenario* (:func:`standard_scenario`) puts N targets in
a box of 200 km × √(N/50) a side, 100 km north of the radar, 20 % of them
appearing late and 20 % leaving early, for 300 s at a 5 s scan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.sensors.radar import spherical
from iadsim.tracking.backend import Scan, SensorGeometry
from iadsim.tracking.filters import FLAT_GRAVITY

Array = NDArray[np.float64]


@dataclass
class SyntheticRun:
    """Truth and scans of one simulated run: positions (K, N, 3), velocities, presence (K, N), scans (K)."""

    times_s: Array
    positions_m: Array
    velocities_mps: Array
    present: NDArray[np.bool_]
    scans: list[Scan]
    sensors: SensorGeometry


def standard_scenario(targets: int, seed: int = 0, duration_s: float = 300.0, period_s: float = 5.0,
                      pd: float = 0.9, false_alarms_per_scan: float = 10.0) -> SyntheticRun:
    """The benchmark's scenario with ``targets`` targets (see the module doc)."""
    rng = np.random.default_rng(seed)
    side = 200e3 * np.sqrt(targets / 50.0)
    start = np.column_stack((rng.uniform(-side / 2, side / 2, targets), rng.uniform(100e3, 100e3 + side, targets),
                             rng.uniform(1e3, 10e3, targets)))
    heading = rng.uniform(0.0, 2.0 * np.pi, targets)
    speed = rng.uniform(150.0, 300.0, targets)
    velocity = np.column_stack((speed * np.sin(heading), speed * np.cos(heading), np.zeros(targets)))
    times = np.arange(period_s, duration_s + 1e-9, period_s)
    birth = np.where(rng.random(targets) < 0.2, rng.uniform(0.0, duration_s / 2, targets), 0.0)
    death = np.where(rng.random(targets) < 0.2, rng.uniform(duration_s / 2, duration_s, targets), np.inf)
    return simulate_scans(start, velocity, times, birth, death, rng, pd=pd,
                          false_alarms_per_scan=false_alarms_per_scan,
                          sigma=np.array([30.0, np.deg2rad(0.1), np.deg2rad(0.1)]),
                          max_range_m=100e3 + 1.5 * side)


def simulate_scans(start_m: Array, velocity_mps: Array, times_s: Array, birth_s: Array, death_s: Array,
                   rng: np.random.Generator, pd: float, false_alarms_per_scan: float, sigma: Array,
                   max_range_m: float, intensity: float = 1.0) -> SyntheticRun:
    """Fly the targets and draw one scan per time: detections with noise, false alarms."""
    count = len(start_m)
    position, velocity = start_m.astype(float).copy(), velocity_mps.astype(float).copy()
    positions, velocities, present, scans = [], [], [], []
    previous = 0.0
    sensors = SensorGeometry(pos=np.zeros((1, 3)), rotation=np.eye(3)[None], sigma=sigma[None, :],
                             gravity=FLAT_GRAVITY)
    for t in times_s:
        dt = t - previous
        previous = t
        # Exact discretisation of white-noise acceleration per axis (Bar-Shalom et al. 2001 §6.2.2).
        cov = intensity * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
        noise = rng.multivariate_normal(np.zeros(2), cov, size=(count, 2))  # horizontal axes only
        position[:, :2] += velocity[:, :2] * dt + noise[..., 0]
        velocity[:, :2] += noise[..., 1]
        alive = (birth_s <= t) & (t < death_s)
        positions.append(position.copy())
        velocities.append(velocity.copy())
        present.append(alive)
        seen = np.flatnonzero(alive & (rng.random(count) < pd))
        z = spherical(position[seen]) + rng.standard_normal((len(seen), 3)) * sigma
        n_false = rng.poisson(false_alarms_per_scan)
        false = np.column_stack((rng.uniform(10e3, max_range_m, n_false), rng.uniform(-np.pi, np.pi, n_false),
                                 rng.uniform(0.0, 0.1, n_false)))
        z_all = np.vstack((z, false))
        truth = np.concatenate((seen, np.full(n_false, -1))).astype(np.int64)
        order = rng.permutation(len(z_all))
        scans.append(Scan(t_s=float(t), sensor=0, z=z_all[order], picture=np.zeros(len(z_all), np.int64),
                          truth=truth[order]))
    return SyntheticRun(np.asarray(times_s, float), np.array(positions), np.array(velocities), np.array(present),
                        scans, sensors)
