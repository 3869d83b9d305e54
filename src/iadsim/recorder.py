"""Flight paths for reports and exports: where every threat and interceptor is, every few seconds.

The event log is the only record of a run (DESIGN.md, "Events are the
truth"), so the paths drawn on a report's map and replayed on its slider are
events too: one ``path_point`` row per entity in flight, sampled every
``path_interval`` seconds of the scenario (0 turns sampling off). The
recorder runs last in the tick, after the fly and assess stages, so it reads
positions whatever motion models the scenario chose. A path is then the
entity's launch event, its path points, and the event that ended it
(``intercept``, ``miss`` or ``leak``).
"""

from __future__ import annotations

import numpy as np

from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, World

SAMPLE_TOLERANCE_S = 1e-9
"""Slack on the sampling clock, so that a tick ending exactly on a sample time takes it."""


@register("record", "default")
class PathRecorder:
    """Samples the positions of threats and interceptors in flight every ``path_interval`` seconds."""

    requires = (columns("threats", "id", "status", "pos_ecef_m", "vel_ecef_mps")
                | columns("interceptors", "id", "status", "count", "pos_ecef_m", "vel_ecef_mps"))
    provides: frozenset[str] = frozenset()

    def __init__(self, compiled: CompiledScenario) -> None:
        self.interval_s = compiled.scenario.path_interval
        self.next_sample_s = self.interval_s  # a path starts with its launch event: the first sample can wait

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        if self.interval_s <= 0.0 or t_s + SAMPLE_TOLERANCE_S < self.next_sample_s:
            return NO_EVENTS
        self.next_sample_s = (np.floor(t_s / self.interval_s + SAMPLE_TOLERANCE_S) + 1.0) * self.interval_s
        threats, missiles = world.threats, world.interceptors
        threat_rows = np.flatnonzero(threats.status == FLYING)
        missile_rows = np.flatnonzero(missiles.in_flight)
        return merge(
            events("path_point", t_s, len(threat_rows), threats.pos_ecef_m[threat_rows],
                   threat_id=threats.id[threat_rows],
                   value=np.linalg.norm(threats.vel_ecef_mps[threat_rows], axis=1)),
            events("path_point", t_s, len(missile_rows), missiles.pos_ecef_m[missile_rows],
                   interceptor_id=missiles.id[missile_rows],
                   value=np.linalg.norm(missiles.vel_ecef_mps[missile_rows], axis=1)),
        )
