"""The simplest interceptor flyout: straight flight at the type's average speed.

Each tick an interceptor turns instantly towards the predicted intercept point
of its target, computed from the air picture's track until the last
:data:`SEEKER_LOCK_S` seconds of flight, when it homes on the target itself (its
seeker). The closest approach to the real target within the tick is its miss
distance. An interceptor that has flown longer than its range allows gives up.
The flyout model with boost, drag and proportional navigation replaces this one
where fidelity matters.
"""

from __future__ import annotations

import numpy as np

from iadsim.events import NO_EVENTS, EventColumns
from iadsim.physics.intercept import closest_approach, predict_intercept
from iadsim.registry import INTERCEPTOR_GUIDANCE, columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, World

SEEKER_LOCK_S = 3.0
"""Seconds before intercept from which the interceptor homes on the target itself."""
ENDURANCE_MARGIN = 1.5
"""Flight time allowed, as a multiple of max range / average speed."""


@register("fly", "average_speed")
class AverageSpeedFlyout:
    """Interceptors fly straight at their type's mean speed out to its maximum range; flags hits and give-ups."""

    requires = INTERCEPTOR_GUIDANCE
    provides = columns("interceptors", "pos_ecef_m", "vel_ecef_mps", "endgame", "miss_distance_m")
    flyout_tables = False  # C2 predicts its intercepts at the average speed, as it flies

    def __init__(self, compiled: CompiledScenario) -> None:
        types = compiled.interceptor_types
        self.speed_mps = np.array([m.average_speed for m in types])
        self.max_flight_s = np.array([ENDURANCE_MARGIN * m.max_range / m.average_speed for m in types])

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        self.advance(world, np.flatnonzero(world.interceptors.in_flight), t_s, dt_s)
        return NO_EVENTS

    def advance(self, world: World, rows: np.ndarray, t_s: float, dt_s: float) -> None:
        """Fly the interceptors ``rows`` (all in flight) over the tick ending at ``t_s``."""
        missiles, tracks, threats = world.interceptors, world.tracks, world.threats
        if len(rows) == 0:
            return
        speed = self.speed_mps[missiles.missile_index[rows]]
        target = missiles.threat_index[rows]
        track = missiles.track_row[rows]
        pos = missiles.pos_ecef_m[rows]
        start_s = t_s - dt_s
        true_pos = threats.pos_ecef_m[target] - threats.vel_ecef_mps[target] * dt_s
        true_vel = threats.vel_ecef_mps[target]
        track_pos = tracks.pos_ecef_m[track] + tracks.vel_ecef_mps[track] * (start_s - tracks.last_update_t_s[track])[:, None]
        seeker = np.linalg.norm(true_pos - pos, axis=1) < speed * (dt_s + SEEKER_LOCK_S)
        aim_pos = np.where(seeker[:, None], true_pos, track_pos)
        aim_vel = np.where(seeker[:, None], true_vel, tracks.vel_ecef_mps[track])
        t_go, pip = predict_intercept(pos, aim_pos, aim_vel, speed)
        heading = np.where(np.isfinite(t_go)[:, None], pip, aim_pos) - pos
        norm = np.linalg.norm(heading, axis=1, keepdims=True)
        vel = speed[:, None] * heading / np.where(norm > 0.0, norm, 1.0)
        t_cpa, miss = closest_approach(true_pos - pos, true_vel - vel, dt_s)
        reached = seeker & (t_cpa < dt_s)
        missiles.pos_ecef_m[rows] = pos + vel * np.where(reached, t_cpa, dt_s)[:, None]
        missiles.vel_ecef_mps[rows] = vel
        expired = t_s - missiles.launch_t_s[rows] > self.max_flight_s[missiles.missile_index[rows]]
        gone = threats.status[target] != FLYING
        missiles.endgame[rows] = reached | expired | gone
        missiles.miss_distance_m[rows] = np.where(reached & ~gone, miss, np.nan)
