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

Two forms: :class:`WTAProblem` (dense ``(W, T)`` arrays, for callers and tests)
and :class:`PairProblem`, the same problem over its *pairs* (the (weapon,
target) combinations with p_wj > 0 only), which the compiled solvers work on:
a command post's problem has few pairs per target however many weapons and
targets there are, so nothing in a solver is sized W × T. Solvers on pairs
return the rounds per pair; the dense functions return an integer ``x`` of shape (W, T).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import inline_kernel, kernel

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

UNLIMITED = np.iinfo(np.int32).max
"""A limit that never binds."""
SURE_KILL_PK = 1.0 - 1e-15
"""Kill probabilities are capped here in logarithms, so a sure kill leaves a survival of 1e-15, not 0."""


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


class PairProblem(NamedTuple):
    """A :class:`WTAProblem` over its P pairs, for kernels.

    Pairs are sorted by weapon, then target: weapon w's pairs are
    ``weapon_start[w]:weapon_start[w + 1]``; ``target_pairs`` lists them again by
    target (then weapon), target j's at ``target_start[j]:target_start[j + 1]``.
    A *channel* is one group engaging one target: ``pair_channel`` (P,) names each
    pair's, ``channel_group`` (K,) its group and ``channel_engaged`` (K,) whether
    the group engages the target already. A pair whose ``pk`` is 0 is not in the
    problem (the decide stage solves twice over the same pairs with different
    kill probabilities).
    """

    value: F64  # (T,)
    survival: F64  # (T,)
    target_limit: I64  # (T,)
    capacity: I64  # (W,)
    cost: F64  # (W,)
    group: I64  # (W,)
    group_capacity: I64  # (G,)
    group_channels: I64  # (G,)
    pair_weapon: I64  # (P,)
    pair_target: I64  # (P,)
    pk: F64  # (P,)
    weapon_start: I64  # (W + 1,)
    target_pairs: I64  # (P,)
    target_start: I64  # (T + 1,)
    pair_channel: I64  # (P,)
    channel_group: I64  # (K,)
    channel_target: I64  # (K,)
    channel_engaged: Bool  # (K,)


@inline_kernel
def log_miss(pk: float) -> float:
    """ln(1 − p), finite even for p = 1 (:data:`SURE_KILL_PK`)."""
    return np.log1p(-min(pk, SURE_KILL_PK))


@kernel
def pair_problem(
    value: F64, survival: F64, target_limit: I64, capacity: I64, cost: F64, group: I64, group_capacity: I64,
    group_channels: I64, pair_weapon: I64, pair_target: I64, pk: F64, engaged_group: I64, engaged_target: I64,
) -> PairProblem:
    """The problem over pairs sorted by weapon then target (``pair_*``, ``pk``), with the groups' engaged
    targets given as (``engaged_group``, ``engaged_target``) pairs (any order, repeats allowed)."""
    n_weapons, n_targets, n_pairs = len(capacity), len(value), len(pair_weapon)
    weapon_start = np.zeros(n_weapons + 1, np.int64)
    target_start = np.zeros(n_targets + 1, np.int64)
    for p in range(n_pairs):
        weapon_start[pair_weapon[p] + 1] += 1
        target_start[pair_target[p] + 1] += 1
    weapon_start = np.cumsum(weapon_start)
    target_start = np.cumsum(target_start)
    target_pairs = np.empty(n_pairs, np.int64)
    filled = target_start[:-1].copy()
    for p in range(n_pairs):  # stable: within a target, weapons stay in order
        target_pairs[filled[pair_target[p]]] = p
        filled[pair_target[p]] += 1
    # One channel per distinct (group, target) among each target's pairs.
    pair_channel = np.empty(n_pairs, np.int64)
    channel_group = np.empty(n_pairs, np.int64)
    channel_target = np.empty(n_pairs, np.int64)
    n_channels = 0
    for t in range(n_targets):
        first = n_channels
        for k in range(target_start[t], target_start[t + 1]):
            p = target_pairs[k]
            g = group[pair_weapon[p]]
            channel = -1
            for c in range(first, n_channels):
                if channel_group[c] == g:
                    channel = c
            if channel < 0:
                channel = n_channels
                channel_group[channel], channel_target[channel] = g, t
                n_channels += 1
            pair_channel[p] = channel
    channel_engaged = np.zeros(n_channels, np.bool_)
    for e in range(len(engaged_group)):
        t = engaged_target[e]
        for k in range(target_start[t], target_start[t + 1]):
            channel = pair_channel[target_pairs[k]]
            if channel_group[channel] == engaged_group[e]:
                channel_engaged[channel] = True
    return PairProblem(value, survival, target_limit, capacity, cost, group, group_capacity, group_channels,
                       pair_weapon, pair_target, pk, weapon_start, target_pairs, target_start, pair_channel,
                       channel_group[:n_channels].copy(), channel_target[:n_channels].copy(), channel_engaged)


def pairs_of(problem: WTAProblem) -> PairProblem:
    """The pair form of a dense problem: its pairs are the entries with p_wj > 0."""
    pair_weapon, pair_target = np.nonzero(problem.pk > 0.0)
    engaged_group, engaged_target = np.nonzero(problem.group_engaged)
    return pair_problem(
        np.asarray(problem.value, dtype=float), np.asarray(problem.survival, dtype=float),
        np.asarray(problem.target_limit, dtype=np.int64), np.asarray(problem.capacity, dtype=np.int64),
        np.asarray(problem.cost, dtype=float), np.asarray(problem.group, dtype=np.int64),
        np.asarray(problem.group_capacity, dtype=np.int64), np.asarray(problem.group_channels, dtype=np.int64),
        pair_weapon.astype(np.int64), pair_target.astype(np.int64), problem.pk[pair_weapon, pair_target],
        engaged_group.astype(np.int64), engaged_target.astype(np.int64))


def pair_rounds(pairs: PairProblem, x: I64) -> I64:
    """The rounds per pair of a dense assignment ``x`` (W, T)."""
    return np.asarray(x, dtype=np.int64)[pairs.pair_weapon, pairs.pair_target]


def dense_rounds(problem: WTAProblem, pairs: PairProblem, rounds: I64) -> I64:
    """The dense assignment (W, T) of rounds per pair."""
    x = problem.empty_assignment()
    x[pairs.pair_weapon, pairs.pair_target] = rounds
    return x


@inline_kernel
def pair_of(weapon_start: I64, pair_target: I64, weapon: int, target: int) -> int:
    """The pair of ``weapon`` at ``target`` (binary search in the weapon's pairs, :class:`PairProblem`'s
    ``weapon_start`` and ``pair_target``); -1 if there is none.

    Hot helpers of the solvers take a problem's arrays, never the problem: passing a named tuple of
    arrays into a compiled function counts every array's references, half a microsecond a call.
    """
    low, high = weapon_start[weapon], weapon_start[weapon + 1]
    if high - low > target and pair_target[low + target] == target:  # every target up to this one: no search
        return low + target
    while low < high:
        middle = (low + high) // 2
        if pair_target[middle] < target:
            low = middle + 1
        else:
            high = middle
    return low if low < weapon_start[weapon + 1] and pair_target[low] == target else -1


@kernel
def survival_under(p: PairProblem, rounds: I64) -> F64:
    """(T,) survival of each target once ``rounds`` (P,) are fired: q0_j Π (1 − p)^x."""
    exponent = np.zeros(len(p.value))
    for q in range(len(rounds)):
        if rounds[q] != 0:
            exponent[p.pair_target[q]] += rounds[q] * log_miss(p.pk[q])
    return p.survival * np.exp(exponent)


@kernel
def objective_of(p: PairProblem, rounds: I64) -> float:
    """F: expected surviving target value plus the price of the rounds (P,) fired."""
    survival = survival_under(p, rounds)
    total = 0.0
    for t in range(len(p.value)):
        total += p.value[t] * survival[t]
    for q in range(len(rounds)):
        total += p.cost[p.pair_weapon[q]] * rounds[q]
    return total


@kernel
def remaining_of(p: PairProblem, rounds: I64) -> PairProblem:
    """The problem left once ``rounds`` (P,) are fired: less capacity, lower survival, channels taken."""
    capacity, target_limit = p.capacity.copy(), p.target_limit.copy()
    group_capacity, group_channels = p.group_capacity.copy(), p.group_channels.copy()
    channel_engaged = p.channel_engaged.copy()
    for q in range(len(rounds)):
        if rounds[q] == 0:
            continue
        w, c = p.pair_weapon[q], p.pair_channel[q]
        capacity[w] -= rounds[q]
        target_limit[p.pair_target[q]] -= rounds[q]
        group_capacity[p.group[w]] -= rounds[q]
        if not channel_engaged[c]:
            channel_engaged[c] = True
            group_channels[p.group[w]] -= 1
    return PairProblem(p.value, survival_under(p, rounds), target_limit, capacity, p.cost, p.group, group_capacity,
                       group_channels, p.pair_weapon, p.pair_target, p.pk, p.weapon_start, p.target_pairs,
                       p.target_start, p.pair_channel, p.channel_group, p.channel_target, channel_engaged)


@kernel
def with_pk(p: PairProblem, pk: F64, capacity: I64) -> PairProblem:
    """The same problem with other kill probabilities (P,) and weapon capacities (W,)."""
    return PairProblem(p.value, p.survival, p.target_limit, capacity, p.cost, p.group, p.group_capacity,
                       p.group_channels, p.pair_weapon, p.pair_target, pk, p.weapon_start, p.target_pairs,
                       p.target_start, p.pair_channel, p.channel_group, p.channel_target, p.channel_engaged)


def remaining(problem: WTAProblem, x: I64) -> WTAProblem:
    """The problem left once the rounds of ``x`` are fired (:func:`remaining_of`), as a dense problem."""
    pairs = pairs_of(problem)
    left = remaining_of(pairs, pair_rounds(pairs, x))
    engaged = problem.group_engaged.copy()
    engaged[left.channel_group, left.channel_target] |= left.channel_engaged
    return WTAProblem(problem.value, problem.pk, left.capacity, problem.cost, left.survival, left.target_limit,
                      problem.group, left.group_capacity, left.group_channels, engaged)


def objective(problem: WTAProblem, x: I64) -> float:
    """F(x): expected surviving target value plus the price of the rounds fired."""
    pairs = pairs_of(problem)
    return float(objective_of(pairs, pair_rounds(pairs, x)))


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
