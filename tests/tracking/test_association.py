"""The compiled association: the candidate search against a brute-force one, the assignment against scipy's optimum.

The assignment minimises Σ (d - gate) over gated pairs (Stone Soup's GNN rule); scipy's
``linear_sum_assignment`` (Crouse 2016) on the dense matrix of those gains, zero where a
pair is not gated, gives the optimal total to compare with.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from iadsim.tracking.association import (COLUMN_OF_ROW, NEAREST_CANDIDATES, assign, assignment_work,
                                         nearest_within, sort_order)


@pytest.mark.parametrize("n", [0, 1, 5, 8, 9, 40, 1000])
def test_window_search_finds_the_nearest_usable_points_within_a_radius(n: int) -> None:
    rng = np.random.default_rng(n)
    points = rng.uniform(0.0, 10e3, (n, 3)) * np.array([1.0, 1.0, 0.1])
    order = np.empty(n, np.int64)
    sort_order(points[:, 0].copy(), n, order)
    assert sorted(order) == list(range(n)) and np.all(np.diff(points[order, 0]) >= 0)
    sorted_x = points[order, 0].copy()
    usable = rng.random(n) < 0.8
    index, distance_squared = np.empty(NEAREST_CANDIDATES, np.int64), np.empty(NEAREST_CANDIDATES)
    for _ in range(50):
        q, radius = rng.uniform(0.0, 10e3, 3), rng.uniform(0.0, 4e3)
        d = np.linalg.norm(points - q, axis=1)
        inside = np.flatnonzero((d <= radius) & usable)
        expected = inside[np.argsort(d[inside], kind="stable")][:NEAREST_CANDIDATES]
        count = nearest_within(points, sorted_x, order, n, usable, q[0], q[1], q[2], radius, index, distance_squared)
        assert sorted(index[:count]) == sorted(expected)
        assert np.allclose(np.sqrt(distance_squared[:count]), np.sort(d[expected]))


def _assigned_total(gain: np.ndarray) -> float:
    """Our assignment's total gain on a dense matrix whose zeros are pairs outside the gate."""
    rows, columns = gain.shape
    edges = [np.flatnonzero(gain[i] < 0.0) for i in range(rows)]
    first = np.concatenate(([0], np.cumsum([len(e) for e in edges]))).astype(np.int64)
    column = np.concatenate(edges + [np.empty(0, np.int64)]).astype(np.int64)
    cost = gain[np.repeat(np.arange(rows), [len(e) for e in edges]), column]
    reals, indices, visited, heap_key, heap_item = assignment_work(rows, columns, len(column))
    assign(first, column, cost, rows, columns, reals, indices, visited, heap_key, heap_item)
    chosen = indices[COLUMN_OF_ROW, :rows]
    real = chosen < columns
    assert len(np.unique(chosen[real])) == real.sum(), "a measurement went to two tracks"
    assert np.all(gain[np.flatnonzero(real), chosen[real]] < 0.0), "an assigned pair is outside the gate"
    return float(gain[np.flatnonzero(real), chosen[real]].sum())


@pytest.mark.parametrize("seed", range(40))
def test_assignment_is_optimal_as_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, columns = rng.integers(1, 30, 2)
    gated = rng.random((rows, columns)) < rng.uniform(0.05, 0.5)
    gain = np.where(gated, rng.uniform(-5.0, 0.0, (rows, columns)), 0.0)
    r, c = linear_sum_assignment(gain)
    assert _assigned_total(gain) == pytest.approx(float(gain[r, c].sum()), abs=1e-9)


def test_a_track_keeps_the_measurement_only_it_can_take() -> None:
    """Track 0 prefers measurement 0, but track 1 can take nothing else: the optimum gives 0 to track 1."""
    gain = np.array([[-3.0, -2.5], [-2.0, 0.0]])
    assert _assigned_total(gain) == pytest.approx(-4.5)
