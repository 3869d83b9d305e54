"""Weapon-target assignment: one problem, several solvers behind :func:`solve`.

- ``greedy``: maximum marginal return (:mod:`.marginal_return`), fast, a few per cent off.
- ``local_search``: the greedy, then moves, swaps and reassignments until none
  improves, at most :data:`~.local_search.MAX_PASSES` passes of each (:mod:`.local_search`).
- ``exact``: outer approximation as a MILP solved by HiGHS (:mod:`.exact`), the
  reference, within :data:`~.exact.EXACT_ITERATIONS` MILPs of at most
  :data:`~.exact.EXACT_NODE_LIMIT` branch-and-bound nodes each.
- ``auto``: ``local_search``, then, when the problem is small enough for the
  search to visit at most :data:`~.exact.AUTO_ENUMERATION_NODES` nodes (a bound
  computed from its gainful pairs and rounds), enumeration
  (:func:`~.exact.enumerate_best`) of every assignment for a strictly better
  one: the optimum on tiny problems, and the local search's choice among equals.

Every solver first runs the greedy: when no round gains anything, firing nothing
is optimal (a further round at a target gains less than the first), and every
solver returns no rounds without more work. The choices and limits are counts,
never the clock, so a simulation stays bit-identical from run to run and machine
to machine. The solvers are kernels over the problem's pairs
(:func:`solve_pairs`); :func:`solve` takes a dense :class:`WTAProblem`.
"""

from __future__ import annotations

import numba
import numpy as np

from iadsim.c2.wta.exact import (
    AUTO_ENUMERATION_NODES,
    ExactResult,
    brute_force,
    enumerate_best,
    exact,
    exact_rounds,
    search_nodes,
)
from iadsim.c2.wta.local_search import IMPROVEMENT_TOLERANCE, MAX_PASSES, improve, local_search
from iadsim.c2.wta.marginal_return import greedy, marginal_return
from iadsim.c2.wta.problem import (
    I64,
    UNLIMITED,
    PairProblem,
    WTAProblem,
    dense_rounds,
    objective,
    objective_of,
    pairs_of,
    remaining,
    violations,
)
from iadsim.jit import kernel_calling_python

SOLVERS: tuple[str, ...] = ("greedy", "local_search", "exact", "auto")
GREEDY, LOCAL_SEARCH, EXACT, AUTO = range(len(SOLVERS))


def solve(problem: WTAProblem, solver: str = "auto") -> I64:
    """An assignment for ``problem`` by the named solver (see :data:`SOLVERS`)."""
    if solver not in SOLVERS:
        raise ValueError(f"unknown WTA solver {solver!r}; one of {', '.join(SOLVERS)}")
    pairs = pairs_of(problem)
    return dense_rounds(problem, pairs, solve_pairs(pairs, SOLVERS.index(solver)))


def choose_solver(problem: WTAProblem) -> str:
    """What ``auto`` runs on ``problem``: ``enumeration`` (after the local search) when it is that small, else
    ``local_search``."""
    return "enumeration" if search_nodes(pairs_of(problem), AUTO_ENUMERATION_NODES) <= AUTO_ENUMERATION_NODES \
        else "local_search"


@kernel_calling_python
def solve_pairs(problem: PairProblem, solver: int) -> I64:
    """Rounds per pair by solver number ``solver`` (the index in :data:`SOLVERS`)."""
    rounds = greedy(problem, np.zeros(len(problem.pk), np.int64))
    if solver == GREEDY or not rounds.any():
        return rounds
    if solver == EXACT:
        with numba.objmode(rounds="int64[:]"):
            rounds = exact_rounds(problem)
        return rounds
    rounds = improve(problem, rounds, MAX_PASSES)
    if solver == AUTO and search_nodes(problem, AUTO_ENUMERATION_NODES) <= AUTO_ENUMERATION_NODES:
        better, best = enumerate_best(problem, objective_of(problem, rounds) * (1.0 - IMPROVEMENT_TOLERANCE))
        if better:
            return best
    return rounds


__all__ = [
    "SOLVERS", "UNLIMITED", "ExactResult", "PairProblem", "WTAProblem", "brute_force", "choose_solver", "exact",
    "local_search", "marginal_return", "objective", "remaining", "solve", "solve_pairs", "violations",
]
