"""Weapon-target assignment solvers: feasible, optimal where they claim to be, and never worse than greedy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iadsim.c2.wta import (
    SOLVERS,
    UNLIMITED,
    WTAProblem,
    brute_force,
    choose_solver,
    exact,
    local_search,
    marginal_return,
    objective,
    remaining,
    solve,
    violations,
)
from iadsim.c2.wta.exact import AUTO_EXACT_NODES, branch_and_bound
from iadsim.c2.wta.instances import ahuja_instance, andersen_instance, constrained_instance
from iadsim.c2.wta.column_bound import column_bound
from iadsim.c2.wta.lagrangian import dual_value, lagrangian_bound
from iadsim.c2.wta.layered import layered_start, layers_apply
from iadsim.c2.wta.problem import dense_rounds, objective_of, pair_rounds, pairs_of
from iadsim.c2.wta.round_search import KICKS, kicks_for, round_search


def test_objective_is_the_expected_surviving_value_plus_prices():
    problem = WTAProblem.build([10.0, 20.0], [[0.5, 0.0], [0.2, 0.9]], capacity=[2, 1], cost=[1.0, 3.0])
    x = np.array([[2, 0], [0, 1]])
    # target 0: 10 (1 - 0.5)^2 = 2.5; target 1: 20 (1 - 0.9) = 2; prices 2 × 1 + 3
    assert objective(problem, x) == pytest.approx(2.5 + 2.0 + 5.0)


def test_greedy_takes_the_largest_marginal_return_first():
    """First round: 0.9 × 100 on target 0; second: 20 × 0.5 = 10 on target 1 beats 100 × 0.1 × 0.5 = 5."""
    problem = WTAProblem.build([100.0, 20.0], [[0.9, 0.9], [0.5, 0.5]])
    assert marginal_return(problem).tolist() == [[1, 0], [0, 1]]
    assert objective(problem, marginal_return(problem)) == pytest.approx(brute_force(problem)[1])


def test_a_round_not_worth_its_price_is_not_fired():
    problem = WTAProblem.build([10.0], [[0.5]], cost=[6.0])  # gain 5 < price 6
    assert marginal_return(problem).sum() == 0
    assert exact(problem).x.sum() == 0


def test_exact_matches_brute_force_on_small_constrained_instances():
    rng = np.random.default_rng(1)
    for _ in range(40):
        problem = constrained_instance(rng)
        result = exact(problem)
        assert result.optimal and not violations(problem, result.x)
        assert result.objective == pytest.approx(brute_force(problem)[1], rel=1e-7, abs=1e-7)


def test_local_search_reaches_the_optimum_on_ahuja_instances():
    rng = np.random.default_rng(3)
    for size in (5, 12):
        problem = ahuja_instance(size, size, rng)
        local = local_search(problem, marginal_return(problem))
        assert objective(problem, local) == pytest.approx(exact(problem).objective, rel=1e-9)


def test_channels_limit_the_targets_a_group_takes_on():
    """One unit, three weapons, one free channel and one target already engaged: two targets at most."""
    problem = WTAProblem.build([50.0, 40.0, 30.0], np.full((3, 3), 0.7), capacity=[1, 1, 1], group=[0, 0, 0],
                               group_channels=[1], group_engaged=[[False, False, True]])
    for x in (marginal_return(problem), local_search(problem, marginal_return(problem)), exact(problem).x):
        assert not violations(problem, x)
        assert np.count_nonzero(x.sum(axis=0)) <= 2


def test_remaining_takes_fired_rounds_off_every_limit():
    problem = WTAProblem.build([10.0, 10.0], [[0.5, 0.5], [0.5, 0.5]], capacity=[2, 2], group=[0, 0],
                               group_capacity=[3], group_channels=[2], target_limit=[2, 2])
    left = remaining(problem, np.array([[1, 0], [1, 0]]))
    assert left.capacity.tolist() == [1, 1]
    assert left.group_capacity.tolist() == [1]
    assert left.group_channels.tolist() == [1]
    assert left.target_limit.tolist() == [0, 2]
    assert left.survival.tolist() == pytest.approx([0.25, 1.0])
    assert left.group_engaged.tolist() == [[True, False]]


def test_solve_dispatches_and_refuses_unknown_solvers():
    problem = ahuja_instance(4, 4, np.random.default_rng(0))
    optimum = exact(problem).objective
    for solver in ("greedy", "local_search", "exact", "auto"):
        assert objective(problem, solve(problem, solver)) >= optimum - 1e-9
    assert objective(problem, solve(problem, "auto")) == pytest.approx(optimum, rel=1e-12)
    with pytest.raises(ValueError, match="unknown WTA solver"):
        solve(problem, "simplex")


def test_auto_picks_the_exact_search_on_small_problems_by_its_node_count():
    """Small problems end inside the node limit (the proven optimum); 60 x 60 of one round each does not."""
    assert choose_solver(ahuja_instance(3, 3, np.random.default_rng(0))) == "exact"
    assert choose_solver(andersen_instance(3, 6, 2, np.random.default_rng(0))) == "exact"
    assert choose_solver(ahuja_instance(60, 60, np.random.default_rng(0))) == "local_search"
    assert not branch_and_bound(pairs_of(ahuja_instance(60, 60, np.random.default_rng(0))), np.inf, 1000)[0]


def test_auto_is_optimal_on_every_small_constrained_instance():
    rng = np.random.default_rng(11)
    picked_exact = 0
    for _ in range(100):
        problem = constrained_instance(rng, max_weapons=4, max_targets=5, max_rounds=3)
        if choose_solver(problem) == "exact":
            picked_exact += 1
            x = solve(problem, "auto")
            assert not violations(problem, x)
            assert objective(problem, x) == pytest.approx(brute_force(problem)[1], rel=1e-12, abs=1e-12)
    assert picked_exact == 100


def test_auto_and_exact_give_the_same_answer_every_time():
    """Every limit is a count (nodes, MILPs, passes), never the clock: the same problem, the same rounds."""
    for problem in (andersen_instance(8, 16, 3, np.random.default_rng(5)), ahuja_instance(12, 12,
                                                                                           np.random.default_rng(4))):
        first = solve(problem, "auto")
        for _ in range(3):
            assert np.array_equal(solve(problem, "auto"), first)
    problem = andersen_instance(6, 12, 2, np.random.default_rng(6))
    once, twice = exact(problem), exact(problem)
    assert np.array_equal(once.x, twice.x) and once.lower_bound == twice.lower_bound


def test_auto_reaches_the_exact_optimum_on_small_many_round_instances():
    """Andersen, Pavlikov & Toffolo's (2022) form, 3 weapons on 6 targets, 2 and 3 rounds each: where auto's search
    ends in its node limit (11 of these 12), its answer is the MILP's proven optimum (1e-9 relative)."""
    rng = np.random.default_rng(2022)
    picked_exact = 0
    for rounds in (2, 3):
        for _ in range(6):
            problem = andersen_instance(3, 6, rounds, rng)
            result = exact(problem)
            assert result.optimal
            if choose_solver(problem) == "exact":
                picked_exact += 1
                assert objective(problem, solve(problem, "auto")) == pytest.approx(result.objective, rel=1e-9)
    assert picked_exact >= 11


@pytest.fixture(scope="module")
def many_round_optima():
    """Ten instances of 20 weapons on 40 targets (Andersen et al. 2022 form), 2 and 3 rounds each, with the MILP's
    proven optimum of each (solved once: they are most of this file's time)."""
    rng = np.random.default_rng(7)
    problems = [andersen_instance(20, 40, rounds, rng) for rounds in (2, 3) for _ in range(5)]
    return [(problem, exact(problem)) for problem in problems]


def test_local_search_on_many_round_instances_stays_within_its_measured_gap(many_round_optima):
    """The local search alone is at most 10 % above the MILP's proven optimum and 3 % on average (measured 0 to
    8.5 %, mean 2.6 %, on these ten; issue 19 asks for 1 %)."""
    gaps = []
    for problem, result in many_round_optima:
        assert result.optimal
        gaps.append(objective(problem, local_search(problem, marginal_return(problem))) / result.objective - 1.0)
    assert max(gaps) <= 0.10 and np.mean(gaps) <= 0.03


def test_local_search_on_many_round_instances_is_within_a_tenth_of_a_per_cent_of_the_optimum(many_round_optima):
    """``solve(.., "local_search")`` (greedy and layered starts, the better kept, then the random single-round
    reassignments of ``round_search``) is at most 0.5 % above the MILP's proven optimum and 0.1 % on average
    (measured 0 to 0.08 %, mean 0.01 %; before the round search 0 to 2.7 %, mean 0.6 %)."""
    gaps = []
    for problem, result in many_round_optima:
        x = solve(problem, "local_search")
        assert not violations(problem, x)
        gaps.append(objective(problem, x) / result.objective - 1.0)
    assert max(gaps) <= 0.005 and np.mean(gaps) <= 0.001


def test_the_round_search_keeps_every_limit_it_applies_to_and_never_loses():
    """On small instances where only rounds, salvos and prices bind: feasible, never worse than its start, the same
    rounds every time (a fixed seed)."""
    rng = np.random.default_rng(13)
    checked = 0
    while checked < 20:
        problem = constrained_instance(rng, max_weapons=6, max_targets=6, max_rounds=3)
        pairs = pairs_of(problem)
        if not layers_apply(pairs):
            continue
        start = pair_rounds(pairs, marginal_return(problem))
        rounds = round_search(pairs, start, 50)
        assert not violations(problem, dense_rounds(problem, pairs, rounds))
        assert objective_of(pairs, rounds) <= objective_of(pairs, start) * (1.0 + 1e-12)
        assert np.array_equal(round_search(pairs, start, 50), rounds)
        checked += 1


def test_the_column_bound_is_below_the_optimum_and_close_to_it(many_round_optima):
    """The Lagrangian dual by column generation, converged: below the MILP's proven optimum, within 1.5 % of it and
    0.5 % on average at 2 and 3 rounds per weapon on the ten 20 x 40 instances (measured 0 to 0.92 %, mean 0.24 %;
    before the patterns were capped at each weapon's rounds and the prices smoothed, the bound lay about 5 % below at
    3 rounds on 50 x 100), within 2 % on a 10 x 20 with 3 rounds (measured 1.8 %; 0.36 % with 2)."""
    rng = np.random.default_rng(3)
    for rounds in (2, 3):
        problem = andersen_instance(10, 20, rounds, rng)
        result = exact(problem)
        pairs = pairs_of(problem)
        bound = column_bound(pairs, pair_rounds(pairs, result.x))
        assert result.objective * (1.0 - 0.02) <= bound <= result.objective * (1.0 + 1e-9)
    gaps = []
    for problem, result in many_round_optima:
        pairs = pairs_of(problem)
        bound = column_bound(pairs, pair_rounds(pairs, result.x))
        assert bound <= result.objective * (1.0 + 1e-9)
        gaps.append(1.0 - bound / result.objective)
    assert max(gaps) <= 0.015 and np.mean(gaps) <= 0.005


def test_each_target_s_patterns_keep_every_weapon_s_rounds():
    """In the Lagrangian relaxation a target takes at most each weapon's rounds (the capacity holds within one
    target), at any prices, and the best multiset is exact: on a 3 x 1 problem against enumeration."""
    problem = WTAProblem.build([100.0], [[0.9], [0.5], [0.3]], capacity=[2, 1, 3])
    pairs = pairs_of(problem)
    for price in ([0.0, 0.0, 0.0], [0.5, 1.0, 0.2], [5.0, 0.1, 0.1], [50.0, 50.0, 50.0]):
        price = np.asarray(price)
        rounds = np.zeros(3, np.int64)
        value = dual_value(pairs, price, rounds)
        assert np.all(rounds <= problem.capacity)
        best = min(100.0 * 0.1 ** a * 0.5 ** b * 0.7 ** c + price @ [a, b, c] - price @ problem.capacity
                   for a in range(3) for b in range(2) for c in range(4))
        assert value == pytest.approx(best, rel=1e-12)


def test_large_problems_get_fewer_random_reassignments():
    """The random reassignments are budgeted by the pairs they look at: all of them at 50 x 100, fewer above."""
    rng = np.random.default_rng(0)
    counts = [kicks_for(pairs_of(andersen_instance(m, 2 * m, 3, rng))) for m in (50, 100, 300)]
    assert counts == [KICKS, KICKS // 2, KICKS // 6]


def test_the_layered_start_keeps_every_limit_it_applies_to_and_stays_out_of_group_limits():
    rng = np.random.default_rng(9)
    for _ in range(20):
        problem = constrained_instance(rng, max_weapons=6, max_targets=6, max_rounds=3)
        pairs = pairs_of(problem)
        x = dense_rounds(problem, pairs, layered_start(pairs))
        limited = np.any(problem.group_capacity < UNLIMITED) or np.any(problem.group_channels < UNLIMITED)
        assert layers_apply(pairs) == (not limited and problem.capacity.max() > 1)
        if not limited:
            assert not violations(problem, x)


def test_the_lagrangian_bound_is_below_the_optimum_and_close_to_it():
    """Weak duality: L(λ) ≤ the MILP's proven optimum for every λ; on 2 rounds per weapon within 1 %."""
    rng = np.random.default_rng(3)
    for rounds in (1, 2, 3):
        problem = andersen_instance(10, 20, rounds, rng)
        result = exact(problem)
        pairs = pairs_of(problem)
        bound, prices = lagrangian_bound(pairs, pair_rounds(pairs, result.x), result.objective, 1000)
        assert bound <= result.objective * (1.0 + 1e-12) and np.all(prices >= 0.0)
        if rounds <= 2:
            assert bound >= 0.99 * result.objective


def test_nothing_worth_firing_gives_no_rounds_from_every_solver():
    """Every round costs more than it saves: the empty assignment is optimal, and no solver does more."""
    problem = WTAProblem.build([10.0, 20.0], [[0.5, 0.2], [0.3, 0.4]], capacity=[3, 3], cost=[6.0, 9.0])
    for solver in SOLVERS:
        assert solve(problem, solver).sum() == 0


def test_the_exact_solver_stops_on_counts_and_says_so():
    """One MILP of one branch-and-bound node cannot close the gap on 12 x 12; the same limits give the same answer."""
    problem = ahuja_instance(12, 12, np.random.default_rng(4))
    first, again = exact(problem, iterations=1, node_limit=1), exact(problem, iterations=1, node_limit=1)
    assert not first.optimal and first.iterations == 1
    assert np.array_equal(first.x, again.x) and first.lower_bound == again.lower_bound
    assert first.lower_bound <= exact(problem).objective <= first.objective + 1e-9


def test_the_pair_form_keeps_the_dense_problem():
    """Pairs are the entries with p > 0, by weapon then target, and again by target; channels are (group, target)."""
    problem = WTAProblem.build([1.0, 2.0, 3.0], [[0.5, 0.0, 0.7], [0.6, 0.8, 0.0]], group=[0, 0],
                               group_engaged=[[False, True, False]])
    pairs = pairs_of(problem)
    assert pairs.pair_weapon.tolist() == [0, 0, 1, 1] and pairs.pair_target.tolist() == [0, 2, 0, 1]
    assert pairs.weapon_start.tolist() == [0, 2, 4] and pairs.target_start.tolist() == [0, 2, 3, 4]
    assert pairs.pair_target[pairs.target_pairs].tolist() == [0, 0, 1, 2]
    assert pairs.pair_channel[0] == pairs.pair_channel[2]  # one group engaging target 0, whichever weapon fires
    assert pairs.channel_engaged[pairs.pair_channel[3]] and not pairs.channel_engaged[pairs.pair_channel[0]]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_heuristics_keep_every_limit_and_local_search_never_loses_to_greedy(seed):
    problem = constrained_instance(np.random.default_rng(seed), max_weapons=6, max_targets=6, max_rounds=3)
    greedy = marginal_return(problem)
    local = local_search(problem, greedy)
    assert not violations(problem, greedy)
    assert not violations(problem, local)
    assert objective(problem, local) <= objective(problem, greedy) + 1e-9


def test_limits_that_never_bind_are_unlimited():
    problem = WTAProblem.build([1.0], [[0.5]])
    assert problem.target_limit[0] == UNLIMITED and problem.group_channels[0] == UNLIMITED
