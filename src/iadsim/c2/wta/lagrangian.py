"""A proven lower bound on the optimum: Lagrangian relaxation of the weapons' rounds.

Pricing each round of weapon w at λ_w ≥ 0 (on top of its cost c_w) and dropping
the weapons' capacities splits the problem by target:

    L(λ) = Σ_j h_j(λ) − Σ_w λ_w capacity_w,
    h_j(λ) = min over rounds x_wj ≥ 0 of V_j q0_j Π_w (1 − p_wj)^x_wj + Σ_w (λ_w + c_w) x_wj,

with at most target_limit_j rounds at j. Every feasible assignment costs at least
L(λ) for every λ ≥ 0 (weak duality), so max_λ L(λ) is a lower bound on the optimum;
the group limits (launches, channels) are dropped, which only lowers it (Fisher,
Management Science 27(1), 1981, for the method; Ahuja et al., Operations Research
55(6), 2007, section 3, bound the WTA the same way through other relaxations).

Each h_j is solved exactly, with at most capacity_w rounds of weapon w in it (the
capacity still holds within one target: a tighter relaxation, never a weaker one). A
round of weapon w' is never needed while another weapon w with p_wj ≥ p_w'j at no
higher price (earlier in price order on ties) has rounds to spare at j: replacing it
lowers both terms. So w' can be in an optimal multiset only with all those weapons at
their capacity, its round then worth at most V_j q0_j Π (1 − p_wj)^capacity_w p_w'j,
and it is left out where that is no more than its price: a handful of pairs among
hundreds of weapons count. The search runs over their multisets depth-first, adding a
round only while it gains more than its price (V_j q p − price > 0 at the survival q
so far: an optimal multiset passes that test in every order), and cuts a node whose
objective cannot fall below the best so far even with the remaining rounds taken
fractionally (rounds by price per unit of ln(1/(1 − p)), each while its gain per unit
exceeds its price: the continuous relaxation of the rest, a valid bound). A target
whose search would pass :data:`TARGET_NODES` nodes counts 0 towards the bound, which
stays valid (h_j ≥ 0).

The prices are found by the subgradient method with Polyak's step towards an
upper bound (Held, Wolfe & Crowder, Mathematical Programming 6, 1974), for a given
number of iterations: a count, never the clock.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta.problem import F64, I64, SURE_KILL_PK, PairProblem, log_miss
from iadsim.jit import kernel

TARGET_NODES = 100_000
"""Most search nodes of one target's subproblem before it counts 0 (a valid, weaker bound)."""
BOUND_ITERATIONS = 300
"""Subgradient iterations of :func:`lagrangian_bound` unless told otherwise."""
PATIENCE = 100
PRICE_FLOOR = 1e-9
"""Smallest price kept (relative to the largest target value): a zero price would make a round free."""


@kernel
def lagrangian_bound(p: PairProblem, incumbent: I64, upper: float, iterations: int) -> tuple[float, F64]:
    """The best L(λ) over ``iterations`` subgradient steps and its prices λ (W,).

    Starts from each weapon's least loss among its rounds in ``incumbent`` (the
    objective ``upper``'s assignment): the value a round of it is worth there.
    """
    n_weapons = len(p.capacity)
    floor = PRICE_FLOOR * max(p.value.max(), 1.0) if len(p.value) else PRICE_FLOOR
    price = incumbent_prices(p, incumbent)
    rounds = np.zeros(len(p.pk), np.int64)
    best, best_price = -np.inf, price.copy()
    step_scale, since_better = 1.0, 0
    gradient = np.zeros(n_weapons)
    for _ in range(iterations):
        value = dual_value(p, price, rounds)
        if value > best:
            best, best_price[:] = value, price
            since_better = 0
        else:
            since_better += 1
            if since_better >= PATIENCE:
                step_scale, since_better = step_scale / 2.0, 0
        gradient[:] = -p.capacity.astype(np.float64)
        for q in np.flatnonzero(rounds):
            gradient[p.pair_weapon[q]] += rounds[q]
        for w in range(n_weapons):
            if price[w] <= floor and gradient[w] < 0.0:
                gradient[w] = 0.0  # at the floor already: the price cannot fall
        norm = (gradient * gradient).sum()
        if norm == 0.0 or upper - value <= 1e-12 * max(abs(upper), 1.0):
            break  # λ is optimal (the relaxed solution is feasible and complementary) or the bound met
        step = step_scale * (upper - value) / norm
        for w in range(n_weapons):
            price[w] = max(price[w] + step * gradient[w], floor)
    return best, best_price


@kernel
def incumbent_prices(p: PairProblem, incumbent: I64) -> F64:
    """(W,) each weapon's least loss among its rounds in ``incumbent`` (what taking one off would cost, less its
    price): the value a round of it is worth there; at least :data:`PRICE_FLOOR` of the largest value."""
    n_weapons = len(p.capacity)
    floor = PRICE_FLOOR * max(p.value.max(), 1.0) if len(p.value) else PRICE_FLOOR
    price = np.full(n_weapons, np.inf)
    survival = np.exp(_exponents(p, incumbent)) * p.survival
    for q in np.flatnonzero(incumbent):
        pk = min(p.pk[q], 1.0 - 1e-15)
        loss = p.value[p.pair_target[q]] * survival[p.pair_target[q]] * pk / (1.0 - pk)
        w = p.pair_weapon[q]
        price[w] = min(price[w], max(loss - p.cost[w], 0.0))
    for w in range(n_weapons):
        if not np.isfinite(price[w]):
            price[w] = 0.0
        price[w] = max(price[w], floor)
    return price


@kernel
def _exponents(p: PairProblem, rounds: I64) -> F64:
    """(T,) Σ_w x_wj ln(1 − p_wj) under ``rounds``."""
    exponent = np.zeros(len(p.value))
    for q in np.flatnonzero(rounds):
        exponent[p.pair_target[q]] += rounds[q] * log_miss(p.pk[q])
    return exponent


@kernel
def dual_value(p: PairProblem, price: F64, rounds: I64) -> float:
    """L(λ) for prices ``price`` (W,); the minimising rounds per pair go into ``rounds`` (P,)."""
    rounds[:] = 0
    total = 0.0
    for w in range(len(p.capacity)):
        total -= price[w] * p.capacity[w]
    order = np.empty(len(p.pk), np.int64)
    front = np.empty(len(p.pk), np.int64)
    for t in range(len(p.value)):
        start, stop = p.target_start[t], p.target_start[t + 1]
        n = 0
        for k in range(start, stop):
            q = p.target_pairs[k]
            if p.pk[q] > 0.0 and p.capacity[p.pair_weapon[q]] > 0:
                order[n] = q
                n += 1
        at_risk = p.value[t] * p.survival[t]
        if n == 0 or at_risk <= 0.0 or p.target_limit[t] <= 0:
            total += at_risk
            continue
        # Cheapest first; a pair is kept unless its round is worth no more than its price even where every kept
        # pair that kills at least as well at no higher price fires all its rounds (see the module).
        key = np.empty(n)
        for i in range(n):
            q = order[i]
            key[i] = price[p.pair_weapon[q]] + p.cost[p.pair_weapon[q]]
        by_price = np.argsort(key[:n], kind="mergesort")
        size = 0
        for i in by_price:
            q = order[i]
            best_case = at_risk
            for f in range(size):
                if p.pk[front[f]] >= p.pk[q]:
                    best_case *= (1.0 - min(p.pk[front[f]], SURE_KILL_PK)) ** p.capacity[p.pair_weapon[front[f]]]
            if best_case * p.pk[q] > key[i]:
                front[size] = q
                size += 1
        total += _target_minimum(p.pk, p.cost, p.pair_weapon, p.capacity, price, front[:size], at_risk,
                                 min(p.target_limit[t], 1 << 20), rounds)
    return total


@kernel
def _target_minimum(pk: F64, cost: F64, pair_weapon: I64, capacity: I64, price: F64, front: I64, at_risk: float,
                    limit: int, rounds: I64) -> float:
    """h_j: the least V q Π (1 − p)^x + Σ price x over multisets of the ``front`` pairs (at most ``limit``
    rounds, at most its weapon's capacity of each pair), its rounds added to ``rounds``; 0 (a valid bound) if the
    search passes :data:`TARGET_NODES`."""
    n = len(front)
    unit, strength = np.empty(n), np.empty(n)  # price of a round; -ln(1 - p), what it takes off ln(survival)
    for i in range(n):
        q = front[i]
        unit[i] = price[pair_weapon[q]] + cost[pair_weapon[q]]
        strength[i] = -log_miss(pk[q])
    by_ratio = np.argsort(unit / strength, kind="mergesort")
    count = np.zeros(n, np.int64)
    best_count = np.zeros(n, np.int64)
    saved_survival, saved_spent = np.zeros(n + 1), np.zeros(n + 1)
    survival, spent, total = at_risk, 0.0, 0
    best = at_risk  # no round at all
    i, descending, nodes = 0, True, 0
    while i >= 0:
        nodes += 1
        if nodes > TARGET_NODES:
            return 0.0
        if descending:
            if i == n:
                if survival + spent < best:
                    best = survival + spent
                    best_count[:] = count
                i, descending = n - 1, False
                continue
            if _relaxed_rest(unit, strength, by_ratio, capacity, pair_weapon, front, i, survival, spent) >= best:
                i, descending = i - 1, False  # nothing below can beat the best
                continue
            count[i] = 0
            saved_survival[i], saved_spent[i] = survival, spent
            i += 1
            continue
        q = front[i]
        if total < limit and count[i] < capacity[pair_weapon[q]] and survival * pk[q] > unit[i]:
            survival *= 1.0 - min(pk[q], SURE_KILL_PK)
            spent += unit[i]
            count[i] += 1
            total += 1
            i, descending = i + 1, True
            continue
        total -= count[i]
        survival, spent = saved_survival[i], saved_spent[i]
        i -= 1
    for i in range(n):
        rounds[front[i]] += best_count[i]
    return best


@kernel
def _relaxed_rest(unit: F64, strength: F64, by_ratio: I64, capacity: I64, pair_weapon: I64, front: I64, first: int,
                  survival: float, spent: float) -> float:
    """A lower bound on survival + spent once the pairs ``first:`` of ``front`` add their rounds: the continuous
    relaxation, which takes them by price per unit of strength, each while s e^{−y} falls faster than it costs."""
    for r in by_ratio:
        if r < first:
            continue
        rate = unit[r] / strength[r]
        if survival <= rate:
            continue
        take = min(np.log(survival / rate), capacity[pair_weapon[front[r]]] * strength[r])
        spent += rate * take
        survival *= np.exp(-take)
    return survival + spent
