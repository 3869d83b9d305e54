"""Interceptor flyout: boost, sustain and coast, drag, a lateral limit, PN guidance, endgame sub-steps.

The kinematics of each missile type come from the catalog (``burnout_speed``,
``boost_time``, ``sustain_time``, ``ballistic_coefficient``, ``max_load_factor``,
``manoeuvre_dynamic_pressure``, ``navigation_constant``):

- **speed profile**: during the boost the speed rises steadily to the burnout
  speed (the thrust is taken to cover drag and gravity: the net gain is
  v_bo / t_boost); during the sustain phase thrust holds the speed; then the
  missile coasts, slowed by drag ρ v²/(2β) in the exponential atmosphere and by
  gravity along its path;
- **lateral acceleration**: the guidance command (plus what holds the missile up
  against gravity) across the velocity, limited to the type's load factor,
  falling in proportion to dynamic pressure below ``manoeuvre_dynamic_pressure``
  (fins lift in proportion to ½ρv²);
- **guidance**: true proportional navigation (:mod:`iadsim.physics.guidance`),
  augmented PN with ``augmented``; in mid-course it steers on the air picture's
  track, which carries it onto a collision course with the predicted intercept
  point, and in the last :data:`SEEKER_LOCK_S` seconds on the target itself (its seeker);
- **endgame**: within a tick every missile takes sub-steps of a quarter of its
  time to go, between :data:`MIN_STEP_S` and a quarter of the tick, so that near
  the target the step shrinks to a millisecond; the closest approach of the
  last sub-step (relative motion taken as straight over it) is the miss distance;
- **unguided types**: a type the catalog gives none of these figures (a gun's
  burst) flies as in the `average_speed` model;
- **giving up**: below :data:`GIVE_UP_SPEED_FRACTION` of the burnout speed after
  the boost, into the ground, or after the flight time the type's range allows.

The target moves in a straight line at its velocity across a tick (the world's
threats have already moved to the tick's end when the fly stage runs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.catalog.schema import InterceptorType
from iadsim.errors import Problem, UserError
from iadsim.events import NO_EVENTS, EventColumns
from iadsim.physics.average_speed import AverageSpeedFlyout
from iadsim.physics.environment import F64, air_density_kg_m3, central_gravity, height_m
from iadsim.physics.guidance import closing_speed_mps, pn_acceleration
from iadsim.physics.intercept import closest_approach, predict_intercept
from iadsim.registry import INTERCEPTOR_GUIDANCE, columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, World

SEEKER_LOCK_S = 3.0
"""Time to go under which the missile homes on the target itself rather than the track (s)."""
MIN_STEP_S = 1e-3
"""Shortest endgame sub-step (s)."""
GIVE_UP_SPEED_FRACTION = 0.25
"""After the boost, a missile slower than this fraction of its burnout speed can no longer manoeuvre usefully."""
ENDURANCE_MARGIN = 2.0
"""Flight time allowed, as a multiple of max range / average speed."""
LOFT_FRACTION = 0.2
"""Mid-course loft: the missile steers at a point this fraction of the remaining distance above the target."""
LOFT_END_S = 10.0
"""The loft fades out this many seconds of closing before the intercept."""
FLYOUT_FIELDS: tuple[str, ...] = ("burnout_speed", "boost_time", "ballistic_coefficient", "max_load_factor",
                                  "manoeuvre_dynamic_pressure", "navigation_constant")


@dataclass(frozen=True)
class Airframes:
    """Kinematic figures of the missile types in play, as arrays indexed by type."""

    burnout_speed_mps: F64
    boost_time_s: F64
    sustain_end_s: F64
    ballistic_coefficient_kg_m2: F64
    max_accel_mps2: F64
    manoeuvre_dynamic_pressure_pa: F64
    navigation_constant: F64
    max_flight_s: F64

    guided: NDArray[np.bool_]

    @classmethod
    def of(cls, types: list[InterceptorType]) -> Airframes:
        """Read the flyout figures of ``types``.

        A type with none of them (a gun's burst) is not ``guided``: the flyout
        stage flies it as the `average_speed` model does. One with some but not all
        is a user error naming what is missing.
        """
        for kind in types:
            missing = [name for name in FLYOUT_FIELDS if getattr(kind, name) is None]
            if missing and len(missing) < len(FLYOUT_FIELDS):
                raise UserError([Problem(
                    f"interceptor type {kind.name!r} has no {', '.join(missing)}: the flyout model needs them",
                    path="models.fly", expected="catalog figures " + ", ".join(FLYOUT_FIELDS),
                    suggestion="add them to its catalog entry (docs/models.md, 'fly'), or choose "
                               "models: {fly: average_speed}")])

        def column(name: str) -> F64:
            return np.array([getattr(kind, name) or 0.0 for kind in types], dtype=float)

        boost = column("boost_time")
        return cls(
            burnout_speed_mps=column("burnout_speed"), boost_time_s=boost,
            sustain_end_s=boost + column("sustain_time"),
            ballistic_coefficient_kg_m2=column("ballistic_coefficient"), max_accel_mps2=column("max_load_factor"),
            manoeuvre_dynamic_pressure_pa=column("manoeuvre_dynamic_pressure"),
            navigation_constant=column("navigation_constant"),
            max_flight_s=ENDURANCE_MARGIN * column("max_range") / column("average_speed"),
            guided=np.array([has_flyout_figures(kind) for kind in types], dtype=bool),
        )


def has_flyout_figures(kind: InterceptorType) -> bool:
    """Whether the catalog gives ``kind`` the figures of the flyout model."""
    return all(getattr(kind, name) is not None for name in FLYOUT_FIELDS)


@dataclass
class FlightState:
    """Missiles in flight ``(K, ...)``: where they are, their type and how long they have flown."""

    pos_m: F64
    vel_mps: F64
    kind: NDArray[np.int64]
    flown_s: F64


@dataclass(frozen=True)
class TickOutcome:
    """What became of each missile during one tick."""

    reached: NDArray[np.bool_]  # passed its closest approach to the target
    gave_up: NDArray[np.bool_]
    miss_m: F64  # NaN unless reached
    speed_at_end_mps: F64


def acceleration(state: FlightState, airframes: Airframes, command_mps2: F64) -> F64:
    """Total acceleration (m/s²) of each missile under a guidance command ``(K, 3)``."""
    kind = state.kind
    speed = np.linalg.norm(state.vel_mps, axis=1)
    ahead = state.vel_mps / np.maximum(speed, 1e-9)[:, None]
    gravity = central_gravity(state.pos_m)
    density = air_density_kg_m3(height_m(state.pos_m))
    gravity_along = np.einsum("ki,ki->k", gravity, ahead)
    boosting = state.flown_s < airframes.boost_time_s[kind]
    sustaining = ~boosting & (state.flown_s < airframes.sustain_end_s[kind])
    drag = density * speed * speed / (2.0 * airframes.ballistic_coefficient_kg_m2[kind])
    axial = np.select([boosting, sustaining],
                      [airframes.burnout_speed_mps[kind] / airframes.boost_time_s[kind], 0.0],
                      gravity_along - drag)
    wanted = command_mps2 - gravity
    lateral = wanted - np.einsum("ki,ki->k", wanted, ahead)[:, None] * ahead
    dynamic_pressure = 0.5 * density * speed * speed
    limit = airframes.max_accel_mps2[kind] * np.minimum(
        dynamic_pressure / airframes.manoeuvre_dynamic_pressure_pa[kind], 1.0)
    size = np.linalg.norm(lateral, axis=1)
    lateral *= (np.minimum(size, limit) / np.maximum(size, 1e-12))[:, None]
    gravity_across = gravity - gravity_along[:, None] * ahead
    return axial[:, None] * ahead + lateral + gravity_across


def fly_tick(
    state: FlightState, airframes: Airframes, target_pos_m: F64, target_vel_mps: F64, dt_s: float,
    track_offset_m: F64 | None = None, target_accel_mps2: F64 | None = None, augmented: bool = False,
) -> TickOutcome:
    """Advance missiles over one tick of ``dt_s`` towards targets that end the tick at ``target_pos_m``.

    ``target_vel_mps`` is each target's mean velocity over the tick (its chord)
    and ``target_accel_mps2`` its acceleration (``None``: straight); the target
    is taken on the parabola through its start and end points with that
    curvature, p(τ) = p_end − v (Δt − τ) − ½ a τ (Δt − τ), so the endgame follows
    a turning or weaving target within the tick. ``track_offset_m`` (``(K, 3)``,
    track position minus true position) is what mid-course guidance sees besides
    the truth; ``augmented`` feeds the target's acceleration forward (APN).
    Updates ``state`` in place; see the module docstring.
    """
    n = len(state.kind)
    tau = np.zeros(n)
    reached = np.zeros(n, bool)
    gave_up = np.zeros(n, bool)
    miss = np.full(n, np.nan)
    offset = np.zeros((n, 3)) if track_offset_m is None else track_offset_m
    curvature = np.zeros((n, 3)) if target_accel_mps2 is None else target_accel_mps2
    while True:
        rows = np.flatnonzero(~reached & ~gave_up & (tau < dt_s - 1e-9))
        if len(rows) == 0:
            break
        sub = FlightState(state.pos_m[rows], state.vel_mps[rows], state.kind[rows], state.flown_s[rows])
        left = (dt_s - tau[rows])[:, None]
        true_pos = target_pos_m[rows] - target_vel_mps[rows] * left - 0.5 * curvature[rows] * tau[rows, None] * left
        true_vel = target_vel_mps[rows] - 0.5 * curvature[rows] * (left - tau[rows, None])
        rel_pos, rel_vel = true_pos - sub.pos_m, true_vel - sub.vel_mps
        distance = np.linalg.norm(rel_pos, axis=1)
        closing = closing_speed_mps(rel_pos, rel_vel)
        t_go = np.where(closing > 0.0, distance / np.maximum(closing, 1e-9), np.inf)
        step = np.minimum(np.clip(0.25 * t_go, MIN_STEP_S, 0.25 * dt_s), dt_s - tau[rows])
        t_cpa, cpa_miss = closest_approach(rel_pos, rel_vel, step)
        arrive = (t_cpa < step) & (distance <= np.linalg.norm(rel_vel, axis=1) * step + 1.0)
        homing = t_go < SEEKER_LOCK_S
        up = sub.pos_m / np.linalg.norm(sub.pos_m, axis=1, keepdims=True)
        loft = LOFT_FRACTION * np.maximum(distance - LOFT_END_S * np.maximum(closing, 0.0), 0.0)
        seen = np.where(homing[:, None], rel_pos, rel_pos + offset[rows] + loft[:, None] * up)
        command = pn_acceleration(seen, rel_vel, airframes.navigation_constant[sub.kind],
                                  curvature[rows] if augmented else None)
        a = acceleration(sub, airframes, command)
        h = np.where(arrive, t_cpa, step)
        vel = sub.vel_mps + a * h[:, None]
        pos = sub.pos_m + np.where(arrive[:, None], sub.vel_mps, vel) * h[:, None]
        state.pos_m[rows], state.vel_mps[rows] = pos, np.where(arrive[:, None], sub.vel_mps, vel)
        state.flown_s[rows] += h
        tau[rows] += np.where(arrive, dt_s, h)
        speed = np.linalg.norm(state.vel_mps[rows], axis=1)
        slow = (state.flown_s[rows] > airframes.sustain_end_s[sub.kind]) & (
            speed < GIVE_UP_SPEED_FRACTION * airframes.burnout_speed_mps[sub.kind])
        late = state.flown_s[rows] > airframes.max_flight_s[sub.kind]
        grounded = (height_m(pos) < 0.0) & (state.flown_s[rows] > 1.0)
        reached[rows[arrive]] = True
        miss[rows[arrive]] = cpa_miss[arrive]
        gave_up[rows] |= ~arrive & (slow | late | grounded)
    return TickOutcome(reached, gave_up, miss, np.linalg.norm(state.vel_mps, axis=1))


LAUNCH_ELEVATION_RAD = np.deg2rad(10.0)
"""Lowest launch elevation: a round aimed lower leaves the rail at this angle."""


def launch_direction(launcher_pos_m: F64, aim_pos_m: F64) -> F64:
    """Unit vectors ``(K, 3)`` from launchers towards aim points, raised to at least :data:`LAUNCH_ELEVATION_RAD`."""
    up = launcher_pos_m / np.linalg.norm(launcher_pos_m, axis=1, keepdims=True)
    line = aim_pos_m - launcher_pos_m
    line /= np.maximum(np.linalg.norm(line, axis=1, keepdims=True), 1e-9)
    rise = np.einsum("ki,ki->k", line, up)
    level = line - rise[:, None] * up
    level /= np.maximum(np.linalg.norm(level, axis=1, keepdims=True), 1e-9)
    elevation = np.maximum(np.arcsin(np.clip(rise, -1.0, 1.0)), LAUNCH_ELEVATION_RAD)
    return np.cos(elevation)[:, None] * level + np.sin(elevation)[:, None] * up


@register("fly", "flyout")
class FlyoutStage:
    """Flies every interceptor in flight with the flyout model; flags those that reach their target or give up."""

    requires = INTERCEPTOR_GUIDANCE
    provides = columns("interceptors", "pos_ecef_m", "vel_ecef_mps", "endgame", "miss_distance_m")
    flyout_tables = True  # C2 predicts its intercepts from flyout tables (physics/flyout_table.py)

    augmented = False

    def __init__(self, compiled: CompiledScenario) -> None:
        self.airframes = Airframes.of(compiled.interceptor_types)
        self.average_speed_mps = np.array([m.average_speed for m in compiled.interceptor_types])
        self.unguided = AverageSpeedFlyout(compiled)
        self.last_threat_vel_mps = compiled.world.threats.vel_ecef_mps.copy()
        self.last_flying = np.zeros(len(compiled.world.threats.id), bool)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        missiles, tracks, threats = world.interceptors, world.tracks, world.threats
        # Each threat's acceleration from its mean velocities over this tick and the last (0 just after launch).
        flying_then, self.last_flying = self.last_flying, threats.status == FLYING
        steady = (flying_then & self.last_flying)[:, None]
        target_accel = np.where(steady, (threats.vel_ecef_mps - self.last_threat_vel_mps) / dt_s, 0.0)
        self.last_threat_vel_mps = threats.vel_ecef_mps.copy()
        rows = np.flatnonzero(missiles.in_flight)
        guided = self.airframes.guided[missiles.missile_index[rows]]
        self.unguided.advance(world, rows[~guided], t_s, dt_s)
        rows = rows[guided]
        if len(rows) == 0:
            return NO_EVENTS
        target, track = missiles.threat_index[rows], missiles.track_row[rows]
        gone = threats.status[target] != FLYING
        kind = missiles.missile_index[rows].astype(np.int64)
        track_pos = tracks.pos_ecef_m[track] + tracks.vel_ecef_mps[track] * (t_s - tracks.last_update_t_s[track])[:, None]
        new = np.linalg.norm(missiles.vel_ecef_mps[rows], axis=1) == 0.0
        if new.any():
            k = np.flatnonzero(new)
            _, pip = predict_intercept(missiles.pos_ecef_m[rows[k]], track_pos[k], tracks.vel_ecef_mps[track[k]],
                                       self.average_speed_mps[kind[k]])
            missiles.vel_ecef_mps[rows[k]] = launch_direction(missiles.pos_ecef_m[rows[k]], pip)
        flying = ~gone
        r = rows[flying]
        state = FlightState(missiles.pos_ecef_m[r], missiles.vel_ecef_mps[r], kind[flying],
                            t_s - missiles.launch_t_s[r])
        outcome = fly_tick(state, self.airframes, threats.pos_ecef_m[target[flying]],
                           threats.vel_ecef_mps[target[flying]], dt_s,
                           track_offset_m=track_pos[flying] - threats.pos_ecef_m[target[flying]],
                           target_accel_mps2=target_accel[target[flying]], augmented=self.augmented)
        missiles.pos_ecef_m[r], missiles.vel_ecef_mps[r] = state.pos_m, state.vel_mps
        missiles.endgame[rows] = gone
        missiles.miss_distance_m[rows] = np.nan
        missiles.endgame[r] = outcome.reached | outcome.gave_up
        missiles.miss_distance_m[r] = outcome.miss_m
        return NO_EVENTS


@register("fly", "flyout_apn")
class AugmentedFlyoutStage(FlyoutStage):
    """The flyout model with augmented proportional navigation (the target's acceleration fed forward)."""

    augmented = True
