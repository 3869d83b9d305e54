"""Local search over single rounds, with random reassignments: the search for weapons of many rounds.

A weapon with several rounds is treated as that many copies of itself, one per
round, and the assignment as a list of rounds, each at one target, with the value
at risk R_j = V_j q0_j Π (1 − p_wj)^x_wj of each target kept up to date.

:func:`descend` sweeps every round in turn, applying at once the best of these
moves (exact changes of F):

- *relocate* the round of w from j to k: ΔF = R_j p_wj / (1 − p_wj) − R_k p_wk;
- *drop* it: ΔF = R_j p_wj / (1 − p_wj) − c_w;
- *swap* targets with a round of another weapon w₂ at j₂:
  ΔF = R_j [(1 − p_w₂j)/(1 − p_wj) − 1] + R_j₂ [(1 − p_wj₂)/(1 − p_w₂j₂) − 1];

and *adds* every spare round where it gains most (ΔF = c_w − R_k p_wk), sweep after
sweep until none improves (at most :data:`MAX_SWEEPS`).

:func:`round_search` then runs random reassignments (:data:`KICKS`, fewer on large
problems: :func:`kicks_for`): one random round
leaves each of up to :data:`LEAVING` random engaged targets, and the rounds go back
by an exact linear assignment (each target at most one of them, so the gains add up;
:func:`~.local_search.best_matching`, every target in the weapon's reach a
candidate), kept when better. It is the reassignment neighbourhood of
:func:`~.local_search.reassign` on random subsets of targets, with the state kept
incrementally (no pass over every pair per step), so hundreds fit in a solve; a
descent ends it. The random stream is a xoshiro256** with a fixed seed
(:data:`KICK_SEED`), so the same problem gives the same rounds on every run and
machine; every limit is a count, never the clock.

Only for problems whose limits are the weapons' rounds, the targets' salvos and
prices (:func:`~.layered.layers_apply`): the moves do not track the groups' launches
and channels.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta.local_search import best_matching
from iadsim.c2.wta.problem import F64, I64, SURE_KILL_PK, PairProblem, pair_of, survival_under
from iadsim.jit import kernel, uniform_of

MAX_SWEEPS = 100
"""Sweeps over every round in one descent at most."""
KICKS = 300
"""Random reassignments of one :func:`round_search` at most."""
KICK_WORK = KICKS * 48 * 100
"""Edges (a leaving round's pairs) all the random reassignments of one solve may look at: :data:`KICKS` at 50 × 100,
fewer on larger problems (:func:`kicks_for`), where each costs more and gains less (50 at 300 × 600 gain under
0.1 %)."""
LEAVING = 48
"""Targets a random reassignment takes a round off at most."""
KICK_SEED = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0x2545F4914F6CDD1D],
                     np.uint64)
"""The fixed state the random reassignments' xoshiro256** stream starts from."""
TOLERANCE = 1e-12
"""Smallest fall of the objective, relative to the value at risk, that a move must bring."""


@kernel
def kicks_for(p: PairProblem) -> int:
    """The random reassignments a solve of ``p`` affords: :data:`KICKS`, or fewer where :data:`LEAVING` rounds'
    pairs (the weapons' mean) add up to more than :data:`KICK_WORK` / :data:`KICKS` a reassignment."""
    per_kick = LEAVING * max(len(p.pk) // max(len(p.capacity), 1), 1)
    return min(KICKS, KICK_WORK // per_kick)


@kernel
def round_search(p: PairProblem, start: I64, kicks: int) -> I64:
    """The best assignment (rounds per pair) the descent and ``kicks`` random reassignments reach from ``start``."""
    rounds = start.copy()
    descend(p, rounds)
    risk = p.value * survival_under(p, rounds)
    miss = _misses(p)
    load = np.zeros(len(p.value), np.int64)
    for q in np.flatnonzero(rounds):
        load[p.pair_target[q]] += rounds[q]
    shot = _shots(rounds)
    state = KICK_SEED.copy()
    n_shots, changed = len(shot), False
    for _ in range(kicks):
        kept = _reassign_some(p, rounds, risk, miss, load, shot, n_shots, state)
        changed |= kept >= 0
        n_shots = kept if kept >= 0 else n_shots
    if changed:
        descend(p, rounds)
    return rounds


@kernel
def _reassign_some(p: PairProblem, rounds: I64, risk: F64, miss: F64, load: I64, shot: I64, n_shots: int,
                   state: np.ndarray) -> int:
    """Take one random round off each of up to :data:`LEAVING` random targets and put them back by an exact
    assignment (at most one per target, so the gains add up); keep the result if it is better.

    ``shot`` holds the pair of each of the ``n_shots`` rounds fired; returns their number once the result is kept
    (a round may be held back), -1 if it is not."""
    n_targets = len(p.value)
    if n_shots == 0:
        return -1
    chosen = np.full(n_targets, -1, np.int64)  # the shot index leaving each target
    index = np.empty(LEAVING, np.int64)
    n = 0
    for _ in range(2 * LEAVING):
        i = int(uniform_of(state) * n_shots)
        t = p.pair_target[shot[i]]
        if chosen[t] < 0:
            chosen[t] = i
            index[n] = i
            n += 1
            if n == LEAVING:
                break
    own = np.empty(n, np.int64)
    kept = 0.0  # the gain of every round back where it was
    for r in range(n):
        q = shot[index[r]]
        t = p.pair_target[q]
        own[r] = t
        risk[t] /= miss[q]
        load[t] -= 1
        kept += risk[t] * (1.0 - miss[q]) - p.cost[p.pair_weapon[q]]
    most = 0
    for r in range(n):
        w = p.pair_weapon[shot[index[r]]]
        most += p.weapon_start[w + 1] - p.weapon_start[w]
    edge_round, edge_target, edge_gain = np.empty(most, np.int64), np.empty(most, np.int64), np.empty(most)
    n_edges = 0
    for r in range(n):
        w = p.pair_weapon[shot[index[r]]]
        for q in range(p.weapon_start[w], p.weapon_start[w + 1]):
            t = p.pair_target[q]
            if p.pk[q] > 0.0 and load[t] < p.target_limit[t]:
                edge_round[n_edges], edge_target[n_edges] = r, t
                edge_gain[n_edges] = risk[t] * (1.0 - miss[q]) - p.cost[w]
                n_edges += 1
    placed = best_matching(n, n_targets, own, edge_round[:n_edges], edge_target[:n_edges], edge_gain[:n_edges])
    gained = 0.0
    for r in range(n):
        if placed[r] >= 0:
            w = p.pair_weapon[shot[index[r]]]
            q = pair_of(p.weapon_start, p.pair_target, w, placed[r])
            gained += risk[placed[r]] * (1.0 - miss[q]) - p.cost[w]
    better = gained > kept + TOLERANCE * max(risk.sum(), 1e-300)
    for r in range(n):
        q = shot[index[r]]
        if better:
            rounds[q] -= 1
            if placed[r] >= 0:
                q = pair_of(p.weapon_start, p.pair_target, p.pair_weapon[q], placed[r])
                rounds[q] += 1
            else:
                q = -1
            shot[index[r]] = q
        if q >= 0:
            t = p.pair_target[q]
            risk[t] *= miss[q]
            load[t] += 1
    if not better:
        return -1
    left = shot[:n_shots][shot[:n_shots] >= 0]
    shot[: len(left)] = left
    return len(left)


@kernel
def _misses(p: PairProblem) -> F64:
    """1 − p of every pair, capped as in the objective."""
    miss = np.empty(len(p.pk))
    for q in range(len(p.pk)):
        miss[q] = 1.0 - min(p.pk[q], SURE_KILL_PK)
    return miss


@kernel
def _shots(rounds: I64) -> I64:
    """The pair of every round fired, one entry per round, by pair."""
    shot = np.empty(rounds.sum(), np.int64)
    n = 0
    for q in np.flatnonzero(rounds):
        for _ in range(rounds[q]):
            shot[n] = q
            n += 1
    return shot


@kernel
def descend(p: PairProblem, rounds: I64) -> None:
    """Sweep the moves of the module over every round, applying each improving one, until none improves."""
    n_targets, n_weapons = len(p.value), len(p.capacity)
    risk = p.value * survival_under(p, rounds)
    miss = _misses(p)
    load = np.zeros(n_targets, np.int64)
    spare = p.capacity.copy()
    for q in np.flatnonzero(rounds):
        load[p.pair_target[q]] += rounds[q]
        spare[p.pair_weapon[q]] -= rounds[q]
    fired = _shots(rounds)
    n_shots = len(fired)
    shot = np.full(n_shots + max(spare.sum(), 0), -1, np.int64)  # room for the spare rounds' adds
    shot[:n_shots] = fired
    threshold = TOLERANCE * max(risk.sum(), 1e-300)
    for _ in range(MAX_SWEEPS):
        improved = False
        for w in range(n_weapons):  # adds
            while spare[w] > 0:
                best, best_r = -threshold, -1
                for r in range(p.weapon_start[w], p.weapon_start[w + 1]):
                    k = p.pair_target[r]
                    if p.pk[r] > 0.0 and load[k] < p.target_limit[k]:
                        change = p.cost[w] - risk[k] * (1.0 - miss[r])
                        if change < best:
                            best, best_r = change, r
                if best_r < 0:
                    break
                k = p.pair_target[best_r]
                rounds[best_r] += 1
                risk[k] *= miss[best_r]
                load[k] += 1
                spare[w] -= 1
                shot[n_shots] = best_r
                n_shots += 1
                improved = True
        i = 0
        while i < n_shots:
            q = shot[i]
            w, j = p.pair_weapon[q], p.pair_target[q]
            loss = risk[j] * (1.0 - miss[q]) / miss[q]
            best, kind, best_r, best_i = -threshold, 0, -1, -1
            change = loss - p.cost[w]  # drop
            if change < best:
                best, kind = change, 1
            for r in range(p.weapon_start[w], p.weapon_start[w + 1]):  # relocations
                k = p.pair_target[r]
                if k != j and p.pk[r] > 0.0 and load[k] < p.target_limit[k]:
                    change = loss - risk[k] * (1.0 - miss[r])
                    if change < best:
                        best, kind, best_r = change, 2, r
            for i2 in range(n_shots):  # swaps
                q2 = shot[i2]
                w2, j2 = p.pair_weapon[q2], p.pair_target[q2]
                if w2 == w or j2 == j:
                    continue
                q21 = pair_of(p.weapon_start, p.pair_target, w2, j)
                q12 = pair_of(p.weapon_start, p.pair_target, w, j2)
                if q21 < 0 or q12 < 0 or not (p.pk[q21] > 0.0 and p.pk[q12] > 0.0):
                    continue
                change = risk[j] * (miss[q21] / miss[q] - 1.0) + risk[j2] * (miss[q12] / miss[q2] - 1.0)
                if change < best:
                    best, kind, best_r, best_i = change, 3, q12, i2
            if kind == 0:
                i += 1
                continue
            improved = True
            rounds[q] -= 1
            risk[j] /= miss[q]
            if kind == 1:
                load[j] -= 1
                spare[w] += 1
                n_shots -= 1
                shot[i] = shot[n_shots]  # the last round takes this one's place and is looked at next
                continue
            if kind == 2:
                k = p.pair_target[best_r]
                load[j] -= 1
                load[k] += 1
            else:
                q2 = shot[best_i]
                w2, j2 = p.pair_weapon[q2], p.pair_target[q2]
                q21 = pair_of(p.weapon_start, p.pair_target, w2, j)
                rounds[q2] -= 1
                risk[j2] /= miss[q2]
                rounds[q21] += 1
                risk[j] *= miss[q21]
                shot[best_i] = q21
                k = j2
            rounds[best_r] += 1
            risk[k] *= miss[best_r]
            shot[i] = best_r
            i += 1
        if not improved:
            break
        risk = p.value * survival_under(p, rounds)  # once a sweep: no drift from the divisions
