"""A proven lower bound by column generation: the Lagrangian bound of :mod:`.lagrangian` with LP prices.

The Lagrangian dual max_λ L(λ) of :mod:`.lagrangian` (the weapons' rounds priced at
λ_w ≥ 0) equals the linear programme over *patterns* (Dantzig & Wolfe, Operations
Research 8(1), 1960; Geoffrion, Mathematical Programming Study 2, 1974): choose for
each target a convex combination of multisets of rounds at it, each costing
V_j q0_j Π (1 − p_wj)^x_wj + Σ c_w x_wj, using on average at most each weapon's
rounds. Its prices are the weapon rows' duals; the best pattern of each target at
those prices is exactly :func:`~.lagrangian.dual_value`'s per-target search, which
both prices the new columns and gives L(λ), a valid bound at every step whatever the
LP solver's accuracy. Iterating (HiGHS through :func:`scipy.optimize.linprog`) climbs
to the dual's maximum far faster than subgradient steps on instances of hundreds of
weapons, where the subgradient of :func:`~.lagrangian.lagrangian_bound` may not
even reach a positive bound. For benchmarks: a few LPs of a second or less; the
number of LPs is a count, never the clock.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from iadsim.c2.wta.lagrangian import dual_value
from iadsim.c2.wta.problem import I64, SURE_KILL_PK, PairProblem

COLUMN_ITERATIONS = 60
"""Most LPs (rounds of new columns) of one :func:`column_bound`."""


def column_bound(p: PairProblem, incumbent: I64, iterations: int = COLUMN_ITERATIONS) -> float:
    """The best L(λ) met while generating columns from the empty patterns and ``incumbent``'s (rounds per pair)."""
    n_targets = len(p.value)
    columns = _Columns(p)
    for t in range(n_targets):
        columns.add(t, np.zeros(0, np.int64))
    columns.add_patterns(incumbent)
    rounds = np.zeros(len(p.pk), np.int64)
    best = -np.inf
    for _ in range(iterations):
        best = max(best, float(dual_value(p, columns.prices(), rounds)))
        if not columns.add_patterns(rounds):
            break
    return best


class _Columns:
    """The pattern LP's columns: each a target, its pairs (a pair once per round) and its cost."""

    def __init__(self, p: PairProblem) -> None:
        self.p = p
        self.miss = np.log1p(-np.minimum(p.pk, SURE_KILL_PK))
        self.target: list[int] = []
        self.patterns: list[np.ndarray] = []
        self.cost: list[float] = []
        self.seen: set[tuple[int, bytes]] = set()

    def add(self, t: int, pattern: np.ndarray) -> bool:
        key = (t, pattern.tobytes())
        if key in self.seen:
            return False
        p = self.p
        self.seen.add(key)
        self.target.append(t)
        self.patterns.append(pattern)
        self.cost.append(float(p.value[t] * p.survival[t] * np.exp(self.miss[pattern].sum())
                               + p.cost[p.pair_weapon[pattern]].sum()))
        return True

    def add_patterns(self, rounds: I64) -> bool:
        """Add each target's pattern under ``rounds`` unless already there; False if none is new."""
        fired = np.repeat(np.arange(len(rounds)), np.maximum(rounds, 0))
        targets = self.p.pair_target[fired]
        added = False
        for t in np.unique(targets):
            added |= self.add(int(t), fired[targets == t])
        return added

    def prices(self) -> np.ndarray:
        """The weapons' prices λ_w ≥ 0: the duals of their rows in the LP over the columns so far."""
        p, n = self.p, len(self.target)
        row = np.concatenate([p.pair_weapon[pattern] for pattern in self.patterns])
        col = np.repeat(np.arange(n), [len(pattern) for pattern in self.patterns])
        use = sparse.csr_array((np.ones(len(row)), (row, col)), shape=(len(p.capacity), n))
        convex = sparse.csr_array((np.ones(n), (np.array(self.target), np.arange(n))), shape=(len(p.value), n))
        result = linprog(np.array(self.cost), A_ub=use, b_ub=p.capacity.astype(float), A_eq=convex,
                         b_eq=np.ones(len(p.value)), bounds=(0, None), method="highs")
        return np.maximum(-result.ineqlin.marginals, 0.0)
