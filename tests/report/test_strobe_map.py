"""Jam strobes and jammer fixes on the report's maps, from a real run of tests/data/jam_strobes.yaml with every
strobe logged: each strobe a bearing line from its radar along the measured azimuth, out past the map's edge,
each fix a marker where the event puts it; nothing of the kind on the demo's map; the page in headless
Chromium."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml

from iadsim import geo
from iadsim.engine import simulate
from iadsim.report.geometry import GeoFrame, MapFrame
from iadsim.report.map_figure import MAX_DRAWN_STROBES, STROBE_PIECES, build_map, drawn_strobes
from iadsim.report.record import RunRecord, read_run_folder
from iadsim.results import summary_of, write_run

SCENARIO = Path(__file__).parents[1] / "data" / "jam_strobes.yaml"
VERTICES = STROBE_PIECES + 2
"""Points of one strobe in its trace: the line's vertices and the NaN gap after it."""


@pytest.fixture(scope="module")
def result():
    """Two minutes of the jam-strobes scenario with every strobe and detection logged."""
    spec = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    spec.update(duration="2 min", log_all_detections=True)
    return simulate(spec)


@pytest.fixture(scope="module")
def record(result) -> RunRecord:
    return RunRecord.of_result(result, summary_of(result))


def events_of(record: RunRecord, kind: str) -> pa.Table:
    return record.events.filter(pc.equal(record.events.column("kind").cast(pa.string()), kind))


def trace(figure, name: str):
    (found,) = [t for t in figure.data if t.name == name]
    return found


def lines_of(figure) -> tuple[np.ndarray, np.ndarray]:
    """The strobe trace's x and y, one row per strobe (its vertices, then the NaN gap)."""
    strobes = trace(figure, "jam strobe")
    return (np.asarray(strobes.x, dtype=float).reshape(-1, VERTICES),
            np.asarray(strobes.y, dtype=float).reshape(-1, VERTICES))


def radar_positions(record: RunRecord, sensor_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude (deg) of each strobe's radar, from the entities table (not the event)."""
    radars = record.radars
    return radars.column("lat_deg").to_numpy()[sensor_id], radars.column("lon_deg").to_numpy()[sensor_id]


def test_the_run_logs_many_strobes_of_all_three_jammers_at_all_four_radars(record) -> None:
    strobes = events_of(record, "strobe")
    assert strobes.num_rows > 100
    assert set(strobes.column("sensor_id").to_pylist()) == {0, 1, 2, 3}
    assert len(set(strobes.column("threat_id").to_pylist())) == 3  # Growler (-1) and both fighters' pods


def test_on_the_geographic_map_each_strobe_runs_along_the_geodesic_of_its_azimuth_from_its_radar(record) -> None:
    """Every vertex of a strobe's line lies on the WGS-84 geodesic from the radar along the measured azimuth:
    Karney's inverse geodesic (geographiclib) from the radar to the vertex has that azimuth within 0.01°
    (the line is a great ellipse, 0.007° off the geodesic at 500 km at 38° N)."""
    strobes = events_of(record, "strobe")
    sensor = strobes.column("sensor_id").to_numpy()
    azimuth_deg = strobes.column("value").to_numpy()
    x, y = lines_of(build_map(record, geographic=True).figure)
    assert x.shape[0] == strobes.num_rows and np.isnan(x[:, -1]).all() and np.isnan(y[:, -1]).all()
    lat, lon = radar_positions(record, sensor)
    np.testing.assert_allclose(y[:, 0], lat, atol=1e-9)
    np.testing.assert_allclose(x[:, 0], lon, atol=1e-9)
    worst = 0.0
    for row in range(len(sensor)):
        for vertex in range(1, STROBE_PIECES + 1):
            _, bearing = geo.geodesic_inverse(lat[row], lon[row], y[row, vertex], x[row, vertex])
            worst = max(worst, abs((np.rad2deg(bearing) - azimuth_deg[row] + 180.0) % 360.0 - 180.0))
    assert worst < 0.01


def test_on_the_local_map_each_strobe_leaves_its_radar_along_its_azimuth_and_crosses_the_map(record) -> None:
    """In the local map's plane (ENU at the map's centre), the radar's north is turned by the meridian
    convergence: the direction the azimuth has there is R_map · R_radarᵀ · (sin az, cos az, 0), the two ENU
    rotations in closed form. The first piece of each line (27 km or more) points along it within 0.01° (the
    convergence itself reaches 0.23° at these radars, so drawing the azimuth unturned would fail), and the
    line's last vertex lies beyond the map's edge (a strobe gives no range)."""
    strobes = events_of(record, "strobe")
    sensor = strobes.column("sensor_id").to_numpy()
    azimuth = np.deg2rad(strobes.column("value").to_numpy())
    built = build_map(record)
    frame = built.frame
    assert isinstance(frame, MapFrame)
    x, y = lines_of(built.figure)
    lat, lon = radar_positions(record, sensor)
    x0, y0 = frame.xy(lat, lon)
    np.testing.assert_allclose(x[:, 0], x0, atol=1e-9)
    np.testing.assert_allclose(y[:, 0], y0, atol=1e-9)
    turn = geo.enu_rotation(np.deg2rad(frame.lat0_deg), np.deg2rad(frame.lon0_deg)) \
        @ np.swapaxes(geo.enu_rotation(np.deg2rad(lat), np.deg2rad(lon)), -1, -2)
    local = np.stack((np.sin(azimuth), np.cos(azimuth), np.zeros_like(azimuth)), axis=-1)
    expected = np.einsum("nij,nj->ni", turn, local)
    expected_deg = np.rad2deg(np.arctan2(expected[:, 0], expected[:, 1]))
    drawn_deg = np.rad2deg(np.arctan2(x[:, 1] - x[:, 0], y[:, 1] - y[:, 0]))
    assert np.abs((drawn_deg - expected_deg + 180.0) % 360.0 - 180.0).max() < 0.01
    x_range = built.figure.layout.xaxis.range
    y_range = built.figure.layout.yaxis.range
    end_x, end_y = x[:, STROBE_PIECES], y[:, STROBE_PIECES]
    assert ((end_x < x_range[0]) | (end_x > x_range[1]) | (end_y < y_range[0]) | (end_y > y_range[1])).all()


def test_a_log_of_more_strobes_than_a_map_draws_keeps_every_first_strobe_and_thins_the_rest(record) -> None:
    """The run's 1,000-odd strobes are all drawn (under MAX_DRAWN_STROBES); asked for at most 100, the map
    keeps each radar's first strobe of each jammer (the ones a default log holds) and thins the rest evenly."""
    kind = record.events.column("kind").cast(pa.string()).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(kind == "strobe")
    assert len(rows) <= MAX_DRAWN_STROBES
    np.testing.assert_array_equal(drawn_strobes(record.events, rows, MAX_DRAWN_STROBES), rows)
    kept = drawn_strobes(record.events, rows, 100)
    assert 90 <= len(kept) <= 100 and np.all(np.diff(kept) > 0) and np.isin(kept, rows).all()
    table = record.events.take(rows).select(["sensor_id", "threat_id", "detail"]).to_pandas()
    firsts = rows[~table.duplicated().to_numpy()]
    assert 0 < len(firsts) < 100 and np.isin(firsts, kept).all()


def test_each_strobe_hover_names_its_radar_time_and_azimuth(record) -> None:
    strobes = events_of(record, "strobe").to_pylist()
    hover = np.asarray(trace(build_map(record).figure, "jam strobe").text, dtype=object).reshape(-1, VERTICES)
    for event, texts in zip(strobes, hover, strict=True):
        assert len(set(texts)) == 1
        assert texts[0].startswith(f"{record.sensor_name(event['sensor_id'])}: jam strobe of {event['detail']}<br>")
        assert f"t {event['t_s']:,.0f} s" in texts[0] and f"azimuth {event['value']:.1f}°" in texts[0]


@pytest.mark.parametrize("geographic", [False, True])
def test_each_jammer_fix_is_a_marker_where_the_event_places_it_with_its_error(record, geographic) -> None:
    fixes = events_of(record, "jammer_located")
    assert fixes.num_rows >= 2
    built = build_map(record, geographic=geographic)
    markers = trace(built.figure, "jammer fix")
    x, y = built.frame.xy(fixes.column("lat_deg").to_numpy(), fixes.column("lon_deg").to_numpy())
    np.testing.assert_allclose(markers.x, x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(markers.y, y, rtol=0, atol=1e-12)
    for event, text in zip(fixes.to_pylist(), markers.text, strict=True):
        assert f"error {event['value']:,.0f} m" in text and f"t {event['t_s']:,.0f} s" in text
    started = [text for text in markers.text if "starts track" in text]
    assert started, "the fighters' pods are fixed and their fixes start tracks"
    assert isinstance(built.frame, GeoFrame if geographic else MapFrame)


@pytest.mark.parametrize("geographic", [False, True])
def test_the_demo_map_has_no_strobes_and_no_fixes(demo_result, geographic) -> None:
    figure = build_map(RunRecord.of_result(demo_result, summary_of(demo_result)), geographic=geographic).figure
    assert not {"jam strobe", "jammer fix"} & {t.name for t in figure.data}


def test_the_report_draws_strobes_and_fixes_in_chromium(browser, result, tmp_path) -> None:
    """The report written with the run, opened in Debian's headless Chromium with the network off: both maps
    hold the strobe trace (every strobe) and the fix markers, their legends name them, the replay log tells
    the strobes, and no script fails."""
    write_run(result, tmp_path / "run")
    record = read_run_folder(tmp_path / "run")
    strobes = events_of(record, "strobe").num_rows
    fixes = events_of(record, "jammer_located").num_rows
    opened = browser.open(tmp_path / "run" / "report.html")
    page = opened.page
    for figure in ("#map", "#map-geo"):
        page.wait_for_selector(f"{figure} .main-svg", state="attached")
        drawn = page.evaluate("""(id) => {
            const data = document.getElementById(id)._fullData;  // as drawn: the arrays decoded
            const named = (name) => data.find(trace => trace.name === name);
            return [named("jam strobe").x.length, named("jammer fix").x.length];
        }""", figure[1:])
        assert drawn == [strobes * VERTICES, fixes]
        legend = page.locator(f"{figure} .legendtext").all_text_contents()
        assert "jam strobe" in legend and "jammer fix" in legend
        assert page.locator(f"{figure} .scatterlayer .trace path.js-line").count() > 0
    assert page.locator("#replay-log", has_text="sees a jam strobe of Growler").count() == 1
    page.locator("#map").screenshot(path=str(tmp_path / "strobe-map.png"))
    assert opened.errors == [] and opened.blocked == []
    page.close()
