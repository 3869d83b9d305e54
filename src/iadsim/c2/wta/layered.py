"""A second start for the local search: the rounds placed layer by layer, each layer an exact assignment.

The greedy (:mod:`.marginal_return`) places one round at a time and never looks
back; on problems with many rounds per weapon its local optimum is often several
per cent from the best. This construction places a whole layer at once instead:
every round still to place (each weapon repeated by the rounds it has left) may
go to any target, each target takes at most one round of the layer, and the
layer maximises its total gain Σ (V_j q_j p_wj − c_w) exactly (a linear
assignment problem, :func:`~.local_search.best_matching`, on each round's best
targets); the survivals are updated and the next layer placed, until no round
gains anything. With at most one new round per target a layer's gains add up
exactly, so each layer is the best it can be given the layers before (the
successive-assignment idea of the WTA literature, e.g. Kline, Ahner & Hill,
Computers & Operations Research 105, 2019, section 4).

Only for problems with several rounds per weapon whose limits are the weapons'
rounds, the targets' salvos and prices (:func:`layers_apply`): a layer ignores the
groups' launch and channel limits, so a command post's problems keep the greedy
start alone.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta.problem import I64, UNLIMITED, PairProblem
from iadsim.c2.wta.local_search import best_matching
from iadsim.jit import kernel


@kernel
def layers_apply(p: PairProblem) -> bool:
    """True when some weapon has several rounds (with one round each, the search from the greedy is at the optimum
    of every benchmark instance already) and no group limits launches or channels (the layers would not see them)."""
    for g in range(len(p.group_capacity)):
        if p.group_capacity[g] < UNLIMITED or p.group_channels[g] < UNLIMITED:
            return False
    return len(p.capacity) > 0 and p.capacity.max() > 1


@kernel
def layered_start(p: PairProblem) -> I64:
    """Rounds per pair placed in layers of exact assignments (see the module), from no rounds."""
    n_targets, n_weapons = len(p.value), len(p.capacity)
    rounds = np.zeros(len(p.pk), np.int64)
    left, limit = p.capacity.copy(), p.target_limit.copy()
    at_risk = p.value * p.survival
    row_weapon = np.empty(0, np.int64)
    while True:
        n_rows = 0
        for w in range(n_weapons):
            n_rows += min(left[w], n_targets)
        if n_rows == 0:
            break
        row_weapon = np.empty(n_rows, np.int64)
        most = 0
        r = 0
        for w in range(n_weapons):
            for _ in range(min(left[w], n_targets)):
                row_weapon[r] = w
                most += p.weapon_start[w + 1] - p.weapon_start[w]
                r += 1
        edge_round, edge_target, edge_gain = np.empty(most, np.int64), np.empty(most, np.int64), np.empty(most)
        n_edges = 0
        for r in range(n_rows):
            w = row_weapon[r]
            for q in range(p.weapon_start[w], p.weapon_start[w + 1]):
                t = p.pair_target[q]
                gain = at_risk[t] * p.pk[q] - p.cost[w]
                if p.pk[q] > 0.0 and limit[t] > 0 and gain > 0.0:
                    edge_round[n_edges], edge_target[n_edges], edge_gain[n_edges] = r, t, gain
                    n_edges += 1
        if n_edges == 0:
            break
        placed = best_matching(n_rows, n_targets, np.full(n_rows, -1, np.int64), edge_round[:n_edges],
                               edge_target[:n_edges], edge_gain[:n_edges])
        placed_any = False
        for r in range(n_rows):
            t = placed[r]
            if t < 0:
                continue
            w = row_weapon[r]
            low, high = p.weapon_start[w], p.weapon_start[w + 1]
            q = low + np.searchsorted(p.pair_target[low:high], t)
            rounds[q] += 1
            left[w] -= 1
            limit[t] -= 1
            at_risk[t] *= 1.0 - p.pk[q]
            placed_any = True
        if not placed_any:
            break
    return rounds
