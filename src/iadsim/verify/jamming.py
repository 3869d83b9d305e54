"""Verification of noise jamming: burn-through against the closed forms, detection under jamming against Swerling.

The model's side always goes through the run-time kernels of :mod:`iadsim.sensors.jamming` on a real
geometry (or the real sense stage); the reference side is written from the textbooks' terms: Skolnik,
*Introduction to Radar Systems* (3rd ed., 2001), eq. 1.6 and §10.7; Adamy, *EW 101* (2001), ch. 9;
Schleher, *Electronic Warfare in the Information Age* (1999), ch. 4.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import optimize, stats

from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.catalog.schema import JammerType, RadarType
from iadsim.sensors.detection import probability_of_detection
from iadsim.sensors.jamming import (
    BOLTZMANN_J_PER_K, SPEED_OF_LIGHT_MPS, STANDARD_TEMPERATURE_K, interference_of, jammer_power_w,
    jamming_to_noise, radar_jamming_of, radar_jamming_row,
)
from iadsim.sensors.radar import radar_reference, reference_snr_db
from iadsim.sensors.strobes import strobe_azimuths, triangulate
from iadsim.verify import CaseResult, case

SITE = (np.deg2rad(38.42), np.deg2rad(27.14), 100.0)
"""Radar latitude, longitude (rad) and antenna altitude (m) of the geometries below."""
PEAK_W, PULSE_S, GAIN_DB, FREQUENCY_HZ, BANDWIDTH_HZ, NOISE_FIGURE_DB = 100e3, 100e-6, 40.0, 10e9, 1e6, 3.0
"""The physical radar of the burn-through checks: 100 kW, 100 µs compressed to 1 MHz, 40 dB, X band, NF 3 dB."""
SIDE_LOBE_DB = -30.0
SELF_SCREENING_DBW = (-20.0, 20.0)
"""A weak jammer (J/N near 1 at burn-through: the noise term matters) and a strong one (J ≫ N)."""
STAND_OFF_DBW, STAND_OFF_RANGE_M, STAND_OFF_BEARING_DEG = 40.0, 150e3, 30.0
JAMMED_LOOKS = 4000
JAMMED_RANGES_M = (5e3, 10e3, 20e3)


def place(enu_m: list[float]) -> np.ndarray:
    """ECEF point at an ENU offset (m) from the radar at :data:`SITE`."""
    origin = geo.geodetic_to_ecef(*SITE)
    return geo.enu_to_ecef(np.array(enu_m, dtype=float), origin, geo.enu_rotation(SITE[0], SITE[1]).reshape(3, 3))


def kernel_interference(radar: RadarType, jammer: JammerType, target_enu_m: list[float],
                        jammer_enu_m: list[list[float]]) -> float:
    """Σ J/N at ``radar`` (at :data:`SITE`) looking at a target at ``target_enu_m`` with jammers of type
    ``jammer`` radiating all round from ``jammer_enu_m``: the run-time kernels on this geometry."""
    rotation = geo.enu_rotation(SITE[0], SITE[1]).reshape(3, 3)
    radar_ecef = geo.geodetic_to_ecef(*SITE)
    pos = np.array([place(p) for p in jammer_enu_m])
    alt = geo.ecef_to_geodetic(pos)[2]
    count = len(pos)
    main_jn, direction = np.empty(count), np.empty((count, 3))
    radar_jamming_of(rotation, radar_ecef, SITE[2], np.array([jammer_power_w(jammer, radar)]),
                     radar_jamming_row(radar), np.array([[-2.0, 0.0]]), pos, alt, np.zeros((count, 3)),
                     np.zeros(count, np.int64), main_jn, direction)
    target = rotation @ (place(target_enu_m) - radar_ecef)
    return interference_of(target, radar_jamming_row(radar), main_jn, direction)


def physical_radar() -> tuple[RadarType, float]:
    """A radar type whose quoted range is what the radar equation (Skolnik 2001, eq. 1.6, with the matched
    filter's compression gain τ B_r) gives for :data:`PEAK_W`... against 1 m² at the model's reference SNR;
    and that reference SNR (a power ratio)."""
    figures = {"name": "physical-radar", "description": "verification", "kind": "radar", "role": "fire_control",
               "detection_range": 100e3, "reference_rcs": 1.0, "max_range": 1e6, "antenna_height": 0.0,
               "scan_period": 1.0, "track_capacity": 100, "range_sigma": 0.0, "azimuth_sigma": 0.0,
               "elevation_sigma": 0.0, "band": "X", "frequency": FREQUENCY_HZ, "bandwidth": BANDWIDTH_HZ,
               "antenna_gain": f"{GAIN_DB} dB", "beamwidth": "1 deg", "sidelobe_level": f"{SIDE_LOBE_DB} dB",
               "noise_figure": f"{NOISE_FIGURE_DB} dB", "max_elevation": "80 deg"}
    snr_ref = 10 ** (reference_snr_db(RadarType.model_validate(figures)) / 10)
    signal, _ = signal_and_jamming_terms(0.0)
    figures["detection_range"] = (signal / snr_ref) ** 0.25
    return RadarType.model_validate(figures), snr_ref


def signal_and_jamming_terms(erp_in_band_w: float) -> tuple[float, float]:
    """(a, b) of the textbook terms for the radar of :data:`PEAK_W`... and a 1 m² target: S/N = a / R⁴
    (P_t τ G² λ² σ / ((4π)³ k T₀ F), Skolnik eq. 1.6 after a matched filter) and, for a main-lobe jammer of
    ``erp_in_band_w`` in the receiver's band, J/N = b / R² (ERP G λ² / ((4π)² k T₀ F B_r), Adamy ch. 9)."""
    gain, wavelength = 10 ** (GAIN_DB / 10), SPEED_OF_LIGHT_MPS / FREQUENCY_HZ
    noise_w_per_hz = BOLTZMANN_J_PER_K * STANDARD_TEMPERATURE_K * 10 ** (NOISE_FIGURE_DB / 10)
    a = PEAK_W * PULSE_S * gain**2 * wavelength**2 / ((4 * np.pi) ** 3 * noise_w_per_hz)
    b = erp_in_band_w * gain * wavelength**2 / ((4 * np.pi) ** 2 * noise_w_per_hz * BANDWIDTH_HZ)
    return a, b


def noise_jammer(erp_dbw: float, bandwidth_hz: float) -> JammerType:
    """An X-band noise jammer radiating all round."""
    return JammerType.model_validate({"name": "noise", "description": "verification", "kind": "jammer",
                                      "role": "self_protection", "coverage": "360 deg",
                                      "bands": [{"band": "X", "erp": f"{erp_dbw} dBW", "bandwidth": bandwidth_hz}]})


def _model_burn_through_m(radar: RadarType, jammer: JammerType, jammers_at: Callable[[list[float]], list]
                          ) -> float:
    """The target range (m) at which the model's SINR (SNR_ref (R_ref/R)⁴ over 1 + the kernels' Σ J/N)
    comes down to the SNR of a detection at the quoted range; ``jammers_at(target_enu)`` places the jammers."""
    def shortfall(range_m: float) -> float:
        target = [0.0, range_m * np.cos(0.05), range_m * np.sin(0.05)]
        jn = kernel_interference(radar, jammer, target, jammers_at(target))
        return np.log((radar.detection_range / range_m) ** 4 / (1 + jn))

    return optimize.brentq(shortfall, 100.0, radar.detection_range, xtol=1e-3)


def self_screening_burn_through(erp_dbw: float) -> tuple[float, float, float, float]:
    """(model, closed form with noise, classic J ≫ N form (m), J/N at the model's burn-through) for a 1 m²
    target carrying a 2 MHz noise jammer of ``erp_dbw``: S / (J + N) = D is x² + b x − a/D = 0 in x = R²;
    for J ≫ N, R_bt² = P_t τ B_r G σ / (4π ERP' D) (Adamy 2001 ch. 9; Schleher 1999 ch. 4)."""
    radar, snr_ref = physical_radar()
    jammer_bandwidth_hz = 2e6
    model_m = _model_burn_through_m(radar, noise_jammer(erp_dbw, jammer_bandwidth_hz), lambda t: [t])
    erp_in_band_w = 10 ** (erp_dbw / 10) * BANDWIDTH_HZ / jammer_bandwidth_hz
    a, b = signal_and_jamming_terms(erp_in_band_w)
    closed_m = np.sqrt((-b + np.sqrt(b * b + 4 * a / snr_ref)) / 2)
    classic_m = np.sqrt(PEAK_W * PULSE_S * BANDWIDTH_HZ * 10 ** (GAIN_DB / 10) / (4 * np.pi * erp_in_band_w * snr_ref))
    return model_m, closed_m, classic_m, b / model_m**2


def stand_off_burn_through() -> tuple[float, float, float, float]:
    """(model, closed form with noise, classic J ≫ N form (m), J/N) for a 40 dBW, 10 MHz stand-off jammer
    150 km out, 30° off the target's bearing (in the −30 dB side lobes): R_t⁴ = a / (D (1 + J/N)), and for
    J ≫ N R_t⁴ = P_t τ B_r G σ R_j² / (4π ERP' g D) (Adamy 2001, ch. 9, the stand-off equation)."""
    radar, snr_ref = physical_radar()
    jammer_bandwidth_hz, up = 10e6, 9000.0
    ground = np.sqrt(STAND_OFF_RANGE_M**2 - up**2)
    bearing = np.deg2rad(STAND_OFF_BEARING_DEG)
    where = [ground * np.sin(bearing), ground * np.cos(bearing), up]
    model_m = _model_burn_through_m(radar, noise_jammer(STAND_OFF_DBW, jammer_bandwidth_hz),
                                    lambda t: [where])
    side = 10 ** (SIDE_LOBE_DB / 10)
    erp_in_band_w = 10 ** (STAND_OFF_DBW / 10) * BANDWIDTH_HZ / jammer_bandwidth_hz
    a, b = signal_and_jamming_terms(erp_in_band_w)
    jn = b * side / STAND_OFF_RANGE_M**2
    closed_m = (a / (snr_ref * (1 + jn))) ** 0.25
    classic_m = (PEAK_W * PULSE_S * BANDWIDTH_HZ * 10 ** (GAIN_DB / 10) * STAND_OFF_RANGE_M**2
                 / (4 * np.pi * erp_in_band_w * side * snr_ref)) ** 0.25
    return model_m, closed_m, classic_m, jn


@case("jamming-burn-through")
def jamming_burn_through() -> CaseResult:
    """Burn-through ranges of the jamming model (run-time kernels) against the closed forms: self-screening,
    a weak and a strong jammer, and stand-off through the side lobes (see the functions above)."""
    rows = [self_screening_burn_through(erp) for erp in SELF_SCREENING_DBW] + [stand_off_burn_through()]
    errors = [abs(model / closed - 1) for model, closed, _, _ in rows]
    errors += [abs(model / classic - 1) for model, _, classic, jn in rows if jn > 100]
    worst = max(errors)
    return CaseResult(
        case="jamming-burn-through", model="sensors.jamming (kernels) with the radar model's SNR",
        reference="S/(J+N) = D: Skolnik (2001) eq. 1.6, §10.7; burn-through, Adamy (2001) ch. 9",
        expected="self-screening at -20 and 20 dBW, stand-off at 40 dBW; J >> N forms where J/N > 100",
        got=f"max relative error {worst:.1e} over {len(errors)} ranges "
            f"({', '.join(f'{row[0] / 1e3:.3g} km' for row in rows)})",
        tolerance="1 %", passed=worst <= 0.01,
    )


def jammed_detections(looks: int = JAMMED_LOOKS, seed: int = 1) -> list[tuple[float, int, float, float]]:
    """(range m, detections in ``looks``, Pd at the SINR, Pd without jamming) of a generic fighter carrying
    the F-16-class pod, flying at the generic C-band engagement radar, at each of :data:`JAMMED_RANGES_M`:
    the real sense stage, its look forced each time; Pd from the Swerling 1 closed form at the SINR of the
    jamming equation."""
    import iadsim
    from iadsim.engine import build_stages, stream
    from iadsim.scenario.compile import compile_scenario
    from iadsim.world import FLYING

    site = {"lat": 38.42, "lon": 27.14}
    catalog = load_catalog()
    built = iadsim.load_scenario({
        "name": "jammed detection", "duration": "1 h", "models": {"sense": "radar"},
        "sensors": [{"name": "FC", "type": "generic-lr-fire-control-radar", "position": site}],
        "raids": [{"type": "generic-fighter", "launch_point": {"lat": 39.0, "lon": 27.14}, "waypoints": [site],
                   "jammer": "f16-alq184-class-jammer"}]}, catalog)
    compiled = compile_scenario(built, catalog, stream(0, "compile"))
    sense = dict(build_stages(compiled))["sense"]
    world = compiled.world
    radar, jammer = compiled.radar_types[0], catalog.jammer("f16-alq184-class-jammer")
    rcs_m2 = compiled.threat_types[0].rcs
    rotation = world.sensors.rotation[0]
    _, pfa, pulses = radar_reference(radar)
    rng = stream(seed, "sense")
    out = []
    for range_m in JAMMED_RANGES_M:
        rise = 1000.0 - world.sensors.antenna_alt_m[0]
        enu = np.array([0.0, np.sqrt(range_m**2 - rise**2), rise])
        world.threats.pos_ecef_m[0] = world.sensors.pos_ecef_m[0] + rotation.T @ enu
        world.threats.alt_m[0] = geo.ecef_to_geodetic(world.threats.pos_ecef_m[:1])[2][0]
        world.threats.vel_ecef_mps[0] = -250.0 * rotation.T @ (enu / np.linalg.norm(enu))
        world.threats.status[0] = FLYING
        slant = float(np.linalg.norm(world.threats.pos_ecef_m[0] - world.sensors.pos_ecef_m[0]))
        snr = (10 ** (reference_snr_db(radar) / 10) * (rcs_m2 / radar.reference_rcs)
               * (radar.detection_range / slant) ** 4)
        sinr = snr / (1 + jamming_to_noise(jammer, radar, slant, main_lobe=True))
        seen = 0
        for look in range(looks):
            sense.next_look_s[:] = 0.0
            sense.next_due_s[0] = 0.0
            sense.step(world, float(look), 1.0, rng)
            seen += int(np.count_nonzero(world.detections.threat_index == 0))
        out.append((range_m, seen, float(probability_of_detection(sinr, pfa, pulses, 1)),
                    float(probability_of_detection(snr, pfa, pulses, 1))))
    return out


def within_99_percent(seen: int, pd: float, looks: int = JAMMED_LOOKS) -> bool:
    """Whether ``seen`` detections in ``looks`` lie in the central 99 % interval of a binomial of ``pd``."""
    low, high = stats.binom.interval(0.99, looks, pd)
    return bool(low <= seen <= high)


@case("jamming-detection")
def jamming_detection() -> CaseResult:
    """Detection under self-screening noise jamming: the real sense stage's detections at three ranges about
    burn-through inside the central 99 % binomial interval of the Swerling 1 Pd at the SINR."""
    rows = jammed_detections()
    inside = sum(within_99_percent(seen, pd) for _, seen, pd, _ in rows)
    return CaseResult(
        case="jamming-detection", model="sensors.radar with sensors.jamming (sense stage)",
        reference="Swerling 1 at SINR = SNR/(1+J/N); Swerling (1960), Adamy (2001) ch. 9",
        expected=f"{len(rows)} of {len(rows)} inside the 99 % binomial interval ({JAMMED_LOOKS} looks each)",
        got=f"{inside} of {len(rows)}: " + ", ".join(f"{r / 1e3:g} km {seen / JAMMED_LOOKS:.3f} vs {pd:.3f}"
                                                    for r, seen, pd, _ in rows),
        tolerance="99 % binomial interval each", passed=inside == len(rows),
    )


STROBE_BASELINE_ENU_M = (60e3, 10e3)
"""Second radar's offset (east, north, m) from the first, at :data:`SITE`."""
STROBE_JAMMERS_ENU_M = ((40e3, 150e3, 9000.0), (-80e3, 120e3, 9000.0), (150e3, -60e3, 300.0))
"""Jammers (ENU offsets from :data:`SITE`, m): a stand-off jammer ahead, one off to the side, one low."""


def strobe_bearings(jammer_enu_m: tuple[float, float, float]) -> tuple[float, float]:
    """The azimuths of the jammer's strobes at the two radars, each from the run-time jamming kernel's ENU
    direction at that radar, taken into the first radar's frame (both radars' horizontal plane there)."""
    radar_jammer, _ = physical_radar()
    jammer = noise_jammer(40.0, 10e6)
    first = geo.enu_rotation(SITE[0], SITE[1]).reshape(3, 3)
    position = place(list(jammer_enu_m)).reshape(1, 3)
    bearings = []
    for offset in ((0.0, 0.0), STROBE_BASELINE_ENU_M):
        radar_ecef = place([offset[0], offset[1], 0.0])
        lat, lon, alt = geo.ecef_to_geodetic(radar_ecef.reshape(1, 3))
        rotation = geo.enu_rotation(lat, lon).reshape(3, 3)
        main_jn, direction = np.empty(1), np.empty((1, 3))
        radar_jamming_of(rotation, radar_ecef.reshape(3), float(alt[0]), np.array([jammer_power_w(jammer, radar_jammer)]),
                         radar_jamming_row(radar_jammer), np.array([[-2.0, 0.0]]), position,
                         geo.ecef_to_geodetic(position)[2], np.zeros((1, 3)), np.zeros(1, np.int64), main_jn,
                         direction)
        bearings.append(float(strobe_azimuths(first @ rotation.T @ direction[0])[0]))
    return bearings[0], bearings[1]


def law_of_sines_position(bearing_1: float, bearing_2: float) -> np.ndarray:
    """Where two bearing lines from the radars (:data:`STROBE_BASELINE_ENU_M` apart) cross, by the law of sines:
    with α and β the angles between the baseline and each bearing, the range from the first radar is
    b sin β / sin(α + β) (plane geometry)."""
    baseline = np.array(STROBE_BASELINE_ENU_M)
    b = float(np.hypot(*baseline))
    toward_2 = np.arctan2(baseline[0], baseline[1])  # azimuth from radar 1 to radar 2
    alpha = abs((bearing_1 - toward_2 + np.pi) % (2 * np.pi) - np.pi)
    beta = abs((bearing_2 - (toward_2 + np.pi) + np.pi) % (2 * np.pi) - np.pi)
    r1 = b * np.sin(beta) / np.sin(alpha + beta)
    return r1 * np.array([np.sin(bearing_1), np.cos(bearing_1)])


@case("jam-strobe-triangulation")
def jam_strobe_triangulation() -> CaseResult:
    """A jammer located from two radars' strobes (the jamming kernel's directions, triangulated by
    :func:`iadsim.sensors.strobes.triangulate`) against the law of sines and the jammer's true ground position."""
    errors = []
    for jammer_enu in STROBE_JAMMERS_ENU_M:
        bearing_1, bearing_2 = strobe_bearings(jammer_enu)
        found = triangulate(np.array([[0.0, 0.0], STROBE_BASELINE_ENU_M]), np.array([bearing_1, bearing_2]))
        closed = law_of_sines_position(bearing_1, bearing_2)
        truth = np.array(jammer_enu[:2])
        errors.append(max(np.linalg.norm(found - closed), np.linalg.norm(found - truth)) / np.linalg.norm(truth))
    worst = max(errors)
    return CaseResult(
        case="jam-strobe-triangulation", model="sensors.jamming directions, sensors.strobes.triangulate",
        reference="plane geometry: law of sines, r1 = b sin(beta) / sin(alpha + beta)",
        expected=f"{len(errors)} jammers located within 1e-6 of their range, 60.8 km baseline",
        got=f"max relative error {worst:.1e}", tolerance="1e-6 of range", passed=worst <= 1e-6)


FIX_SIGMA_DEG = 0.3
"""Azimuth sigma of both radars in the fix-error check (the generic search radar's)."""
FIX_JAMMER_ENU_M = (20e3, 120e3, 9000.0)
"""The jammer of the fix-error check: 122 km out from the first radar at 9 km, bearings crossing at about 30°."""
FIX_DRAWS = 4000


def fix_error_closed_form(radars_enu_m: np.ndarray, jammer_enu_m: np.ndarray, sigma_rad: float) -> float:
    """RMS ground error (m) of a fix from two bearings of azimuth noise σ: σ_p² = (r₁² + r₂²) σ² / sin² γ, r
    the ground ranges and γ the angle between the bearing lines (the geometric dilution of precision of two
    lines of position; Torrieri, "Statistical theory of passive location systems", IEEE Trans. AES 20 (2),
    1984)."""
    to_jammer = jammer_enu_m[:2] - radars_enu_m[:, :2]
    ranges = np.hypot(to_jammer[:, 0], to_jammer[:, 1])
    cos_gamma = to_jammer[0] @ to_jammer[1] / (ranges[0] * ranges[1])
    return float(np.sqrt((ranges ** 2).sum() * sigma_rad ** 2 / (1.0 - cos_gamma ** 2)))


def run_time_fix_errors(draws: int, sigma_rad: float, seed: int = 17) -> tuple[np.ndarray, float, float]:
    """Ground errors (m) of ``draws`` fixes by the run-time kernel (:func:`iadsim.sensors.strobes.fix_of`) of
    the jammer at :data:`FIX_JAMMER_ENU_M` from the radars at :data:`SITE` and :data:`STROBE_BASELINE_ENU_M`
    east of it, each azimuth (from the jamming kernel's direction) drawn with noise ``sigma_rad``; the
    kernel's expected error and the noise-free fix's error (m)."""
    from iadsim.sensors.strobes import fix_of
    rng = np.random.default_rng(seed)
    jammer = place(list(FIX_JAMMER_ENU_M))
    radars = np.array([place([0.0, 0.0, 0.0]), place([*STROBE_BASELINE_ENU_M, 0.0])])
    geodetic = geo.ecef_to_geodetic(radars)
    rotation = geo.enu_rotation(geodetic[0], geodetic[1]).reshape(2, 3, 3)
    truth = np.array([[rotation[k] @ (jammer - radars[k]) for k in range(2)]])[0]
    azimuth = np.arctan2(truth[:, 0], truth[:, 1])
    elevation = np.arctan2(truth[:, 2], np.hypot(truth[:, 0], truth[:, 1]))
    sigma = np.full(2, sigma_rad)
    first = rotation[0]

    def ground_error(az: np.ndarray) -> tuple[float, float]:
        fix = np.empty(3)
        expected = fix_of(radars, rotation, az, elevation, sigma, fix)
        return float(np.linalg.norm((first @ (fix - jammer))[:2])), expected

    exact_error, expected = ground_error(azimuth)
    errors = np.array([ground_error(azimuth + sigma_rad * rng.standard_normal(2))[0] for _ in range(draws)])
    return errors, expected, exact_error


@case("jam-fix-error")
def jam_fix_error() -> CaseResult:
    """The run-time fix of a jammer from two radars' noisy strobes: its RMS ground error over 4,000 draws
    against the closed form of two lines of position, and the kernel's own expected error against it."""
    sigma = np.deg2rad(FIX_SIGMA_DEG)
    errors, expected, exact_error = run_time_fix_errors(FIX_DRAWS, sigma)
    radars = np.array([[0.0, 0.0, 0.0], [*STROBE_BASELINE_ENU_M, 0.0]])
    closed = fix_error_closed_form(radars, np.array(FIX_JAMMER_ENU_M), sigma)
    rms = float(np.sqrt(np.mean(errors ** 2)))
    # The mean of |e|² over n draws of a 2-D Gaussian error has relative standard error at most √(2/n): 2.2 %
    # at 4,000; 3 of them, 6.7 %, is the Monte Carlo tolerance on |e|², about 3.4 % on its root.
    tolerance = 1.5 * np.sqrt(2.0 / FIX_DRAWS)
    passed = (abs(rms / closed - 1.0) <= tolerance and abs(expected / closed - 1.0) <= 0.01
              and exact_error <= 1e-3 * np.hypot(*FIX_JAMMER_ENU_M[:2]))
    return CaseResult(
        case="jam-fix-error", model="sensors.strobes.fix_of (the track stage's jammer fix)",
        reference="two lines of position: sigma_p^2 = (r1^2 + r2^2) sigma^2 / sin^2(gamma) (Torrieri 1984)",
        expected=f"RMS ground error {closed:.0f} m (0.3 deg strobes, 60.8 km baseline, jammer 122 km out)",
        got=f"RMS {rms:.0f} m over {FIX_DRAWS} draws; kernel's expected {expected:.0f} m; "
            f"noise-free {exact_error:.1f} m",
        tolerance=f"RMS within {100 * tolerance:.1f} %, expected within 1 %, noise-free within 0.1 % of range",
        passed=bool(passed))


FIX_TRACK_FIXES, FIX_TRACK_INTERVAL_S, FIX_TRACK_DRAWS = 6, 10.0, 4000
"""The fix-track check: 4,000 tracks of the jammer at :data:`FIX_JAMMER_ENU_M`, each from 6 fixes 10 s apart."""


def fix_track_closed_form(fix_rms_m: float, fixes: int) -> float:
    """RMS ground error (m) at the last of ``fixes`` equally spaced fixes of RMS error ``fix_rms_m`` of a
    constant-velocity Kalman filter without process noise and a diffuse velocity prior: the filter is then the
    least-squares straight line through the fixes, whose end point has variance σ² · 2 (2n − 1) / (n (n + 1))
    per axis (Bar-Shalom, Li & Kirubarajan 2001, §3.5 and §5.2: the Kalman filter of a deterministic model
    with a diffuse prior is least squares)."""
    return fix_rms_m * float(np.sqrt(2.0 * (2 * fixes - 1) / (fixes * (fixes + 1))))


def run_time_fix_track_errors(draws: int, sigma_rad: float, seed: int = 23) -> np.ndarray:
    """Ground errors (m) of ``draws`` fix tracks (:func:`iadsim.tracking.fix_tracks.fix_tracks_step`, one air
    picture each, EKF without process noise) of the jammer at :data:`FIX_JAMMER_ENU_M`, each at the last of
    :data:`FIX_TRACK_FIXES` run-time fixes (:func:`iadsim.sensors.strobes.fix_of`) from the two radars'
    strobes of azimuth noise ``sigma_rad``, :data:`FIX_TRACK_INTERVAL_S` apart."""
    from dataclasses import replace

    from iadsim.sensors.strobes import fix_of
    from iadsim.tracking.backend import TrackerParameters
    from iadsim.tracking.core import EKF_MODES, LIVE, LIVE_LIST, constants_of, empty_store, motion_of
    from iadsim.tracking.filters import CENTRAL_GRAVITY
    from iadsim.tracking.fix_tracks import fix_tracks_step
    rng = np.random.default_rng(seed)
    jammer = place(list(FIX_JAMMER_ENU_M))
    radars = np.array([place([0.0, 0.0, 0.0]), place([*STROBE_BASELINE_ENU_M, 0.0])])
    geodetic = geo.ecef_to_geodetic(radars)
    rotation = geo.enu_rotation(geodetic[0], geodetic[1]).reshape(2, 3, 3)
    truth = np.array([rotation[k] @ (jammer - radars[k]) for k in range(2)])
    azimuth = np.arctan2(truth[:, 0], truth[:, 1])
    elevation = np.arctan2(truth[:, 2], np.hypot(truth[:, 0], truth[:, 1]))
    sigma = np.full(2, sigma_rad)
    parameters = replace(TrackerParameters(), process_intensity=0.0)
    motion = motion_of(parameters, EKF_MODES)
    constants = constants_of(parameters, motion)
    store = empty_store(draws, 1, 2)
    pictures = np.arange(draws, dtype=np.int64)
    zeros = np.zeros(draws, np.int64)
    fix, fixes, errors_m = np.empty(3), np.empty((draws, 3)), np.empty((draws, 2))
    for k in range(FIX_TRACK_FIXES):
        for d in range(draws):
            errors_m[d, 0] = fix_of(radars, rotation, azimuth + sigma_rad * rng.standard_normal(2), elevation, sigma,
                                    fix)
            fixes[d] = fix
        errors_m[:, 1] = 100.0  # the height is measured without noise here: a small, positive sigma
        fix_tracks_step(*store[:7], store.lists, store.counts, motion, constants, CENTRAL_GRAVITY,
                        k * FIX_TRACK_INTERVAL_S, np.inf, pictures, zeros, pictures, fixes, errors_m, zeros,
                        np.full(draws, k * FIX_TRACK_INTERVAL_S), radars, rotation)
    rows = store.lists[LIVE_LIST, :store.counts[LIVE]]
    ground = (rotation[0] @ (store.x[rows, :3] - jammer).T)[:2]
    return np.hypot(ground[0], ground[1])


@case("jam-fix-track-error")
def jam_fix_track_error() -> CaseResult:
    """The track of a jammer its fixes start and update (the track stage's fix tracks): its RMS ground error
    after 6 fixes against the least-squares line through fixes of the two-lines-of-position error."""
    sigma = np.deg2rad(FIX_SIGMA_DEG)
    errors = run_time_fix_track_errors(FIX_TRACK_DRAWS, sigma)
    radars = np.array([[0.0, 0.0, 0.0], [*STROBE_BASELINE_ENU_M, 0.0]])
    closed = fix_track_closed_form(fix_error_closed_form(radars, np.array(FIX_JAMMER_ENU_M), sigma),
                                   FIX_TRACK_FIXES)
    rms = float(np.sqrt(np.mean(errors ** 2)))
    tolerance = 1.5 * np.sqrt(2.0 / FIX_TRACK_DRAWS)  # 3 standard errors of the mean |e|², on its root (as above)
    passed = len(errors) == FIX_TRACK_DRAWS and abs(rms / closed - 1.0) <= tolerance
    return CaseResult(
        case="jam-fix-track-error", model="tracking.fix_tracks (a jammer's track from its fixes)",
        reference="least-squares line through n fixes (Kalman filter, no process noise, diffuse prior; "
                  "Bar-Shalom et al. 2001): sigma^2 2(2n-1)/(n(n+1)), sigma from Torrieri 1984",
        expected=f"RMS ground error {closed:.0f} m after {FIX_TRACK_FIXES} fixes {FIX_TRACK_INTERVAL_S:.0f} s apart",
        got=f"RMS {rms:.0f} m over {len(errors)} tracks",
        tolerance=f"within {100 * tolerance:.1f} %", passed=bool(passed))
