"""The sparse assignment solver against scipy's dense optimum, in both of its modes.

Optional rows (the tracker's global nearest neighbour): the total of Σ (d - gate) over
assigned pairs, a row staying unassigned at cost 0, is scipy's ``linear_sum_assignment``
(Crouse 2016) optimum on the dense matrix of those costs, zero where a pair has no edge.
Every row assigned (the WTA's matching, each row with a hold-back column of its own):
scipy's optimum on the dense matrix, an absent edge costing more than any assignment.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from iadsim.assignment import COLUMN_OF_ROW, assign, assignment_work


def _solved(edge: np.ndarray, cost: np.ndarray, optional: bool) -> np.ndarray:
    """Each row's column by :func:`assign` on the edges marked in ``edge`` (rows, columns)."""
    rows, columns = edge.shape
    edges = [np.flatnonzero(edge[i]) for i in range(rows)]
    first = np.concatenate(([0], np.cumsum([len(e) for e in edges]))).astype(np.int64)
    column = np.concatenate(edges + [np.empty(0, np.int64)]).astype(np.int64)
    work = assignment_work(rows, columns, len(column))
    assign(first, column, cost[edge], rows, columns, optional, *work)
    chosen = work[1][COLUMN_OF_ROW, :rows].copy()
    real = chosen < columns
    assert len(np.unique(chosen[real])) == real.sum(), "a column went to two rows"
    assert np.all(edge[np.flatnonzero(real), chosen[real]]), "an assigned pair is not an edge"
    return chosen


@pytest.mark.parametrize("seed", range(40))
def test_optional_rows_reach_scipys_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, columns = rng.integers(1, 30, 2)
    edge = rng.random((rows, columns)) < rng.uniform(0.05, 0.5)
    cost = np.where(edge, rng.uniform(-5.0, 0.0, (rows, columns)), 0.0)
    chosen = _solved(edge, cost, optional=True)
    real = np.flatnonzero(chosen < columns)
    r, c = linear_sum_assignment(cost)
    assert cost[real, chosen[real]].sum() == pytest.approx(cost[r, c].sum(), abs=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_every_row_assigned_reaches_scipys_optimum(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    rows, targets = rng.integers(1, 30, 2)
    edge = np.hstack([rng.random((rows, targets)) < rng.uniform(0.05, 0.7), np.eye(rows, dtype=bool)])
    cost = np.where(edge, rng.uniform(0.0, 5.0, edge.shape), 0.0)
    cost[:, targets:][np.eye(rows, dtype=bool)] = 5.0  # the hold-back columns, worth any edge
    chosen = _solved(edge, cost, optional=False)
    assert np.all(chosen < edge.shape[1]), "a row stayed unassigned"
    r, c = linear_sum_assignment(np.where(edge, cost, 1e6))
    assert cost[np.arange(rows), chosen].sum() == pytest.approx(cost[r, c].sum(), abs=1e-9)


def test_a_row_keeps_the_column_only_it_can_take() -> None:
    """Row 0 prefers column 0, but row 1 can take nothing else: the optimum gives column 0 to row 1."""
    cost = np.array([[-3.0, -2.5], [-2.0, 0.0]])
    chosen = _solved(cost < 0.0, cost, optional=True)
    assert list(chosen) == [1, 0]
