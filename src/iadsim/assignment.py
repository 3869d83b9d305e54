"""Minimum-cost assignment on a sparse graph, in a compiled kernel: the tracker's association and the WTA's matching.

:func:`assign` gives each row (a track, a round) at most one column (a
measurement, a target), each column at most one row, at the least total cost
over the graph's edges. Row i's edges are ``column[first[i]:first[i + 1]]`` with
``cost``. Two modes:

- *optional rows* (the tracker's global nearest neighbour): a row may stay
  unassigned at cost 0, through a private column ``columns + i`` the solver adds
  itself; edges then have negative costs (distance minus gate), so a row takes
  an edge only when it lowers the total;
- *every row assigned* (the WTA's matching): the graph must give each row a
  column of its own (its hold-back column), so a complete assignment exists.

The method is that of ``scipy.optimize.linear_sum_assignment`` (Crouse, "On
implementing 2D rectangular assignment algorithms", IEEE Transactions on Aerospace
and Electronic Systems 52(4), 2016): successive shortest augmenting paths with
row and column potentials, one row at a time, here with Dijkstra's search over
the edges from a binary heap. It starts from a row reduction (each row's
potential is its cheapest edge, and a row whose cheapest column is still free
takes it), as Jonker and Volgenant's does; a search ends at the first free column
it reaches, so it explores only its own cluster of rows and columns: a lone pair
costs a few operations and the work follows the clusters, not the product of
rows and columns. Work arrays come from :func:`assignment_work`, so a caller
solving many small problems allocates once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import inline_kernel, kernel

I64 = NDArray[np.int64]
Array = NDArray[np.float64]

# Rows of the work arrays: reals (3, rows + columns), indices (5, rows + columns).
_U, _V, _SHORTEST = 0, 1, 2
COLUMN_OF_ROW, _VISITED_ROWS, _ROW_OF_COLUMN, _PATH, _TOUCHED = 0, 1, 2, 3, 4


@kernel
def assignment_work(rows: int, columns: int, edges: int) -> tuple[Array, I64, NDArray[np.bool_], Array, I64]:
    """Work arrays of :func:`assign` for up to ``rows`` rows, ``columns`` columns and ``edges`` edges (private
    columns of optional rows included)."""
    total, heap = rows + columns, edges + rows + 1
    return (np.empty((3, total)), np.empty((5, total), np.int64), np.empty(total, np.bool_), np.empty(heap),
            np.empty(heap, np.int64))


@inline_kernel
def _heap_push(key: Array, item: I64, size: int, new_key: float, new_item: int) -> int:
    """Push onto the binary min-heap ``key``/``item`` of ``size`` entries; the new size."""
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if key[parent] <= new_key:
            break
        key[i], item[i] = key[parent], item[parent]
        i = parent
    key[i], item[i] = new_key, new_item
    return size + 1


@inline_kernel
def _heap_pop(key: Array, item: I64, size: int) -> tuple[float, int, int]:
    """The smallest entry of the binary min-heap, and the new size."""
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
def assign(first: I64, column: I64, cost: Array, rows: int, columns: int, optional: bool, reals: Array,
           indices: I64, visited: NDArray[np.bool_], heap_key: Array, heap_item: I64) -> None:
    """Minimum-cost assignment of ``rows`` rows to ``columns`` columns (see the module doc); with ``optional``
    a row may stay unassigned at cost 0.

    Writes ``indices[COLUMN_OF_ROW, :rows]``: each row's column, or (optional rows) a value ≥ ``columns``
    when it stays unassigned. Work arrays: :func:`assignment_work`.
    """
    u, v, shortest = reals[_U], reals[_V], reals[_SHORTEST]
    col_of_row, visited_rows, row_of_col = indices[COLUMN_OF_ROW], indices[_VISITED_ROWS], indices[_ROW_OF_COLUMN]
    path, touched = indices[_PATH], indices[_TOUCHED]
    private = 1 if optional else 0  # optional rows: edge first[i + 1] of row i is its private column
    total = columns + rows * private
    for j in range(total):
        v[j], row_of_col[j], shortest[j], visited[j], path[j] = 0.0, -1, np.inf, False, -1
    for i in range(rows):  # row reduction
        best, best_j = np.inf, -1
        for e in range(first[i], first[i + 1] + private):
            j, c = (column[e], cost[e]) if e < first[i + 1] else (columns + i, 0.0)
            if c < best:
                best, best_j = c, j
        u[i], col_of_row[i] = best, -1
        if row_of_col[best_j] < 0:
            row_of_col[best_j], col_of_row[i] = i, best_j
    for current in range(rows):
        if col_of_row[current] >= 0:
            continue
        n_touched = n_rows = heap = 0
        i, lowest, sink = current, 0.0, -1
        while sink < 0:
            visited_rows[n_rows] = i
            n_rows += 1
            for e in range(first[i], first[i + 1] + private):
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
