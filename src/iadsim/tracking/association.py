"""Gating for the global nearest neighbour association of measurements to tracks, in compiled kernels.

Candidates (:func:`nearest_within`): the measurements of a look are sorted
along x once; a track's candidates are the :data:`NEAREST_CANDIDATES` nearest
usable ones within its radius, found in the window [x - radius, x + radius]
by a binary search (:func:`first_at_least`) and a scan. A radar reports at most
its track capacity per look, so the window holds a few measurements even in a
saturation raid. The exact gate is then tested in measurement space by the caller.

Assignment (:func:`iadsim.assignment.assign`, optional rows): the global nearest
neighbour rule as Stone Soup's ``GNNWith2DAssignment`` with a ``DistanceHypothesiser``
states it: minimise the sum of Mahalanobis distances of assigned pairs plus a miss
distance (the gate) for every unassigned track, i.e. minimise Σ (d - gate) over the
assigned gated pairs, a track staying unassigned at cost 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import inline_kernel, kernel

I64 = NDArray[np.int64]
Array = NDArray[np.float64]

NEAREST_CANDIDATES = 8
"""Measurements considered per track: the nearest ones within its gate's radius."""


@inline_kernel
def first_at_least(sorted_values: Array, n: int, value: float) -> int:
    """The first index of ``sorted_values[:n]`` (ascending) holding at least ``value`` (n if none)."""
    low, high = 0, n
    while low < high:
        middle = (low + high) // 2
        if sorted_values[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


@kernel
def _sift_down(keys: Array, order: I64, root: int, end: int) -> None:
    """Restore the max-heap order of ``order[:end]`` (by ``keys``) below ``root``."""
    while 2 * root + 1 < end:
        child = 2 * root + 1
        if child + 1 < end and keys[order[child + 1]] > keys[order[child]]:
            child += 1
        if keys[order[child]] <= keys[order[root]]:
            return
        order[root], order[child] = order[child], order[root]
        root = child


@kernel
def sort_order(keys: Array, n: int, order: I64) -> None:
    """``order[:n]``: the indices of ``keys[:n]`` in ascending order of their keys (heapsort)."""
    for i in range(n):
        order[i] = i
    for root in range(n // 2 - 1, -1, -1):
        _sift_down(keys, order, root, n)
    top = np.int64(0)  # a typed zero: from a literal 0 numba would compile _sift_down twice
    for end in range(n - 1, 0, -1):
        order[0], order[end] = order[end], order[0]
        _sift_down(keys, order, top, end)


@inline_kernel
def nearest_within(points: Array, sorted_x: Array, order: I64, n: int, usable: NDArray[np.bool_], x: float,
                   y: float, z: float, radius_m: float, index: I64, distance_squared: Array) -> int:
    """The usable points nearest to (x, y, z) within ``radius_m``, at most ``len(index)`` of them, nearest first.

    ``points[order[k]]`` is the k-th point by x, ``sorted_x[k]`` its x. Writes ``index`` and
    ``distance_squared``; returns how many were found.
    """
    wanted = len(index)
    found = 0
    bound = radius_m * radius_m
    k = first_at_least(sorted_x, n, x - radius_m)
    while k < n and sorted_x[k] <= x + radius_m:
        point = order[k]
        d0, d1, d2 = points[point, 0] - x, points[point, 1] - y, points[point, 2] - z
        d2_point = d0 * d0 + d1 * d1 + d2 * d2
        if usable[point] and d2_point <= bound:
            place = min(found, wanted - 1)  # insert in order, dropping the farthest when full
            while place > 0 and distance_squared[place - 1] > d2_point:
                distance_squared[place], index[place] = distance_squared[place - 1], index[place - 1]
                place -= 1
            distance_squared[place], index[place] = d2_point, point
            found = min(found + 1, wanted)
            if found == wanted:
                bound = distance_squared[wanted - 1]
        k += 1
    return found
