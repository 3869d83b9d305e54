"""Filter consistency of the batched EKF (constant velocity, radar range/azimuth/elevation).

Criterion of Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to
Tracking and Navigation* (2001) §5.4.2: over N Monte Carlo runs, N times the
average NEES (state) is chi-square with N·6 degrees of freedom and N times the
average NIS (innovation) chi-square with N·3; the run averages must lie inside
the two-sided 95 % band at (nearly) every step: about 95 % of steps, so we
require at least 90 %.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from iadsim.sensors.radar import spherical
from iadsim.tracking import filters
from iadsim.tracking.scoring import nees

RUNS = 500
STEPS = 40
DT_S = 5.0
INTENSITY = 1.0  # m²/s³
SIGMA = np.array([30.0, np.deg2rad(0.1), np.deg2rad(0.1)])


def _consistency_runs(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """NEES (STEPS, RUNS) after each update and NIS (STEPS, RUNS) of each innovation."""
    rng = np.random.default_rng(seed)
    truth = np.tile(np.array([0.0, 60e3, 3e3, 150.0, 200.0, 0.0]), (RUNS, 1))
    p = np.tile(np.diag([100.0**2] * 3 + [20.0**2] * 3), (RUNS, 1, 1))
    x = truth + np.einsum("tij,tj->ti", np.linalg.cholesky(p), rng.standard_normal((RUNS, 6)))
    sensor_pos, rotation = np.zeros((RUNS, 3)), np.tile(np.eye(3), (RUNS, 1, 1))
    r = np.tile(np.diag(SIGMA**2), (RUNS, 1, 1))
    dt = np.full(RUNS, DT_S)
    f, q = filters.cv_transition(dt), filters.cv_process_noise(dt, INTENSITY)
    chol_q = np.linalg.cholesky(q)
    nees_steps, nis_steps = [], []
    for _ in range(STEPS):
        truth = np.einsum("tij,tj->ti", f, truth) + np.einsum("tij,tj->ti", chol_q, rng.standard_normal((RUNS, 6)))
        z = spherical(truth[:, :3]) + rng.standard_normal((RUNS, 3)) * SIGMA
        x, p = filters.predict(x, p, f, q)
        z_hat, h = filters.measure(x, sensor_pos, rotation)
        nu = filters.innovation(z, z_hat)
        s = filters.innovation_covariance(p, h, r)
        nis_steps.append(filters.mahalanobis_squared(nu, s))
        x, p = filters.update(x, p, nu, h, s)
        nees_steps.append(nees(truth - x, p))
    return np.array(nees_steps), np.array(nis_steps)


def _inside_band(average: np.ndarray, dof: int, samples: int) -> np.ndarray:
    low, high = stats.chi2.ppf([0.025, 0.975], dof * samples) / samples
    return (average >= low) & (average <= high)


def test_nees_and_nis_inside_the_95_percent_chi_square_band() -> None:
    nees_steps, nis_steps = _consistency_runs()
    for values, dof in ((nees_steps, 6), (nis_steps, 3)):
        per_step = values.mean(axis=1)
        assert _inside_band(per_step, dof, RUNS).mean() >= 0.90, per_step
