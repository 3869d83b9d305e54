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
from numpy.typing import NDArray

from iadsim.events import NO_EVENTS, EventColumns, events
from iadsim.jit import kernel
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, IN_FLIGHT, World

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
        n, pos, threat_id, interceptor_id, speed = _samples(
            threats.status, threats.id, threats.pos_ecef_m, threats.vel_ecef_mps, missiles.status[:missiles.count],
            missiles.id, missiles.pos_ecef_m, missiles.vel_ecef_mps)
        return events("path_point", t_s, n, pos, threat_id=threat_id, interceptor_id=interceptor_id, value=speed)


@kernel
def _samples(threat_status: NDArray[np.int8], threat_id: NDArray[np.int32], threat_pos: NDArray[np.float64],
             threat_vel: NDArray[np.float64], missile_status: NDArray[np.int8], missile_id: NDArray[np.int32],
             missile_pos: NDArray[np.float64], missile_vel: NDArray[np.float64],
             ) -> tuple[int, NDArray[np.float64], NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    """One path point per threat flying, then per interceptor in flight, in row order: how many, their
    positions (ECEF m), threat and interceptor ids (-1 where the point is the other kind's) and speeds (m/s).
    One call a sample instead of a dozen numpy calls on a few rows (case 6 samples every tick)."""
    flying = np.flatnonzero(threat_status == FLYING)
    in_flight = np.flatnonzero(missile_status == IN_FLIGHT)
    n_threats, n = len(flying), len(flying) + len(in_flight)
    pos, speed = np.empty((n, 3)), np.empty(n)
    threat_ids, interceptor_ids = np.full(n, -1, np.int32), np.full(n, -1, np.int32)
    for k in range(n):
        if k < n_threats:
            row = flying[k]
            threat_ids[k] = threat_id[row]
            x, v = threat_pos[row], threat_vel[row]
        else:
            row = in_flight[k - n_threats]
            interceptor_ids[k] = missile_id[row]
            x, v = missile_pos[row], missile_vel[row]
        for a in range(3):
            pos[k, a] = x[a]
        speed[k] = np.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])  # as numpy's norm: ((x² + y²) + z²)
    return n, pos, threat_ids, interceptor_ids, speed
