"""Noise jamming in the radar equation, held against the textbook's closed forms and the Swerling model.

References: Adamy, *EW 101* (2001), ch. 9 (jamming-to-signal ratio, burn-through; the one-way link
equation in decibels); Skolnik, *Introduction to Radar Systems* (3rd ed., 2001), eq. 1.6 (the radar
equation) and §10.7 (self-screening and stand-off jamming); Schleher, *Electronic Warfare in the
Information Age* (1999), ch. 4. Each test states its tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.catalog.schema import JammerType, RadarType
from iadsim.engine import build_stages, stream
from iadsim.scenario.compile import compile_scenario
from iadsim.sensors.detection import probability_of_detection
from iadsim.sensors.jamming import (
    BOLTZMANN_J_PER_K, SPEED_OF_LIGHT_MPS, STANDARD_TEMPERATURE_K, interference_of, jamming_to_noise,
    radar_jamming_of, radar_jamming_row,
)
from iadsim.sensors.radar import radar_reference, reference_snr_db
from iadsim.world import FLYING
from tests.helpers import raid, scenario

SITE = (np.deg2rad(38.42), np.deg2rad(27.14), 100.0)  # radar latitude, longitude (rad), antenna altitude (m)


def db(x: float) -> float:
    return 10.0 * np.log10(x)


def place(enu_m: list[float]) -> np.ndarray:
    """ECEF point at an ENU offset (m) from the radar of :data:`SITE`."""
    origin = geo.geodetic_to_ecef(*SITE)
    return geo.enu_to_ecef(np.array(enu_m, dtype=float), origin, geo.enu_rotation(SITE[0], SITE[1]).reshape(3, 3))


def kernel_interference(radar: RadarType, jammer: JammerType, target_enu_m: list[float],
                        jammer_enu_m: list[list[float]]) -> float:
    """Σ J/N at ``radar`` looking at a target at ``target_enu_m`` with jammers of type ``jammer`` (radiating
    all round) at ``jammer_enu_m``: the run-time kernels on this geometry."""
    from iadsim.sensors.jamming import jammer_power_w
    rotation = geo.enu_rotation(SITE[0], SITE[1]).reshape(3, 3)
    radar_ecef = geo.geodetic_to_ecef(*SITE)
    pos = np.array([place(p) for p in jammer_enu_m])
    alt = geo.ecef_to_geodetic(pos)[2]
    count = len(pos)
    main_jn, direction = np.empty(count), np.empty((count, 3))
    radar_jamming_of(rotation, radar_ecef, SITE[2], np.array([jammer_power_w(jammer, radar)]),
                     radar_jamming_row(radar), np.array([[-1.0, 0.0]]), pos, alt, np.zeros((count, 3)),
                     np.zeros(count, np.int64), main_jn, direction)
    target = rotation @ (place(target_enu_m) - radar_ecef)
    return interference_of(target, radar_jamming_row(radar), main_jn, direction)


def test_jamming_to_noise_matches_the_link_equation_worked_in_decibels():
    """J/N of the ALQ-99-class stand-off jammer at the generic C-band engagement radar 150 km away, summed
    term by term in dB as Adamy (2001, ch. 9) works the one-way link: ERP + share of the jammer's band the
    receiver takes in + G_r + 20 log λ − 20 log 4π − 20 log R − (kT₀ + NF + 10 log B_r). Within 0.01 dB,
    in the main lobe and (minus side-lobe level and cancellation) in the side lobes; the run-time kernels
    give the same for a jammer on the beam and one 20° off it."""
    catalog = load_catalog()
    radar, jammer = catalog.radar("generic-lr-fire-control-radar"), catalog.jammer("ea18g-alq99-class-jammer")
    erp_dbw, jammer_band_hz = 45.0, 200e6                  # the catalog's C-band row
    gain_db, noise_figure_db, bandwidth_hz, agile_hz = 39.0, 4.0, 5e6, 500e6
    sidelobe_db, cancellation_db = -35.0, 25.0
    wavelength = SPEED_OF_LIGHT_MPS / 6e9                  # C band's centre (IEEE Std 521: 4-8 GHz)
    range_m = 150e3
    by_hand_db = (erp_dbw + db(bandwidth_hz / max(jammer_band_hz, agile_hz)) + gain_db + 20 * np.log10(wavelength)
                  - 20 * np.log10(4 * np.pi) - 20 * np.log10(range_m)
                  - (db(BOLTZMANN_J_PER_K * STANDARD_TEMPERATURE_K) + noise_figure_db + db(bandwidth_hz)))
    assert db(BOLTZMANN_J_PER_K * STANDARD_TEMPERATURE_K) == pytest.approx(-203.98, abs=0.01)  # Skolnik's kT₀
    assert db(jamming_to_noise(jammer, radar, range_m, main_lobe=True)) == pytest.approx(by_hand_db, abs=0.01)
    side_db = by_hand_db + sidelobe_db - cancellation_db
    assert db(jamming_to_noise(jammer, radar, range_m, main_lobe=False)) == pytest.approx(side_db, abs=0.01)

    up = 9000.0
    on_beam = [0.0, np.sqrt(range_m**2 - up**2), up]
    off_beam = [range_m * np.sin(np.deg2rad(20)), range_m * np.cos(np.deg2rad(20)), 0.0]
    off_beam[2] = up
    target = [0.0, 60e3, 60e3 * up / on_beam[1]]            # on the line to the first jammer
    total = kernel_interference(radar, jammer, target, [on_beam, off_beam])
    expected = 10 ** (by_hand_db / 10) + 10 ** (side_db / 10)  # both ~150 km away
    assert db(total) == pytest.approx(db(expected), abs=0.02)


def physical_radar(peak_power_w: float, pulse_s: float, gain_db: float, frequency_hz: float, bandwidth_hz: float,
                   noise_figure_db: float) -> tuple[RadarType, float]:
    """A radar type whose quoted range is what the radar equation (Skolnik 2001, eq. 1.6, with the pulse
    compression gain τ B_r of a matched filter) gives for these figures against 1 m² at the model's
    reference SNR; and that reference SNR (a power ratio)."""
    figures = {"name": "physical-radar", "description": "test", "kind": "radar", "role": "fire_control",
               "detection_range": 100e3, "reference_rcs": 1.0, "max_range": 1e6, "antenna_height": 0.0,
               "scan_period": 1.0, "track_capacity": 100, "range_sigma": 0.0, "azimuth_sigma": 0.0,
               "elevation_sigma": 0.0, "band": "X", "frequency": frequency_hz, "bandwidth": bandwidth_hz,
               "antenna_gain": f"{gain_db} dB", "beamwidth": "1 deg", "sidelobe_level": "-30 dB",
               "noise_figure": f"{noise_figure_db} dB", "max_elevation": "80 deg"}
    snr_ref = 10 ** (reference_snr_db(RadarType.model_validate(figures)) / 10)
    gain, wavelength = 10 ** (gain_db / 10), SPEED_OF_LIGHT_MPS / frequency_hz
    noise_w_per_hz = BOLTZMANN_J_PER_K * STANDARD_TEMPERATURE_K * 10 ** (noise_figure_db / 10)
    figures["detection_range"] = (peak_power_w * pulse_s * gain**2 * wavelength**2
                                  / ((4 * np.pi) ** 3 * noise_w_per_hz * snr_ref)) ** 0.25
    return RadarType.model_validate(figures), snr_ref


def noise_jammer(erp_dbw: float, bandwidth_hz: float) -> JammerType:
    return JammerType.model_validate({"name": "noise", "description": "test", "kind": "jammer",
                                      "role": "self_protection", "coverage": "360 deg",
                                      "bands": [{"band": "X", "erp": f"{erp_dbw} dBW", "bandwidth": bandwidth_hz}]})


def model_sinr(radar: RadarType, target_range_m: float, interference: float) -> float:
    """The radar model's SINR: SNR from the quoted range (SNR_ref (R_ref/R)⁴ for a 1 m² target) over 1 + J/N."""
    return 10 ** (reference_snr_db(radar) / 10) * (radar.detection_range / target_range_m) ** 4 / (1 + interference)


PEAK_W, PULSE_S, GAIN_DB, FREQUENCY_HZ, BANDWIDTH_HZ, NOISE_FIGURE_DB = 100e3, 100e-6, 40.0, 10e9, 1e6, 3.0
RADAR = (PEAK_W, PULSE_S, GAIN_DB, FREQUENCY_HZ, BANDWIDTH_HZ, NOISE_FIGURE_DB)


def signal_and_jamming_terms(erp_in_band_w: float) -> tuple[float, float]:
    """(a, b) of the textbook terms for the radar of :data:`RADAR` and a 1 m² target: S/N = a / R⁴
    (P_t τ G² λ² σ / ((4π)³ k T₀ F), Skolnik eq. 1.6 after a matched filter) and, for a main-lobe jammer,
    J/N = b / R² (ERP G λ² / ((4π)² k T₀ F B_r), Adamy ch. 9)."""
    gain, wavelength = 10 ** (GAIN_DB / 10), SPEED_OF_LIGHT_MPS / FREQUENCY_HZ
    noise_w_per_hz = BOLTZMANN_J_PER_K * STANDARD_TEMPERATURE_K * 10 ** (NOISE_FIGURE_DB / 10)
    a = PEAK_W * PULSE_S * gain**2 * wavelength**2 / ((4 * np.pi) ** 3 * noise_w_per_hz)
    b = erp_in_band_w * gain * wavelength**2 / ((4 * np.pi) ** 2 * noise_w_per_hz * BANDWIDTH_HZ)
    return a, b


@pytest.mark.parametrize("erp_dbw", [-20.0, 20.0])
def test_self_screening_burn_through_range_against_the_closed_form(erp_dbw):
    """A 100 kW, 100 µs, 40 dB, X-band radar (1 MHz, NF 3 dB) against a 1 m² target carrying a noise jammer
    in its main lobe (bandwidth 2 MHz). The range where the model's SINR (run-time kernels on a real
    geometry) comes down to the SNR of its quoted detection is within 1 % of the closed form of
    S / (J + N) = D with the textbook's signal and jamming terms (:func:`signal_and_jamming_terms`), a
    quadratic in R²; for the strong jammer (J/N > 100 there) also within 1 % of the J ≫ N burn-through
    R_bt² = P_t τ B_r G σ B_j / (4π ERP B_r D) (Adamy 2001 ch. 9; Schleher 1999 ch. 4, with the
    compression gain τ B_r); the weak one (J/N near 1) shows the noise term matters."""
    radar, snr_ref = physical_radar(*RADAR)
    jammer_bandwidth_hz = 2e6
    jammer = noise_jammer(erp_dbw, jammer_bandwidth_hz)

    def shortfall(range_m: float) -> float:
        here = [0.0, range_m * np.cos(0.05), range_m * np.sin(0.05)]
        return np.log(model_sinr(radar, range_m, kernel_interference(radar, jammer, here, [here])) / snr_ref)

    burn_through_m = optimize.brentq(shortfall, 100.0, radar.detection_range, xtol=1e-3)

    erp_in_band_w = 10 ** (erp_dbw / 10) * BANDWIDTH_HZ / jammer_bandwidth_hz
    a, b = signal_and_jamming_terms(erp_in_band_w)
    closed_sq = (-b + np.sqrt(b * b + 4 * a / snr_ref)) / 2
    assert burn_through_m == pytest.approx(np.sqrt(closed_sq), rel=0.01)
    jn = b / burn_through_m**2
    if erp_dbw > 0:
        assert jn > 100, "the strong jammer is in the J >> N regime"
        classic_m = np.sqrt(PEAK_W * PULSE_S * BANDWIDTH_HZ * 10 ** (GAIN_DB / 10)
                            / (4 * np.pi * erp_in_band_w * snr_ref))
        assert burn_through_m == pytest.approx(classic_m, rel=0.01)
    else:
        assert 0.1 < jn < 10, "the weak jammer is comparable with the noise"
        assert burn_through_m < radar.detection_range * 0.97


def test_stand_off_burn_through_through_the_side_lobes_against_the_closed_form():
    """The same radar against a 40 dBW stand-off jammer 150 km out, 30° off the target's bearing (side lobes
    at −30 dB): SINR = D at R_t⁴ = a / (D (1 + J/N)) with the terms of :func:`signal_and_jamming_terms`
    (Skolnik 2001 §10.7), within 1 %, and in the J ≫ N limit R_t⁴ = P_t τ B_r G σ R_j² B_j / (4π ERP g B_r D)
    with g the side-lobe level (Adamy 2001, ch. 9: the stand-off burn-through equation), within 1 %."""
    radar, snr_ref = physical_radar(*RADAR)
    erp_dbw, jammer_bandwidth_hz, jammer_range_m = 40.0, 10e6, 150e3
    jammer = noise_jammer(erp_dbw, jammer_bandwidth_hz)
    up = 9000.0
    ground = np.sqrt(jammer_range_m**2 - up**2)
    stand_off = [ground * np.sin(np.deg2rad(30)), ground * np.cos(np.deg2rad(30)), up]

    def shortfall(range_m: float) -> float:
        here = [0.0, range_m * np.cos(0.05), range_m * np.sin(0.05)]
        return np.log(model_sinr(radar, range_m, kernel_interference(radar, jammer, here, [stand_off])) / snr_ref)

    burn_through_m = optimize.brentq(shortfall, 100.0, radar.detection_range, xtol=1e-3)
    side = 10 ** (-30 / 10)
    erp_in_band_w = 10 ** (erp_dbw / 10) * BANDWIDTH_HZ / jammer_bandwidth_hz
    a, b = signal_and_jamming_terms(erp_in_band_w)
    jn = b * side / jammer_range_m**2
    assert jn > 100
    assert burn_through_m == pytest.approx((a / (snr_ref * (1 + jn))) ** 0.25, rel=0.01)
    classic_m = (PEAK_W * PULSE_S * BANDWIDTH_HZ * 10 ** (GAIN_DB / 10) * jammer_range_m**2
                 / (4 * np.pi * erp_in_band_w * side * snr_ref)) ** 0.25
    assert burn_through_m == pytest.approx(classic_m, rel=0.01)


LOOKS = 4000


def test_detection_under_self_screening_jamming_follows_swerling_at_the_sinr():
    """A generic fighter carrying the F-16-class pod flies at the generic C-band engagement radar (10 pulses
    integrated, frequency-agile): at each of three ranges about its burn-through 4,000 looks of the real sense stage detect it as often as the
    Swerling 1 closed form predicts at the SINR of the jamming equation, within the central 99 % binomial
    interval (Swerling 1960; Skolnik 2001 ch. 2; Adamy 2001 ch. 9); without the pod it is seen far more."""
    site = {"lat": 38.42, "lon": 27.14}
    built = scenario(sensors=[{"name": "FC", "type": "generic-lr-fire-control-radar", "position": site}],
                     raids=[raid("generic-fighter", target=None, waypoints=[site], jammer="f16-alq184-class-jammer")],
                     models={"sense": "radar"})
    catalog = load_catalog()
    compiled = compile_scenario(built, catalog, stream(0, "compile"))
    sense = dict(build_stages(compiled))["sense"]
    world = compiled.world
    radar, jammer = compiled.radar_types[0], catalog.jammer("f16-alq184-class-jammer")
    rotation = world.sensors.rotation[0]
    _, pfa, pulses = radar_reference(radar)
    rng = stream(1, "sense")
    rates = []
    for range_m in (5e3, 10e3, 20e3):
        alt = 1000.0
        rise = alt - world.sensors.antenna_alt_m[0]
        enu = np.array([0.0, np.sqrt(range_m**2 - rise**2), rise])
        world.threats.pos_ecef_m[0] = world.sensors.pos_ecef_m[0] + rotation.T @ enu
        world.threats.alt_m[0] = geo.ecef_to_geodetic(world.threats.pos_ecef_m[:1])[2][0]
        world.threats.vel_ecef_mps[0] = -250.0 * rotation.T @ (enu / np.linalg.norm(enu))
        world.threats.status[0] = FLYING
        slant = np.linalg.norm(world.threats.pos_ecef_m[0] - world.sensors.pos_ecef_m[0])
        snr = 10 ** (reference_snr_db(radar) / 10) * (1.2 / 1.0) * (radar.detection_range / slant) ** 4
        sinr = snr / (1 + jamming_to_noise(jammer, radar, slant, main_lobe=True))
        pd = float(probability_of_detection(sinr, pfa, pulses, 1))
        seen = 0
        for look in range(LOOKS):
            sense.next_look_s[:] = 0.0
            sense.next_due_s[0] = 0.0
            sense.step(world, float(look), 1.0, rng)
            seen += int(np.count_nonzero(world.detections.threat_index == 0))
        low, high = stats.binom.interval(0.99, LOOKS, pd)
        assert low <= seen <= high, (range_m, seen, pd * LOOKS)
        assert 0.02 < pd < 0.98, "ranges chosen where Pd discriminates"
        rates.append(seen / LOOKS)
        assert float(probability_of_detection(snr, pfa, pulses, 1)) > pd + 0.2
    assert rates == sorted(rates, reverse=True), "burn-through: detection rises as the target closes"
