"""Verification of tracking: EKF consistency (NEES, NIS), GOSPA of the standard scenario, the ballistic mode."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from iadsim import geo
from iadsim.physics.environment import EARTH_MU_M3_S2
from iadsim.sensors.radar import spherical
from iadsim.tracking import filters
from iadsim.tracking.backend import Scan, SensorGeometry, TrackerParameters
from iadsim.tracking.core import ArrayTracker
from iadsim.tracking.scoring import nees, score_run
from iadsim.tracking.synthetic import standard_scenario
from iadsim.verify import CaseResult, case

Array = NDArray[np.float64]

CONSISTENCY_RUNS = 500
CONSISTENCY_STEPS = 40
GOSPA_CUTOFF_M = 1000.0


def white_noise_acceleration(dt_s: float, intensity: float) -> tuple[Array, Array]:
    """Transition and process noise (6 × 6) of a constant-velocity target under white-noise acceleration of
    intensity q (m²/s³) over ``dt_s``: per axis [[1, dt], [0, 1]] and q [[dt³/3, dt²/2], [dt²/2, dt]]
    (Bar-Shalom et al. 2001 §6.2.2); the truth of :func:`consistency_runs`, written apart from the filter."""
    f = np.eye(6)
    f[:3, 3:] = dt_s * np.eye(3)
    q = intensity * np.kron(np.array([[dt_s**3 / 3.0, dt_s**2 / 2.0], [dt_s**2 / 2.0, dt_s]]), np.eye(3))
    return f, q


def consistency_runs(seed: int = 7, runs: int = CONSISTENCY_RUNS, steps: int = CONSISTENCY_STEPS,
                     dt_s: float = 5.0, intensity: float = 1.0,
                     filter_intensity: float | None = None) -> tuple[Array, Array]:
    """NEES after each update and NIS of each innovation, (steps, runs), of a constant-velocity target.

    The target starts 60 km north of a radar (30 m range, 0.1° angle errors),
    flies white-noise acceleration of intensity ``intensity`` (m²/s³); the
    filter (the tracker's own steps, :func:`iadsim.tracking.filters.predict_tracks`
    and :func:`~iadsim.tracking.filters.ekf_update_tracks`, with process noise
    ``filter_intensity``, by default the true one) starts from a draw of its own
    initial covariance, so it is consistent from the first step if the EKF is
    right. All runs in one batch.
    """
    rng = np.random.default_rng(seed)
    sigma = np.array([30.0, np.deg2rad(0.1), np.deg2rad(0.1)])
    truth = np.tile(np.array([0.0, 60e3, 3e3, 150.0, 200.0, 0.0]), (runs, 1))
    p = np.tile(np.diag([100.0**2] * 3 + [20.0**2] * 3), (runs, 1, 1))
    x = truth + np.einsum("tij,tj->ti", np.linalg.cholesky(p), rng.standard_normal((runs, 6)))
    f, q = white_noise_acceleration(dt_s, intensity)
    chol_q = np.linalg.cholesky(q)
    dt = np.full(runs, dt_s)
    q_filter = intensity if filter_intensity is None else filter_intensity
    nees_steps, nis_steps = [], []
    for _ in range(steps):
        truth = truth @ f.T + rng.standard_normal((runs, 6)) @ chol_q.T
        z = spherical(truth[:, :3]) + rng.standard_normal((runs, 3)) * sigma
        x, p = filters.predict_tracks(x, p, dt, 0.0, False, q_filter, filters.FLAT_GRAVITY)
        x, p, nis = filters.ekf_update_tracks(x, p, z, np.zeros(3), np.eye(3), sigma)
        nis_steps.append(nis)
        nees_steps.append(nees(truth - x, p))
    return np.array(nees_steps), np.array(nis_steps)


def fraction_inside_band(values: Array, dof: int) -> float:
    """Share of steps whose run-average of ``values`` (steps, runs) lies in the two-sided 95 % chi-square band."""
    runs = values.shape[1]
    low, high = stats.chi2.ppf([0.025, 0.975], dof * runs) / runs
    average = values.mean(axis=1)
    return float(np.mean((average >= low) & (average <= high)))


@case("ekf-nees-nis")
def ekf_nees_nis() -> CaseResult:
    """EKF consistency (Bar-Shalom, Li & Kirubarajan 2001 §5.4.2): run-averaged NEES and NIS in the 95 % band.

    500 runs × 40 steps; N·(average NEES) is chi-square with 6N degrees of
    freedom, N·(average NIS) with 3N; about 95 % of steps should fall inside,
    we require 90 %.
    """
    nees_steps, nis_steps = consistency_runs()
    inside_nees, inside_nis = fraction_inside_band(nees_steps, 6), fraction_inside_band(nis_steps, 3)
    return CaseResult(
        case="ekf-nees-nis", model="tracking.filters (EKF, constant velocity, radar r/az/el)",
        reference="NEES ~ chi2(6), NIS ~ chi2(3); Bar-Shalom et al. (2001) §5.4.2",
        expected="run averages in the 95 % band at ≥ 90 % of 40 steps (500 runs)",
        got=f"NEES {nees_steps.mean():.2f} ({inside_nees:.0%} of steps in band), "
            f"NIS {nis_steps.mean():.2f} ({inside_nis:.0%})",
        tolerance="≥ 90 % of steps", passed=min(inside_nees, inside_nis) >= 0.90,
    )


def standard_gospa(targets: int = 50, interacting_models: bool = False, seed: int = 1) -> tuple[float, float]:
    """Mean GOSPA (p = 1, c = 1 km, α = 2) over the scans after the first minute, and per target present."""
    run = standard_scenario(targets, seed=seed)
    score = score_run(ArrayTracker(TrackerParameters(interacting_models=interacting_models), run.sensors), run,
                      GOSPA_CUTOFF_M)
    return score.mean_gospa_m, score.mean_gospa_per_target_m


@case("gospa-standard-50")
def gospa_standard_50() -> CaseResult:
    """GOSPA (Rahmathullah, García-Fernández & Svensson 2017) of the EKF tracker on the standard 50-target scenario.

    A report, with a sanity bound: per target present, GOSPA must stay below
    the 500 m penalty of a missed target (c/2), i.e. the picture is held.
    """
    total, per_target = standard_gospa()
    return CaseResult(
        case="gospa-standard-50", model="tracking.core ArrayTracker (EKF, GNN, 3-of-5)",
        reference="GOSPA p=1, c=1 km, α=2; Rahmathullah et al. (2017)",
        expected="per target < c/2 = 500 m", got=f"mean {total:.0f} m; {per_target:.0f} m per target",
        tolerance="< 500 m per target", passed=per_target < 500.0,
    )


def deletion_look(detected_looks: int, blind_radar: bool) -> int:
    """The missed look (1, 2, ...) at which the EKF tracker deletes a track its radar stopped detecting.

    One target flies straight at 200 m/s, 60 km from radar 0, which detects it
    on its first ``detected_looks`` looks (5 s apart) and never again; with
    ``blind_radar``, radar 1 beside it also looks every 5 s and never detects it.
    """
    radars = 2 if blind_radar else 1
    sensors = SensorGeometry(pos=np.zeros((radars, 3)), rotation=np.repeat(np.eye(3)[None], radars, axis=0),
                             sigma=np.tile([30.0, np.deg2rad(0.1), np.deg2rad(0.1)], (radars, 1)),
                             gravity=filters.FLAT_GRAVITY)
    tracker = ArrayTracker(TrackerParameters(), sensors)
    rng = np.random.default_rng(3)
    nothing = np.empty((0, 3))
    for look in range(1, detected_looks + 200):
        t_s = 5.0 * look
        position = np.array([[t_s * 200.0, 60e3, 3e3]])
        z = spherical(position) + rng.standard_normal((1, 3)) * sensors.sigma[0] if look <= detected_looks else nothing
        tracker.process(Scan(t_s=t_s, sensor=0, z=z, picture=np.zeros(len(z), np.int64),
                             truth=np.zeros(len(z), np.int64)))
        if blind_radar:
            tracker.process(Scan(t_s=t_s + 1.0, sensor=1, z=nothing, picture=np.empty(0, np.int64),
                                 truth=np.empty(0, np.int64)))
        if len(tracker.ended().id):
            return look - detected_looks
    return -1


def expected_deletion_look(detected_looks: int, coast_misses: int = 3, reference_pd: float = 0.9) -> int:
    """Closed form: the first n with Σ_{j<n} -ln(1 - (K + ½)/(K + j + 1)) > -coast_misses ln(1 - Pd_ref)."""
    k = detected_looks
    threshold = -coast_misses * np.log(1.0 - reference_pd)
    cost = -np.log((np.arange(200) + 0.5) / (k + np.arange(200) + 1.0))  # 1 - (K+½)/(K+j+1) = (j+½)/(K+j+1)
    return int(np.argmax(np.cumsum(cost) > threshold)) + 1


@case("track-deletion-score")
def track_deletion_score() -> CaseResult:
    """Deletion by missed-look score (Blackman & Popoli 1999 §6.2) against its closed form, with a blind radar too."""
    rows = [(k, deletion_look(k, False), deletion_look(k, True), expected_deletion_look(k)) for k in (5, 10, 40)]
    passed = all(alone == with_blind == expected for _, alone, with_blind, expected in rows)
    return CaseResult(
        case="track-deletion-score", model="tracking.core ArrayTracker deletion (tracking.deletion)",
        reference="SPRT track score, Blackman & Popoli (1999) §6.2; Jeffreys estimate of Pd",
        expected="deleted at miss " + ", ".join(f"{e} after {k} hits" for k, _, _, e in rows),
        got="miss " + ", ".join(f"{a} (with a blind radar {b})" for _, a, b, _ in rows),
        tolerance="exact (0 looks)", passed=passed,
    )


def kepler_state(pos_m: Array, vel_mps: Array, dt_s: float) -> tuple[Array, Array]:
    """Position and velocity (3,) of a body in free flight about a point-mass Earth, ``dt_s`` later: Kepler's closed form.

    Elliptic orbit through (r₀, v₀): a = 1/(2/r₀ − v₀²/μ), n = √(μ/a³); the
    eccentric anomaly advances by ΔE solving Kepler's equation
    n dt = ΔE − e cos E₀ sin ΔE + e sin E₀ (1 − cos ΔE) (Newton); then the f and g
    functions r = f r₀ + g v₀, v = ḟ r₀ + ġ v₀ (Bate, Mueller & White,
    *Fundamentals of Astrodynamics*, 1971, §4.5).
    """
    mu = EARTH_MU_M3_S2
    r0, v0 = float(np.linalg.norm(pos_m)), float(np.linalg.norm(vel_mps))
    a = 1.0 / (2.0 / r0 - v0 * v0 / mu)
    n = np.sqrt(mu / a**3)
    e_cos = 1.0 - r0 / a  # e cos E₀
    e_sin = float(pos_m @ vel_mps) / np.sqrt(mu * a)  # e sin E₀
    delta = n * dt_s
    for _ in range(50):
        residual = delta - e_cos * np.sin(delta) + e_sin * (1.0 - np.cos(delta)) - n * dt_s
        delta -= residual / (1.0 - e_cos * np.cos(delta) + e_sin * np.sin(delta))
    f = 1.0 - a / r0 * (1.0 - np.cos(delta))
    g = dt_s - (delta - np.sin(delta)) / n
    position = f * pos_m + g * vel_mps
    r = float(np.linalg.norm(position))
    f_dot = -np.sqrt(mu * a) / (r * r0) * np.sin(delta)
    g_dot = 1.0 - a / r * (1.0 - np.cos(delta))
    return position, f_dot * pos_m + g_dot * vel_mps


def ballistic_prediction_errors(dt_s: float = 10.0) -> tuple[Array, Array, float]:
    """Position and velocity errors (m, m/s) of the ballistic mode's prediction against Kepler, and constant velocity's.

    Three re-entry states over 45° N, 30° E (altitudes 20, 60 and 100 km,
    2, 2.5 and 3 km/s, diving at 10°, 30° and 50°), predicted ``dt_s`` ahead in
    ECEF by the ballistic mode of :func:`iadsim.tracking.filters.predict_mode`
    (the tracker's own step). Returns the largest errors of the ballistic mode
    and the largest position error of constant velocity alone.
    """
    lat, lon = np.deg2rad(45.0), np.deg2rad(30.0)
    rotation = geo.enu_rotation(np.array([lat]), np.array([lon]))[0]  # rows east, north, up in ECEF
    states = []
    for alt_m, speed_mps, dive_deg in ((20e3, 2000.0, 10.0), (60e3, 2500.0, 30.0), (100e3, 3000.0, 50.0)):
        pos = geo.geodetic_to_ecef(np.array([lat]), np.array([lon]), np.array([alt_m]))[0]
        dive = np.deg2rad(dive_deg)
        vel = speed_mps * (np.cos(dive) * rotation[1] - np.sin(dive) * rotation[2])  # northward, diving
        states.append(np.concatenate((pos, vel)))
    x = np.array(states)
    dt, p = np.full(len(x), dt_s), np.zeros((len(x), 6, 6))
    ballistic = filters.predict_tracks(x, p, dt, 0.0, True, 0.0, filters.CENTRAL_GRAVITY)[0]
    straight = filters.predict_tracks(x, p, dt, 0.0, False, 0.0, filters.CENTRAL_GRAVITY)[0]
    truth = np.array([np.concatenate(kepler_state(s[:3], s[3:], dt_s)) for s in x])
    return (np.linalg.norm(ballistic[:, :3] - truth[:, :3], axis=1),
            np.linalg.norm(ballistic[:, 3:] - truth[:, 3:], axis=1),
            float(np.linalg.norm(straight[:, :3] - truth[:, :3], axis=1).max()))


@case("ballistic-prediction-kepler")
def ballistic_prediction_kepler() -> CaseResult:
    """The IMM's ballistic mode (Li & Jilkov 2010, Part II) predicts free flight as Kepler does, over a 10 s look."""
    position_m, velocity_mps, straight_m = ballistic_prediction_errors()
    passed = bool(position_m.max() < 1.0 and velocity_mps.max() < 0.1)
    return CaseResult(
        case="ballistic-prediction-kepler", model="tracking.filters.predict_mode (IMM ballistic mode, ECEF)",
        reference="Kepler's equation and the f and g functions (Bate, Mueller & White 1971 §4.5)",
        expected="position and velocity after 10 s of free flight from 20-100 km, 2-3 km/s",
        got=f"error ≤ {position_m.max():.3f} m, {velocity_mps.max():.4f} m/s "
            f"(constant velocity alone: {straight_m:.0f} m)",
        tolerance="< 1 m, < 0.1 m/s", passed=passed,
    )
