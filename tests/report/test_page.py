"""The run report as a file: self-contained, escaped, small, and rebuilt the same from its results folder."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
import yaml

import iadsim
from iadsim.report.escape import json_for_script
from iadsim.report.page import render_run_report
from iadsim.report.record import RunRecord, read_run_folder
from iadsim.results import summary_of, write_run
from tests.helpers import BASE, raid, unit

HOSTILE = "<script>alert(1)</script><!-- x --></script>"


def embedded_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert found, "the page embeds its data as JSON"
    return json.loads(found.group(1))


def numbers(array: list | dict) -> np.ndarray:
    """A plotly array from JSON: a list, or a typed array as ``{dtype, bdata}`` (base64)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.array([np.nan if value is None else value for value in array], dtype=float)


@pytest.fixture(scope="module")
def demo_page(demo_folder):
    return (demo_folder / "report.html").read_text(encoding="utf-8")


def test_the_page_needs_nothing_from_outside(demo_page):
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)=', demo_page), "no external script, style or image"
    assert not re.search(r'url\(\s*["\']?https?:', demo_page), "no style fetches anything"
    data = embedded_data(demo_page)
    assert set(data["figures"]) == {"map", "map-geo", "timeline", "chart-interceptors", "chart-kills", "chart-reaction",
                                    "chart-cost"}
    coast = next(trace for trace in data["figures"]["map"]["data"] if trace["name"] == "coastline")
    assert np.isfinite(numbers(coast["x"])).sum() > 50, "the coastline is drawn from the shipped outline"


def test_the_demo_report_stays_under_10_mb(demo_folder):
    assert (demo_folder / "report.html").stat().st_size < 10e6


def test_the_report_shows_every_threat_and_the_scenario(demo_page, demo_result):
    for name in ("Drone swarm", "Strike package", "Battery Alpha", "Port City", "path_interval"):
        assert name in demo_page
    replay = embedded_data(demo_page)["replay"]
    assert len(replay["threats"]["offsets"]) - 1 == demo_result.metrics["threats"]
    assert len(replay["interceptors"]["offsets"]) - 1 == demo_result.metrics["interceptors_fired"]


def test_the_report_rebuilt_from_its_folder_is_the_same(demo_folder, demo_page):
    assert render_run_report(read_run_folder(demo_folder)) == demo_page


def test_json_in_the_page_can_close_no_element_and_open_no_comment():
    text = json_for_script({"name": HOSTILE, "line": "\u2028"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": HOSTILE, "line": "\u2028"}


def test_scenario_names_are_text_everywhere(tmp_path):
    data = dict(BASE, assets=[dict(BASE["assets"][0], name=HOSTILE)],
                units=[unit("generic-sr-sam", 4, name=f"unit {HOSTILE}")],
                raids=[raid(name=f"raid {HOSTILE}", count=3, target=HOSTILE)])  # names are unique across kinds
    data["description"] = HOSTILE
    result = iadsim.simulate(iadsim.load_scenario(data))
    page = render_run_report(RunRecord.of_result(result, summary_of(result)))
    assert page.count("<script") == page.count("</script>") == 3, "plotly, the data, the page's script: no more"
    assert "<!--" not in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data_text = json.dumps(embedded_data(page))
    assert "&lt;script&gt;alert(1)" in data_text, "labels in figures are entities, which plotly shows as text"


def test_write_run_renders_the_report_before_writing_anything(tmp_path, demo_result, monkeypatch):
    import iadsim.report.page

    def broken(*args, **kwargs):
        raise RuntimeError("report failed")

    monkeypatch.setattr(iadsim.report.page, "render_run_report", broken)
    with pytest.raises(RuntimeError):
        write_run(demo_result, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_scenario_yaml_of_the_folder_is_what_the_report_shows(demo_folder, demo_page):
    scenario = yaml.safe_load((demo_folder / "scenario.yaml").read_text())
    assert scenario["name"] in demo_page
