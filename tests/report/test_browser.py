"""The run report in a real browser: Debian's headless Chromium, network off.

Each test opens a report file, fails on any script error or any request that
is not for a local file, and saves screenshots under its temporary folder.
"""

from __future__ import annotations

import math

import yaml

import iadsim
from iadsim import geo
from iadsim.report.outcome import LAYER_NAMES
from iadsim.report.record import read_run_folder
from iadsim.results import write_run
from tests.helpers import BASE, raid, unit

FIGURES = ("#map", "#timeline", "#chart-interceptors", "#chart-kills", "#chart-reaction", "#chart-cost")
HOSTILE = "<script>alert(1)</script>"
HOSTILE_ASSET = "<img src=x onerror=alert(2)>"  # names are unique across kinds: the asset needs its own


def replay_positions(page, trace: str) -> list[tuple[float, float]]:
    """Where the map's replay trace (``threats`` or ``interceptors``) draws its markers now."""
    return page.evaluate(
        """(name) => {
            const data = JSON.parse(document.getElementById("report-data").textContent);
            const trace = document.getElementById("map").data[data.replay.traces[name]];
            return Array.from(trace.x).map((x, i) => [x, trace.y[i]]);
        }""", trace)


def test_the_demo_report_draws_everything_without_errors_or_network(browser, demo_folder, tmp_path):
    opened = browser.open(demo_folder / "report.html")
    page = opened.page
    for figure in FIGURES:
        page.wait_for_selector(f"{figure} .main-svg", state="attached")
        marks = page.locator(f"{figure} .scatterlayer path, {figure} .barlayer path").count()
        assert marks > 0, f"{figure} draws something"
    assert page.locator("#map .scatterlayer .trace").count() >= 10
    assert page.locator("#timeline .ytick text").count() == 30
    assert page.locator("#threats tbody tr").count() == 30
    page.screenshot(path=str(tmp_path / "report-top.png"))
    page.screenshot(path=str(tmp_path / "report-full.png"), full_page=True)
    assert opened.errors == [] and opened.blocked == []
    page.close()


def test_the_replay_slider_moves_threats_and_interceptors_and_scrolls_the_log(browser, demo_folder, tmp_path):
    opened = browser.open(demo_folder / "report.html")
    page = opened.page
    slider = page.locator("#replay-time")
    slider.fill("120")
    early = replay_positions(page, "threats")
    assert len(early) > 0, "drones are in the air two minutes in"
    slider.fill("180")
    later = replay_positions(page, "threats")
    assert later and later != early, "moving the slider moves the threats"
    assert page.locator("#replay-clock").text_content() == "3:00"
    past = page.locator("#replay-log tr.past").count()
    assert 0 < past < page.locator("#replay-log tbody tr").count()
    assert page.locator("#replay-log").evaluate("log => log.scrollTop") >= 0
    slider.fill("750")
    assert len(replay_positions(page, "interceptors")) > 0, "interceptors fly at 12.5 min, against the fighters"
    page.locator("#map-section").screenshot(path=str(tmp_path / "replay-12min.png"))
    slider.fill("0")
    assert replay_positions(page, "interceptors") == []
    assert opened.errors == [] and opened.blocked == []
    page.close()


def test_the_play_button_runs_the_clock(browser, demo_folder):
    opened = browser.open(demo_folder / "report.html")
    page = opened.page
    page.select_option("#replay-speed", "300")
    page.click("#replay-play")
    page.wait_for_function("document.getElementById('replay-clock').value !== '0:00'", timeout=5000)
    page.click("#replay-play")
    assert page.locator("#replay-play").text_content().strip().endswith("Play")
    assert opened.errors == []
    page.close()


def test_a_hostile_name_shows_as_text_and_runs_nothing(browser, tmp_path):
    data = dict(BASE, assets=[dict(BASE["assets"][0], name=HOSTILE_ASSET)], units=[unit("generic-sr-sam", 4)],
                raids=[raid(name=HOSTILE, count=2, target=HOSTILE_ASSET)], duration="40 min")
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data))
    result = iadsim.simulate(iadsim.load_scenario(path))
    write_run(result, tmp_path / "out")
    opened = browser.open(tmp_path / "out" / "report.html")
    page = opened.page
    page.wait_for_selector("#timeline .ytick text", state="attached")
    assert f"#0 {HOSTILE} (generic-drone)" in page.locator("#timeline .ytick text").all_text_contents()
    assert HOSTILE_ASSET in page.locator("#map text").all_text_contents(), "the asset's label on the map"
    assert HOSTILE in page.locator("#threats").text_content()
    assert page.locator("body script").count() == 2, "no script element came from the scenario"
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    assert opened.errors == [], "no dialog, no script error"
    page.close()


def test_screenshots_are_saved_under_the_tests_folder(browser, demo_folder, tmp_path):
    opened = browser.open(demo_folder / "report.html", viewport=(1280, 800))
    shot = tmp_path / "map.png"
    opened.page.locator("#map").screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    opened.page.close()



def test_the_geographic_map_draws_coastlines_and_geodesic_rings_in_degrees(browser, demo_folder):
    """The geographic view renders offline with coastline traces; a ring's vertices, read back from the
    drawn figure, lie at the envelope's range from the unit (Karney 2013 geodesic inverse, within 1 m)."""
    opened = browser.open(demo_folder / "report.html")
    page = opened.page
    page.wait_for_selector("#map-geo .main-svg", state="attached")
    drawn = page.evaluate("""() => document.getElementById("map-geo")._fullData.map(
        t => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])}))""")
    by_name = {trace["name"]: trace for trace in drawn}
    assert sum(math.isfinite(x) for x in by_name["coastline"]["x"]) > 50, "the Aegean coast is drawn"
    assert page.locator("#map-geo .scatterlayer .trace").count() >= 10
    assert "longitude" in page.locator("#map-geo .xtitle").text_content()
    record = read_run_folder(demo_folder)
    unit = record.scenario.units[0]
    weapon = next(name for name, rounds in unit.inventory.items() if rounds > 0)
    missile = record.catalog.interceptor(weapon)
    envelope = by_name[f"{LAYER_NAMES[missile.layer]} envelope"]  # its first ring is the first unit's
    ring = [(lat, lon) for lon, lat in zip(envelope["x"], envelope["y"], strict=True) if math.isfinite(lon)][:96]
    distances = [geo.geodesic_inverse(unit.position.lat, unit.position.lon, lat, lon)[0] for lat, lon in ring]
    assert len(ring) == 96 and max(abs(d - missile.max_range) for d in distances) < 1.0
    assert opened.errors == [] and opened.blocked == []
    page.close()
