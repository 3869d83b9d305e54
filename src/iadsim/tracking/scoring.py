"""Scoring a tracker against the truth: GOSPA, track-id swaps, and filter consistency (NEES, NIS).

GOSPA (generalised optimal sub-pattern assignment, α = 2; Rahmathullah,
García-Fernández & Svensson 2017) compares a set of track positions with the
set of true positions at one time: an optimal assignment of tracks to truths,
distances capped at ``c``, and c^p / 2 for every missed target and every false
track. Stone Soup's ``GOSPAMetric`` computes the same; a test checks the two agree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

Array = NDArray[np.float64]
I64 = NDArray[np.int64]

if TYPE_CHECKING:
    from iadsim.tracking.backend import TrackerBackend
    from iadsim.tracking.synthetic import SyntheticRun


def gospa(track_pos: Array, truth_pos: Array, c: float, p: float = 1.0) -> tuple[float, I64]:
    """GOSPA distance (α = 2) between track positions (M, 3) and true positions (N, 3).

    Returns the distance and, for each truth, the index of its assigned track
    (-1 when missed).
    """
    assigned = np.full(len(truth_pos), -1, np.int64)
    if len(track_pos) == 0 or len(truth_pos) == 0:
        return float((c**p / 2.0 * (len(track_pos) + len(truth_pos))) ** (1.0 / p)), assigned
    distance = np.minimum(np.linalg.norm(truth_pos[:, None, :] - track_pos[None, :, :], axis=2), c)
    rows, cols = linear_sum_assignment(distance**p - c**p)
    real = distance[rows, cols] < c
    assigned[rows[real]] = cols[real]
    cost = np.sum(distance[rows[real], cols[real]] ** p) + c**p / 2.0 * (
        len(track_pos) + len(truth_pos) - 2 * int(real.sum()))
    return float(cost ** (1.0 / p)), assigned


def id_swaps(assigned_ids: list[I64]) -> int:
    """Times a target's assigned track id changed from one track to another between consecutive scores.

    ``assigned_ids[k][n]`` is the id of the track assigned to truth n at time k (-1 when none);
    a gap (-1) between two different ids counts as one swap.
    """
    swaps = 0
    if not assigned_ids:
        return 0
    last = np.full(len(assigned_ids[0]), -1, np.int64)
    for ids in assigned_ids:
        changed = (ids >= 0) & (last >= 0) & (ids != last)
        swaps += int(changed.sum())
        last = np.where(ids >= 0, ids, last)
    return swaps


def nees(error: Array, covariance: Array) -> Array:
    """Normalised estimation error squared εᵀ P⁻¹ ε for (K, n) errors and (K, n, n) covariances."""
    return np.einsum("ki,ki->k", error, np.linalg.solve(covariance, error[..., None])[..., 0])


@dataclass(frozen=True)
class RunScore:
    """A tracker on one simulated run: mean GOSPA after ``settle_s``, id swaps, false tracks (confirmed
    with no real detection behind them, counted once each), time spent in the tracker."""

    mean_gospa_m: float
    mean_gospa_per_target_m: float
    id_swaps: int
    false_tracks: int
    seconds: float


def score_run(tracker: TrackerBackend, run: SyntheticRun, cutoff_m: float = 1000.0, settle_s: float = 60.0,
              scans: int | None = None) -> RunScore:
    """Feed ``run``'s scans (the first ``scans`` if given) to ``tracker``; GOSPA (p = 1), swaps and false tracks
    of its picture."""
    targets = run.present.shape[1]
    total, per_target, assigned_ids, seconds, false_ids = [], [], [], 0.0, set()
    for k, scan in enumerate(run.scans[:scans]):
        start = time.perf_counter()
        tracker.process(scan)
        table = tracker.confirmed()
        seconds += time.perf_counter() - start
        false_ids.update(table.id[table.label < 0].tolist())
        truth = run.positions_m[k][run.present[k]]
        distance, assigned = gospa(table.x[:, :3], truth, cutoff_m)
        ids = np.full(targets, -1, np.int64)
        ids[run.present[k]] = np.append(table.id, -1)[assigned]
        assigned_ids.append(ids)
        if scan.t_s > settle_s:
            total.append(distance)
            per_target.append(distance / max(len(truth), 1))
    return RunScore(float(np.mean(total)), float(np.mean(per_target)), id_swaps(assigned_ids), len(false_ids),
                    seconds)
