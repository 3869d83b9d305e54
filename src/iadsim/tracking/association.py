"""Gating and global nearest neighbour association of measurements to tracks, in compiled kernels.

Candidates (:func:`nearest_within`): the measurements of a look are sorted
along x once; a track's candidates are the :data:`NEAREST_CANDIDATES` nearest
usable ones within its radius, found in the window [x - radius, x + radius]
by a binary search (:func:`first_at_least`) and a scan. A radar reports at most
its track capacity per look, so the window holds a few measurements even in a
saturation raid. The exact gate is then tested in measurement space by the caller.

Assignment (:func:`assign`): the global nearest neighbour rule as Stone Soup's
``GNNWith2DAssignment`` with a ``DistanceHypothesiser`` states it: minimise the
sum of Mahalanobis distances of assigned pairs plus a miss distance (the gate)
for every unassigned track, i.e. minimise Σ (d - gate) over the assigned
gated pairs. It is solved exactly by successive shortest augmenting paths
(Dijkstra with potentials), the method of ``scipy.optimize.linear_sum_assignment``
(Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES
52(4), 2016), on the sparse graph of gated pairs with one private "unassigned"
column per track: each augmenting path explores only its own cluster of tracks
and measurements, so a lone pair costs a few operations and the work follows
the clusters, not the product of tracks and measurements.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import inline_kernel, kernel

I64 = NDArray[np.int64]
Array = NDArray[np.float64]

NEAREST_CANDIDATES = 8
"""Measurements considered per track: the nearest ones within its gate's radius."""
# Rows of the assignment's work arrays: reals (3, rows + columns), indices (5, rows + columns).
_U, _V, _SHORTEST = 0, 1, 2
COLUMN_OF_ROW, _VISITED_ROWS, _ROW_OF_COLUMN, _PATH, _TOUCHED = 0, 1, 2, 3, 4


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
    for end in range(n - 1, 0, -1):
        order[0], order[end] = order[end], order[0]
        _sift_down(keys, order, 0, end)


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


@kernel
def assignment_work(rows: int, columns: int, edges: int) -> tuple[Array, I64, NDArray[np.bool_], Array, I64]:
    """Work arrays of :func:`assign` for ``rows`` rows, ``columns`` columns and ``edges`` edges."""
    total, heap = rows + columns, edges + rows + 1
    return (np.empty((3, total)), np.empty((5, total), np.int64), np.empty(total, np.bool_), np.empty(heap),
            np.empty(heap, np.int64))


@kernel
def _heap_push(key: Array, item: I64, size: int, new_key: float, new_item: int) -> int:
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if key[parent] <= new_key:
            break
        key[i], item[i] = key[parent], item[parent]
        i = parent
    key[i], item[i] = new_key, new_item
    return size + 1


@kernel
def _heap_pop(key: Array, item: I64, size: int) -> tuple[float, int, int]:
    top_key, top_item = key[0], item[0]
    size -= 1
    last_key, last_item = key[size], item[size]
    i = 0
    while 2 * i + 1 < size:
        child = 2 * i + 1
        if child + 1 < size and key[child + 1] < key[child]:
            child += 1
        if key[child] >= last_key:
            break
        key[i], item[i] = key[child], item[child]
        i = child
    key[i], item[i] = last_key, last_item
    return top_key, top_item, size


@kernel
def assign(first: I64, column: I64, cost: Array, rows: int, columns: int, reals: Array, indices: I64,
           visited: NDArray[np.bool_], heap_key: Array, heap_item: I64) -> None:
    """Minimum-cost assignment of ``rows`` rows to ``columns`` columns along edges of negative cost; a row may
    stay unassigned at cost 0. Row i's edges are ``column[first[i]:first[i + 1]]`` with ``cost``.

    Writes ``indices[COLUMN_OF_ROW, :rows]``: each row's column, or a value ≥ ``columns`` when it stays
    unassigned. Successive shortest augmenting paths (see the module doc); column ``columns + i`` is
    row i's own "unassigned" column, so every augmentation ends. Work arrays: :func:`assignment_work`.
    """
    u, v, shortest = reals[_U], reals[_V], reals[_SHORTEST]
    col_of_row, visited_rows, row_of_col = indices[COLUMN_OF_ROW], indices[_VISITED_ROWS], indices[_ROW_OF_COLUMN]
    path, touched = indices[_PATH], indices[_TOUCHED]
    for i in range(rows):
        u[i] = 0.0
        col_of_row[i] = -1
    for j in range(columns + rows):
        v[j], row_of_col[j], shortest[j], visited[j], path[j] = 0.0, -1, np.inf, False, -1
    for current in range(rows):
        n_touched = n_rows = heap = 0
        i, lowest, sink = current, 0.0, -1
        while sink < 0:
            visited_rows[n_rows] = i
            n_rows += 1
            for e in range(first[i], first[i + 1] + 1):
                j, c = (column[e], cost[e]) if e < first[i + 1] else (columns + i, 0.0)
                if visited[j]:
                    continue
                reduced = lowest + c - u[i] - v[j]
                if reduced < shortest[j]:
                    if shortest[j] == np.inf:
                        touched[n_touched] = j
                        n_touched += 1
                    shortest[j] = reduced
                    path[j] = i
                    heap = _heap_push(heap_key, heap_item, heap, reduced, j)
            key, j, heap = _heap_pop(heap_key, heap_item, heap)
            while visited[j] or key > shortest[j]:  # a stale entry: the nearest column not yet reached is below
                key, j, heap = _heap_pop(heap_key, heap_item, heap)
            visited[j] = True
            lowest = shortest[j]
            if row_of_col[j] < 0:
                sink = j
            else:
                i = row_of_col[j]
        u[current] += lowest
        for k in range(1, n_rows):
            r = visited_rows[k]
            u[r] += lowest - shortest[col_of_row[r]]
        for k in range(n_touched):
            j = touched[k]
            if visited[j]:
                v[j] -= lowest - shortest[j]
        j = sink
        while True:
            i = path[j]
            row_of_col[j] = i
            col_of_row[i], j = j, col_of_row[i]
            if i == current:
                break
        for k in range(n_touched):
            j = touched[k]
            shortest[j], visited[j], path[j] = np.inf, False, -1
