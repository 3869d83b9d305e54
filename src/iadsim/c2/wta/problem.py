"""The static weapon-target assignment problem, in the general form the command post solves.

Targets ``j`` have a value ``V_j`` and a survival probability ``q0_j`` from shots
already in flight; weapons ``w`` (a fire unit's stock of one missile type, or a
single round) kill target ``j`` with probability ``p_wj`` (0 where the weapon
cannot engage it) and cost ``c_w`` per round (in value units; 0 when cost is
ignored). An assignment ``x_wj`` (rounds of ``w`` at ``j``) minimises

    F(x) = Σ_j V_j q0_j Π_w (1 − p_wj)^{x_wj} + Σ_w c_w Σ_j x_wj

(the expected surviving threat value, Ahuja et al., Operations Research 55(6),
2007, eq. 1, plus the price of the rounds) subject to

- each weapon's rounds: Σ_j x_wj ≤ capacity_w;
- each target's rounds: Σ_w x_wj ≤ target_limit_j (the doctrine's salvo);
- each group (fire unit) of weapons: Σ_{w∈g} Σ_j x_wj ≤ group_capacity_g
  (launches this cycle, free guidance channels);
- each group's fire-control channels: the targets it engages that it was not
  already engaging (``group_engaged``) number at most group_channels_g.

Arrays are numpy; every solver returns an integer ``x`` of shape (W, T).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

UNLIMITED = np.iinfo(np.int32).max
"""A limit that never binds."""


@dataclass(frozen=True)
class WTAProblem:
    """One static assignment problem: W weapons, T targets, G weapon groups."""

    value: F64
    """(T,) value of each target (the damage it does if it survives)."""
    pk: F64
    """(W, T) kill probability of one round of weapon w at target j; 0 where w cannot engage j."""
    capacity: I64
    """(W,) rounds each weapon may fire."""
    cost: F64
    """(W,) price of one round in value units (0: cost ignored)."""
    survival: F64
    """(T,) probability that target j survives the rounds already in flight at it."""
    target_limit: I64
    """(T,) most new rounds at target j."""
    group: I64
    """(W,) group (fire unit) of each weapon."""
    group_capacity: I64
    """(G,) most rounds a group fires in total."""
    group_channels: I64
    """(G,) fire-control channels a group has free for targets it does not engage yet."""
    group_engaged: NDArray[np.bool_]
    """(G, T) targets a group already engages: further rounds at them need no new channel."""

    @classmethod
    def build(
        cls, value: F64, pk: F64, capacity: I64 | None = None, *, cost: F64 | None = None,
        survival: F64 | None = None, target_limit: I64 | None = None, group: I64 | None = None,
        group_capacity: I64 | None = None, group_channels: I64 | None = None,
        group_engaged: NDArray[np.bool_] | None = None,
    ) -> WTAProblem:
        """A problem with defaults that never bind: one round per weapon, each weapon its own group."""
        pk = np.asarray(pk, dtype=float)
        n_weapons, n_targets = pk.shape
        group = np.arange(n_weapons) if group is None else np.asarray(group, dtype=np.int64)
        n_groups = int(group.max()) + 1 if n_weapons else 0

        def ints(array: object, size: int, default: int) -> I64:
            return np.full(size, default, np.int64) if array is None else np.asarray(array, dtype=np.int64)

        return cls(
            value=np.asarray(value, dtype=float), pk=pk,
            capacity=ints(capacity, n_weapons, 1),
            cost=np.zeros(n_weapons) if cost is None else np.asarray(cost, dtype=float),
            survival=np.ones(n_targets) if survival is None else np.asarray(survival, dtype=float),
            target_limit=ints(target_limit, n_targets, UNLIMITED), group=group,
            group_capacity=ints(group_capacity, n_groups, UNLIMITED),
            group_channels=ints(group_channels, n_groups, UNLIMITED),
            group_engaged=(np.zeros((n_groups, n_targets), bool) if group_engaged is None
                           else np.asarray(group_engaged, dtype=bool)),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.pk.shape

    @property
    def n_groups(self) -> int:
        return len(self.group_capacity)

    def empty_assignment(self) -> I64:
        return np.zeros(self.shape, dtype=np.int64)


def remaining(problem: WTAProblem, x: I64) -> WTAProblem:
    """The problem left once the rounds of ``x`` are fired: less capacity, lower survival, channels taken."""
    by_group = np.zeros((problem.n_groups, problem.shape[1]), dtype=np.int64)
    np.add.at(by_group, problem.group, x)
    engaged = by_group > 0
    return replace(
        problem,
        capacity=problem.capacity - x.sum(axis=1),
        survival=problem.survival * np.exp(np.einsum("wt,wt->t", x, log_miss(problem.pk))),
        target_limit=problem.target_limit - x.sum(axis=0),
        group_capacity=problem.group_capacity - by_group.sum(axis=1),
        group_channels=problem.group_channels - (engaged & ~problem.group_engaged).sum(axis=1),
        group_engaged=problem.group_engaged | engaged,
    )


def objective(problem: WTAProblem, x: I64) -> float:
    """F(x): expected surviving target value plus the price of the rounds fired."""
    return float(surviving_value(problem, x[None])[0] + problem.cost @ x.sum(axis=1))


def surviving_value(problem: WTAProblem, xs: I64) -> F64:
    """Expected surviving value Σ_j V_j q0_j Π_w (1 − p_wj)^x_wj for a stack of assignments (K, W, T)."""
    exponent = np.einsum("kwt,wt->kt", xs, log_miss(problem.pk))
    return np.exp(exponent) @ (problem.value * problem.survival)


def log_miss(pk: F64) -> F64:
    """ln(1 − p), finite even for p = 1 (a sure kill leaves a survival of 1e-15, not 0)."""
    return np.log1p(-np.minimum(pk, 1.0 - 1e-15))


def violations(problem: WTAProblem, x: I64) -> list[str]:
    """Every limit ``x`` breaks, in words (empty when ``x`` is feasible)."""
    found = []
    if np.any(x < 0):
        found.append("negative rounds")
    if np.any((x > 0) & (problem.pk <= 0.0)):
        found.append("rounds at a target the weapon cannot engage")
    if np.any(x.sum(axis=1) > problem.capacity):
        found.append("a weapon fires more rounds than it has")
    if np.any(x.sum(axis=0) > problem.target_limit):
        found.append("a target gets more rounds than its limit")
    by_group = np.zeros((problem.n_groups, x.shape[1]), dtype=np.int64)
    np.add.at(by_group, problem.group, x)
    if np.any(by_group.sum(axis=1) > problem.group_capacity):
        found.append("a group fires more rounds than it may")
    new_channels = ((by_group > 0) & ~problem.group_engaged).sum(axis=1)
    if np.any(new_channels > problem.group_channels):
        found.append("a group engages more targets than it has channels")
    return found
