"""Verification of command and control: the WTA solvers against brute force and the optimum, and doctrine.

- ``wta-exact-vs-brute-force``: the exact solver's optimum (HiGHS, within its node
  and iteration limits) equals brute force (every assignment of the rounds that gain
  anything, enumerated) on random small instances with every limit of the command
  post; the heuristics' mean gaps to it are reported.
- ``wta-local-search-ahuja``: on the random instances of Ahuja et al. (2007),
  the local search's mean gap to the exact optimum is within 0.5 % (the issue's
  target up to 50 × 50).
- ``shoot-look-shoot-leakers``: one fire unit, N identical threats, shots
  independent with kill probability p, shoot-look-shoot with k opportunities:
  expected leakers N (1 − p)^k (each threat survives k independent shots with
  probability (1 − p)^k; Wilkening 1999 uses this form for layered defence).
  The simulation's mean over replications must fall in its 99 % interval.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta import brute_force, exact, local_search, marginal_return, objective, violations
from iadsim.c2.wta.instances import ahuja_instance, constrained_instance
from iadsim.verify import CaseResult, case

BRUTE_FORCE_MAX_ASSIGNMENTS = 5000
"""Instances with at most this many candidate assignments ((T + 1)^rounds) are also solved by brute force."""


def _gap(value: float, optimum: float) -> float:
    return (value - optimum) / max(abs(optimum), 1e-12)


@case("wta-exact-vs-brute-force")
def wta_exact_vs_brute_force() -> CaseResult:
    """500 random instances with rounds, launch, channel, salvo, price and reach limits."""
    rng = np.random.default_rng(20261125)
    checked, worst, infeasible, unproven = 0, 0.0, 0, 0
    greedy_gaps, local_gaps = [], []
    for _ in range(500):
        problem = constrained_instance(rng)
        result = exact(problem)
        unproven += not result.optimal
        greedy = marginal_return(problem)
        local = local_search(problem, greedy)
        infeasible += sum(bool(violations(problem, x)) for x in (result.x, greedy, local))
        greedy_gaps.append(_gap(objective(problem, greedy), result.objective))
        local_gaps.append(_gap(objective(problem, local), result.objective))
        if (problem.shape[1] + 1) ** int(problem.capacity.sum()) <= BRUTE_FORCE_MAX_ASSIGNMENTS:
            _, best = brute_force(problem)
            checked += 1
            worst = max(worst, abs(_gap(result.objective, best)))
    heuristics_not_worse = min(min(greedy_gaps), min(local_gaps)) > -1e-6
    return CaseResult(
        case="wta-exact-vs-brute-force", model="c2.wta.exact (outer approximation, HiGHS)",
        reference="brute force over every assignment of gainful rounds", expected="equal optimum",
        got=(f"{checked} brute-forced, worst {worst:.1e}; all 500 proven: {unproven == 0}; mean gap greedy "
             f"{100 * np.mean(greedy_gaps):.2f} %, local search {100 * np.mean(local_gaps):.2f} %"),
        tolerance="1e-6 relative",
        passed=worst <= 1e-6 and unproven == 0 and infeasible == 0 and checked >= 300 and heuristics_not_worse,
    )


@case("wta-local-search-ahuja")
def wta_local_search_ahuja() -> CaseResult:
    """20 instances of 10 × 10 and 5 of 20 × 20 in the form of Ahuja et al. (2007): mean gap ≤ 0.5 %."""
    rng = np.random.default_rng(2007)
    gaps = []
    for size, count in ((10, 20), (20, 5)):
        for _ in range(count):
            problem = ahuja_instance(size, size, rng)
            optimum = exact(problem).objective
            gaps.append(_gap(objective(problem, local_search(problem, marginal_return(problem))), optimum))
    mean_pct = 100.0 * float(np.mean(gaps))
    return CaseResult(
        case="wta-local-search-ahuja", model="c2.wta.local_search",
        reference="Ahuja, Kumar, Jha & Orlin, Operations Research 55(6) 2007 (instances); exact optimum",
        expected="mean gap ≤ 0.5 %", got=f"mean gap {mean_pct:.3f} % (max {100 * max(gaps):.3f} %)",
        tolerance="0.5 %", passed=mean_pct <= 0.5,
    )


SLS_THREATS = 8
SLS_OPPORTUNITIES = 2
SLS_REPLICATIONS = 150


def shoot_look_shoot_scenario(threats: int = SLS_THREATS, opportunities: int = SLS_OPPORTUNITIES) -> dict:
    """One long-range battery at a city, ``threats`` fighters from 100 km, shoot-look-shoot with k opportunities.

    The battery has channels and ready rounds for every threat, and time for every
    look: each threat gets exactly k independent shots unless one kills it.
    """
    return {
        "name": "shoot-look-shoot closed form", "seed": 1, "duration": "12 min", "time_step": "4 s",
        "assets": [{"name": "City", "position": {"lat": 38.42, "lon": 27.14}, "value": 100}],
        "units": [{"name": "Battery", "type": "generic-lr-sam", "position": {"lat": 38.42, "lon": 27.14},
                   "heading": "45 deg", "inventory": {"generic-lr-interceptor": 24}}],
        "raids": [{"type": "generic-fighter", "count": threats, "launch_point": {"lat": 39.06, "lon": 27.94},
                   "spread": "5 km", "target": "City"}],
        "doctrine": {"mode": "shoot_look_shoot", "max_interceptors_per_threat": opportunities,
                     "layer_policy": "max_range", "self_defence": False},
    }


@case("shoot-look-shoot-leakers")
def shoot_look_shoot_leakers() -> CaseResult:
    """Mean leakers over 150 replications within the 99 % interval of N (1 − p)^k."""
    import pyarrow.compute as pc

    import iadsim
    from iadsim.catalog import load_catalog

    scenario = iadsim.load_scenario(shoot_look_shoot_scenario())
    p = load_catalog().interceptor("generic-lr-interceptor").single_shot_pk
    survive = (1.0 - p) ** SLS_OPPORTUNITIES
    expected = SLS_THREATS * survive
    leakers, shots_ok = [], True
    for seed in range(SLS_REPLICATIONS):
        result = iadsim.simulate(scenario, seed=seed)
        leakers.append(result.metrics["leaked"])
        events = result.events
        kind = events.column("kind").cast("string")
        leaked = set(events.filter(pc.equal(kind, "leak")).column("threat_id").to_pylist())
        fired = events.filter(pc.equal(kind, "launch")).column("threat_id").to_numpy()
        shots = np.bincount(fired, minlength=SLS_THREATS)
        shots_ok &= bool(np.all(shots <= SLS_OPPORTUNITIES)) and all(shots[t] == SLS_OPPORTUNITIES for t in leaked)
    half_width = 2.5758 * np.sqrt(SLS_THREATS * survive * (1.0 - survive) / SLS_REPLICATIONS)
    mean = float(np.mean(leakers))
    return CaseResult(
        case="shoot-look-shoot-leakers", model="decide wta (shoot-look-shoot) + assess",
        reference="N (1 − p)^k, independent shots (Wilkening 1999)",
        expected=f"{expected:.3f} leakers (N={SLS_THREATS}, p={p}, k={SLS_OPPORTUNITIES})",
        got=f"{mean:.3f} ± {half_width:.3f} (99 %, {SLS_REPLICATIONS} runs); k shots at every leaker: {shots_ok}",
        tolerance="99 % interval", passed=abs(mean - expected) <= half_width and shots_ok,
    )
