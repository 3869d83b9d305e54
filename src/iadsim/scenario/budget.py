"""What a run will cost, estimated at validation: ticks, entities, memory; refused beyond documented limits.

A scenario that passes the schema can still ask for a run that never ends
(``time_step: 1 ms`` over 30 days is 2.6 billion ticks) or that cannot fit in
memory (``count: 100000, waves: 10000`` is a billion threats; a resupply
``every: 1e-9`` s is 10^15 deliveries). :func:`check_budget` works out, from
the scenario alone and in O(number of raids and schedules), what compilation
and the stages will allocate and how many ticks the engine may take, and
refuses with the estimate:

* **Soft limits** (:data:`MAX_TICKS`, :data:`MAX_ESTIMATED_BYTES`): a run
  beyond them is possible but long or large; ``allow_large`` (the command
  line's ``--allow-large``) lets it through.
* **Hard limits** (:data:`HARD_MAX_TICKS`, :data:`HARD_MAX_ENTITIES`,
  :data:`MAX_DELIVERIES`): beyond them the arrays' 32-bit indexes and counts
  would overflow, or the engine's tick counter; never let through.

The memory estimate covers the world's arrays and the stages' state per threat
and per interceptor (:data:`BYTES_PER_THREAT`, :data:`BYTES_PER_INTERCEPTOR`),
and the padded routes; the event log grows with what happens in the run and is
not part of it. Measured: compiling a 20,000-drone raid, building the stages and
running three ticks grows the process by about 2.8 kB per threat, rounded up to
4 kB for the state that grows as tracks and engagements form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from iadsim.errors import Problem
from iadsim.scenario.schema import Resupply, Scenario

MAX_TICKS = 5_000_000
"""Most ticks (duration / time_step) a run may take without ``--allow-large``: 30 days at 1 s steps is
2.6 million; at the speed goal of issue 14 (0.13 ms a tick) 5 million ticks take about 11 minutes."""
HARD_MAX_TICKS = 2**31 - 1
MAX_ESTIMATED_BYTES = 4 * 2**30
"""Most memory (estimated, bytes) a run may need without ``--allow-large``: a 100,000-drone raid fits."""
HARD_MAX_ENTITIES = 2**31 - 1
"""Threats, and interceptors that could ever be fired, are numbered with 32-bit integers."""
MAX_DELIVERIES = 1_000_000
"""Most resupply deliveries in one run."""
BYTES_PER_THREAT = 4096
"""World arrays and stage state per threat (threats, tracks, detections, assignments), excluding routes."""
BYTES_PER_ROUTE_POINT = 3 * 8 * 3
"""A route point per threat: latitude, longitude, altitude (float64), held about three times over."""
BYTES_PER_INTERCEPTOR = 1024
"""World arrays and flyout state per interceptor that could be fired."""
_PLENTY = 1e15
"""Counts are capped here before becoming integers: far past every limit, far below float overflow."""


@dataclass(frozen=True)
class Budget:
    """What a run of a scenario will take: ticks (at most), threats, interceptors that could be fired,
    resupply deliveries, and the estimated memory of its arrays (bytes)."""

    ticks: float
    threats: int
    interceptors: int
    deliveries: int
    route_points: int
    bytes: float


def deliveries_of(resupply: Resupply, duration_s: float) -> int:
    """Deliveries of one schedule within the scenario, counted without listing them
    (:func:`iadsim.scenario.schedule.delivery_times_s` lists them)."""
    count = sum(1 for t in resupply.times if t <= duration_s)
    if resupply.every is not None and resupply.start <= duration_s:
        periods = min((duration_s - resupply.start) / resupply.every, _PLENTY)  # every: 1e-320 gives inf
        regular = math.floor(periods + 1e-9) + 1
        count += regular if resupply.count is None else min(regular, resupply.count)
    return count


def estimate(scenario: Scenario) -> Budget:
    """The cost of a run of ``scenario`` (see the module docstring for what is counted)."""
    ticks = scenario.duration / scenario.time_step
    threats = sum(raid.count * raid.waves * (1 + (raid.decoys.count if raid.decoys else 0)) for raid in scenario.flights)
    width = max(2 + len(raid.waypoints) for raid in scenario.flights)
    deliveries = interceptors = 0
    for unit in scenario.units:
        interceptors += sum(unit.inventory.values())
        for resupply in unit.resupply:
            n = deliveries_of(resupply, scenario.duration)
            deliveries += n * len(resupply.rounds)
            interceptors += n * sum(resupply.rounds.values())
    memory = (threats * (BYTES_PER_THREAT + width * BYTES_PER_ROUTE_POINT) + interceptors * BYTES_PER_INTERCEPTOR
              + deliveries * 4 * 8)
    return Budget(ticks, threats, interceptors, deliveries, threats * width, float(memory))


def check_budget(scenario: Scenario, allow_large: bool = False) -> list[Problem]:
    """Problems with what a run of ``scenario`` would take; soft limits are lifted by ``allow_large``."""
    budget = estimate(scenario)
    problems: list[Problem] = []
    override = "" if allow_large else "; to run it anyway, add --allow-large"
    if not budget.ticks <= HARD_MAX_TICKS:
        problems.append(Problem(
            f"{_count(budget.ticks)} ticks ({scenario.duration:g} s at {scenario.time_step:g} s steps): more than "
            f"the engine can count ({HARD_MAX_TICKS:,})", "time_step",
            expected=f"at most {MAX_TICKS:,} ticks", suggestion="use a longer time_step or a shorter duration"))
    elif budget.ticks > MAX_TICKS and not allow_large:
        problems.append(Problem(
            f"{_count(budget.ticks)} ticks ({scenario.duration:g} s at {scenario.time_step:g} s steps): more than "
            f"{MAX_TICKS:,}, which would run for a very long time", "time_step",
            expected=f"at most {MAX_TICKS:,} ticks", suggestion="use a longer time_step or a shorter duration"
                                                                 + override))
    if budget.threats > HARD_MAX_ENTITIES:
        problems.append(Problem(f"{budget.threats:,} threats (count x waves over all raids): more than "
                                f"{HARD_MAX_ENTITIES:,}", "raids", expected="fewer threats"))
    if budget.deliveries > MAX_DELIVERIES:
        schedules = {f"units[{u}].resupply[{k}]": deliveries_of(resupply, scenario.duration) * len(resupply.rounds)
                     for u, unit in enumerate(scenario.units) for k, resupply in enumerate(unit.resupply)}
        problems.append(Problem(f"{budget.deliveries:,} resupply deliveries: more than {MAX_DELIVERIES:,}",
                                max(schedules, key=schedules.__getitem__), expected="deliveries minutes or hours apart",
                                suggestion="use a longer 'every', or a 'count'"))
    elif budget.interceptors > HARD_MAX_ENTITIES:  # deliveries past their limit say it first
        problems.append(Problem(f"{budget.interceptors:,} interceptors could be fired (inventories and "
                                f"deliveries): more than {HARD_MAX_ENTITIES:,}", "units",
                                expected="smaller inventories or fewer deliveries"))
    if not problems and budget.bytes > MAX_ESTIMATED_BYTES and not allow_large:
        problems.append(Problem(
            f"the run would need about {budget.bytes / 2**30:,.1f} GiB of memory ({budget.threats:,} threats, "
            f"{budget.interceptors:,} interceptors, {budget.route_points:,} route points): more than "
            f"{MAX_ESTIMATED_BYTES / 2**30:.0f} GiB", "raids",
            expected=f"a run within {MAX_ESTIMATED_BYTES / 2**30:.0f} GiB",
            suggestion="fewer threats, waves or waypoints, or smaller magazines" + override))
    return problems


def _count(value: float) -> str:
    return f"{value:,.0f}" if math.isfinite(value) and value < 1e15 else f"{value:.3g}"
