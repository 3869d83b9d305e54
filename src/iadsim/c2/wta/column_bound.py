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
even reach a positive bound. The LP's duals jump from one vertex to another, so the
patterns are priced at a point between them and the best prices so far (Wentges'
smoothing, Mathematical Programming 74, 1997: weight :data:`SMOOTHING` on the best;
at first on the incumbent's prices, :func:`~.lagrangian.incumbent_prices`: the first
LP's duals are mostly 0, where a target's search may pass its node limit),
and at the LP's own duals only when that point prices no new pattern (each price at
least :data:`~.lagrangian.PRICE_FLOOR` of the largest value: any λ ≥ 0 gives a bound,
and a free round would bring every weapon into every target's search). It stops when
the bound meets the LP's value (the dual's maximum: then no pattern prices out), or
after :data:`COLUMN_ITERATIONS` LPs, a count, never the clock; the bound is valid
wherever it stops. Each target's patterns hold at most capacity_w rounds of each
weapon w (:mod:`.lagrangian`). Measured (``benchmarks/bench_wta.py``): at 50 × 100 the
bound lies within 0.2 % (2 rounds) and about 0.7 % (3 rounds) of the proven optimum; at
100 × 200 with 3 rounds the integer programme over the patterns it generated is within
0.05 % of it. For benchmarks: tens of LPs of up to half a second at 300 × 600.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from iadsim.c2.wta.lagrangian import PRICE_FLOOR, dual_value, incumbent_prices
from iadsim.c2.wta.problem import I64, SURE_KILL_PK, PairProblem

COLUMN_ITERATIONS = 200
"""Most LPs (rounds of new columns) of one :func:`column_bound`."""
SMOOTHING = 0.5
"""Weight of the best prices so far in the point where the patterns are priced (Wentges' smoothing)."""
MET = 1e-9
"""Relative distance between the bound and the LP's value under which the dual's maximum counts as reached."""


def column_bound(p: PairProblem, incumbent: I64, iterations: int = COLUMN_ITERATIONS) -> float:
    """The best L(λ) met while generating columns from the empty patterns and ``incumbent``'s (rounds per pair)."""
    n_targets = len(p.value)
    columns = _Columns(p)
    for t in range(n_targets):
        columns.add(t, np.zeros(0, np.int64))
    columns.add_patterns(incumbent)
    rounds = np.zeros(len(p.pk), np.int64)
    best, best_price = -np.inf, np.zeros(len(p.capacity))
    floor = PRICE_FLOOR * max(float(p.value.max()), 1.0) if n_targets else PRICE_FLOOR
    for _ in range(iterations):
        duals, lp_value = columns.prices()
        center = incumbent_prices(p, incumbent) if best == -np.inf else best_price
        trials = [SMOOTHING * center + (1.0 - SMOOTHING) * duals, duals]
        added = False
        for price in trials:
            price = np.maximum(price, floor)  # a free round would make every pair count at every target
            value = float(dual_value(p, price, rounds))
            if value > best:
                best, best_price = value, price
            added = columns.add_patterns(rounds)
            if added:
                break
        if not added or lp_value - best <= MET * max(abs(lp_value), 1.0):
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
        order = np.argsort(targets, kind="stable")
        fired, targets = fired[order], targets[order]
        edges = np.flatnonzero(np.diff(targets)) + 1
        added = False
        for pattern in np.split(fired, edges) if len(fired) else []:
            added |= self.add(int(self.p.pair_target[pattern[0]]), pattern)
        return added

    def prices(self) -> tuple[np.ndarray, float]:
        """The weapons' prices λ_w ≥ 0 (the duals of their rows) in the LP over the columns so far, and its value."""
        p, n = self.p, len(self.target)
        row = np.concatenate([p.pair_weapon[pattern] for pattern in self.patterns])
        col = np.repeat(np.arange(n), [len(pattern) for pattern in self.patterns])
        use = sparse.csr_array((np.ones(len(row)), (row, col)), shape=(len(p.capacity), n))
        convex = sparse.csr_array((np.ones(n), (np.array(self.target), np.arange(n))), shape=(len(p.value), n))
        result = linprog(np.array(self.cost), A_ub=use, b_ub=p.capacity.astype(float), A_eq=convex,
                         b_eq=np.ones(len(p.value)), bounds=(0, None), method="highs")
        return np.maximum(-result.ineqlin.marginals, 0.0), float(result.fun)
