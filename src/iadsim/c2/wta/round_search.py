"""Local search over single rounds, with restarts: the search for weapons of many rounds.

A weapon with several rounds is treated as that many copies of itself, one per
round, and the assignment as a list of rounds, each at one target. From a start
(the greedy's), every round in turn takes the best of these moves, applied at
once, with the value at risk R_j = V_j q0_j Π (1 − p_wj)^x_wj of each target kept
up to date:

- *relocate* the round of w from j to k: ΔF = R_j p_wj / (1 − p_wj) − R_k p_wk;
- *drop* it: ΔF = R_j p_wj / (1 − p_wj) − c_w;
- *swap* targets with a round of another weapon w₂ at j₂:
  ΔF = R_j [(1 − p_w₂j)/(1 − p_wj) − 1] + R_j₂ [(1 − p_wj₂)/(1 − p_w₂j₂) − 1];

and every spare round is *added* where it gains most (ΔF = c_w − R_k p_wk), sweep
after sweep until none improves (at most :data:`MAX_SWEEPS`). Applying each move
as soon as it is found, with the exact change, is what the pass-wise search of
:mod:`.local_search` cannot do (it applies only moves on disjoint targets); it is the
two-exchange neighbourhood of Ahuja et al. (Operations Research 55(6), 2007,
section 5) over rounds rather than weapons.

Then an iterated local search (Lourenço, Martin & Stützle, Handbook of
Metaheuristics, 2003): :data:`KICKS` times, the best assignment so far has
:data:`KICK_SHARE` of its rounds moved to random targets in reach, the sweeps run
again, and the result is kept if it is better. The random stream is a xoshiro256**
with a fixed seed (:data:`KICK_SEED`), so the same problem gives the same rounds on
every run and machine; every limit is a count, never the clock.

Only for problems whose limits are the weapons' rounds, the targets' salvos and
prices (:func:`~.layered.layers_apply`): the moves do not track the groups' launches
and channels.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta.problem import I64, SURE_KILL_PK, PairProblem, objective_of, pair_of, survival_under
from iadsim.jit import kernel, uniform_of

MAX_SWEEPS = 100
"""Sweeps over every round in one descent at most."""
KICKS = 30
"""Perturbations of the iterated local search."""
KICK_SHARE = 0.05
"""Share of the rounds a perturbation moves to random targets (at least :data:`KICK_LEAST`)."""
KICK_LEAST = 2
KICK_SEED = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0x2545F4914F6CDD1D],
                     np.uint64)
"""The fixed state the perturbations' xoshiro256** stream starts from."""
TOLERANCE = 1e-12
"""Smallest fall of the objective, relative to the value at risk, that a move must bring."""


@kernel
def round_search(p: PairProblem, start: I64, kicks: int) -> I64:
    """The best assignment (rounds per pair) the descent and ``kicks`` perturbations reach from ``start``."""
    rounds = start.copy()
    descend(p, rounds)
    best, best_value = rounds.copy(), objective_of(p, rounds)
    state = KICK_SEED.copy()
    for _ in range(kicks):
        rounds[:] = best
        _kick(p, rounds, state)
        descend(p, rounds)
        value = objective_of(p, rounds)
        if value < best_value * (1.0 - 1e-12):
            best[:], best_value = rounds, value
    return best


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
def _kick(p: PairProblem, rounds: I64, state: np.ndarray) -> None:
    """Move a random :data:`KICK_SHARE` of the rounds to random targets of their weapons with room for a round."""
    shot = _shots(rounds)
    if len(shot) == 0:
        return
    load = np.zeros(len(p.value), np.int64)
    for q in shot:
        load[p.pair_target[q]] += 1
    for _ in range(max(KICK_LEAST, int(KICK_SHARE * len(shot)))):
        i = int(uniform_of(state) * len(shot))
        q = shot[i]
        w = p.pair_weapon[q]
        low, high = p.weapon_start[w], p.weapon_start[w + 1]
        r = low + int(uniform_of(state) * (high - low))
        k = p.pair_target[r]
        if r == q or not p.pk[r] > 0.0 or load[k] >= p.target_limit[k]:
            continue
        rounds[q] -= 1
        rounds[r] += 1
        load[p.pair_target[q]] -= 1
        load[k] += 1
        shot[i] = r


@kernel
def descend(p: PairProblem, rounds: I64) -> None:
    """Sweep the moves of the module over every round, applying each improving one, until none improves."""
    n_targets, n_weapons = len(p.value), len(p.capacity)
    risk = p.value * survival_under(p, rounds)
    miss = np.empty(len(p.pk))  # 1 − p, capped as in the objective
    for q in range(len(p.pk)):
        miss[q] = 1.0 - min(p.pk[q], SURE_KILL_PK)
    load = np.zeros(n_targets, np.int64)
    spare = p.capacity.copy()
    for q in np.flatnonzero(rounds):
        load[p.pair_target[q]] += rounds[q]
        spare[p.pair_weapon[q]] -= rounds[q]
    shot = np.full(rounds.sum() + max(spare.sum(), 0), -1, np.int64)
    n_shots = 0
    for q in np.flatnonzero(rounds):
        for _ in range(rounds[q]):
            shot[n_shots] = q
            n_shots += 1
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
