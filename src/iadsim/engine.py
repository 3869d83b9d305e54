"""The tick loop: compile, then run every stage in order each tick until nothing is left to happen.

While nothing flies (no threat, no interceptor), the loop jumps straight to the
next tick at which something is due, so that a week of nightly waves costs
about as much as the waves themselves.

Each stage draws from its own random stream, derived from the run's seed and
the stage's role name, so that the same scenario and seed give a bit-identical
event log, and a change in one stage never shifts another stage's draws.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from iadsim import registry
from iadsim.catalog import Catalog
from iadsim.events import EventLog
from iadsim.metrics import compute_metrics
from iadsim.scenario.compile import CompiledScenario, compile_scenario
from iadsim.scenario.load import load_scenario, scenario_catalog, scenario_hash
from iadsim.scenario.schema import Scenario
from iadsim.world import World


@dataclass
class RunResult:
    """What one run produced: the scenario, its hash, the seed, the event log, its entities and the metrics."""

    scenario: Scenario
    scenario_hash: str
    seed: int
    events: pa.Table
    metrics: dict[str, float]
    entities: pa.Table
    """Who the events' ids are (:mod:`iadsim.entities`), from compilation."""
    ticks: int = 0
    """Ticks the engine ran: quiet stretches with nothing in the air are jumped over."""
    stage_s: dict[str, float] = field(default_factory=dict)
    """Wall time (s) spent in each stage role over the run, plus ``setup`` (compile and build) and
    ``events`` (the event table and metrics): where a replication's time goes (bench_replication.py)."""

    def to_pandas(self) -> Any:
        """The event log as a pandas DataFrame (needs pandas installed)."""
        return self.events.to_pandas()


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of one named consumer (a stage, or compilation) within a run."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),)))


def build_stages(compiled: CompiledScenario) -> list[tuple[str, registry.Stage]]:
    """One stage per role, in tick order, built from the models the scenario chose."""
    chosen = compiled.scenario.models
    return [
        (role, registry.factory(role, getattr(chosen, role) if role in registry.CHOOSABLE_ROLES else "default")(compiled))
        for role in registry.ROLES
    ]


PROGRESS_INTERVAL_S = 0.25
"""Wall time between two calls of ``simulate``'s ``progress`` callback."""


def simulate(
    scenario: Scenario | str | Path | Mapping[str, Any], seed: int | None = None, catalog: Catalog | None = None,
    progress: Callable[[float], None] | None = None,
) -> RunResult:
    """Run one replication of ``scenario`` (a loaded scenario, a file path or a mapping).

    ``seed`` overrides the scenario's own. ``progress(t_s)``, when given, is called with the simulated
    time at most every ``PROGRESS_INTERVAL_S`` of wall time (``iadsim run``'s progress bar).
    Without ``catalog``, the scenario's own (:func:`~iadsim.scenario.load.scenario_catalog`: the
    bundled catalog and the user's files the scenario was checked against).
    Returns the event log and metrics.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, catalog)
        if scenario.catalogs:  # the scenario's own files extend the catalog given
            catalog = None
    catalog = catalog or scenario_catalog(scenario)
    seed = scenario.seed if seed is None else seed
    clock = time.perf_counter
    started = clock()
    compiled = compile_scenario(scenario, catalog, stream(seed, "compile"))
    stages = build_stages(compiled)
    streams = [stream(seed, role) for role, _ in stages]
    spent = [0.0] * len(stages)
    world = compiled.world
    log = EventLog()
    dt = scenario.time_step
    tick = ticks_run = 0
    setup_s = clock() - started
    report_s = started + PROGRESS_INTERVAL_S
    while tick < compiled.n_ticks:
        finished, quiet = world.activity()
        if finished:
            break
        tick = max(tick, _tick_before(_wake_s(world, stages), dt)) if quiet else tick
        tick += 1
        ticks_run += 1
        t = min(tick * dt, scenario.duration)
        for index, (_, stage) in enumerate(stages):
            begun = clock()
            log.add(stage.step(world, t, dt, streams[index]))
            spent[index] += clock() - begun
        if progress is not None and begun >= report_s:
            progress(t)
            report_s = begun + PROGRESS_INTERVAL_S
    begun = clock()
    events = log.to_table()
    metrics = compute_metrics(events, scenario, catalog)
    stage_s = {"setup": setup_s, **{role: s for (role, _), s in zip(stages, spent, strict=True)},
               "events": clock() - begun}
    return RunResult(scenario, scenario_hash(scenario), seed, events, metrics, compiled.entities, ticks_run,
                     stage_s)


def _wake_s(world: World, stages: list[tuple[str, registry.Stage]]) -> float:
    """When a quiet world next needs a tick: the next threat launch, or a stage's own next event.

    A stage with timed work of its own while nothing flies (a unit ending its march,
    a magazine resupplied) says when by a ``wake_s(world)`` method.
    """
    times = [world.next_launch_s()]
    times += [stage.wake_s(world) for _, stage in stages if hasattr(stage, "wake_s")]
    return min(times)


def _tick_before(t_s: float, dt_s: float) -> int:
    """The tick just before the first tick at or after ``t_s`` (ticks end at tick × dt)."""
    return int(np.ceil(t_s / dt_s - 1e-9)) - 1 if np.isfinite(t_s) else 0
