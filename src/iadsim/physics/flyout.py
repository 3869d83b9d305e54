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

Each missile's tick is one compiled loop (:func:`fly_missile_of`); the stage
flies every interceptor in flight in one compiled pass per tick.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.catalog.schema import InterceptorType
from iadsim.errors import Problem, UserError
from iadsim.events import NO_EVENTS, EventColumns
from iadsim.jit import kernel
from iadsim.physics.average_speed import AverageSpeedFlyout, average_speed_step_of
from iadsim.physics.environment import F64, air_density_of, central_gravity_of, height_of
from iadsim.physics.guidance import closing_speed_of, pn_command_of
from iadsim.physics.intercept import closest_approach_of, predict_intercept_of
from iadsim.registry import INTERCEPTOR_GUIDANCE, columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, IN_FLIGHT, World

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


# Columns of Airframes.figures: one row per missile type.
BURNOUT_SPEED, BOOST_TIME, SUSTAIN_END, BALLISTIC_COEFFICIENT, MAX_ACCEL, MANOEUVRE_PRESSURE, NAVIGATION, \
    MAX_FLIGHT = range(8)


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

    @property
    def figures(self) -> F64:
        """The figures as one ``(M, 8)`` array for kernels, columns :data:`BURNOUT_SPEED` ... :data:`MAX_FLIGHT`."""
        return np.ascontiguousarray(np.stack((
            self.burnout_speed_mps, self.boost_time_s, self.sustain_end_s, self.ballistic_coefficient_kg_m2,
            self.max_accel_mps2, self.manoeuvre_dynamic_pressure_pa, self.navigation_constant, self.max_flight_s),
            axis=1).reshape(-1, 8))


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


@kernel
def acceleration_of(pos_m: F64, vel_mps: F64, flown_s: float, figures: F64, command_mps2: F64, out: F64) -> None:
    """Total acceleration (m/s², (3,)) into ``out`` of one missile of type ``figures`` (a row of
    :attr:`Airframes.figures`) under a guidance command (3,); see the module docstring."""
    speed = np.sqrt(vel_mps[0] ** 2 + vel_mps[1] ** 2 + vel_mps[2] ** 2)
    size = max(speed, 1e-9)
    hx, hy, hz = vel_mps[0] / size, vel_mps[1] / size, vel_mps[2] / size
    gx, gy, gz = central_gravity_of(pos_m[0], pos_m[1], pos_m[2])
    density = air_density_of(height_of(pos_m[0], pos_m[1], pos_m[2]))
    gravity_along = gx * hx + gy * hy + gz * hz
    if flown_s < figures[BOOST_TIME]:
        axial = figures[BURNOUT_SPEED] / figures[BOOST_TIME]
    elif flown_s < figures[SUSTAIN_END]:
        axial = 0.0
    else:
        axial = gravity_along - density * speed * speed / (2.0 * figures[BALLISTIC_COEFFICIENT])
    wx, wy, wz = command_mps2[0] - gx, command_mps2[1] - gy, command_mps2[2] - gz
    along = wx * hx + wy * hy + wz * hz
    lx, ly, lz = wx - along * hx, wy - along * hy, wz - along * hz
    dynamic_pressure = 0.5 * density * speed * speed
    limit = figures[MAX_ACCEL] * min(dynamic_pressure / figures[MANOEUVRE_PRESSURE], 1.0)
    lateral = np.sqrt(lx * lx + ly * ly + lz * lz)
    scale = min(lateral, limit) / max(lateral, 1e-12)
    out[0] = axial * hx + lx * scale + (gx - gravity_along * hx)
    out[1] = axial * hy + ly * scale + (gy - gravity_along * hy)
    out[2] = axial * hz + lz * scale + (gz - gravity_along * hz)


@kernel
def fly_missile_of(pos_m: F64, vel_mps: F64, flown_s: float, figures: F64, target_pos_m: F64, target_vel_mps: F64,
                   track_offset_m: F64, target_accel_mps2: F64, augmented: bool, dt_s: float,
                   work: F64) -> tuple[bool, bool, float, float]:
    """Advance one missile over a tick of ``dt_s`` (see :func:`fly_tick`); ``pos_m``, ``vel_mps`` (3,) in place.

    Returns (reached, gave up, miss distance (m, NaN unless reached), time flown at
    the end (s)). ``work`` is a (6, 3) scratch array.
    """
    rel_pos, rel_vel, seen, command, accel, new_vel = work[0], work[1], work[2], work[3], work[4], work[5]
    curvature = target_accel_mps2
    tau = 0.0
    while tau < dt_s - 1e-9:
        left = dt_s - tau
        for i in range(3):
            true_pos = target_pos_m[i] - target_vel_mps[i] * left - 0.5 * curvature[i] * tau * left
            true_vel = target_vel_mps[i] - 0.5 * curvature[i] * (left - tau)
            rel_pos[i], rel_vel[i] = true_pos - pos_m[i], true_vel - vel_mps[i]
        distance = np.sqrt(rel_pos[0] ** 2 + rel_pos[1] ** 2 + rel_pos[2] ** 2)
        closing = closing_speed_of(rel_pos, rel_vel)
        t_go = distance / max(closing, 1e-9) if closing > 0.0 else np.inf
        step = min(min(max(0.25 * t_go, MIN_STEP_S), 0.25 * dt_s), dt_s - tau)
        t_cpa, cpa_miss = closest_approach_of(rel_pos, rel_vel, step)
        relative_speed = np.sqrt(rel_vel[0] ** 2 + rel_vel[1] ** 2 + rel_vel[2] ** 2)
        arrive = t_cpa < step and distance <= relative_speed * step + 1.0
        if t_go < SEEKER_LOCK_S:  # homing on the target itself
            seen[:] = rel_pos
        else:  # mid-course on the track, lofted
            radius = np.sqrt(pos_m[0] ** 2 + pos_m[1] ** 2 + pos_m[2] ** 2)
            loft = LOFT_FRACTION * max(distance - LOFT_END_S * max(closing, 0.0), 0.0)
            for i in range(3):
                seen[i] = rel_pos[i] + track_offset_m[i] + loft * (pos_m[i] / radius)
        pn_command_of(seen, rel_vel, figures[NAVIGATION], curvature, augmented, command)
        acceleration_of(pos_m, vel_mps, flown_s, figures, command, accel)
        h = t_cpa if arrive else step
        for i in range(3):
            new_vel[i] = vel_mps[i] + accel[i] * h
            pos_m[i] += (vel_mps[i] if arrive else new_vel[i]) * h
            if not arrive:
                vel_mps[i] = new_vel[i]
        flown_s += h
        if arrive:
            return True, False, cpa_miss, flown_s
        tau += h
        speed = np.sqrt(vel_mps[0] ** 2 + vel_mps[1] ** 2 + vel_mps[2] ** 2)
        slow = flown_s > figures[SUSTAIN_END] and speed < GIVE_UP_SPEED_FRACTION * figures[BURNOUT_SPEED]
        late = flown_s > figures[MAX_FLIGHT]
        grounded = height_of(pos_m[0], pos_m[1], pos_m[2]) < 0.0 and flown_s > 1.0
        if slow or late or grounded:
            return False, True, np.nan, flown_s
    return False, False, np.nan, flown_s


@kernel
def _fly_rows(pos_m: F64, vel_mps: F64, kind: NDArray[np.int64], flown_s: F64, figures: F64, target_pos_m: F64,
              target_vel_mps: F64, track_offset_m: F64, target_accel_mps2: F64, augmented: bool, dt_s: float
              ) -> tuple[NDArray[np.bool_], NDArray[np.bool_], F64]:
    n = len(kind)
    reached, gave_up, miss = np.zeros(n, np.bool_), np.zeros(n, np.bool_), np.full(n, np.nan)
    work = np.empty((6, 3))
    for k in range(n):
        reached[k], gave_up[k], miss[k], flown_s[k] = fly_missile_of(
            pos_m[k], vel_mps[k], flown_s[k], figures[kind[k]], target_pos_m[k], target_vel_mps[k],
            track_offset_m[k], target_accel_mps2[k], augmented, dt_s, work)
    return reached, gave_up, miss


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
    zeros = np.zeros((n, 3))
    pos, vel = np.ascontiguousarray(state.pos_m, dtype=float), np.ascontiguousarray(state.vel_mps, dtype=float)
    flown = np.ascontiguousarray(state.flown_s, dtype=float)  # the state's own arrays where they already fit
    reached, gave_up, miss = _fly_rows(
        pos, vel, np.asarray(state.kind, np.int64), flown, airframes.figures,
        np.ascontiguousarray(target_pos_m, dtype=float), np.ascontiguousarray(target_vel_mps, dtype=float),
        zeros if track_offset_m is None else np.ascontiguousarray(track_offset_m, dtype=float),
        zeros if target_accel_mps2 is None else np.ascontiguousarray(target_accel_mps2, dtype=float), augmented, dt_s)
    state.pos_m, state.vel_mps, state.flown_s = pos, vel, flown
    return TickOutcome(reached, gave_up, miss, np.linalg.norm(vel, axis=1))


LAUNCH_ELEVATION_RAD = np.deg2rad(10.0)
"""Lowest launch elevation: a round aimed lower leaves the rail at this angle."""


@kernel
def launch_direction_of(launcher_pos_m: F64, aim_pos_m: F64, out: F64) -> None:
    """Unit vector (3,) into ``out`` from a launcher towards an aim point, raised to at least
    :data:`LAUNCH_ELEVATION_RAD`."""
    radius = np.sqrt(launcher_pos_m[0] ** 2 + launcher_pos_m[1] ** 2 + launcher_pos_m[2] ** 2)
    ux, uy, uz = launcher_pos_m[0] / radius, launcher_pos_m[1] / radius, launcher_pos_m[2] / radius
    dx, dy, dz = aim_pos_m[0] - launcher_pos_m[0], aim_pos_m[1] - launcher_pos_m[1], aim_pos_m[2] - launcher_pos_m[2]
    size = max(np.sqrt(dx * dx + dy * dy + dz * dz), 1e-9)
    dx, dy, dz = dx / size, dy / size, dz / size
    rise = dx * ux + dy * uy + dz * uz
    lx, ly, lz = dx - rise * ux, dy - rise * uy, dz - rise * uz
    size = max(np.sqrt(lx * lx + ly * ly + lz * lz), 1e-9)
    elevation = max(np.arcsin(min(max(rise, -1.0), 1.0)), LAUNCH_ELEVATION_RAD)
    c, s = np.cos(elevation), np.sin(elevation)
    out[0], out[1], out[2] = c * lx / size + s * ux, c * ly / size + s * uy, c * lz / size + s * uz


@kernel
def _launch_rows(launcher_pos_m: F64, aim_pos_m: F64) -> F64:
    out = np.empty((len(launcher_pos_m), 3))
    for k in range(len(launcher_pos_m)):
        launch_direction_of(launcher_pos_m[k], aim_pos_m[k], out[k])
    return out


def launch_direction(launcher_pos_m: F64, aim_pos_m: F64) -> F64:
    """Unit vectors ``(K, 3)`` from launchers towards aim points (:func:`launch_direction_of`)."""
    return _launch_rows(np.ascontiguousarray(launcher_pos_m, dtype=float), np.ascontiguousarray(aim_pos_m, dtype=float))


@register("fly", "flyout")
class FlyoutStage:
    """Flies every interceptor in flight with the flyout model; flags those that reach their target or give up."""

    requires = INTERCEPTOR_GUIDANCE
    provides = columns("interceptors", "pos_ecef_m", "vel_ecef_mps", "endgame", "miss_distance_m")
    flyout_tables = True  # C2 predicts its intercepts from flyout tables (physics/flyout_table.py)

    augmented = False

    def __init__(self, compiled: CompiledScenario) -> None:
        airframes = Airframes.of(compiled.interceptor_types)
        self.figures = airframes.figures
        self.guided = airframes.guided
        self.unguided = AverageSpeedFlyout(compiled)
        n = len(compiled.world.threats.id)
        self.last_threat_vel_mps = np.zeros((n, 3))
        self.last_flying = np.zeros(n, bool)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        missiles, tracks, threats = world.interceptors, world.tracks, world.threats
        _fly_stage(missiles.count, missiles.status, missiles.missile_index, missiles.threat_index, missiles.track_row,
                   missiles.launch_t_s, missiles.pos_ecef_m, missiles.vel_ecef_mps, missiles.endgame,
                   missiles.miss_distance_m, tracks.pos_ecef_m, tracks.vel_ecef_mps, tracks.last_update_t_s,
                   threats.status, threats.pos_ecef_m, threats.vel_ecef_mps, self.last_threat_vel_mps,
                   self.last_flying, self.figures, self.guided, self.unguided.speed_mps, self.unguided.max_flight_s,
                   self.augmented, t_s, dt_s)
        return NO_EVENTS


@kernel
def _fly_stage(count: int, status: NDArray[np.int8], missile_index: NDArray[np.int32],
               threat_index: NDArray[np.int32], track_row: NDArray[np.int32], launch_t_s: F64, pos_m: F64,
               vel_mps: F64, endgame: NDArray[np.bool_], miss_m: F64, track_pos_m: F64, track_vel_mps: F64,
               track_t_s: F64, threat_status: NDArray[np.int8], threat_pos_m: F64, threat_vel_mps: F64,
               last_threat_vel_mps: F64, last_flying: NDArray[np.bool_], figures: F64, guided: NDArray[np.bool_],
               average_speed_mps: F64, max_flight_s: F64, augmented: bool, t_s: float, dt_s: float) -> None:
    """One tick of the flyout stage: every interceptor in flight, then each threat's velocity kept for the next
    tick's estimate of its acceleration (from its mean velocities over this tick and the last; 0 just after
    launch)."""
    work = np.empty((6, 3))
    track_pos, offset, accel, point = np.empty(3), np.empty(3), np.empty(3), np.empty(3)
    for j in range(count):
        if status[j] != IN_FLIGHT:
            continue
        kind, target, track = missile_index[j], threat_index[j], track_row[j]
        if not guided[kind]:
            average_speed_step_of(j, kind, target, track, launch_t_s[j], pos_m[j], vel_mps[j], endgame, miss_m,
                                  track_pos_m, track_vel_mps, track_t_s, threat_status, threat_pos_m,
                                  threat_vel_mps, average_speed_mps, max_flight_s, t_s, dt_s, work)
            continue
        for i in range(3):
            track_pos[i] = track_pos_m[track, i] + track_vel_mps[track, i] * (t_s - track_t_s[track])
        if vel_mps[j, 0] == 0.0 and vel_mps[j, 1] == 0.0 and vel_mps[j, 2] == 0.0:  # just launched
            predict_intercept_of(pos_m[j], track_pos, track_vel_mps[track], average_speed_mps[kind], point)
            launch_direction_of(pos_m[j], point, vel_mps[j])
        miss_m[j] = np.nan
        if threat_status[target] != FLYING:
            endgame[j] = True
            continue
        steady = last_flying[target]
        for i in range(3):
            offset[i] = track_pos[i] - threat_pos_m[target, i]
            accel[i] = (threat_vel_mps[target, i] - last_threat_vel_mps[target, i]) / dt_s if steady else 0.0
        reached, gave_up, miss, _ = fly_missile_of(
            pos_m[j], vel_mps[j], t_s - launch_t_s[j], figures[kind], threat_pos_m[target], threat_vel_mps[target],
            offset, accel, augmented, dt_s, work)
        endgame[j] = reached or gave_up
        miss_m[j] = miss
    for i in range(len(threat_status)):
        last_flying[i] = threat_status[i] == FLYING
        if last_flying[i]:
            last_threat_vel_mps[i] = threat_vel_mps[i]


@register("fly", "flyout_apn")
class AugmentedFlyoutStage(FlyoutStage):
    """The flyout model with augmented proportional navigation (the target's acceleration fed forward)."""

    augmented = True
