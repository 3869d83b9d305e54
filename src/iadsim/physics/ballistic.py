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
shooting the difference (:data:`AIM_ITERATIONS` times), all threats at once;
the planned apogee is corrected the same way.
The result is a table of positions and velocities per second of flight, the
impact time and the impact point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.physics.environment import (
    EARTH_MU_M3_S2, F64, Gravity, air_density_kg_m3, central_gravity, drag_acceleration, height_m,
)

TRAJECTORIES: tuple[str, ...] = ("minimum_energy", "apogee", "lofted", "depressed")
STEP_S = 1.0
"""Integration step of ballistic flight (s); the table keeps every step."""
AIM_ITERATIONS = 5
"""Aim-point corrections for boost and drag; each shrinks the impact error about tenfold."""
MAX_FLIGHT_S = 4000.0
"""Longest flight integrated (s): more than an intermediate-range missile needs."""
WEAVE_PERIOD_S = 6.0
"""Period of the terminal weave of quasi-ballistic missiles (s): a model choice, no public figure."""
_SEARCH_ITERATIONS = 80

Accel = Callable[[F64, F64, float], F64]


def free_flight_range_angle(q: F64, flight_path_rad: F64) -> F64:
    """Range angle Ψ (rad) of free flight between equal radii (BMW eq. 6.2-11), Q = v² r / μ < 2."""
    cos_sq = np.cos(flight_path_rad) ** 2
    return 2.0 * np.arccos((1.0 - q * cos_sq) / np.sqrt(1.0 + q * (q - 2.0) * cos_sq))


def burnout_speed_mps(r1_m: F64, r2_m: F64, range_angle_rad: F64, flight_path_rad: F64) -> F64:
    """Speed at radius ``r1_m`` and flight-path angle φ that carries a body to radius ``r2_m`` Ψ further.

    NaN where no conic joins them at that angle (φ at or below the chord's angle).
    """
    cos_psi, sin_psi = np.cos(range_angle_rad), np.sin(range_angle_rad)
    denominator = 1.0 / r2_m - cos_psi / r1_m + np.tan(flight_path_rad) * sin_psi / r1_m
    with np.errstate(invalid="ignore", divide="ignore"):
        h_sq = EARTH_MU_M3_S2 * (1.0 - cos_psi) / denominator
        return np.where(denominator > 0.0, np.sqrt(h_sq) / (r1_m * np.cos(flight_path_rad)), np.nan)


def apogee_radius_m(r1_m: F64, speed_mps: F64, flight_path_rad: F64) -> F64:
    """Apoapsis radius (m) of the conic through radius ``r1_m`` at the given speed and flight-path angle."""
    energy = 0.5 * speed_mps**2 - EARTH_MU_M3_S2 / r1_m
    semi_major = -EARTH_MU_M3_S2 / (2.0 * energy)
    p = (r1_m * speed_mps * np.cos(flight_path_rad)) ** 2 / EARTH_MU_M3_S2
    eccentricity = np.sqrt(np.maximum(1.0 - p / semi_major, 0.0))
    return semi_major * (1.0 + eccentricity)


def _angle_bounds(r1_m: F64, r2_m: F64, range_angle_rad: F64) -> tuple[F64, F64]:
    """Open interval of flight-path angles (rad) for which a conic joins the two radii."""
    chord = np.arctan2(np.cos(range_angle_rad) - r1_m / r2_m, np.sin(range_angle_rad))
    return chord + 1e-9, np.full_like(chord, 0.5 * np.pi - 1e-6)


def minimum_energy_angle(r1_m: F64, r2_m: F64, range_angle_rad: F64) -> F64:
    """Flight-path angle (rad) of least burnout speed between the two radii (golden-section search)."""
    low, high = _angle_bounds(r1_m, r2_m, range_angle_rad)
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(_SEARCH_ITERATIONS):
        a = high - ratio * (high - low)
        b = low + ratio * (high - low)
        left_better = burnout_speed_mps(r1_m, r2_m, range_angle_rad, a) < burnout_speed_mps(
            r1_m, r2_m, range_angle_rad, b)
        high = np.where(left_better, b, high)
        low = np.where(left_better, low, a)
    return 0.5 * (low + high)


def _bisect(f: Callable[[F64], F64], low: F64, high: F64) -> F64:
    """Root of ``f`` between ``low`` and ``high`` where f(low) < 0 < f(high), element-wise."""
    for _ in range(_SEARCH_ITERATIONS):
        mid = 0.5 * (low + high)
        above = f(mid) > 0.0
        high = np.where(above, mid, high)
        low = np.where(above, low, mid)
    return 0.5 * (low + high)


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
    low, high = _angle_bounds(r1_m, r2_m, range_angle_rad)
    best = minimum_energy_angle(r1_m, r2_m, range_angle_rad)

    def speed_excess(phi: F64) -> F64:
        return burnout_speed_mps(r1_m, r2_m, range_angle_rad, phi) - speed_mps

    def apogee_excess(phi: F64) -> F64:
        return apogee_radius_m(r1_m, burnout_speed_mps(r1_m, r2_m, range_angle_rad, phi), phi) - apogee_m

    lofted = _bisect(speed_excess, best, high)
    depressed = _bisect(lambda phi: -speed_excess(phi), low, best)
    with np.errstate(invalid="ignore"):
        at_apogee = _bisect(apogee_excess, np.maximum(low, 0.0), high)
        too_slow = speed_excess(best) >= 0.0
    phi = np.select(
        [trajectory == TRAJECTORIES.index("lofted"), trajectory == TRAJECTORIES.index("depressed"),
         trajectory == TRAJECTORIES.index("apogee")],
        [np.where(too_slow, best, lofted), np.where(too_slow, best, depressed), at_apogee],
        best,
    )
    return phi


def rk4_step(pos_m: F64, vel_mps: F64, t_s: float, h_s: float, accel: Accel) -> tuple[F64, F64]:
    """One classical Runge-Kutta step of ṙ = v, v̇ = a(r, v, t)."""
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


def hermite(p0: F64, v0: F64, p1: F64, v1: F64, h_s: F64, fraction: F64) -> F64:
    """Cubic Hermite interpolation of positions ``(K, 3)`` between two samples ``h_s`` apart."""
    s = fraction[:, None]
    s2, s3 = s * s, s * s * s
    h = np.broadcast_to(h_s, fraction.shape)[:, None]
    return ((2 * s3 - 3 * s2 + 1) * p0 + (s3 - 2 * s2 + s) * h * v0
            + (-2 * s3 + 3 * s2) * p1 + (s3 - s2) * h * v1)


def fly_to_ground(
    pos_m: F64, vel_mps: F64, ground_height: Callable[[F64], F64], step_s: float, accel: Accel,
    floor_m: F64, min_time_s: F64 | float = 0.0, max_time_s: float = MAX_FLIGHT_S, record: bool = False,
) -> tuple[F64, F64, list[F64], list[F64]]:
    """Integrate until each body comes down through ``floor_m`` (its own height) after ``min_time_s``.

    Returns the impact time (s, NaN if none by ``max_time_s``), the impact point
    (Hermite-interpolated within the last step), and, with ``record``, the
    positions and velocities at every step (bodies stop moving once down).
    """
    n = len(pos_m)
    impact_t = np.full(n, np.nan)
    impact_pos = np.full((n, 3), np.nan)
    flying = np.ones(n, bool)
    positions, velocities = [pos_m.copy()], [vel_mps.copy()]
    t = 0.0
    while flying.any() and t < max_time_s:
        new_pos, new_vel = rk4_step(pos_m, vel_mps, t, step_s, accel)
        new_pos = np.where(flying[:, None], new_pos, pos_m)
        new_vel = np.where(flying[:, None], new_vel, 0.0)
        before, after = ground_height(pos_m) - floor_m, ground_height(new_pos) - floor_m
        down = flying & (after <= 0.0) & (t + step_s > min_time_s)
        if down.any():
            fraction = np.clip(before[down] / (before[down] - after[down]), 0.0, 1.0)
            impact_t[down] = t + fraction * step_s
            impact_pos[down] = hermite(pos_m[down], vel_mps[down], new_pos[down], new_vel[down], step_s, fraction)
            flying &= ~down
        pos_m, vel_mps, t = new_pos, new_vel, t + step_s
        if record:
            positions.append(pos_m)
            velocities.append(vel_mps)
    return impact_t, impact_pos, positions, velocities


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
class Trajectories:
    """Integrated ballistic flights: samples every ``step_s`` from launch, impact time and point."""

    step_s: float
    pos_m: F64  # (B, T, 3)
    vel_mps: F64  # (B, T, 3)
    impact_t_s: F64  # (B,) time of flight
    impact_pos_m: F64  # (B, 3)

    def state_at(self, rows: NDArray[np.int64], elapsed_s: F64) -> F64:
        """Positions ``(K, 3)`` of threats ``rows`` after ``elapsed_s`` of flight (held at impact after it)."""
        t = np.minimum(elapsed_s, self.impact_t_s[rows])
        k = np.clip(np.floor(t / self.step_s).astype(np.int64), 0, self.pos_m.shape[1] - 2)
        fraction = np.clip(t / self.step_s - k, 0.0, 1.0)
        pos = hermite(self.pos_m[rows, k], self.vel_mps[rows, k], self.pos_m[rows, k + 1],
                      self.vel_mps[rows, k + 1], self.step_s, fraction)
        landed = elapsed_s >= self.impact_t_s[rows]
        return np.where(landed[:, None], self.impact_pos_m[rows], pos)


def _planned_burnout(plan: BallisticPlan, aim_m: F64, apogee_alt_m: F64) -> tuple[F64, F64]:
    """Burnout speed (m/s) and unit direction ``(B, 3)`` of the conic from the launch point to ``aim_m``."""
    r1 = np.linalg.norm(plan.launch_pos_m, axis=1)
    r2 = np.linalg.norm(aim_m, axis=1)
    up = plan.launch_pos_m / r1[:, None]
    psi = np.arccos(np.clip(np.einsum("bi,bi->b", up, aim_m / r2[:, None]), -1.0, 1.0))
    downrange = aim_m - np.einsum("bi,bi->b", aim_m, up)[:, None] * up
    downrange /= np.linalg.norm(downrange, axis=1, keepdims=True)
    phi = plan_flight_path_angle(r1, r2, psi, plan.trajectory, plan.burnout_speed_mps,
                                 r1 + np.nan_to_num(apogee_alt_m))
    speed = burnout_speed_mps(r1, r2, psi, phi)
    return speed, np.cos(phi)[:, None] * downrange + np.sin(phi)[:, None] * up


def flight_accel(plan: BallisticPlan, thrust_mps2: F64, direction: F64, gravity: Gravity = central_gravity) -> Accel:
    """Acceleration of every threat: gravity, thrust along ``direction`` until burnout, drag on re-entry,
    and a quasi-ballistic type's terminal weave.

    Drag acts on the way down only: the ascent's losses are part of the thrust
    profile, which is sized to give the planned burnout speed. The weave is a
    sideways (horizontal, across the velocity) acceleration ``weave_mps2`` ×
    sin(2πt / :data:`WEAVE_PERIOD_S`) below ``weave_below_m`` on the way down.
    """
    drag_on = np.isfinite(plan.ballistic_coefficient_kg_m2)
    beta = np.where(drag_on, plan.ballistic_coefficient_kg_m2, 1.0)
    weave = np.zeros(len(beta)) if plan.weave_mps2 is None else plan.weave_mps2
    weave_below = np.zeros(len(beta)) if plan.weave_below_m is None else plan.weave_below_m

    def accel(pos: F64, vel: F64, t: float) -> F64:
        a = gravity(pos) + np.where((t < plan.burn_time_s)[:, None], thrust_mps2[:, None] * direction, 0.0)
        descending = np.einsum("bi,bi->b", pos, vel) < 0.0
        if drag_on.any():
            rho = np.where(drag_on & descending, air_density_kg_m3(height_m(pos)), 0.0)
            a = a + drag_acceleration(vel, rho, beta)
        weaving = descending & (weave > 0.0) & (height_m(pos) < weave_below)
        if weaving.any():
            across = np.cross(vel, pos)
            across /= np.maximum(np.linalg.norm(across, axis=1, keepdims=True), 1e-9)
            a = a + np.where(weaving, weave * np.sin(2.0 * np.pi * t / WEAVE_PERIOD_S), 0.0)[:, None] * across
        return a

    return accel


def fly_ballistic(plan: BallisticPlan) -> Trajectories:
    """Plan, boost and fly every ballistic threat onto its aim point; see the module's docstring."""
    aim_height = height_m(plan.aim_pos_m)
    aim = plan.aim_pos_m.copy()
    apogee = plan.apogee_alt_m.copy()
    boosted = plan.burn_time_s > 0.0
    for _ in range(AIM_ITERATIONS):
        speed, direction = _planned_burnout(plan, aim, apogee)
        sin_phi = np.einsum("bi,bi->b", direction, plan.launch_pos_m) / np.linalg.norm(plan.launch_pos_m, axis=1)
        g = np.linalg.norm(central_gravity(plan.launch_pos_m), axis=1)
        thrust = np.where(boosted, speed / np.where(boosted, plan.burn_time_s, 1.0) + g * sin_phi, 0.0)
        start_vel = np.where(boosted[:, None], 0.0, speed[:, None] * direction)
        impact_t, impact_pos, positions, velocities = fly_to_ground(
            plan.launch_pos_m, start_vel, height_m, STEP_S, flight_accel(plan, thrust, direction),
            aim_height, min_time_s=plan.burn_time_s + STEP_S, record=True)
        error = np.nan_to_num(impact_pos - plan.aim_pos_m)
        aim = aim - error
        apogee -= height_m(np.stack(positions, axis=1)).max(axis=1) - plan.apogee_alt_m
        aim *= (np.linalg.norm(plan.aim_pos_m, axis=1) / np.linalg.norm(aim, axis=1))[:, None]
    return Trajectories(STEP_S, np.stack(positions, axis=1), np.stack(velocities, axis=1),
                        np.nan_to_num(impact_t, nan=MAX_FLIGHT_S), np.where(np.isnan(impact_pos), aim, impact_pos))
