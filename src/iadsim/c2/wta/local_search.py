"""Local search on an assignment: move, swap, add and drop rounds while the objective falls.

Starting from a feasible assignment (the greedy's), each pass evaluates every
move of five kinds with its exact change of the objective F (see
:mod:`iadsim.c2.wta.problem`), the best one per round or spare weapon:

- *relocate* a round of weapon w from target j to target k:
  ΔF = V_j q_j p_wj / (1 − p_wj) − V_k q_k p_wk;
- *drop* a round not worth its price: ΔF = V_j q_j p_wj / (1 − p_wj) − c_w;
- *add* a round a weapon still has: ΔF = c_w − V_k q_k p_wk;
- *swap* the targets of two rounds (w₁ at j₁, w₂ at j₂):
  ΔF = V_j₁ q_j₁ [(1 − p_w₂j₁)/(1 − p_w₁j₁) − 1] + V_j₂ q_j₂ [(1 − p_w₁j₂)/(1 − p_w₂j₂) − 1];
- *refill*: relocate a round of w from j to k and fill j with a round of another
  group's spare weapon w′: ΔF = relocation − (V_j q′_j p_w′j − c_w′), q′_j the
  survival of j once the round has left.

It then applies, best first, every improving move whose targets and weapon
groups no earlier move of the pass touched (so the changes add up exactly and
no limit is broken), and repeats until no move improves or the pass limit is
reached. Relocations and swaps are the two-exchange neighbourhood of the
very-large-scale neighbourhood search of Ahuja et al. (Operations Research
55(6), 2007, section 5), without its longer cyclic exchanges; the reassignment
neighbourhood (:func:`reassign`) takes one round off every engaged target and
puts them back optimally (a linear assignment problem).

Compiled over the problem's pairs; ``max_passes`` bounds the work of one call,
so a command cycle's planning time is bounded whatever the raid.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.assignment import COLUMN_OF_ROW, assign, assignment_work
from iadsim.c2.wta.problem import (
    F64,
    I64,
    UNLIMITED,
    PairProblem,
    WTAProblem,
    dense_rounds,
    objective_of,
    pair_of,
    pair_rounds,
    pairs_of,
    remaining_of,
    survival_under,
)
from iadsim.jit import inline_kernel, kernel

IMPROVEMENT_TOLERANCE = 1e-9
"""Smallest relative fall of the objective that counts as an improvement."""
MAX_PASSES = 200
"""Passes of each neighbourhood in one call at most (a bound on one cycle's planning work)."""
MATCHING_CANDIDATES = 32
"""Targets each returning round may choose from in :func:`reassign`: its own and the ones where it gains most."""
WEAKEST, STRONGEST = 0, 1
"""Which round leaves each target in :func:`reassign`."""
_NONE = -1


def local_search(problem: WTAProblem, x: I64, max_passes: int = MAX_PASSES) -> I64:
    """Improve the feasible assignment ``x``; return the local optimum (or the state after ``max_passes``)."""
    pairs = pairs_of(problem)
    return dense_rounds(problem, pairs, improve(pairs, pair_rounds(pairs, x), max_passes))


@kernel
def improve(p: PairProblem, start: I64, max_passes: int) -> I64:
    """The local optimum reached from ``start`` (rounds per pair).

    Alternates the exchange passes with the reassignment neighbourhood (weakest,
    then strongest round leaving each target) until none improves; each
    neighbourhood is searched again only once another one has changed the
    assignment since. ``max_passes`` bounds the passes of each kind.
    """
    rounds = start.copy()
    passes = 0
    searched = np.zeros(3, np.bool_)  # exchange, weakest, strongest
    while passes < max_passes and not searched.all():
        if not searched[0]:
            changed = False
            while passes < max_passes and _exchange_pass(p, rounds):
                passes += 1
                changed = True
            _after_search(searched, 0, changed)
        for pick in (WEAKEST, STRONGEST):
            if not searched[1 + pick]:
                changed, rounds = reassign(p, rounds, pick)
                _after_search(searched, 1 + pick, changed)
        passes += 1
    return rounds


@kernel
def _after_search(searched: NDArray[np.bool_], name: int, changed: bool) -> None:
    """After searching ``name``: if it changed the assignment, every other neighbourhood is worth a new look."""
    if changed:
        searched[:] = False
    searched[name] = True


@kernel
def _exchange_pass(p: PairProblem, rounds: I64) -> bool:
    """One pass of exchange moves: find every improving move, apply the compatible ones; False if none improves."""
    n_targets, n_weapons = len(p.value), len(p.capacity)
    left = remaining_of(p, rounds)
    at_risk = p.value * left.survival
    engaged, free_channels, spare_limit = left.channel_engaged, left.group_channels, left.target_limit
    shots = np.flatnonzero(rounds)  # pairs with rounds, by weapon then target
    channel_rounds = np.zeros(len(p.channel_group), np.int64)
    for q in shots:
        channel_rounds[p.pair_channel[q]] += rounds[q]
    n_shots = len(shots)
    loss = np.empty(n_shots)
    frees = np.zeros(n_shots, np.int64)
    for s in range(n_shots):
        q = shots[s]
        p_shot = min(p.pk[q], 1.0 - 1e-15)
        loss[s] = at_risk[p.pair_target[q]] * p_shot / (1.0 - p_shot)
        c = p.pair_channel[q]
        frees[s] = 1 if channel_rounds[c] == 1 and not p.channel_engaged[c] else 0
    spare = np.zeros(n_weapons, np.int64)
    n_spare = 0
    for w in range(n_weapons):
        if min(left.capacity[w], left.group_capacity[p.group[w]]) > 0:
            spare[n_spare] = w
            n_spare += 1
    spare = spare[:n_spare]
    # Candidate moves: (delta, then the pairs a round leaves / joins: a -, b +, c +, d -), and targets / weapons.
    size = 3 * n_shots + n_spare + n_shots
    delta = np.full(size, np.inf)
    move = np.full((size, 4), _NONE, np.int64)
    n = 0
    for s in range(n_shots):  # relocations
        change, k = _best_relocation(p.pair_weapon, p.pair_target, p.pk, p.weapon_start, p.pair_channel, p.group,
                                     at_risk, engaged, free_channels, spare_limit, shots[s], loss[s], frees[s])
        delta[n] = change
        move[n, 0], move[n, 1] = shots[s], k
        n += 1
    for s in range(n_shots):  # drops
        delta[n] = loss[s] - p.cost[p.pair_weapon[shots[s]]]
        move[n, 0] = shots[s]
        n += 1
    for w in spare:  # adds
        best, best_q = np.inf, _NONE
        for q in range(p.weapon_start[w], p.weapon_start[w + 1]):
            if p.pk[q] > 0.0 and spare_limit[p.pair_target[q]] > 0 and \
                    _channel_ok(engaged, free_channels, p.pair_channel[q], p.group[w], 0):
                change = -(at_risk[p.pair_target[q]] * p.pk[q] - p.cost[w])
                if change < best:
                    best, best_q = change, q
        delta[n], move[n, 1] = best, best_q
        n += 1
    if n_shots >= 2:  # swaps
        for s1 in range(n_shots):
            best, best_moves = np.inf, (_NONE, _NONE, _NONE)
            q11 = shots[s1]
            w1, j1 = p.pair_weapon[q11], p.pair_target[q11]
            for s2 in range(s1 + 1, n_shots):
                q22 = shots[s2]
                w2, j2 = p.pair_weapon[q22], p.pair_target[q22]
                if j1 == j2 or w1 == w2:
                    continue
                q21, q12 = pair_of(p.weapon_start, p.pair_target, w2, j1), pair_of(p.weapon_start, p.pair_target, w1, j2)
                if q21 < 0 or q12 < 0 or not (p.pk[q21] > 0.0 and p.pk[q12] > 0.0):
                    continue
                change = (at_risk[j1] * ((1.0 - p.pk[q21]) / (1.0 - p.pk[q11]) - 1.0)
                          + at_risk[j2] * ((1.0 - p.pk[q12]) / (1.0 - p.pk[q22]) - 1.0))
                if not np.isfinite(change):
                    continue
                if p.group[w1] != p.group[w2] and not (
                        _channel_ok(engaged, free_channels, p.pair_channel[q12], p.group[w1], frees[s1])
                        and _channel_ok(engaged, free_channels, p.pair_channel[q21], p.group[w2], frees[s2])):
                    continue
                if change < best:
                    best, best_moves = change, (q12, q21, q22)
            delta[n] = best
            move[n, 0], move[n, 1], move[n, 2], move[n, 3] = q11, best_moves[0], best_moves[1], best_moves[2]
            n += 1
    if n_shots >= 1 and n_spare >= 1:  # refills
        for s in range(n_shots):
            q = shots[s]
            w, j = p.pair_weapon[q], p.pair_target[q]
            relocation, k = _best_relocation(p.pair_weapon, p.pair_target, p.pk, p.weapon_start, p.pair_channel,
                                             p.group, at_risk, engaged, free_channels, spare_limit, q, loss[s], frees[s])
            p_shot = min(p.pk[q], 1.0 - 1e-15)
            at_risk_after = at_risk[j] / (1.0 - p_shot)
            best, best_q = np.inf, _NONE
            for v in spare:
                r = pair_of(p.weapon_start, p.pair_target, v, j)
                if r < 0 or not p.pk[r] > 0.0 or p.group[v] == p.group[w] or \
                        not _channel_ok(engaged, free_channels, p.pair_channel[r], p.group[v], 0):
                    continue
                change = -(at_risk_after * p.pk[r] - p.cost[v])
                if change < best:
                    best, best_q = change, r
            delta[n] = relocation + best
            move[n, 0], move[n, 1], move[n, 2] = q, k, best_q
            n += 1
    threshold = -IMPROVEMENT_TOLERANCE * max(at_risk.sum(), 1e-300)
    keep = np.flatnonzero(delta[:n] < threshold)
    if len(keep) == 0:
        return False
    order = keep[np.argsort(delta[keep], kind="mergesort")]
    _apply(p, rounds, move, order)
    return True


@inline_kernel
def _channel_ok(engaged: NDArray[np.bool_], free_channels: I64, channel: int, group: int, frees: int) -> bool:
    """May ``group`` take on a target through ``channel``, counting the channel a leaving round ``frees``?"""
    return engaged[channel] or free_channels[group] + frees > 0


@inline_kernel
def _best_relocation(pair_weapon: I64, pair_target: I64, pk: F64, weapon_start: I64, pair_channel: I64, group: I64,
                     at_risk: F64, engaged: NDArray[np.bool_], free_channels: I64, spare_limit: I64, q: int,
                     loss: float, frees: int) -> tuple[float, int]:
    """The best target to move a round of shot ``q`` to: ΔF = V_j q_j p_wj / (1 − p_wj) − V_k q_k p_wk."""
    w, j = pair_weapon[q], pair_target[q]
    g = group[w]
    best, best_q = np.inf, _NONE
    for r in range(weapon_start[w], weapon_start[w + 1]):
        k = pair_target[r]
        if k == j or not (pk[r] > 0.0 and spare_limit[k] > 0
                          and _channel_ok(engaged, free_channels, pair_channel[r], g, frees)):
            continue
        change = loss - at_risk[k] * pk[r]
        if change < best:
            best, best_q = change, r
    return best, best_q


@kernel
def _apply(p: PairProblem, rounds: I64, move: I64, order: I64) -> None:
    """Apply improving moves best first, skipping any that touches a target or limited group already changed.

    A move takes a round off pair ``a`` and puts one on ``b`` (its weapon's), and
    another weapon's round onto ``c`` and off ``d`` (swaps and refills). A group
    counts as touched when the move may change its use of a limit: adds and drops
    (rounds), and any move of a group whose channels are limited.
    """
    touched_targets = np.zeros(len(p.value), np.bool_)
    touched_groups = np.zeros(len(p.group_capacity), np.bool_)
    for m in order:
        a, b, c, d = move[m, 0], move[m, 1], move[m, 2], move[m, 3]
        changes_rounds = a < 0 or b < 0 or (c >= 0 and d < 0)
        clash = False
        for q in (a, b, c, d):
            if q >= 0:
                g = p.group[p.pair_weapon[q]]
                clash |= touched_targets[p.pair_target[q]] or (
                    touched_groups[g] and (changes_rounds or p.group_channels[g] < UNLIMITED))
        if clash:
            continue
        for q in (a, b, c, d):
            if q >= 0:
                g = p.group[p.pair_weapon[q]]
                touched_targets[p.pair_target[q]] = True
                touched_groups[g] |= changes_rounds or p.group_channels[g] < UNLIMITED
        if a >= 0:
            rounds[a] -= 1
        if b >= 0:
            rounds[b] += 1
        if c >= 0:
            rounds[c] += 1
        if d >= 0:
            rounds[d] -= 1


@kernel
def reassign(p: PairProblem, rounds: I64, pick: int) -> tuple[bool, I64]:
    """Take one round off every engaged target and put them back optimally: (improved, the rounds).

    With at most one returning round per target the gains add up exactly, so the
    best way back is a linear assignment problem (rounds × targets, plus a column
    per round for holding it back), solved exactly (:func:`best_matching`). The
    current assignment is one of its solutions, so the result is never worse: a
    very large neighbourhood searched exactly, in the spirit of Ahuja et al. (2007,
    section 5). ``pick`` says which round leaves each target: the ``WEAKEST`` or
    ``STRONGEST`` one (ties: the lower weapon). A round of a group with limited
    channels may only return to a target its group still engages, or to its own,
    so no channel is ever overdrawn.
    """
    shots = np.flatnonzero(rounds)
    if len(shots) == 0:
        return False, rounds
    n_targets = len(p.value)
    leaving = np.full(n_targets, _NONE, np.int64)
    for q in shots:
        t = p.pair_target[q]
        current = leaving[t]
        if current < 0 or (p.pk[q] < p.pk[current] if pick == WEAKEST else p.pk[q] > p.pk[current]):
            leaving[t] = q
    leaving = leaving[leaving >= 0]  # one round per engaged target, by target
    rest = rounds.copy()
    for q in leaving:
        rest[q] -= 1
    left = remaining_of(p, rest)
    at_risk = p.value * survival_under(p, rest)
    n_rounds = len(leaving)
    own = np.empty(n_rounds, np.int64)
    for r in range(n_rounds):
        own[r] = p.pair_target[leaving[r]]
    # Gains of each returning round at each target it may go to (its weapon's pairs).
    most = 0
    for r in range(n_rounds):
        w = p.pair_weapon[leaving[r]]
        most += p.weapon_start[w + 1] - p.weapon_start[w]
    edge_round, edge_target, edge_gain = np.empty(most, np.int64), np.empty(most, np.int64), np.empty(most)
    n_edges = 0
    for r in range(n_rounds):
        w = p.pair_weapon[leaving[r]]
        limited = p.group_channels[p.group[w]] < UNLIMITED
        for q in range(p.weapon_start[w], p.weapon_start[w + 1]):
            t = p.pair_target[q]
            if not (p.pk[q] > 0.0 and left.target_limit[t] > 0):
                continue
            if limited and t != own[r] and not left.channel_engaged[p.pair_channel[q]]:
                continue
            edge_round[n_edges], edge_target[n_edges] = r, t
            edge_gain[n_edges] = at_risk[t] * p.pk[q] - p.cost[w]
            n_edges += 1
    placed = best_matching(n_rounds, n_targets, own, edge_round[:n_edges], edge_target[:n_edges],
                            edge_gain[:n_edges])
    candidate = rest
    for r in range(n_rounds):
        if placed[r] >= 0:
            candidate[pair_of(p.weapon_start, p.pair_target, p.pair_weapon[leaving[r]], placed[r])] += 1
    if objective_of(p, candidate) < objective_of(p, rounds) * (1.0 - IMPROVEMENT_TOLERANCE):
        return True, candidate
    return False, rounds


@kernel
def best_matching(n_rounds: int, n_targets: int, own: I64, edge_round: I64, edge_target: I64,
                   edge_gain: F64) -> I64:
    """The target (or -1: held back) of each round, each target at most once, most total gain.

    Each round keeps as edges its own target, its :data:`MATCHING_CANDIDATES`
    best targets and every target for which it is among that many best rounds,
    plus its hold-back column, so the assignment problem stays small however many
    targets there are; below that many targets and rounds it is the whole
    neighbourhood. Solved exactly (:func:`iadsim.assignment.assign`, every row assigned) on weights
    max gain + 1 − gain.
    """
    keep = np.zeros(len(edge_round), np.bool_)
    if n_targets <= MATCHING_CANDIDATES and n_rounds <= MATCHING_CANDIDATES:
        keep[:] = True
    else:
        _keep_best(edge_round, edge_gain, n_rounds, min(MATCHING_CANDIDATES, n_targets), keep)
        _keep_best(edge_target, edge_gain, n_targets, min(MATCHING_CANDIDATES, n_rounds), keep)
    for e in range(len(edge_round)):
        keep[e] |= edge_target[e] == own[edge_round[e]]
        keep[e] &= np.isfinite(edge_gain[e])
    # Columns: the targets of kept edges, then one hold-back column per round.
    column_of = np.full(n_targets, -1, np.int64)
    targets = np.empty(n_targets, np.int64)
    n_columns = 0
    top = 0.0
    for e in np.flatnonzero(keep):
        top = max(top, edge_gain[e])
        if column_of[edge_target[e]] < 0:
            column_of[edge_target[e]] = n_columns
            targets[n_columns] = edge_target[e]
            n_columns += 1
    # Each round's edges (kept edges come round by round), then its hold-back column, as one list by round.
    kept = np.flatnonzero(keep)
    row_start = np.zeros(n_rounds + 1, np.int64)
    for e in kept:
        row_start[edge_round[e] + 1] += 1
    for r in range(n_rounds):
        row_start[r + 1] += row_start[r] + 1
    edge_column, weight = np.empty(row_start[n_rounds], np.int64), np.empty(row_start[n_rounds])
    filled = row_start[:-1].copy()
    for e in kept:
        r = edge_round[e]
        edge_column[filled[r]], weight[filled[r]] = column_of[edge_target[e]], top + 1.0 - edge_gain[e]
        filled[r] += 1
    for r in range(n_rounds):
        edge_column[filled[r]], weight[filled[r]] = n_columns + r, top + 1.0
    reals, indices, visited, heap_key, heap_item = assignment_work(n_rounds, n_columns + n_rounds, len(weight))
    assign(row_start, edge_column, weight, n_rounds, n_columns + n_rounds, False, reals, indices, visited, heap_key,
           heap_item)
    column = indices[COLUMN_OF_ROW]
    placed = np.full(n_rounds, -1, np.int64)
    for r in range(n_rounds):
        if column[r] < n_columns:
            placed[r] = targets[column[r]]
    return placed


@kernel
def _keep_best(key: I64, gain: F64, n_keys: int, count: int, keep: NDArray[np.bool_]) -> None:
    """Mark in ``keep`` the ``count`` edges of largest finite gain of each key (ties: the earlier edge).

    One pass keeps each key's ``count`` largest gains in a small min-heap, whose top is
    then the key's threshold; a second keeps the edges above it and, in order, as many
    at it as there is room for.
    """
    heap = np.empty((n_keys, count))
    size = np.zeros(n_keys, np.int64)
    for e in range(len(key)):
        g, k = gain[e], key[e]
        if not np.isfinite(g):
            continue
        if size[k] < count:
            _sift_up(heap[k], size[k], g)
            size[k] += 1
        elif g > heap[k, 0]:
            _replace_top(heap[k], count, g)
    taken = np.zeros(n_keys, np.int64)
    for e in range(len(key)):
        k = key[e]
        if np.isfinite(gain[e]) and (size[k] < count or gain[e] > heap[k, 0]):
            keep[e] = True
            taken[k] += 1
    for e in range(len(key)):
        k = key[e]
        if size[k] == count and gain[e] == heap[k, 0] and taken[k] < count:
            keep[e] = True
            taken[k] += 1


@inline_kernel
def _sift_up(heap: F64, size: int, value: float) -> None:
    """Add ``value`` to the min-heap ``heap[:size]``."""
    k = size
    while k > 0 and heap[(k - 1) // 2] > value:
        heap[k] = heap[(k - 1) // 2]
        k = (k - 1) // 2
    heap[k] = value


@inline_kernel
def _replace_top(heap: F64, size: int, value: float) -> None:
    """Replace the smallest value of the full min-heap ``heap[:size]`` by ``value``."""
    k = 0
    while True:
        child = 2 * k + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] >= value:
            break
        heap[k] = heap[child]
        k = child
    heap[k] = value
