"""Ballistic flight on a round, non-rotating Earth: trajectory design, boost, free flight, re-entry.

A ballistic missile is planned as a conic from its launch point to its aim
point: the flight-path angle φ at burnout and the burnout speed v are tied by
the free-flight range angle Ψ between the two points (radii r₁, r₂). Integrating
the orbit equation u'' + u = μ/h² (u = 1/r) from burnout gives

    μ/h² (1 − cos Ψ) = 1/r₂ − cos Ψ/r₁ + tan φ sin Ψ/r₁,   v = h/(r₁ cos φ),

which for r₁ = r₂ is the free-flight range equation of Bate, Mueller & White
(Fundamentals of Astrodynamics, 1971, eq. 6.2-11),
cos(Ψ/2) = (1 − Q cos²φ)/√(1 + Q(Q − 2) cos²φ), with Q = v² r/μ. The trajectory
is chosen as the *minimum-energy* one (least burnout speed; φ = (π − Ψ)/4 when
r₁ = r₂, BMW eq. 6.2-16), one reaching a given *apogee*, or, for a given burnout
speed, the *lofted* (high) or *depressed* (low) root.

The flight is then integrated (RK4, step :data:`STEP_S`): a powered phase of
constant thrust along the planned burnout direction for the type's burn time,
free flight under central gravity, and drag in the exponential atmosphere
(:mod:`iadsim.physics.environment`) with the type's ballistic coefficient, and
for a quasi-ballistic type a sideways weave on the way down. The
boost and the drag move the impact point, so the aim point is corrected by
shooting the difference (:data:`AIM_ITERATIONS` times), each threat on its own;
the planned apogee is corrected the same way.

Everything runs in compiled kernels, one body at a time (:func:`plan_ballistic`):
the plan of a flight is its thrust, direction and drag figures, its starting
velocity, and its impact time and point. The move stage then integrates the
same RK4 steps as the clock reaches them (:func:`ballistic_position_of`, two
samples held per threat, positions between samples by cubic Hermite
interpolation), so no table of the whole flight is kept;
:func:`fly_ballistic` records one for analysis and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.geo import WGS84_A_M, WGS84_B_M
from iadsim.jit import kernel
from iadsim.physics.environment import (
    EARTH_MU_M3_S2, F64, air_density_of, central_gravity_of, height_above_of, height_of,
)
from iadsim.units import STANDARD_GRAVITY_MPS2

TRAJECTORIES: tuple[str, ...] = ("minimum_energy", "apogee", "lofted", "depressed")
STEP_S = 1.0
"""Integration step of ballistic flight (s)."""
AIM_ITERATIONS = 5
"""Aim-point corrections for boost and drag; each shrinks the impact error about tenfold."""
MAX_FLIGHT_S = 4000.0
"""Longest flight integrated (s): more than an intermediate-range missile needs."""
WEAVE_PERIOD_S = 6.0
"""Period of the terminal weave of quasi-ballistic missiles (s): a model choice, no public figure."""
_SEARCH_ITERATIONS = 80
_LOFTED, _DEPRESSED, _APOGEE = TRAJECTORIES.index("lofted"), TRAJECTORIES.index("depressed"), TRAJECTORIES.index(
    "apogee")

# Columns of a flight row (see :class:`BallisticFlights`).
THRUST, DIRECTION, BURN_TIME, BETA, WEAVE, WEAVE_BELOW = 0, 1, 4, 5, 6, 7
FLIGHT_COLUMNS = 8

Accel = Callable[[F64, F64, float], F64]


def free_flight_range_angle(q: F64, flight_path_rad: F64) -> F64:
    """Range angle Ψ (rad) of free flight between equal radii (BMW eq. 6.2-11), Q = v² r / μ < 2."""
    cos_sq = np.cos(flight_path_rad) ** 2
    return 2.0 * np.arccos((1.0 - q * cos_sq) / np.sqrt(1.0 + q * (q - 2.0) * cos_sq))


@kernel
def burnout_speed_of(r1_m: float, r2_m: float, range_angle_rad: float, flight_path_rad: float) -> float:
    """Speed at radius ``r1_m`` and flight-path angle φ that carries a body to radius ``r2_m`` Ψ further.

    NaN where no conic joins them at that angle (φ at or below the chord's angle).
    """
    cos_psi, sin_psi = np.cos(range_angle_rad), np.sin(range_angle_rad)
    denominator = 1.0 / r2_m - cos_psi / r1_m + np.tan(flight_path_rad) * sin_psi / r1_m
    if not denominator > 0.0:
        return np.nan
    return np.sqrt(EARTH_MU_M3_S2 * (1.0 - cos_psi) / denominator) / (r1_m * np.cos(flight_path_rad))


@kernel
def apogee_radius_of(r1_m: float, speed_mps: float, flight_path_rad: float) -> float:
    """Apoapsis radius (m) of the conic through radius ``r1_m`` at the given speed and flight-path angle."""
    energy = 0.5 * speed_mps**2 - EARTH_MU_M3_S2 / r1_m
    semi_major = -EARTH_MU_M3_S2 / (2.0 * energy)
    p = (r1_m * speed_mps * np.cos(flight_path_rad)) ** 2 / EARTH_MU_M3_S2
    eccentricity = np.sqrt(max(1.0 - p / semi_major, 0.0))
    return semi_major * (1.0 + eccentricity)


@kernel
def _angle_bounds_of(r1_m: float, r2_m: float, range_angle_rad: float) -> tuple[float, float]:
    """Open interval of flight-path angles (rad) for which a conic joins the two radii."""
    chord = np.arctan2(np.cos(range_angle_rad) - r1_m / r2_m, np.sin(range_angle_rad))
    return chord + 1e-9, 0.5 * np.pi - 1e-6


@kernel
def minimum_energy_angle_of(r1_m: float, r2_m: float, range_angle_rad: float) -> float:
    """Flight-path angle (rad) of least burnout speed between the two radii (golden-section search)."""
    low, high = _angle_bounds_of(r1_m, r2_m, range_angle_rad)
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(_SEARCH_ITERATIONS):
        a = high - ratio * (high - low)
        b = low + ratio * (high - low)
        if burnout_speed_of(r1_m, r2_m, range_angle_rad, a) < burnout_speed_of(r1_m, r2_m, range_angle_rad, b):
            high = b
        else:
            low = a
    return 0.5 * (low + high)


@kernel
def _excess(trajectory: int, r1_m: float, r2_m: float, range_angle_rad: float, phi: float, wanted: float) -> float:
    """What the bisection of ``trajectory`` drives to zero at angle ``phi``: increasing in φ on its bracket."""
    speed = burnout_speed_of(r1_m, r2_m, range_angle_rad, phi)
    if trajectory == _APOGEE:
        return apogee_radius_of(r1_m, speed, phi) - wanted
    return -(speed - wanted) if trajectory == _DEPRESSED else speed - wanted


@kernel
def _bisect_of(trajectory: int, r1_m: float, r2_m: float, range_angle_rad: float, wanted: float,
               low: float, high: float) -> float:
    """Root of :func:`_excess` between ``low`` and ``high``."""
    for _ in range(_SEARCH_ITERATIONS):
        mid = 0.5 * (low + high)
        if _excess(trajectory, r1_m, r2_m, range_angle_rad, mid, wanted) > 0.0:
            high = mid
        else:
            low = mid
    return 0.5 * (low + high)


@kernel
def flight_path_angle_of(r1_m: float, r2_m: float, range_angle_rad: float, trajectory: int, speed_mps: float,
                         apogee_m: float) -> float:
    """Burnout flight-path angle (rad) of a planned trajectory (see :func:`plan_flight_path_angle`)."""
    low, high = _angle_bounds_of(r1_m, r2_m, range_angle_rad)
    best = minimum_energy_angle_of(r1_m, r2_m, range_angle_rad)
    if trajectory == _APOGEE:
        return _bisect_of(trajectory, r1_m, r2_m, range_angle_rad, apogee_m, max(low, 0.0), high)
    if trajectory != _LOFTED and trajectory != _DEPRESSED:
        return best
    if burnout_speed_of(r1_m, r2_m, range_angle_rad, best) - speed_mps >= 0.0:
        return best  # too slow for either root
    if trajectory == _LOFTED:
        return _bisect_of(trajectory, r1_m, r2_m, range_angle_rad, speed_mps, best, high)
    return _bisect_of(trajectory, r1_m, r2_m, range_angle_rad, speed_mps, low, best)


def burnout_speed_mps(r1_m: F64, r2_m: F64, range_angle_rad: F64, flight_path_rad: F64) -> F64:
    """:func:`burnout_speed_of` over arrays (broadcast)."""
    return np.vectorize(burnout_speed_of, otypes=[float])(r1_m, r2_m, range_angle_rad, flight_path_rad)


def apogee_radius_m(r1_m: F64, speed_mps: F64, flight_path_rad: F64) -> F64:
    """:func:`apogee_radius_of` over arrays (broadcast)."""
    return np.vectorize(apogee_radius_of, otypes=[float])(r1_m, speed_mps, flight_path_rad)


def minimum_energy_angle(r1_m: F64, r2_m: F64, range_angle_rad: F64) -> F64:
    """:func:`minimum_energy_angle_of` over arrays (broadcast)."""
    return np.vectorize(minimum_energy_angle_of, otypes=[float])(r1_m, r2_m, range_angle_rad)


def plan_flight_path_angle(
    r1_m: F64, r2_m: F64, range_angle_rad: F64, trajectory: NDArray[np.int64], speed_mps: F64, apogee_m: F64
) -> F64:
    """Burnout flight-path angle (rad) of each planned trajectory.

    ``trajectory`` holds indexes into :data:`TRAJECTORIES`; ``speed_mps`` (lofted,
    depressed) and ``apogee_m`` (apogee radius, for ``apogee``) are read where used.
    A speed below the minimum-energy speed falls back to the minimum-energy
    trajectory. The apogee is the conic's apoapsis, which the flight passes for any
    φ > 0; apogees grow with φ, so one search finds it (depressed below the
    minimum-energy apogee, lofted above).
    """
    return np.vectorize(flight_path_angle_of, otypes=[float])(r1_m, r2_m, range_angle_rad, trajectory, speed_mps,
                                                              apogee_m)


def rk4_step(pos_m: F64, vel_mps: F64, t_s: float, h_s: float, accel: Accel) -> tuple[F64, F64]:
    """One classical Runge-Kutta step of ṙ = v, v̇ = a(r, v, t) for arrays and any acceleration (a reference
    integrator for checks; ballistic flight itself integrates in :func:`rk4_of`)."""
    k1v = accel(pos_m, vel_mps, t_s)
    k1r = vel_mps
    k2v = accel(pos_m + 0.5 * h_s * k1r, vel_mps + 0.5 * h_s * k1v, t_s + 0.5 * h_s)
    k2r = vel_mps + 0.5 * h_s * k1v
    k3v = accel(pos_m + 0.5 * h_s * k2r, vel_mps + 0.5 * h_s * k2v, t_s + 0.5 * h_s)
    k3r = vel_mps + 0.5 * h_s * k2v
    k4v = accel(pos_m + h_s * k3r, vel_mps + h_s * k3v, t_s + h_s)
    k4r = vel_mps + h_s * k3v
    return (pos_m + h_s / 6.0 * (k1r + 2.0 * k2r + 2.0 * k3r + k4r),
            vel_mps + h_s / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v))


@kernel
def surface_height_of(x: float, y: float, z: float, flat: bool, a_m: float, b_m: float) -> float:
    """Height (m) of a position above the ground of the frame: z when ``flat``, else above the ellipsoid."""
    return z if flat else height_above_of(x, y, z, a_m, b_m)


@kernel
def acceleration_of(x: float, y: float, z: float, vx: float, vy: float, vz: float, t_s: float, flight: F64,
                    flat: bool, a_m: float, b_m: float) -> tuple[float, float, float]:
    """Acceleration (m/s²) of one body at position (x, y, z) (m) and velocity (vx, vy, vz) (m/s): gravity,
    thrust until burnout, drag on re-entry, weave.

    ``flight`` is the body's flight row (:class:`BallisticFlights`). Gravity is
    central, or with ``flat`` uniform along −z (a flat Earth with z up, for
    closed-form checks). Drag acts on the way down only: the ascent's losses are
    part of the thrust profile, which is sized to give the planned burnout speed.
    The weave is a sideways (horizontal, across the velocity) acceleration
    ``flight[WEAVE]`` × sin(2πt / :data:`WEAVE_PERIOD_S`) below ``flight[WEAVE_BELOW]``
    on the way down.
    """
    if flat:
        ax, ay, az = 0.0, 0.0, -STANDARD_GRAVITY_MPS2
    else:
        ax, ay, az = central_gravity_of(x, y, z)
    if t_s < flight[BURN_TIME]:
        thrust = flight[THRUST]
        ax += thrust * flight[DIRECTION]
        ay += thrust * flight[DIRECTION + 1]
        az += thrust * flight[DIRECTION + 2]
    drag = np.isfinite(flight[BETA])
    weave = flight[WEAVE] > 0.0
    if not (drag or weave) or x * vx + y * vy + z * vz >= 0.0:  # climbing, or neither drag nor weave
        return ax, ay, az
    height = surface_height_of(x, y, z, flat, a_m, b_m)
    if drag:
        scale = -(air_density_of(height) / (2.0 * flight[BETA])) * np.sqrt(vx * vx + vy * vy + vz * vz)
        ax += scale * vx
        ay += scale * vy
        az += scale * vz
    if weave and height < flight[WEAVE_BELOW]:
        cx, cy, cz = vy * z - vz * y, vz * x - vx * z, vx * y - vy * x
        push = flight[WEAVE] * np.sin(2.0 * np.pi * t_s / WEAVE_PERIOD_S) / max(np.sqrt(cx * cx + cy * cy + cz * cz),
                                                                                1e-9)
        ax += push * cx
        ay += push * cy
        az += push * cz
    return ax, ay, az


@kernel
def rk4_of(p: F64, v: F64, t_s: float, h_s: float, flight: F64, flat: bool, a_m: float, b_m: float,
           new_p: F64, new_v: F64) -> None:
    """One classical Runge-Kutta step of ṙ = v, v̇ = :func:`acceleration_of` from ``p``, ``v`` (3,) into
    ``new_p``, ``new_v`` (3,)."""
    x, y, z, vx, vy, vz = p[0], p[1], p[2], v[0], v[1], v[2]
    half = 0.5 * h_s
    a1x, a1y, a1z = acceleration_of(x, y, z, vx, vy, vz, t_s, flight, flat, a_m, b_m)
    k2x, k2y, k2z = vx + half * a1x, vy + half * a1y, vz + half * a1z  # velocity at the first mid-point
    a2x, a2y, a2z = acceleration_of(x + half * vx, y + half * vy, z + half * vz, k2x, k2y, k2z, t_s + half, flight,
                                    flat, a_m, b_m)
    k3x, k3y, k3z = vx + half * a2x, vy + half * a2y, vz + half * a2z
    a3x, a3y, a3z = acceleration_of(x + half * k2x, y + half * k2y, z + half * k2z, k3x, k3y, k3z, t_s + half,
                                    flight, flat, a_m, b_m)
    k4x, k4y, k4z = vx + h_s * a3x, vy + h_s * a3y, vz + h_s * a3z
    a4x, a4y, a4z = acceleration_of(x + h_s * k3x, y + h_s * k3y, z + h_s * k3z, k4x, k4y, k4z, t_s + h_s, flight,
                                    flat, a_m, b_m)
    sixth = h_s / 6.0
    new_p[0] = x + sixth * (vx + 2.0 * k2x + 2.0 * k3x + k4x)
    new_p[1] = y + sixth * (vy + 2.0 * k2y + 2.0 * k3y + k4y)
    new_p[2] = z + sixth * (vz + 2.0 * k2z + 2.0 * k3z + k4z)
    new_v[0] = vx + sixth * (a1x + 2.0 * a2x + 2.0 * a3x + a4x)
    new_v[1] = vy + sixth * (a1y + 2.0 * a2y + 2.0 * a3y + a4y)
    new_v[2] = vz + sixth * (a1z + 2.0 * a2z + 2.0 * a3z + a4z)


@kernel
def hermite_of(p0: F64, v0: F64, p1: F64, v1: F64, h_s: float, fraction: float, out: F64) -> None:
    """Cubic Hermite interpolation into ``out`` (3,) between two samples ``h_s`` apart."""
    s, s2, s3 = fraction, fraction * fraction, fraction * fraction * fraction
    for i in range(3):
        out[i] = ((2 * s3 - 3 * s2 + 1) * p0[i] + (s3 - 2 * s2 + s) * h_s * v0[i]
                  + (-2 * s3 + 3 * s2) * p1[i] + (s3 - s2) * h_s * v1[i])


@kernel
def fly_down_of(p0: F64, v0: F64, flight: F64, floor_m: float, min_time_s: float, step_s: float,
                max_time_s: float, flat: bool, a_m: float, b_m: float, impact: F64,
                record_p: F64, record_v: F64) -> tuple[float, float, int]:
    """Integrate one body until it comes down through ``floor_m`` after ``min_time_s``.

    Writes the impact point into ``impact`` (3,) (Hermite-interpolated within the
    last step; NaN if none by ``max_time_s``) and returns the impact time (s, NaN
    if none), the highest height reached (m) and the number of steps taken. With
    ``record_p`` and ``record_v`` of shape (T, 3), T > 0, the samples are kept
    from launch; after the impact the body stays where the last step left it, at rest.
    """
    p, v = p0.copy(), v0.copy()
    new_p, new_v = np.empty(3), np.empty(3)
    recording = len(record_p) > 0
    if recording:
        record_p[0], record_v[0] = p, v
    impact[:] = np.nan
    peak = surface_height_of(p[0], p[1], p[2], flat, a_m, b_m)
    t, steps, impact_t = 0.0, 0, np.nan
    while t < max_time_s:
        rk4_of(p, v, t, step_s, flight, flat, a_m, b_m, new_p, new_v)
        steps += 1
        before = surface_height_of(p[0], p[1], p[2], flat, a_m, b_m) - floor_m
        after = surface_height_of(new_p[0], new_p[1], new_p[2], flat, a_m, b_m) - floor_m
        peak = max(peak, after + floor_m)
        if recording:
            record_p[steps], record_v[steps] = new_p, new_v
        if after <= 0.0 and t + step_s > min_time_s:
            fraction = min(max(before / (before - after), 0.0), 1.0)
            impact_t = t + fraction * step_s
            hermite_of(p, v, new_p, new_v, step_s, fraction, impact)
            break
        p[:], v[:] = new_p, new_v
        t += step_s
    if recording:
        for k in range(steps + 1, len(record_p)):
            record_p[k], record_v[k] = record_p[steps], 0.0
    return impact_t, peak, steps


def free_flight(count: int) -> F64:
    """Flight rows ``(count, FLIGHT_COLUMNS)`` of bodies in free flight: no thrust, no drag, no weave."""
    flight = np.zeros((count, FLIGHT_COLUMNS))
    flight[:, BETA] = np.inf
    return flight


def fly_to_ground(pos_m: F64, vel_mps: F64, flight: F64, step_s: float, floor_m: F64, min_time_s: F64 | float = 0.0,
                  flat: bool = False, surface_m: tuple[float, float] = (WGS84_A_M, WGS84_B_M),
                  max_time_s: float = MAX_FLIGHT_S) -> tuple[F64, F64]:
    """Integrate bodies ``(K, 3)`` with their flight rows until each comes down through its ``floor_m``
    (:func:`fly_down_of`): impact times (s, NaN if none) and points ``(K, 3)``.

    ``surface_m`` holds the ground's semi-axes (m; equal for a sphere); with
    ``flat``, gravity is uniform along −z and the ground is z = 0.
    """
    n = len(pos_m)
    impact_t, impact_pos = np.empty(n), np.empty((n, 3))
    _ground_rows(np.ascontiguousarray(pos_m, dtype=float), np.ascontiguousarray(vel_mps, dtype=float),
                 np.ascontiguousarray(flight, dtype=float), step_s, np.broadcast_to(floor_m, (n,)).astype(float),
                 np.broadcast_to(min_time_s, (n,)).astype(float), flat, *surface_m, max_time_s, impact_t, impact_pos)
    return impact_t, impact_pos


@kernel
def _ground_rows(pos: F64, vel: F64, flight: F64, step_s: float, floor_m: F64, min_time_s: F64, flat: bool,
                 a_m: float, b_m: float, max_time_s: float, impact_t: F64, impact_pos: F64) -> None:
    nothing = np.empty((0, 3))
    for k in range(len(pos)):
        impact_t[k] = fly_down_of(pos[k], vel[k], flight[k], floor_m[k], min_time_s[k], step_s, max_time_s, flat,
                                  a_m, b_m, impact_pos[k], nothing, nothing)[0]


@dataclass(frozen=True)
class BallisticPlan:
    """What each ballistic threat is to fly: ``(B,)`` or ``(B, 3)`` arrays."""

    launch_pos_m: F64
    aim_pos_m: F64
    trajectory: NDArray[np.int64]  # index into TRAJECTORIES
    burnout_speed_mps: F64  # NaN where not given
    apogee_alt_m: F64  # NaN where not given
    burn_time_s: F64  # 0 for an impulsive burnout
    ballistic_coefficient_kg_m2: F64  # inf for no drag
    weave_mps2: F64 | None = None  # lateral acceleration of the terminal manoeuvre, 0 for none
    weave_below_m: F64 | None = None  # altitude below which it weaves


@dataclass(frozen=True)
class BallisticFlights:
    """Planned flights ``(B, ...)``, integrated step by step as the clock reaches them.

    ``flight`` rows hold, by column: the net thrust (m/s², :data:`THRUST`), its
    unit direction (:data:`DIRECTION` to +3), the burn time (s), the ballistic
    coefficient (kg/m², inf: no drag), the weave's acceleration (m/s²) and the
    height below which it weaves (m). ``sample`` is the step k of the two samples
    held, ``pos_m[:, 0]`` / ``vel_mps[:, 0]`` at k and ``[:, 1]`` at k + 1.
    """

    flight: F64  # (B, FLIGHT_COLUMNS)
    launch_pos_m: F64  # (B, 3)
    start_vel_mps: F64  # (B, 3) zero for a boosted flight
    impact_t_s: F64  # (B,) time of flight
    impact_pos_m: F64  # (B, 3)
    steps: NDArray[np.int64]  # (B,) integration steps to the impact
    sample: NDArray[np.int64]  # (B,)
    pos_m: F64  # (B, 2, 3)
    vel_mps: F64  # (B, 2, 3)


@dataclass(frozen=True)
class Trajectories:
    """Integrated ballistic flights: samples every ``step_s`` from launch, impact time and point."""

    step_s: float
    pos_m: F64  # (B, T, 3)
    vel_mps: F64  # (B, T, 3)
    impact_t_s: F64  # (B,) time of flight
    impact_pos_m: F64  # (B, 3)

    def state_at(self, rows: NDArray[np.int64], elapsed_s: F64) -> F64:
        """Positions ``(K, 3)`` of threats ``rows`` after ``elapsed_s`` of flight (held at impact after it)."""
        return _table_positions(self.pos_m, self.vel_mps, self.impact_t_s, self.impact_pos_m, self.step_s,
                                np.asarray(rows, np.int64), np.asarray(elapsed_s, float))


@kernel
def _table_positions(pos_m: F64, vel_mps: F64, impact_t_s: F64, impact_pos_m: F64, step_s: float,
                     rows: NDArray[np.int64], elapsed_s: F64) -> F64:
    out = np.empty((len(rows), 3))
    last = pos_m.shape[1] - 2
    for j in range(len(rows)):
        b = rows[j]
        if elapsed_s[j] >= impact_t_s[b]:
            out[j] = impact_pos_m[b]
            continue
        t = min(elapsed_s[j], impact_t_s[b])
        k = min(max(int(np.floor(t / step_s)), 0), last)
        fraction = min(max(t / step_s - k, 0.0), 1.0)
        hermite_of(pos_m[b, k], vel_mps[b, k], pos_m[b, k + 1], vel_mps[b, k + 1], step_s, fraction, out[j])
    return out


@kernel
def _planned_burnout_of(launch: F64, aim: F64, trajectory: int, speed_mps: float, apogee_alt_m: float,
                        direction: F64) -> float:
    """Burnout speed (m/s) of the conic from ``launch`` to ``aim``; its unit direction into ``direction`` (3,)."""
    r1 = np.sqrt(launch[0] ** 2 + launch[1] ** 2 + launch[2] ** 2)
    r2 = np.sqrt(aim[0] ** 2 + aim[1] ** 2 + aim[2] ** 2)
    up = launch / r1
    cos_psi = up[0] * (aim[0] / r2) + up[1] * (aim[1] / r2) + up[2] * (aim[2] / r2)
    psi = np.arccos(min(max(cos_psi, -1.0), 1.0))
    along = aim[0] * up[0] + aim[1] * up[1] + aim[2] * up[2]
    downrange = aim - along * up
    downrange /= np.sqrt(downrange[0] ** 2 + downrange[1] ** 2 + downrange[2] ** 2)
    apogee = r1 + (0.0 if np.isnan(apogee_alt_m) else apogee_alt_m)
    phi = flight_path_angle_of(r1, r2, psi, trajectory, speed_mps, apogee)
    direction[:] = np.cos(phi) * downrange + np.sin(phi) * up
    return burnout_speed_of(r1, r2, psi, phi)


@kernel
def _plan_rows(launch: F64, aim: F64, trajectory: NDArray[np.int64], speed: F64, apogee_alt: F64, burn: F64,
               beta: F64, weave: F64, weave_below: F64, flight: F64, start_vel: F64, impact_t: F64,
               impact_pos: F64, steps: NDArray[np.int64]) -> None:
    """Plan every body (:func:`plan_ballistic`), one at a time, into the output arrays."""
    nothing = np.empty((0, 3))
    direction = np.empty(3)
    for b in range(len(launch)):
        goal, aim_now, apogee = aim[b], aim[b].copy(), apogee_alt[b]
        floor_m = height_of(goal[0], goal[1], goal[2])
        r1 = np.sqrt(launch[b, 0] ** 2 + launch[b, 1] ** 2 + launch[b, 2] ** 2)
        gx, gy, gz = central_gravity_of(launch[b, 0], launch[b, 1], launch[b, 2])
        g = np.sqrt(gx * gx + gy * gy + gz * gz)
        boosted = burn[b] > 0.0
        for _ in range(AIM_ITERATIONS):
            v = _planned_burnout_of(launch[b], aim_now, trajectory[b], speed[b], apogee, direction)
            sin_phi = (direction[0] * launch[b, 0] + direction[1] * launch[b, 1] + direction[2] * launch[b, 2]) / r1
            flight[b, THRUST] = v / burn[b] + g * sin_phi if boosted else 0.0
            flight[b, DIRECTION:DIRECTION + 3] = direction
            flight[b, BURN_TIME], flight[b, BETA] = burn[b], beta[b]
            flight[b, WEAVE], flight[b, WEAVE_BELOW] = weave[b], weave_below[b]
            for i in range(3):
                start_vel[b, i] = 0.0 if boosted else v * direction[i]
            impact_t[b], peak, steps[b] = fly_down_of(
                launch[b], start_vel[b], flight[b], floor_m, burn[b] + STEP_S, STEP_S, MAX_FLIGHT_S, False,
                WGS84_A_M, WGS84_B_M, impact_pos[b], nothing, nothing)
            for i in range(3):
                error = impact_pos[b, i] - goal[i]
                aim_now[i] -= 0.0 if np.isnan(error) else error
            apogee -= peak - apogee_alt[b]
            aim_now *= np.sqrt(goal[0] ** 2 + goal[1] ** 2 + goal[2] ** 2) / np.sqrt(
                aim_now[0] ** 2 + aim_now[1] ** 2 + aim_now[2] ** 2)
        if np.isnan(impact_t[b]):
            impact_t[b] = MAX_FLIGHT_S
        if np.isnan(impact_pos[b, 0]):
            impact_pos[b] = aim_now


def plan_ballistic(plan: BallisticPlan) -> BallisticFlights:
    """Plan, boost and fly every ballistic threat onto its aim point; see the module's docstring."""
    n = len(plan.launch_pos_m)
    flight, start_vel = np.empty((n, FLIGHT_COLUMNS)), np.empty((n, 3))
    impact_t, impact_pos, steps = np.empty(n), np.empty((n, 3)), np.empty(n, np.int64)
    zeros = np.zeros(n)
    _plan_rows(np.ascontiguousarray(plan.launch_pos_m, dtype=float), np.ascontiguousarray(plan.aim_pos_m, dtype=float),
               np.asarray(plan.trajectory, np.int64), *(np.asarray(a, float) for a in (
                   plan.burnout_speed_mps, plan.apogee_alt_m, plan.burn_time_s, plan.ballistic_coefficient_kg_m2,
                   zeros if plan.weave_mps2 is None else plan.weave_mps2,
                   zeros if plan.weave_below_m is None else plan.weave_below_m)),
               flight, start_vel, impact_t, impact_pos, steps)
    pos, vel = np.empty((n, 2, 3)), np.empty((n, 2, 3))
    pos[:, 0], vel[:, 0] = plan.launch_pos_m, start_vel
    _first_steps(flight, pos, vel)
    return BallisticFlights(flight, np.array(plan.launch_pos_m, dtype=float), start_vel, impact_t, impact_pos, steps,
                            np.zeros(n, np.int64), pos, vel)


@kernel
def _first_steps(flight: F64, pos: F64, vel: F64) -> None:
    for b in range(len(flight)):
        rk4_of(pos[b, 0], vel[b, 0], 0.0, STEP_S, flight[b], False, WGS84_A_M, WGS84_B_M, pos[b, 1], vel[b, 1])


@kernel
def ballistic_position_of(b: int, elapsed_s: float, flight: F64, impact_t_s: F64, impact_pos_m: F64,
                          sample: NDArray[np.int64], pos_m: F64, vel_mps: F64, out: F64) -> None:
    """Position (3,) of planned flight ``b`` after ``elapsed_s`` into ``out``, stepping its samples forward.

    The samples are the RK4 steps of :func:`plan_ballistic`'s last aim iteration,
    taken again as the clock reaches them (so time must not run backwards for a
    flight); at and after the impact time, the impact point.
    """
    if elapsed_s >= impact_t_s[b]:
        out[:] = impact_pos_m[b]
        return
    t = elapsed_s
    k = max(int(np.floor(t / STEP_S)), 0)
    while sample[b] < k:
        pos_m[b, 0], vel_mps[b, 0] = pos_m[b, 1], vel_mps[b, 1]
        sample[b] += 1
        rk4_of(pos_m[b, 0], vel_mps[b, 0], sample[b] * STEP_S, STEP_S, flight[b], False, WGS84_A_M, WGS84_B_M,
               pos_m[b, 1], vel_mps[b, 1])
    fraction = min(max(t / STEP_S - sample[b], 0.0), 1.0)
    hermite_of(pos_m[b, 0], vel_mps[b, 0], pos_m[b, 1], vel_mps[b, 1], STEP_S, fraction, out)


def fly_ballistic(plan: BallisticPlan) -> Trajectories:
    """The planned flights of :func:`plan_ballistic`, recorded every :data:`STEP_S` from launch (for analysis)."""
    flights = plan_ballistic(plan)
    n, samples = len(flights.flight), int(flights.steps.max(initial=0)) + 1
    pos, vel = np.empty((n, samples, 3)), np.empty((n, samples, 3))
    _record_rows(flights.flight, flights.launch_pos_m, flights.start_vel_mps, np.ascontiguousarray(plan.aim_pos_m,
                                                                                                   dtype=float),
                 pos, vel)
    return Trajectories(STEP_S, pos, vel, flights.impact_t_s, flights.impact_pos_m)


@kernel
def _record_rows(flight: F64, launch: F64, start_vel: F64, aim: F64, pos: F64, vel: F64) -> None:
    impact = np.empty(3)
    for b in range(len(flight)):
        floor_m = height_of(aim[b, 0], aim[b, 1], aim[b, 2])
        fly_down_of(launch[b], start_vel[b], flight[b], floor_m, flight[b, BURN_TIME] + STEP_S, STEP_S, MAX_FLIGHT_S,
                    False, WGS84_A_M, WGS84_B_M, impact, pos[b], vel[b])
