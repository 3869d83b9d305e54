"""Weapon-target assignment: one problem, several solvers behind :func:`solve`.

- ``greedy``: maximum marginal return (:mod:`.marginal_return`), fast, a few per cent off.
- ``local_search``: the greedy, then moves and swaps until no move improves (:mod:`.local_search`).
- ``exact``: outer approximation as a MILP solved by HiGHS (:mod:`.exact`), the reference.
- ``auto``: ``exact`` when the problem is small enough for the time budget, else ``local_search``.

The choice for ``auto`` depends only on the problem's size and the budget, never on
the clock, so a simulation stays bit-identical from run to run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from iadsim.c2.wta.exact import ExactResult, brute_force, exact
from iadsim.c2.wta.local_search import local_search
from iadsim.c2.wta.marginal_return import marginal_return
from iadsim.c2.wta.problem import I64, UNLIMITED, WTAProblem, objective, remaining, violations

SOLVERS: tuple[str, ...] = ("greedy", "local_search", "exact", "auto")

EXACT_OVERHEAD_S = 0.01
"""Rough fixed cost of one exact solve (model building, HiGHS start), on one core (from bench_wta.py)."""
EXACT_SECONDS_PER_PAIR = 5e-4
"""Rough further cost of the exact solver per (weapon, target) pair it may assign, on one core."""
EXACT_MAX_PAIRS = 400
"""Beyond this many pairs the exact solver's time grows too fast to plan with: ``auto`` never picks it."""


def solve(problem: WTAProblem, solver: str = "auto", time_budget_s: float = 0.05) -> I64:
    """An assignment for ``problem`` by the named solver (see :data:`SOLVERS`)."""
    if solver not in SOLVERS:
        raise ValueError(f"unknown WTA solver {solver!r}; one of {', '.join(SOLVERS)}")
    if not np.any(problem.pk > 0.0):
        return problem.empty_assignment()
    if solver == "auto":
        solver = choose_solver(problem, time_budget_s)
    chosen: dict[str, Callable[[], I64]] = {
        "greedy": lambda: marginal_return(problem),
        "local_search": lambda: local_search(problem, marginal_return(problem)),
        "exact": lambda: exact(problem, time_limit_s=time_budget_s).x,
    }
    return chosen[solver]()


def choose_solver(problem: WTAProblem, time_budget_s: float) -> str:
    """``exact`` when its expected time fits the budget, else ``local_search``: a function of size only."""
    pairs = int((problem.pk > 0.0).sum())
    if pairs <= EXACT_MAX_PAIRS and EXACT_OVERHEAD_S + pairs * EXACT_SECONDS_PER_PAIR <= time_budget_s:
        return "exact"
    return "local_search"


__all__ = [
    "SOLVERS", "UNLIMITED", "ExactResult", "WTAProblem", "brute_force", "choose_solver", "exact",
    "local_search", "marginal_return", "objective", "remaining", "solve", "violations",
]
