"""Noise jamming in the radar equation, held against the textbook's closed forms and the Swerling model.

References: Adamy, *EW 101* (2001), ch. 9 (jamming-to-signal ratio, burn-through; the one-way link
equation in decibels); Skolnik, *Introduction to Radar Systems* (3rd ed., 2001), eq. 1.6 (the radar
equation) and §10.7 (self-screening and stand-off jamming); Schleher, *Electronic Warfare in the
Information Age* (1999), ch. 4. The computations live in :mod:`iadsim.verify.jamming` (rows of
`iadsim verify`); these tests add the regimes and the tolerances they claim. Each test states its tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.catalog import load_catalog
from iadsim.sensors.jamming import BOLTZMANN_J_PER_K, SPEED_OF_LIGHT_MPS, STANDARD_TEMPERATURE_K, jamming_to_noise
from iadsim.verify.jamming import (
    JAMMED_RANGES_M, kernel_interference, jammed_detections, physical_radar, self_screening_burn_through,
    stand_off_burn_through, within_99_percent,
)


def db(x: float) -> float:
    return 10.0 * np.log10(x)


def test_jamming_to_noise_matches_the_link_equation_worked_in_decibels():
    """J/N of the ALQ-99-class stand-off jammer at the generic C-band engagement radar 150 km away, summed
    term by term in dB as Adamy (2001, ch. 9) works the one-way link: ERP + share of the jammer's band the
    receiver takes in + G_r + 20 log λ − 20 log 4π − 20 log R − (kT₀ + NF + 10 log B_r). Within 0.01 dB,
    in the main lobe and (minus side-lobe level and cancellation) in the side lobes; the run-time kernels
    give the sum of both, within 0.02 dB, for a jammer on the beam and one 20° off it."""
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
    ground = np.sqrt(range_m**2 - up**2)
    on_beam = [0.0, ground, up]
    off_beam = [ground * np.sin(np.deg2rad(20)), ground * np.cos(np.deg2rad(20)), up]
    target = [0.0, 60e3, 60e3 * up / ground]               # on the line to the first jammer
    total = kernel_interference(radar, jammer, target, [on_beam, off_beam])
    assert db(total) == pytest.approx(db(10 ** (by_hand_db / 10) + 10 ** (side_db / 10)), abs=0.02)


@pytest.mark.parametrize("erp_dbw", [-20.0, 20.0])
def test_self_screening_burn_through_range_against_the_closed_form(erp_dbw):
    """A 100 kW, 100 µs, 40 dB, X-band radar (1 MHz, NF 3 dB) against a 1 m² target carrying a 2 MHz noise
    jammer in its main lobe: the range where the model's SINR (run-time kernels on a real geometry) comes
    down to the SNR of its quoted detection is within 1 % of the closed form of S / (J + N) = D; for the
    strong jammer (J/N > 100 there) also within 1 % of the J ≫ N burn-through R_bt² = P_t τ B_r G σ /
    (4π ERP' D) (Adamy 2001 ch. 9); the weak one (J/N near 1) shows the noise term matters."""
    model_m, closed_m, classic_m, jn = self_screening_burn_through(erp_dbw)
    assert model_m == pytest.approx(closed_m, rel=0.01)
    if erp_dbw > 0:
        assert jn > 100, "the strong jammer is in the J >> N regime"
        assert model_m == pytest.approx(classic_m, rel=0.01)
    else:
        assert 0.1 < jn < 10, "the weak jammer is comparable with the noise"
        assert model_m < 0.97 * physical_radar()[0].detection_range
        assert model_m < 0.95 * classic_m, "the noise shortens the burn-through below the J >> N form"


def test_stand_off_burn_through_through_the_side_lobes_against_the_closed_form():
    """The same radar against a 40 dBW stand-off jammer 150 km out, 30° off the target's bearing (side lobes
    at −30 dB): within 1 % of R_t⁴ = a / (D (1 + J/N)) (Skolnik 2001 §10.7) and, J/N being > 100, of the
    stand-off burn-through R_t⁴ = P_t τ B_r G σ R_j² / (4π ERP' g D) (Adamy 2001, ch. 9)."""
    model_m, closed_m, classic_m, jn = stand_off_burn_through()
    assert jn > 100
    assert model_m == pytest.approx(closed_m, rel=0.01)
    assert model_m == pytest.approx(classic_m, rel=0.01)


def test_detection_under_self_screening_jamming_follows_swerling_at_the_sinr():
    """A generic fighter carrying the F-16-class pod flies at the generic C-band engagement radar (10 pulses
    integrated, frequency-agile): at each of three ranges about its burn-through 4,000 looks of the real
    sense stage detect it as often as the Swerling 1 closed form predicts at the SINR of the jamming
    equation, within the central 99 % binomial interval (Swerling 1960; Skolnik 2001 ch. 2; Adamy 2001
    ch. 9); without the pod it would be seen far more often; detection rises as it closes (burn-through)."""
    rows = jammed_detections()
    assert [row[0] for row in rows] == list(JAMMED_RANGES_M)
    for range_m, seen, pd, unjammed_pd in rows:
        assert within_99_percent(seen, pd), (range_m, seen, pd)
        assert 0.02 < pd < 0.98, "ranges chosen where Pd discriminates"
        assert unjammed_pd > pd + 0.2
    assert [row[1] for row in rows] == sorted((row[1] for row in rows), reverse=True)


def test_a_jammer_radiates_only_inside_its_coverage_and_above_the_horizon():
    """The jammer's side of the geometry: a 120° cone about its heading reaches a radar ahead of it, not one
    behind it unless it radiates fore and aft; a jammer below the radar's 4/3-Earth horizon (500 km out at
    1 km, horizon about 135 km) does not count; J/N falls as 1/R² (Adamy 2001 ch. 9)."""
    from iadsim.sensors.jamming import jammer_power_w, radar_jamming_of, radar_jamming_row
    from iadsim.verify.jamming import SITE, place
    from iadsim import geo
    catalog = load_catalog()
    radar, jammer = catalog.radar("generic-lr-fire-control-radar"), catalog.jammer("f16-alq184-class-jammer")
    rotation = geo.enu_rotation(SITE[0], SITE[1]).reshape(3, 3)
    radar_ecef = geo.geodetic_to_ecef(*SITE)
    spots = [[0.0, 50e3, 5e3], [0.0, 50e3, 5e3], [0.0, 100e3, 5e3]]
    far_lat, far_lon = geo.geodesic_direct(np.rad2deg(SITE[0]), np.rad2deg(SITE[1]), 0.0, 500e3)
    pos = np.array([place(p) for p in spots] + [geo.geodetic_to_ecef(np.deg2rad(far_lat), np.deg2rad(far_lon), 1e3)])
    alt = geo.ecef_to_geodetic(pos)[2]
    south, north = rotation.T @ np.array([0.0, -1.0, 0.0]), rotation.T @ np.array([0.0, 1.0, 0.0])
    axis = np.array([south, north, south, south])              # toward the radar, away, toward, toward
    cone = np.cos(np.deg2rad(60.0))
    for fore_and_aft, expected_away in ((0.0, False), (1.0, True)):
        main_jn, direction = np.empty(4), np.empty((4, 3))
        radar_jamming_of(rotation, radar_ecef, SITE[2], np.array([jammer_power_w(jammer, radar)]),
                         radar_jamming_row(radar), np.array([[cone, fore_and_aft]]), pos, alt, axis,
                         np.zeros(4, np.int64), main_jn, direction)
        near = jamming_to_noise(jammer, radar, float(np.linalg.norm(pos[0] - radar_ecef)), main_lobe=True)
        assert main_jn[0] == pytest.approx(near, rel=1e-9)
        assert (main_jn[1] > 0) == expected_away
        assert main_jn[2] == pytest.approx(main_jn[0] * (np.linalg.norm(pos[0] - radar_ecef)
                                                         / np.linalg.norm(pos[2] - radar_ecef)) ** 2, rel=1e-9)
        assert main_jn[3] == 0.0


def test_a_stand_off_jammer_flies_its_route_then_holds_facing_its_heading():
    """A stand-off jammer at 800 km/h from its position to a point 100 km north: at 0 s at its start, half
    way through the leg half way (latitude, longitude, altitude interpolated; within 1 m of the geodetic
    point), facing north along the leg; after it arrives it stays there, antennas toward its heading
    (east); the carried pod of a flying threat faces the threat's velocity."""
    from iadsim import geo
    from iadsim.engine import build_stages, stream
    from iadsim.scenario.compile import compile_scenario
    from iadsim.world import FLYING
    from tests.helpers import raid, scenario
    start, end = {"lat": 39.0, "lon": 28.0, "alt": "8000 m"}, {"lat": 39.9, "lon": 28.0, "alt": "10000 m"}
    built = scenario(sensors=[{"name": "FC", "type": "generic-lr-fire-control-radar",
                               "position": {"lat": 38.42, "lon": 27.14}}],
                     raids=[raid("generic-fighter", jammer="f16-alq184-class-jammer")],
                     jammers=[{"name": "Growler", "type": "ea18g-alq99-class-jammer", "position": start,
                               "route": [end], "speed": "800 km/h", "heading": "90 deg"}],
                     models={"sense": "radar"})
    compiled = compile_scenario(built, load_catalog(), stream(0, "compile"))
    jamming = dict(build_stages(compiled))["sense"].jamming
    threats = compiled.world.threats
    leg_s = float(jamming.route_t_s[0, 1])
    a, b = (geo.geodetic_to_ecef(np.deg2rad(p["lat"]), np.deg2rad(p["lon"]), float(p["alt"].split()[0]))
            for p in (start, end))
    assert leg_s == pytest.approx(np.linalg.norm(b - a) / (800 / 3.6), rel=1e-12)
    pos, alt, axis, kind, _ = jamming.states(threats, 0.0)
    assert len(kind) == 1 and np.linalg.norm(pos[0] - a) < 1e-6 and alt[0] == pytest.approx(8000.0)
    pos, alt, axis, kind, _ = jamming.states(threats, leg_s / 2)
    middle = geo.geodetic_to_ecef(np.deg2rad(39.45), np.deg2rad(28.0), 9000.0)
    assert np.linalg.norm(pos[0] - middle) < 1.0 and alt[0] == pytest.approx(9000.0)
    north = geo.enu_rotation(np.deg2rad(39.45), np.deg2rad(28.0)).reshape(3, 3)[1]
    assert axis[0] @ north > 0.999
    pos, alt, axis, kind, _ = jamming.states(threats, leg_s + 600.0)
    assert np.linalg.norm(pos[0] - b) < 1e-6
    east = geo.enu_rotation(np.deg2rad(39.9), np.deg2rad(28.0)).reshape(3, 3)[0]
    assert axis[0] @ east == pytest.approx(1.0, abs=1e-12)
    threats.status[0], threats.vel_ecef_mps[0] = FLYING, [0.0, 300.0, 400.0]
    pos, alt, axis, kind, _ = jamming.states(threats, 10.0)
    assert len(kind) == 2 and list(kind) == [jamming.types.index(compiled.catalog.jammer("ea18g-alq99-class-jammer")),
                                             jamming.types.index(compiled.catalog.jammer("f16-alq184-class-jammer"))]
    assert np.allclose(axis[1], [0.0, 0.6, 0.8]) and np.allclose(pos[1], threats.pos_ecef_m[0])
