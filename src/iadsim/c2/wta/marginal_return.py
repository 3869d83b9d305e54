"""Maximum-marginal-return greedy: fire the round that lowers the objective most, again and again.

The classic construction heuristic of the weapon-target assignment literature
(den Broeder, Ellison & Emerling 1959; Ahuja et al. 2007, section 4.1): a round
of weapon w at target j lowers the expected surviving value by V_j q_j p_wj,
where q_j is j's current survival probability, and costs c_w. Each iteration
takes the round with the largest net gain V_j q_j p_wj − c_w, updates q_j and
the limits, and stops when no round gains anything.

Vectorised by keeping, for every target, its best weapon and that weapon's gain:
an iteration is one argmax over targets, plus a recomputation of the few
targets whose best weapon just ran out or lost its channel.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta.problem import I64, WTAProblem, remaining


def marginal_return(problem: WTAProblem, x: I64 | None = None) -> I64:
    """A greedy assignment, extending ``x`` (default: no rounds) while any round gains value."""
    state = _GreedyState(problem, problem.empty_assignment() if x is None else x.copy())
    state.run()
    return state.x


class _GreedyState:
    """The running greedy: assignment, survival, remaining limits and each target's best round."""

    def __init__(self, problem: WTAProblem, x: I64) -> None:
        self.problem = problem
        self.x = x
        left = remaining(problem, x)
        self.survival = left.survival.copy()
        self.capacity = left.capacity.copy()
        self.limit = left.target_limit.copy()
        self.group_capacity = left.group_capacity.copy()
        self.engaged = left.group_engaged.copy()
        self.channels = left.group_channels.copy()
        self.allowed = (problem.pk > 0.0) & (self.capacity > 0)[:, None] & (self.limit > 0)[None, :]
        self.allowed &= (self.group_capacity > 0)[problem.group][:, None]
        self.allowed &= self.engaged[problem.group] | (self.channels > 0)[problem.group][:, None]
        n_targets = problem.shape[1]
        self.best_weapon = np.zeros(n_targets, dtype=np.int64)
        self.best_gain = np.full(n_targets, -np.inf)
        self._refresh(np.arange(n_targets))

    def _refresh(self, targets: I64) -> None:
        """Recompute the best weapon and its net gain for ``targets``."""
        if len(targets) == 0:
            return
        p = self.problem
        gain = (p.value[targets] * self.survival[targets])[None, :] * p.pk[:, targets] - p.cost[:, None]
        gain = np.where(self.allowed[:, targets], gain, -np.inf)
        self.best_weapon[targets] = np.argmax(gain, axis=0)
        self.best_gain[targets] = gain[self.best_weapon[targets], np.arange(len(targets))]

    def run(self) -> None:
        p = self.problem
        while len(self.best_gain):
            j = int(np.argmax(self.best_gain))
            if not self.best_gain[j] > 0.0:
                return
            w = int(self.best_weapon[j])
            g = int(p.group[w])
            self.x[w, j] += 1
            self.survival[j] *= 1.0 - p.pk[w, j]
            self.capacity[w] -= 1
            self.limit[j] -= 1
            self.group_capacity[g] -= 1
            if not self.engaged[g, j]:
                self.engaged[g, j] = True
                self.channels[g] -= 1
            stale = self._close_exhausted(w, j, g)
            stale[j] = True
            self._refresh(np.flatnonzero(stale))

    def _close_exhausted(self, w: int, j: int, g: int) -> np.ndarray:
        """Forbid rounds that a limit reached by the last round rules out; return the targets to refresh."""
        p = self.problem
        stale = np.zeros(len(self.best_gain), dtype=bool)
        closed_weapons = np.zeros(len(self.capacity), dtype=bool)
        if self.capacity[w] == 0:
            closed_weapons[w] = True
        if self.group_capacity[g] == 0:
            closed_weapons |= p.group == g
        if closed_weapons.any():
            self.allowed[closed_weapons] = False
            stale |= closed_weapons[self.best_weapon]
        if self.limit[j] == 0:
            self.allowed[:, j] = False
        if self.channels[g] == 0:
            members = p.group == g
            self.allowed[np.ix_(members, ~self.engaged[g])] = False
            stale |= members[self.best_weapon] & ~self.engaged[g]
        return stale
