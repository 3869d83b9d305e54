"""Exact solutions: a mixed-integer program solved by HiGHS, and brute force to check it.

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
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from iadsim.c2.wta.problem import I64, UNLIMITED, WTAProblem, log_miss, objective, surviving_value

SOLVE_ERROR = 4
"""Status of :func:`scipy.optimize.milp` when HiGHS reports a solve error."""
INITIAL_TANGENTS = np.log([1.0, 0.5, 0.25, 0.1, 0.04, 0.01, 0.002])
"""Survival probabilities e^a at which every target starts with a tangent plane."""


@dataclass(frozen=True)
class ExactResult:
    """The best assignment found, its objective, the proven lower bound and whether they met."""

    x: I64
    objective: float
    lower_bound: float
    optimal: bool
    iterations: int


def exact(problem: WTAProblem, time_limit_s: float = 60.0, relative_gap: float = 1e-7) -> ExactResult:
    """Solve ``problem`` to optimality (within ``relative_gap``) by outer approximation, or until ``time_limit_s``.

    When time runs out the result carries the best assignment found and the best
    lower bound proven (``optimal`` False).
    """
    start = time.perf_counter()
    model = _Model(problem)
    best_x = problem.empty_assignment()
    best = objective(problem, best_x)
    lower = -np.inf
    iterations = 0
    while (remaining := time_limit_s - (time.perf_counter() - start)) > 0.0:
        iterations += 1
        solution = model.solve(remaining, relative_gap)
        if solution is None:
            break
        x, bound, finished = solution
        lower = max(lower, bound)  # HiGHS's dual bound holds for the relaxation even if it stopped early
        value = objective(problem, x)
        if value < best:
            best, best_x = value, x
        # With every tangent of x already in, the MILP's optimum is exact at x: nothing is left to close.
        if not finished or _closed(best, lower, relative_gap) or not model.add_tangents(x):
            break
    return ExactResult(best_x, best, min(lower, best), _closed(best, lower, relative_gap), iterations)


ABSOLUTE_GAP = 1e-6
"""Absolute gap under which bounds count as met: HiGHS's own default absolute MIP gap."""


def _closed(upper: float, lower: float, relative_gap: float) -> bool:
    return bool(upper - lower <= max(relative_gap * abs(upper), ABSOLUTE_GAP))


class _Model:
    """The outer-approximation MILP of one problem; tangent cuts are added between solves."""

    def __init__(self, problem: WTAProblem) -> None:
        self.problem = problem
        p = problem
        n_targets = p.shape[1]
        self.pairs_w, self.pairs_t = np.nonzero(p.pk > 0.0)
        n_pairs = len(self.pairs_w)
        self.slope = log_miss(p.pk[self.pairs_w, self.pairs_t])  # ds_t / dx_pair
        self.scale = p.value * p.survival  # K_t
        # Channel variables for groups with limited channels, on targets they do not engage yet.
        limited = p.group_channels < UNLIMITED
        group_of_pair = p.group[self.pairs_w]
        channel_pairs = np.unique(group_of_pair * n_targets + self.pairs_t)
        channel_pairs = channel_pairs[limited[channel_pairs // n_targets]
                                      & ~p.group_engaged[channel_pairs // n_targets, channel_pairs % n_targets]]
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

    def add_tangents(self, x: I64) -> bool:
        """Add the tangent at each target's s_t under ``x`` that is not there yet; False when none is new."""
        s = np.einsum("wt,wt->t", x, log_miss(self.problem.pk))
        new = np.array([round(float(a), 12) not in self.tangent_points[t] for t, a in enumerate(s)], bool)
        if not new.any():
            return False
        targets = np.flatnonzero(new)
        self._add_cuts(targets, s[targets])
        return True

    def solve(self, time_limit_s: float, relative_gap: float) -> tuple[I64, float, bool] | None:
        """One MILP: the assignment, the proven lower bound, and whether HiGHS finished."""
        cuts = sparse.vstack(self.cut_rows, format="csr")
        constraints = [
            LinearConstraint(self.limits, -np.inf, self.limit_upper),
            LinearConstraint(cuts, np.concatenate(self.cut_lower), np.inf),
        ]
        options = {"time_limit": max(time_limit_s, 1e-3), "mip_rel_gap": relative_gap / 10.0, "presolve": True}
        result = milp(self.cost, integrality=self.integrality, bounds=self.bounds, constraints=constraints,
                      options=options)
        if result.status == SOLVE_ERROR:  # HiGHS's presolve occasionally fails on tiny models: solve without it
            result = milp(self.cost, integrality=self.integrality, bounds=self.bounds, constraints=constraints,
                          options={**options, "presolve": False})
        if result.x is None:
            return None
        x = self.problem.empty_assignment()
        x[self.pairs_w, self.pairs_t] = np.round(result.x[: self.n_x]).astype(np.int64)
        bound = getattr(result, "mip_dual_bound", None)
        bound = result.fun if bound is None or not np.isfinite(bound) else bound
        return x, float(bound), bool(result.status == 0)


def brute_force(problem: WTAProblem) -> tuple[I64, float]:
    """The optimum by enumerating every assignment (for tiny problems: (T+1)^rounds grows fast)."""
    n_weapons, n_targets = problem.shape
    options = []
    for w in range(n_weapons):
        per_weapon = [np.array(c) for c in itertools.product(range(problem.capacity[w] + 1), repeat=n_targets)
                      if sum(c) <= problem.capacity[w] and all(problem.pk[w, t] > 0 or c[t] == 0
                                                                 for t in range(n_targets))]
        options.append(np.array(per_weapon, dtype=np.int64))
    grid = np.array(list(itertools.product(*(range(len(o)) for o in options))), dtype=np.int64)
    xs = np.stack([options[w][grid[:, w]] for w in range(n_weapons)], axis=1)  # (K, W, T)
    feasible = _feasible(problem, xs)
    values = surviving_value(problem, xs) + (xs.sum(axis=2) * problem.cost[None, :]).sum(axis=1)
    values = np.where(feasible, values, np.inf)
    best = int(np.argmin(values))
    return xs[best], float(values[best])


def _feasible(problem: WTAProblem, xs: np.ndarray) -> np.ndarray:
    """Which assignments of the stack (K, W, T) keep every limit."""
    ok = np.all(xs.sum(axis=1) <= problem.target_limit[None, :], axis=1)
    by_group = np.zeros((xs.shape[0], problem.n_groups, xs.shape[2]), dtype=np.int64)
    np.add.at(by_group, (slice(None), problem.group), xs)
    ok &= np.all(by_group.sum(axis=2) <= problem.group_capacity[None, :], axis=1)
    new_channels = ((by_group > 0) & ~problem.group_engaged[None]).sum(axis=2)
    ok &= np.all(new_channels <= problem.group_channels[None, :], axis=1)
    return ok
