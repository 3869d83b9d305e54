"""Weapon-target assignment: one problem, several solvers behind :func:`solve`.

- ``greedy``: maximum marginal return (:mod:`.marginal_return`), fast, a few per cent off.
- ``local_search``: the greedy, then moves, swaps and reassignments until none
  improves, at most :data:`~.local_search.MAX_PASSES` passes of each (:mod:`.local_search`);
  where weapons have several rounds and only their rounds, the targets' salvos and
  prices bind, also from a layered start (:mod:`.layered`), the better kept (on
  problems of more than :data:`BOTH_STARTS_PAIRS` pairs the layered start alone), then
  up to :data:`~.round_search.KICKS` random reassignments of single rounds with a fixed
  seed, fewer on large problems (:mod:`.round_search`).
- ``exact``: outer approximation as a MILP solved by HiGHS (:mod:`.exact`), the
  reference, within :data:`~.exact.EXACT_ITERATIONS` MILPs of at most
  :data:`~.exact.EXACT_NODE_LIMIT` branch-and-bound nodes each.
- ``auto``: ``local_search``, then the compiled exact branch and bound
  (:func:`~.exact.branch_and_bound`) for a strictly better assignment, within
  :data:`~.exact.AUTO_EXACT_NODES` nodes: on a problem small enough for it to end
  there, the proven optimum (and the local search's choice among equals); on a
  larger one, the local search's assignment or a better one the search met.

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
    AUTO_EXACT_NODES,
    ExactResult,
    branch_and_bound,
    brute_force,
    exact,
    exact_rounds,
)
from iadsim.c2.wta.layered import layered_start, layers_apply
from iadsim.c2.wta.local_search import IMPROVEMENT_TOLERANCE, MAX_PASSES, improve, local_search
from iadsim.c2.wta.marginal_return import greedy, marginal_return
from iadsim.c2.wta.round_search import kicks_for, round_search
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
BOTH_STARTS_PAIRS = 20_000
"""Pairs up to which a many-round problem is searched from the greedy start as well as the layered one (100 × 200);
on larger ones the layered start alone (its search was the better one on 3 of 4 instances at 300 × 600, each search
there about 0.7 s)."""
GREEDY, LOCAL_SEARCH, EXACT, AUTO = range(len(SOLVERS))


def solve(problem: WTAProblem, solver: str = "auto") -> I64:
    """An assignment for ``problem`` by the named solver (see :data:`SOLVERS`)."""
    if solver not in SOLVERS:
        raise ValueError(f"unknown WTA solver {solver!r}; one of {', '.join(SOLVERS)}")
    pairs = pairs_of(problem)
    return dense_rounds(problem, pairs, solve_pairs(pairs, SOLVERS.index(solver)))


def choose_solver(problem: WTAProblem) -> str:
    """Whose answer ``auto`` returns on ``problem``: ``exact`` when the branch and bound, seeded with the local
    search's objective, ends within :data:`~.exact.AUTO_EXACT_NODES` nodes (the proven optimum), else
    ``local_search``."""
    pairs = pairs_of(problem)
    rounds = solve_pairs(pairs, LOCAL_SEARCH)
    finished = branch_and_bound(pairs, objective_of(pairs, rounds) * (1.0 - IMPROVEMENT_TOLERANCE),
                                AUTO_EXACT_NODES)[0]
    return "exact" if finished else "local_search"


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
    if not layers_apply(problem):
        rounds = improve(problem, rounds, MAX_PASSES)
    else:
        second = improve(problem, layered_start(problem), MAX_PASSES)
        if len(problem.pk) <= BOTH_STARTS_PAIRS:
            rounds = improve(problem, rounds, MAX_PASSES)
            if objective_of(problem, second) < objective_of(problem, rounds) * (1.0 - IMPROVEMENT_TOLERANCE):
                rounds = second
        else:
            rounds = second
        rounds = round_search(problem, rounds, kicks_for(problem))
    if solver == AUTO:
        better, best = branch_and_bound(problem, objective_of(problem, rounds) * (1.0 - IMPROVEMENT_TOLERANCE),
                                        AUTO_EXACT_NODES)[1:]
        if better:
            return best
    return rounds


__all__ = [
    "SOLVERS", "UNLIMITED", "ExactResult", "PairProblem", "WTAProblem", "brute_force", "choose_solver", "exact",
    "local_search", "marginal_return", "objective", "remaining", "solve", "solve_pairs", "violations",
]
