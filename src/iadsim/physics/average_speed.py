"""The simplest interceptor flyout: straight flight at the type's average speed.

Each tick an interceptor turns instantly towards the predicted intercept point
of its target, computed from the air picture's track until the last
:data:`SEEKER_LOCK_S` seconds of flight, when it homes on the target itself (its
seeker). The closest approach to the real target within the tick is its miss
distance. An interceptor that has flown longer than its range allows gives up.
The flyout model with boost, drag and proportional navigation replaces this one
where fidelity matters. One compiled pass per tick flies every interceptor.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.events import NO_EVENTS, EventColumns
from iadsim.jit import kernel
from iadsim.physics.intercept import closest_approach_of, predict_intercept_of
from iadsim.registry import INTERCEPTOR_GUIDANCE, columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, IN_FLIGHT, World

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]

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
        self.speed_mps = np.array([m.average_speed for m in types], dtype=float)
        self.max_flight_s = np.array([ENDURANCE_MARGIN * m.max_range / m.average_speed for m in types], dtype=float)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        missiles, tracks, threats = world.interceptors, world.tracks, world.threats
        if missiles.count:
            _fly_all(missiles.count, missiles.status, missiles.missile_index, missiles.threat_index,
                     missiles.track_row, missiles.launch_t_s, missiles.pos_ecef_m, missiles.vel_ecef_mps,
                     missiles.endgame, missiles.miss_distance_m, tracks.pos_ecef_m, tracks.vel_ecef_mps,
                     tracks.last_update_t_s, threats.status, threats.pos_ecef_m, threats.vel_ecef_mps,
                     self.speed_mps, self.max_flight_s, t_s, dt_s)
        return NO_EVENTS


@kernel
def average_speed_step_of(j: int, kind: int, target: int, track: int, launch_t_s: float, pos_m: F64, vel_mps: F64,
                          endgame: NDArray[np.bool_], miss_m: F64, track_pos_m: F64, track_vel_mps: F64,
                          track_t_s: F64, threat_status: NDArray[np.int8], threat_pos_m: F64, threat_vel_mps: F64,
                          speed_mps: F64, max_flight_s: F64, t_s: float, dt_s: float, work: F64) -> None:
    """Fly interceptor ``j`` (position ``pos_m`` and velocity ``vel_mps``, (3,), updated in place) over the tick
    ending at ``t_s``; set its endgame flag and miss distance. ``work`` is a (5, 3) scratch array."""
    speed = speed_mps[kind]
    true_pos, aim_pos, aim_vel, point, gap = work[0], work[1], work[2], work[3], work[4]
    ahead = t_s - dt_s - track_t_s[track]
    for i in range(3):
        true_pos[i] = threat_pos_m[target, i] - threat_vel_mps[target, i] * dt_s
    to_target = np.sqrt((true_pos[0] - pos_m[0]) ** 2 + (true_pos[1] - pos_m[1]) ** 2 + (true_pos[2] - pos_m[2]) ** 2)
    seeker = to_target < speed * (dt_s + SEEKER_LOCK_S)
    for i in range(3):
        aim_pos[i] = true_pos[i] if seeker else track_pos_m[track, i] + track_vel_mps[track, i] * ahead
        aim_vel[i] = threat_vel_mps[target, i] if seeker else track_vel_mps[track, i]
    t_go = predict_intercept_of(pos_m, aim_pos, aim_vel, speed, point)
    for i in range(3):
        point[i] = (point[i] if np.isfinite(t_go) else aim_pos[i]) - pos_m[i]
    norm = np.sqrt(point[0] ** 2 + point[1] ** 2 + point[2] ** 2)
    for i in range(3):
        vel_mps[i] = speed * point[i] / (norm if norm > 0.0 else 1.0)
        aim_pos[i], gap[i] = true_pos[i] - pos_m[i], threat_vel_mps[target, i] - vel_mps[i]
    t_cpa, miss = closest_approach_of(aim_pos, gap, dt_s)
    reached = seeker and t_cpa < dt_s
    for i in range(3):
        pos_m[i] += vel_mps[i] * (t_cpa if reached else dt_s)
    gone = threat_status[target] != FLYING
    endgame[j] = reached or t_s - launch_t_s > max_flight_s[kind] or gone
    miss_m[j] = miss if reached and not gone else np.nan


@kernel
def _fly_all(count: int, status: NDArray[np.int8], missile_index: I32, threat_index: I32, track_row: I32,
             launch_t_s: F64, pos_m: F64, vel_mps: F64, endgame: NDArray[np.bool_], miss_m: F64, track_pos_m: F64,
             track_vel_mps: F64, track_t_s: F64, threat_status: NDArray[np.int8], threat_pos_m: F64,
             threat_vel_mps: F64, speed_mps: F64, max_flight_s: F64, t_s: float, dt_s: float) -> None:
    work = np.empty((5, 3))
    for j in range(count):
        if status[j] == IN_FLIGHT:
            average_speed_step_of(j, missile_index[j], threat_index[j], track_row[j], launch_t_s[j], pos_m[j],
                                  vel_mps[j], endgame, miss_m, track_pos_m, track_vel_mps, track_t_s, threat_status,
                                  threat_pos_m, threat_vel_mps, speed_mps, max_flight_s, t_s, dt_s, work)
