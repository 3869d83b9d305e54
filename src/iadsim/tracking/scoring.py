"""Scoring a tracker against the truth: GOSPA, track-id swaps, and filter consistency (NEES, NIS).

GOSPA (generalised optimal sub-pattern assignment, α = 2; Rahmathullah,
García-Fernández & Svensson 2017) compares a set of track positions with the
set of true positions at one time: an optimal assignment of tracks to truths,
distances capped at ``c``, and c^p / 2 for every missed target and every false
track. Stone Soup's ``GOSPAMetric`` computes the same; a test checks the two agree.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

Array = NDArray[np.float64]
I64 = NDArray[np.int64]


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
