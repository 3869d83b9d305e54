"""Jam strobes in a run and the jammers their triangulation locates (docs/models.md, "Jamming").

Real scenarios through the engine: ``tests/data/jam_strobes.yaml`` (two C-band engagement radars 60 km
apart and a SAM battery on one network; an EA-18G-class stand-off jammer 150 km north; two fighters with
F-16-class pods) and the examples. The fix's error statistics are held against the closed form of two lines
of position in :mod:`iadsim.verify.jamming` (row ``jam-fix-error``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from iadsim import geo
from iadsim.engine import build_stages, simulate, stream
from iadsim.scenario.compile import compile_scenario
from iadsim.scenario.load import load_scenario, scenario_catalog
from iadsim.sensors.radar import reference_snr_db
from iadsim.verify.jamming import FIX_DRAWS, fix_error_closed_form, run_time_fix_errors

SCENARIO = Path(__file__).parents[1] / "data" / "jam_strobes.yaml"


def kinds(result, name: str):
    events = result.events
    return events.filter(pa.compute.equal(events.column("kind").cast(pa.string()), name)).to_pandas()


@pytest.fixture(scope="module")
def run():
    return simulate(SCENARIO, seed=0)


def test_every_radar_in_view_strobes_each_jammer_once_in_the_log(run):
    """Each of the four radars (the battery's two and the two stand-alone ones) reports a strobe of the
    stand-off jammer and of each fighter's pod: one `strobe` event per radar and jammer (the log is thinned
    to each radar's first), at the radar, the azimuth within 4 sigma of the true bearing from it."""
    strobes = kinds(run, "strobe")
    assert len(strobes) == len(strobes.drop_duplicates(["sensor_id", "threat_id", "detail"]))
    standoff = strobes[strobes.detail == "Growler"]
    assert sorted(standoff.sensor_id) == [0, 1, 2, 3]
    assert set(strobes[strobes.threat_id >= 0].threat_id) == {0, 1}
    compiled = compile_scenario(run.scenario, scenario_catalog(run.scenario), stream(0, "compile"))
    sensors = compiled.world.sensors
    growler = geo.geodetic_to_ecef(np.deg2rad(39.80), np.deg2rad(27.40), 9000.0)
    for _, row in standoff.iterrows():
        s = int(row.sensor_id)
        east, north, _ = sensors.rotation[s] @ (growler - sensors.pos_ecef_m[s])
        sigma = compiled.tables.radar_type[s].azimuth_sigma
        miss = (np.deg2rad(row.value) - np.arctan2(east, north) + np.pi) % (2 * np.pi) - np.pi
        assert abs(miss) < 4 * sigma


def test_a_strobe_needs_the_jammer_above_the_reference_detection_snr_and_inside_the_sector():
    """The rule (:func:`iadsim.sensors.radar.strobes_of`): a look strobes a jammer when its main-lobe J/N
    reaches the per-pulse SNR of the radar's reference detection, and the jammer lies in the radar's azimuth
    sector. Of four jammers due north (1 % above the threshold, 1 % below, not radiating) and one 80° east
    (above, outside the 120° sector of the C-band radar facing north), only the first strobes, at its true
    azimuth and elevation (the caller adds the noise)."""
    from iadsim.scenario.tables import radar_limits
    from iadsim.sensors.radar import strobes_of
    scenario = load_scenario(SCENARIO)
    radar = scenario_catalog(scenario).radar("generic-lr-fire-control-radar")
    limits = radar_limits([radar], np.zeros(1, np.int32))[0]
    threshold = 10 ** (reference_snr_db(radar) / 10)
    main_jn = np.array([1.01, 0.99, 0.0, 1.01]) * threshold
    up = np.deg2rad(3.0)
    direction = np.array([[0.0, np.cos(up), np.sin(up)]] * 3 + [[np.sin(np.deg2rad(80)), np.cos(np.deg2rad(80)), 0.0]])
    sensor, row, az_el = np.zeros(4, np.int32), np.zeros(4, np.int64), np.zeros((4, 2))
    count = strobes_of(2, threshold, 0.0, limits, main_jn, direction, 0, sensor, row, az_el)
    assert count == 1 and sensor[0] == 2 and row[0] == 0
    assert az_el[0] == pytest.approx([0.0, up], abs=1e-12)


def test_the_network_locates_each_jammer_with_the_error_its_geometry_allows(run):
    """The picture locates the stand-off jammer and both self-screening fighters (`jammer_located`, one per
    jammer): after the 2 s link brings the stand-alone radars' strobes; each error within 3 times the RMS
    error that two lines of position from the stand-alone radars give (closed form, 0.3 deg); the fighters'
    fixes near their altitude (6 km, from the 3-D radars' elevations: within 2 km); the metrics say so."""
    located = kinds(run, "jammer_located")
    assert len(located) == 3
    assert sorted(located.threat_id) == [-1, 0, 1]
    assert (located.t_s >= 2.0).all()
    radars_enu = np.array([[0.0, 0.0, 0.0], [60.2e3, 0.0, 0.0]])
    standoff = located[located.threat_id == -1].iloc[0]
    bound = fix_error_closed_form(radars_enu, np.array([30.1e3, 153e3, 9000.0]), np.deg2rad(0.3))
    assert standoff.value < 3 * bound
    for _, fighter in located[located.threat_id >= 0].iterrows():
        assert fighter.value < 3 * bound
        assert abs(fighter.alt_m - 6000.0) < 2000.0
    assert run.metrics["jammer_fixes"] == 3
    assert run.metrics["first_jammer_located_s"] == located.t_s.min()
    assert run.metrics["jammer_location_error_m"] == pytest.approx(np.median(located.value))


def test_the_fix_error_follows_two_lines_of_position():
    """The run-time fix's RMS ground error over 4,000 noisy strobe pairs is within 3.4 % of σ_p² = (r₁² +
    r₂²) σ² / sin² γ (Torrieri 1984; 3 standard errors of the Monte Carlo), for 0.3 deg and 1 deg strobes;
    its own expected error within 1 %."""
    from iadsim.verify.jamming import FIX_JAMMER_ENU_M, STROBE_BASELINE_ENU_M
    radars = np.array([[0.0, 0.0, 0.0], [*STROBE_BASELINE_ENU_M, 0.0]])
    for degrees in (0.3, 1.0):
        sigma = np.deg2rad(degrees)
        errors, expected, _ = run_time_fix_errors(FIX_DRAWS, sigma, seed=5)
        closed = fix_error_closed_form(radars, np.array(FIX_JAMMER_ENU_M), sigma)
        assert np.sqrt(np.mean(errors ** 2)) == pytest.approx(closed, rel=1.5 * np.sqrt(2.0 / FIX_DRAWS))
        assert expected == pytest.approx(closed, rel=0.01)


def test_co_located_radars_alone_do_not_locate_a_jammer():
    """Case 7's battalion has its radars a few hundred metres apart: their bearings to the stand-off jammer
    210 km away barely cross, so no fix passes the accuracy rule (10 % of range) and none is reported;
    the strobes are still logged, one per radar."""
    result = simulate(Path(__file__).parents[2] / "examples" / "case7_ew_strike.yaml", seed=0)
    assert len(kinds(result, "jammer_located")) == 0
    strobes = kinds(result, "strobe")
    assert len(strobes) and len(strobes) == len(strobes.drop_duplicates(["sensor_id", "detail", "threat_id"]))
    assert result.metrics["jammer_fixes"] == 0


def test_without_jammers_the_sense_stage_reports_no_strobes():
    """The demo has no jammer: its looks carry no strobes and its track stage builds no fix tables."""
    scenario = load_scenario(Path(__file__).parents[2] / "examples" / "demo.yaml")
    compiled = compile_scenario(scenario, scenario_catalog(scenario), stream(0, "compile"))
    stages = dict(build_stages(compiled))
    assert not stages["track"].jammer_fixes.active
    assert stages["track"].jammer_fixes.arrived_t_s.size == 0 and len(stages["track"].jammer_fixes.pending_rows) == 0
