"""The compiled gating: the candidate search against a brute-force one (the assignment: tests/test_assignment.py)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.tracking.association import NEAREST_CANDIDATES, nearest_within, sort_order


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
