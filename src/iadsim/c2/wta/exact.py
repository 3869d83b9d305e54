"""Exact solutions: a mixed-integer program solved by HiGHS, and a compiled branch and bound for small problems.

The objective Σ_j K_j exp(s_j), with K_j = V_j q0_j and s_j = Σ_w x_wj ln(1 − p_wj)
linear in x, is convex in s. Outer approximation (Duran & Grossmann,
Mathematical Programming 36, 1986) replaces each exp by the tangent planes

    z_j ≥ K_j e^a (1 + s_j − a)

at a set of points a, which lie below it, so the MILP minimising Σ_j z_j + Σ c_w x_wj
is a lower bound; its solution's true objective is an upper bound. Adding the
tangent at each target's s_j of the last solution and solving again closes the
gap; the integer assignments are finite, so it ends with the optimum (Lu & Chen,
Computers & Operations Research 2021, use the same linearisation for the WTA).
Channels are binary variables y_gj ≥ x_wj / capacity_w (Σ_j y_gj ≤ free channels).
The MILPs are solved by HiGHS through :func:`scipy.optimize.milp`.

The work is bounded by counts, never by the clock, so a result does not depend
on the machine or its load: at most :data:`EXACT_ITERATIONS` MILPs (rounds of
tangents) and :data:`EXACT_NODE_LIMIT` branch-and-bound nodes in each. A
problem that reaches a limit returns the best assignment found and the best
lower bound proven (``optimal`` False).

:func:`branch_and_bound` finds the optimum of a small problem in a kernel, without
HiGHS (whose every call costs tens of milliseconds): a depth-first search over the
rounds that gain anything (a round whose first gain V_j q0_j p_wj − c_w is not
positive is never part of a better assignment: later rounds at a target gain less,
and taking a round off never breaks a limit), cut by a bound, within a node limit;
``auto`` runs it after the local search. :func:`brute_force` is that search without a
limit for dense problems (the reference the MILP is checked against).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from iadsim.c2.wta.problem import (
    I64,
    SURE_KILL_PK,
    UNLIMITED,
    PairProblem,
    WTAProblem,
    dense_rounds,
    objective,
    objective_of,
    pairs_of,
)
from iadsim.jit import kernel

SOLVE_ERROR = 4
"""Status of :func:`scipy.optimize.milp` when HiGHS reports a solve error."""
INITIAL_TANGENTS = np.log([1.0, 0.5, 0.25, 0.1, 0.04, 0.01, 0.002])
"""Survival probabilities e^a at which every target starts with a tangent plane."""
EXACT_ITERATIONS = 50
"""Most MILPs (rounds of tangent planes) of one exact solve."""
EXACT_NODE_LIMIT = 20_000
"""Most branch-and-bound nodes HiGHS explores in one MILP."""
ABSOLUTE_GAP = 1e-6
"""Absolute gap under which bounds count as met: HiGHS's own default absolute MIP gap."""


@dataclass(frozen=True)
class ExactResult:
    """The best assignment found, its objective, the proven lower bound and whether they met."""

    x: I64
    objective: float
    lower_bound: float
    optimal: bool
    iterations: int


def exact(problem: WTAProblem, iterations: int = EXACT_ITERATIONS, node_limit: int = EXACT_NODE_LIMIT,
          relative_gap: float = 1e-7) -> ExactResult:
    """Solve ``problem`` to optimality (within ``relative_gap``) by outer approximation, within the limits."""
    pairs = pairs_of(problem)
    rounds, value, lower, optimal, done = exact_pairs(pairs, iterations, node_limit, relative_gap)
    return ExactResult(dense_rounds(problem, pairs, rounds), value, lower, optimal, done)


def exact_rounds(problem: PairProblem) -> I64:
    """The exact solver's rounds per pair with the default limits (for kernels, through ``objmode``)."""
    return exact_pairs(problem, EXACT_ITERATIONS, EXACT_NODE_LIMIT, 1e-7)[0]


def exact_pairs(problem: PairProblem, iterations: int, node_limit: int,
                relative_gap: float) -> tuple[I64, float, float, bool, int]:
    """Outer approximation on a pair problem: (rounds per pair, objective, lower bound, optimal, MILPs solved)."""
    model = _Model(problem)
    best_rounds = np.zeros(len(problem.pk), np.int64)
    best = float(objective_of(problem, best_rounds))
    lower = -np.inf
    done = 0
    while done < iterations:
        done += 1
        solution = model.solve(node_limit, relative_gap)
        if solution is None:
            break
        rounds, bound, finished = solution
        lower = max(lower, bound)  # HiGHS's dual bound holds for the relaxation even if it stopped early
        value = float(objective_of(problem, rounds))
        if value < best:
            best, best_rounds = value, rounds
        # With every tangent of the solution already in, the MILP's optimum is exact there: nothing is left to close.
        if not finished or _closed(best, lower, relative_gap) or not model.add_tangents(rounds):
            break
    return best_rounds, best, min(lower, best), _closed(best, lower, relative_gap), done


def _closed(upper: float, lower: float, relative_gap: float) -> bool:
    return bool(upper - lower <= max(relative_gap * abs(upper), ABSOLUTE_GAP))


def _log_miss(pk: np.ndarray) -> np.ndarray:
    return np.log1p(-np.minimum(pk, SURE_KILL_PK))


class _Model:
    """The outer-approximation MILP of one problem; tangent cuts are added between solves."""

    def __init__(self, problem: PairProblem) -> None:
        self.problem = p = problem
        n_targets = len(p.value)
        self.active = np.flatnonzero(p.pk > 0.0)  # the pairs in the problem, by weapon then target
        self.pairs_w, self.pairs_t = p.pair_weapon[self.active], p.pair_target[self.active]
        n_pairs = len(self.active)
        self.slope = _log_miss(p.pk[self.active])  # ds_t / dx_pair
        self.scale = p.value * p.survival  # K_t
        # Channel variables for groups with limited channels, on targets they do not engage yet.
        limited = p.group_channels < UNLIMITED
        group_of_pair = p.group[self.pairs_w]
        keys, first = np.unique(group_of_pair * n_targets + self.pairs_t, return_index=True)
        engaged = p.channel_engaged[p.pair_channel[self.active[first]]]
        channel_pairs = keys[limited[keys // n_targets] & ~engaged]
        self.channel_group, self.channel_target = channel_pairs // n_targets, channel_pairs % n_targets
        n_channels = len(channel_pairs)
        self.n_x, self.n_y, self.n_z = n_pairs, n_channels, n_targets
        n_vars = n_pairs + n_channels + n_targets
        self.cost = np.concatenate([p.cost[self.pairs_w], np.zeros(n_channels), np.ones(n_targets)])
        upper_x = np.minimum(np.minimum(p.capacity[self.pairs_w], p.target_limit[self.pairs_t]),
                             p.group_capacity[group_of_pair]).astype(float)
        self.bounds = Bounds(np.zeros(n_vars), np.concatenate([upper_x, np.ones(n_channels),
                                                               np.full(n_targets, np.inf)]))
        self.integrality = np.concatenate([np.ones(n_pairs + n_channels), np.zeros(n_targets)])
        rows, cols, vals, upper = [], [], [], []

        def add(row_of_entry: np.ndarray, col: np.ndarray, val: np.ndarray, ub: np.ndarray) -> None:
            offset = len(upper) and sum(len(u) for u in upper)
            rows.append(row_of_entry + offset)
            cols.append(col)
            vals.append(val)
            upper.append(ub)

        pair_index = np.arange(n_pairs)
        add(self.pairs_w, pair_index, np.ones(n_pairs), p.capacity.astype(float))
        add(self.pairs_t, pair_index, np.ones(n_pairs), p.target_limit.astype(float))
        add(group_of_pair, pair_index, np.ones(n_pairs), p.group_capacity.astype(float))
        if n_channels:
            channel_index = np.searchsorted(channel_pairs, group_of_pair * n_targets + self.pairs_t)
            has_channel = (channel_index < n_channels) & (
                channel_pairs[np.minimum(channel_index, n_channels - 1)] == group_of_pair * n_targets + self.pairs_t)
            linked = pair_index[has_channel]
            # x_pair − upper_x · y_channel ≤ 0
            add(np.concatenate([np.arange(len(linked)), np.arange(len(linked))]),
                np.concatenate([linked, n_pairs + channel_index[has_channel]]),
                np.concatenate([np.ones(len(linked)), -upper_x[linked]]), np.zeros(len(linked)))
            add(self.channel_group, n_pairs + np.arange(n_channels), np.ones(n_channels),
                p.group_channels.astype(float))
        n_rows = sum(len(u) for u in upper)
        # Limits that never bind (UNLIMITED) stay out of HiGHS's way: no count exceeds every round there is.
        upper = [np.minimum(u, float(p.capacity.sum())) for u in upper]
        self.limits = sparse.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                       shape=(n_rows, n_vars))
        self.limit_upper = np.concatenate(upper)
        self.cut_rows: list[sparse.csr_array] = []
        self.cut_lower: list[np.ndarray] = []
        self.tangent_points = [set() for _ in range(n_targets)]
        for a in INITIAL_TANGENTS:
            self._add_cuts(np.arange(n_targets), np.full(n_targets, a))

    def _add_cuts(self, targets: np.ndarray, points: np.ndarray) -> None:
        """Tangents z_t − K_t e^a s_t ≥ K_t e^a (1 − a) at s_t = a for each (target, point)."""
        slope = self.scale[targets] * np.exp(points)
        in_target = self.pairs_t[None, :] == targets[:, None]  # (C, pairs)
        row, pair = np.nonzero(in_target)
        n_vars = self.n_x + self.n_y + self.n_z
        cut = sparse.csr_array(
            (np.concatenate([-slope[row] * self.slope[pair], np.ones(len(targets))]),
             (np.concatenate([row, np.arange(len(targets))]),
              np.concatenate([pair, self.n_x + self.n_y + targets]))),
            shape=(len(targets), n_vars))
        self.cut_rows.append(cut)
        self.cut_lower.append(slope * (1.0 - points))
        for t, a in zip(targets, points, strict=True):
            self.tangent_points[t].add(round(float(a), 12))

    def add_tangents(self, rounds: I64) -> bool:
        """Add the tangent at each target's s_t under ``rounds`` that is not there yet; False when none is new."""
        s = np.bincount(self.pairs_t, weights=rounds[self.active] * self.slope, minlength=self.n_z)
        new = np.array([round(float(a), 12) not in self.tangent_points[t] for t, a in enumerate(s)], bool)
        if not new.any():
            return False
        targets = np.flatnonzero(new)
        self._add_cuts(targets, s[targets])
        return True

    def solve(self, node_limit: int, relative_gap: float) -> tuple[I64, float, bool] | None:
        """One MILP: the rounds per pair, the proven lower bound, and whether HiGHS finished."""
        cuts = sparse.vstack(self.cut_rows, format="csr")
        constraints = [
            LinearConstraint(self.limits, -np.inf, self.limit_upper),
            LinearConstraint(cuts, np.concatenate(self.cut_lower), np.inf),
        ]
        options = {"node_limit": node_limit, "mip_rel_gap": relative_gap / 10.0, "presolve": True}
        result = milp(self.cost, integrality=self.integrality, bounds=self.bounds, constraints=constraints,
                      options=options)
        if result.status == SOLVE_ERROR:  # HiGHS's presolve occasionally fails on tiny models: solve without it
            result = milp(self.cost, integrality=self.integrality, bounds=self.bounds, constraints=constraints,
                          options={**options, "presolve": False})
        if result.x is None:
            return None
        rounds = np.zeros(len(self.problem.pk), np.int64)
        rounds[self.active] = np.round(result.x[: self.n_x]).astype(np.int64)
        bound = getattr(result, "mip_dual_bound", None)
        bound = result.fun if bound is None or not np.isfinite(bound) else bound
        return rounds, float(bound), bool(result.status == 0)


AUTO_EXACT_NODES = 200_000
"""``auto`` keeps the branch and bound's answer, the proven optimum, when its search ends within this many nodes
(:func:`branch_and_bound`); a larger problem keeps the local search's assignment (or a better one found on the way)."""


@kernel
def _gainful(p: PairProblem) -> I64:
    """The pairs whose first round gains anything (and that no limit rules out already), by target then weapon."""
    keep = np.zeros(len(p.pk), np.bool_)
    for q in range(len(p.pk)):
        w, t = p.pair_weapon[q], p.pair_target[q]
        g = p.group[w]
        keep[q] = (p.pk[q] > 0.0 and p.value[t] * p.survival[t] * p.pk[q] - p.cost[w] > 0.0
                   and p.capacity[w] > 0 and p.target_limit[t] > 0 and p.group_capacity[g] > 0
                   and (p.channel_engaged[p.pair_channel[q]] or p.group_channels[g] > 0))
    return p.target_pairs[keep[p.target_pairs]]


@kernel
def branch_and_bound(p: PairProblem, better_than: float, node_limit: float) -> tuple[bool, bool, I64]:
    """The optimal rounds per pair if their objective is below ``better_than``: (finished, found, rounds).

    Depth first over the gainful pairs, by target: level i sets the rounds of the
    i-th pair, 0 first, then one more while every limit allows; the objective is
    carried along (a round at j changes F by c_w − V_j q_j p_wj, q_j the survival
    so far) and restored on the way back. Once the search is past a target's pairs
    that target's survival is final, so a node whose objective, less the value still
    at risk at its own and every later target, is no lower than the best so far
    cannot lead to a better assignment (prices only add) and is cut. The first
    assignment with the lowest objective wins. ``finished`` is False when the
    search passes ``node_limit`` nodes (a count, never the clock): then ``found``
    and ``rounds`` are the best met on the way, which is not proven optimal.
    """
    pairs = _gainful(p)
    n = len(pairs)
    best_rounds = np.zeros(len(p.pk), np.int64)
    value = 0.0
    for t in range(len(p.value)):
        value += p.value[t] * p.survival[t]
    if n == 0:
        return True, value < better_than, best_rounds
    # later_risk[i]: the value at risk at the targets after pair i's target (untouched until the search gets there).
    later_risk = np.zeros(n + 1)
    for i in range(n - 1, -1, -1):
        t = p.pair_target[pairs[i]]
        later_risk[i] = later_risk[i + 1]
        if i + 1 < n and p.pair_target[pairs[i + 1]] != t:
            nxt = p.pair_target[pairs[i + 1]]
            later_risk[i] += p.value[nxt] * p.survival[nxt]
    capacity, limit = p.capacity.copy(), p.target_limit.copy()
    group_capacity, channels, engaged = p.group_capacity.copy(), p.group_channels.copy(), p.channel_engaged.copy()
    survival = p.survival.copy()
    count = np.zeros(n, np.int64)
    saved_survival, saved_value = np.zeros(n), np.zeros(n)
    opened = np.zeros(n, np.bool_)  # level i engaged its channel
    best, found = better_than, False
    i, descending, nodes = 0, True, 0
    while i >= 0:
        nodes += 1
        if nodes > node_limit:
            return False, found, best_rounds
        if descending:
            if i == n:
                if value < best:
                    best, found = value, True
                    best_rounds[:] = 0
                    for k in range(n):
                        best_rounds[pairs[k]] = count[k]
                i, descending = n - 1, False
                continue
            q = pairs[i]
            t = p.pair_target[q]
            if value - p.value[t] * survival[t] - later_risk[i] >= best:
                i, descending = i - 1, False  # nothing below can beat the best: back to the level above
                continue
            count[i], opened[i] = 0, False
            saved_survival[i], saved_value[i] = survival[t], value
            i += 1
            continue
        q = pairs[i]
        w, t, c = p.pair_weapon[q], p.pair_target[q], p.pair_channel[q]
        g = p.group[w]
        if capacity[w] > 0 and limit[t] > 0 and group_capacity[g] > 0 and (engaged[c] or channels[g] > 0):
            value += p.cost[w] - p.value[t] * survival[t] * p.pk[q]
            survival[t] *= 1.0 - p.pk[q]
            capacity[w] -= 1
            limit[t] -= 1
            group_capacity[g] -= 1
            if not engaged[c]:
                engaged[c], opened[i] = True, True
                channels[g] -= 1
            count[i] += 1
            i, descending = i + 1, True
            continue
        capacity[w] += count[i]
        limit[t] += count[i]
        group_capacity[g] += count[i]
        if opened[i]:
            engaged[c] = False
            channels[g] += 1
        survival[t], value = saved_survival[i], saved_value[i]
        i -= 1
    return True, found, best_rounds


def brute_force(problem: WTAProblem) -> tuple[I64, float]:
    """The optimum of a small dense problem (:func:`branch_and_bound` without a node limit) and its objective."""
    pairs = pairs_of(problem)
    x = dense_rounds(problem, pairs, branch_and_bound(pairs, np.inf, np.inf)[2])
    return x, objective(problem, x)
