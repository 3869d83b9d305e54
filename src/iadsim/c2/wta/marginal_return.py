"""Maximum-marginal-return greedy: fire the round that lowers the objective most, again and again.

The classic construction heuristic of the weapon-target assignment literature
(den Broeder, Ellison & Emerling 1959; Ahuja et al. 2007, section 4.1): a round
of weapon w at target j lowers the expected surviving value by V_j q_j p_wj,
where q_j is j's current survival probability, and costs c_w. Each iteration
takes the round with the largest net gain V_j q_j p_wj − c_w, updates q_j and
the limits, and stops when no round gains anything.

Compiled over the problem's pairs (:class:`~iadsim.c2.wta.problem.PairProblem`):
every target keeps its best pair and that pair's gain, so an iteration is one
scan for the best target, plus a new look at the few targets whose best weapon
just ran out or lost its channel. Ties go to the lowest target, then the lowest weapon.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta.problem import I64, PairProblem, WTAProblem, dense_rounds, pair_rounds, pairs_of, remaining_of
from iadsim.jit import inline_kernel, kernel


def marginal_return(problem: WTAProblem, x: I64 | None = None) -> I64:
    """A greedy assignment, extending ``x`` (default: no rounds) while any round gains value."""
    pairs = pairs_of(problem)
    start = np.zeros(len(pairs.pk), np.int64) if x is None else pair_rounds(pairs, x)
    return dense_rounds(problem, pairs, greedy(pairs, start))


@kernel
def greedy(p: PairProblem, start: I64) -> I64:
    """The greedy's rounds per pair, extending ``start`` (P,)."""
    rounds = start.copy()
    left = remaining_of(p, rounds)
    survival, capacity, limit = left.survival.copy(), left.capacity.copy(), left.target_limit.copy()
    group_capacity, channels, engaged = left.group_capacity.copy(), left.group_channels.copy(), \
        left.channel_engaged.copy()
    n_pairs, n_targets, n_weapons = len(p.pk), len(p.value), len(p.capacity)
    allowed = np.zeros(n_pairs, np.bool_)
    for q in range(n_pairs):
        w, t = p.pair_weapon[q], p.pair_target[q]
        g = p.group[w]
        allowed[q] = (p.pk[q] > 0.0 and capacity[w] > 0 and limit[t] > 0 and group_capacity[g] > 0
                      and (engaged[p.pair_channel[q]] or channels[g] > 0))
    best_pair, best_gain = np.full(n_targets, -1, np.int64), np.full(n_targets, -np.inf)
    for t in range(n_targets):
        _refresh(p.value, p.pk, p.cost, p.pair_weapon, p.target_pairs, p.target_start, survival, allowed, best_pair,
                     best_gain, t)
    closed = np.zeros(n_weapons, np.bool_)
    while n_targets:
        j = 0
        for t in range(1, n_targets):
            if best_gain[t] > best_gain[j]:
                j = t
        if not best_gain[j] > 0.0:
            break
        q = best_pair[j]
        w = p.pair_weapon[q]
        g = p.group[w]
        rounds[q] += 1
        survival[j] *= 1.0 - p.pk[q]
        capacity[w] -= 1
        limit[j] -= 1
        group_capacity[g] -= 1
        if not engaged[p.pair_channel[q]]:
            engaged[p.pair_channel[q]] = True
            channels[g] -= 1
        # Forbid what a limit just reached rules out, and look again at the targets it touched.
        closed[:] = False
        closed[w] = capacity[w] == 0
        if group_capacity[g] == 0:
            for v in range(n_weapons):
                closed[v] |= p.group[v] == g
        for v in range(n_weapons):
            if closed[v]:
                allowed[p.weapon_start[v]: p.weapon_start[v + 1]] = False
        if limit[j] == 0:
            for k in range(p.target_start[j], p.target_start[j + 1]):
                allowed[p.target_pairs[k]] = False
        if channels[g] == 0:
            for v in range(n_weapons):
                if p.group[v] == g:
                    for r in range(p.weapon_start[v], p.weapon_start[v + 1]):
                        allowed[r] &= engaged[p.pair_channel[r]]
        for t in range(n_targets):
            b = best_pair[t]
            if t == j or (b >= 0 and (closed[p.pair_weapon[b]] or (
                    channels[g] == 0 and p.group[p.pair_weapon[b]] == g and not engaged[p.pair_channel[b]]))):
                _refresh(p.value, p.pk, p.cost, p.pair_weapon, p.target_pairs, p.target_start, survival, allowed,
                         best_pair, best_gain, t)
    return rounds


@inline_kernel
def _refresh(value: np.ndarray, pk: np.ndarray, cost: np.ndarray, pair_weapon: I64, target_pairs: I64,
             target_start: I64, survival: np.ndarray, allowed: np.ndarray, best_pair: I64, best_gain: np.ndarray,
             t: int) -> None:
    """The best allowed pair of target ``t`` and its net gain V_t q_t p − c (−inf when none)."""
    best_pair[t], best_gain[t] = -1, -np.inf
    at_risk = value[t] * survival[t]
    for k in range(target_start[t], target_start[t + 1]):
        q = target_pairs[k]
        if allowed[q]:
            gain = at_risk * pk[q] - cost[pair_weapon[q]]
            if gain > best_gain[t]:
                best_pair[t], best_gain[t] = q, gain
