"""Verification of flight physics: ballistic range, proportional navigation, endgame miss, lethal area."""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.physics.ballistic import fly_to_ground, free_flight, free_flight_range_angle
from iadsim.physics.environment import EARTH_MU_M3_S2
from iadsim.physics.flyout import Airframes, FlightState, fly_tick, launch_direction
from iadsim.physics.guidance import pn_acceleration, zarchan_step_response
from iadsim.physics.lethality import kill_probability
from iadsim.units import STANDARD_GRAVITY_MPS2
from iadsim.verify import CaseResult, case


def _worst(relative_errors: np.ndarray) -> float:
    return float(np.max(np.abs(relative_errors)))


@case("vacuum-flat-earth-range")
def vacuum_flat_earth_range() -> CaseResult:
    """RK4 ballistic flight over a flat Earth, no drag, 1,000 m/s at 15-75°: R = v² sin 2θ / g within 0.1 %."""
    angle = np.deg2rad([15.0, 30.0, 45.0, 60.0, 75.0])
    speed = 1000.0
    vel = speed * np.stack((np.cos(angle), np.zeros_like(angle), np.sin(angle)), axis=1)
    _, impact = fly_to_ground(np.zeros((5, 3)), vel, free_flight(5), 0.5, 0.0, min_time_s=1.0, flat=True)
    expected = speed**2 * np.sin(2.0 * angle) / STANDARD_GRAVITY_MPS2
    error = _worst(impact[:, 0] / expected - 1.0)
    return CaseResult(
        case="vacuum-flat-earth-range", model="physics.ballistic (RK4, uniform gravity)",
        reference="R = v² sin 2θ / g (any mechanics text)", expected=f"{expected[2] / 1e3:.3f} km at 45°",
        got=f"worst {error:.1e} relative", tolerance="0.1 %", passed=error < 1e-3,
    )


@case("round-earth-free-flight-range")
def round_earth_free_flight_range() -> CaseResult:
    """Free flight under central gravity from a spherical Earth's surface back to it: range angle vs BMW eq. 6.2-11.

    Q = v² r/μ in {0.3, 0.6, 0.9} and flight-path angles 20°, 35°, 50°: within 0.1 %.
    """
    q, phi = (a.ravel() for a in np.meshgrid([0.3, 0.6, 0.9], np.deg2rad([20.0, 35.0, 50.0])))
    radius = geo.MEAN_EARTH_RADIUS_M
    speed = np.sqrt(q * EARTH_MU_M3_S2 / radius)
    pos = np.tile([radius, 0.0, 0.0], (len(q), 1))
    vel = speed[:, None] * np.stack((np.sin(phi), np.zeros_like(phi), np.cos(phi)), axis=1)
    _, impact = fly_to_ground(pos, vel, free_flight(len(q)), 1.0, 0.0, min_time_s=2.0, surface_m=(radius, radius))
    got = np.arctan2(impact[:, 2], impact[:, 0])
    expected = free_flight_range_angle(q, phi)
    error = _worst(got / expected - 1.0)
    return CaseResult(
        case="round-earth-free-flight-range", model="physics.ballistic (RK4, central gravity)",
        reference="Bate, Mueller & White (1971) eq. 6.2-11",
        expected=f"Ψ {np.rad2deg(expected[4]):.3f}° at Q 0.6, φ 35°", got=f"worst {error:.1e} relative",
        tolerance="0.1 %", passed=error < 1e-3,
    )


def pn_step_response(navigation_constant: float = 4.0, flight_time_s: float = 10.0, step_s: float = 1e-3,
                     target_accel_mps2: float = 3.0 * STANDARD_GRAVITY_MPS2,
                     augmented: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Head-on engagement, zero-lag true PN (or augmented PN), target stepping into a constant lateral
    manoeuvre at t = 0.

    Missile at 2,000 m/s and target at 1,000 m/s head-on (V_c = 3,000 m/s), so
    the geometry stays close to the linearised one of the closed form. Returns
    the times and the commanded accelerations (m/s²) across the initial line of sight.
    """
    missile_vel = np.array([[2000.0, 0.0, 0.0]])
    target_vel = np.array([[-1000.0, 0.0, 0.0]])
    missile_pos = np.zeros((1, 3))
    target_pos = np.array([[3000.0 * flight_time_s, 0.0, 0.0]])
    manoeuvre = np.array([[0.0, target_accel_mps2, 0.0]])
    times = np.arange(0.0, flight_time_s * 0.98, step_s)
    commands = np.empty(len(times))
    for i in range(len(times)):
        command = pn_acceleration(target_pos - missile_pos, target_vel - missile_vel, navigation_constant,
                                  manoeuvre if augmented else None)
        commands[i] = command[0, 1]
        missile_vel = missile_vel + command * step_s
        target_vel = target_vel + manoeuvre * step_s
        missile_pos = missile_pos + missile_vel * step_s
        target_pos = target_pos + target_vel * step_s
    return times, commands


@case("pn-step-manoeuvre")
def pn_step_manoeuvre() -> CaseResult:
    """Zero-lag true PN (N' = 4) against a 3 g step: command vs Zarchan's closed form within 2 % of its final value."""
    times, commands = pn_step_response()
    expected = zarchan_step_response(times, 10.0, 4.0, 3.0 * STANDARD_GRAVITY_MPS2)
    final = 4.0 * 3.0 * STANDARD_GRAVITY_MPS2 / 2.0
    error = _worst((commands - expected) / final)
    return CaseResult(
        case="pn-step-manoeuvre", model="physics.guidance.pn_acceleration",
        reference="Zarchan, Tactical and Strategic Missile Guidance, ch. 2",
        expected=f"n_c → {final / STANDARD_GRAVITY_MPS2:.1f} g", got=f"worst {error:.1e} of final",
        tolerance="2 %", passed=error < 0.02,
    )


@case("apn-step-manoeuvre")
def apn_step_manoeuvre() -> CaseResult:
    """Zero-lag augmented PN (N' = 4) against a 3 g step: n_c = ½ N' n_T (1 − t/t_F)^(N'−2) within 2 % of ½ N' n_T.

    The closed form follows from the zero-effort miss of APN, ZEM = ZEM₀ (t_go/t_F)^N' (Zarchan, ch. 8).
    """
    times, commands = pn_step_response(augmented=True)
    target_accel = 3.0 * STANDARD_GRAVITY_MPS2
    expected = 0.5 * 4.0 * target_accel * (1.0 - times / 10.0) ** 2.0
    scale = 0.5 * 4.0 * target_accel
    error = _worst((commands - expected) / scale)
    return CaseResult(
        case="apn-step-manoeuvre", model="physics.guidance.pn_acceleration (augmented)",
        reference="Zarchan, Tactical and Strategic Missile Guidance, ch. 8",
        expected=f"n_c from {scale / STANDARD_GRAVITY_MPS2:.1f} g down to 0", got=f"worst {error:.1e} of initial",
        tolerance="2 %", passed=bool(error < 0.02),
    )


def straight_target_misses() -> np.ndarray:
    """Miss distances (m) of the generic long-range interceptor's flyout, 1 s world ticks with endgame
    sub-steps, against non-manoeuvring targets at 20-60 km, 3-15 km up, crossing or approaching."""
    kind = load_catalog().interceptor("generic-lr-interceptor")
    airframes = Airframes.of([kind])
    lat0, lon0 = np.deg2rad(38.4), np.deg2rad(27.1)
    origin = geo.geodetic_to_ecef(lat0, lon0, 0.0)
    rotation = geo.enu_rotation(lat0, lon0)
    start = np.array([[5e3, 40e3, 8e3], [-10e3, 30e3, 3e3], [0.0, 60e3, 15e3], [15e3, 20e3, 5e3]])
    velocity = np.array([[0.0, -300.0, 0.0], [250.0, -100.0, 0.0], [0.0, -1200.0, -400.0], [-200.0, 0.0, 0.0]])
    target = geo.enu_to_ecef(start, origin, rotation)
    target_vel = np.einsum("ji,kj->ki", rotation, velocity)
    n = len(start)
    launcher = np.tile(origin, (n, 1))
    state = FlightState(launcher.copy(), launch_direction(launcher, target), np.zeros(n, np.int64), np.zeros(n))
    miss = np.full(n, np.nan)
    flying = np.ones(n, bool)
    for _ in range(300):
        target = target + target_vel
        rows = np.flatnonzero(flying)
        if len(rows) == 0:
            break
        sub = FlightState(state.pos_m[rows], state.vel_mps[rows], state.kind[rows], state.flown_s[rows])
        outcome = fly_tick(sub, airframes, target[rows], target_vel[rows], 1.0)
        state.pos_m[rows], state.vel_mps[rows], state.flown_s[rows] = sub.pos_m, sub.vel_mps, sub.flown_s
        miss[rows[outcome.reached]] = outcome.miss_m[outcome.reached]
        flying[rows[outcome.reached | outcome.gave_up]] = False
    return miss


@case("pn-miss-straight-target")
def pn_miss_straight_target() -> CaseResult:
    """Flyout with PN and endgame sub-steps against non-manoeuvring targets: miss under 0.5 m."""
    miss = straight_target_misses()
    worst = float(np.max(np.nan_to_num(miss, nan=np.inf)))
    return CaseResult(
        case="pn-miss-straight-target", model="physics.flyout.fly_tick (1 s ticks, endgame sub-steps)",
        reference="Zarchan ch. 2: zero-lag PN has no miss against a non-manoeuvring target",
        expected="0 m", got=f"worst {worst:.2e} m over {len(miss)} geometries", tolerance="0.5 m",
        passed=worst < 0.5,
    )


@case("carleton-lethal-area")
def carleton_lethal_area() -> CaseResult:
    """The Carleton damage function pk exp(−(d/R)²) has the cookie-cutter's lethal area π R² (pk = 1): within 0.1 %."""
    radius = 15.0
    d = np.linspace(0.0, 10.0 * radius, 200_001)
    pk = kill_probability(d, np.full_like(d, radius), np.ones_like(d), np.ones_like(d, dtype=bool))
    area = float(np.trapezoid(2.0 * np.pi * d * pk, d))
    expected = np.pi * radius**2
    error = abs(area / expected - 1.0)
    return CaseResult(
        case="carleton-lethal-area", model="physics.lethality.kill_probability",
        reference="∫ 2πd exp(−d²/R²) dd = πR² (Driels, Weaponeering, ch. 8)", expected=f"{expected:.2f} m²",
        got=f"{area:.2f} m²", tolerance="0.1 %", passed=error < 1e-3,
    )


def turn_samples(speed_mps: float, load_factor: float) -> tuple[np.ndarray, float]:
    """Local east-north positions (m) sampled every 0.5 s through a 90° corner flown by the route planner,
    and the time spent on the turn (s)."""
    from iadsim.physics.route import coordinated_turn_radius_m, plan_route

    lat0, lon0 = np.deg2rad(38.0), np.deg2rad(27.0)
    origin, rotation = geo.geodetic_to_ecef(lat0, lon0, 0.0), geo.enu_rotation(lat0, lon0)
    corners = geo.enu_to_ecef(np.array([[0.0, -60e3, 0.0], [0.0, 0.0, 0.0], [60e3, 0.0, 0.0]]), origin, rotation)
    lat, lon, _ = geo.ecef_to_geodetic(corners)
    points = geo.n_vector(lat, lon)[None]
    radius = coordinated_turn_radius_m(np.array([speed_mps]), np.array([load_factor]))
    pieces = plan_route(points, np.array([3], np.int32), np.array([speed_mps]), radius, np.zeros(1))
    t0, t1 = pieces.start_s[0, 1], pieces.start_s[0, 2]
    times = np.arange(t0, t1, 0.5)
    n = pieces.n_vector(np.zeros(len(times), np.int64), np.ones(len(times), np.int64), times)
    return geo.ecef_to_enu(geo.ecef_from_n_vector(n, 0.0), origin, rotation)[:, :2], t1 - t0


@case("coordinated-turn-radius")
def coordinated_turn_radius() -> CaseResult:
    """A 90° turn at 250 m/s and 3 g: the flown path's radius (circle fit) vs v²/(g√(n²−1)) within 1 %."""
    speed, load = 250.0, 3.0
    path, turn_s = turn_samples(speed, load)
    # Algebraic circle fit (Kåsa): x² + y² = 2 c_x x + 2 c_y y + k.
    design = np.column_stack([2.0 * path, np.ones(len(path))])
    (cx, cy, k), *_ = np.linalg.lstsq(design, np.sum(path**2, axis=1), rcond=None)
    fitted = float(np.sqrt(k + cx * cx + cy * cy))
    expected = speed**2 / (STANDARD_GRAVITY_MPS2 * np.sqrt(load**2 - 1.0))
    error = max(abs(fitted / expected - 1.0), abs(turn_s * speed / (0.5 * np.pi * expected) - 1.0))
    return CaseResult(
        case="coordinated-turn-radius", model="physics.route (coordinated turns)",
        reference="r = v²/(g√(n²−1)) (Anderson, Introduction to Flight, §6.17)", expected=f"{expected:.1f} m",
        got=f"{fitted:.1f} m, turn {turn_s:.1f} s", tolerance="1 %", passed=bool(error < 0.01),
    )
