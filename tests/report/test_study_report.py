"""The study report (`iadsim report STUDY_DIR`) in Debian's headless Chromium, network off: every chart draws,
no script error, no request leaves the file, and names from the study and the scenario show as text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iadsim.study.executors import make_executor
from iadsim.study.runner import finish, run_study
from iadsim.study.spec import load_study
from iadsim.study.store import StudyStore
from tests.study.conftest import TINY_SCENARIO

HOSTILE = "<script>alert(1)</script>"
STUDY = f"""\
name: "{HOSTILE} study"
scenario: tiny.yaml
replications: 4
seed: 9
sweeps:
  - path: units[0].inventory.generic-sr-interceptor
    values: [1, 3, 6]
  - path: raids[0].name
    values: ["{HOSTILE}", "Drones"]
"""


@pytest.fixture(scope="module")
def study_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small study with a hostile name and a hostile swept value, run once for the module."""
    folder = tmp_path_factory.mktemp("study")
    (folder / "tiny.yaml").write_text(TINY_SCENARIO, encoding="utf-8")
    (folder / "study.yaml").write_text(STUDY, encoding="utf-8")
    plan = load_study(folder / "study.yaml")
    out = folder / "out"
    with StudyStore.create_or_resume(out, plan) as store:
        run_study(plan, store, make_executor("inprocess"), plan.study.replications)
        finish(store)
    return out


def test_the_study_report_draws_everything_offline_and_escapes_names(browser, study_folder, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(study_folder, out)
    done = subprocess.run([str(Path(sys.executable).parent / "iadsim"), "report", str(out)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    report = out / "report.html"
    html = report.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html, "nothing loaded from elsewhere"
    opened = browser.open(report)
    page = opened.page
    sweep_charts = page.locator("#sweeps-section .figure")
    assert sweep_charts.count() == 2 * 5, "each headline metric against each of the two sweeps"
    for index in range(sweep_charts.count()):
        chart = sweep_charts.nth(index)
        chart.locator(".main-svg").first.wait_for(state="attached")
        assert chart.locator(".scatterlayer path.js-line").count() >= 2, "a line per value of the other sweep"
        assert chart.locator(".scatterlayer path.js-fill").count() >= 1, "confidence bands"
    leak = page.locator("#sweep-0-leak_fraction")
    assert HOSTILE in " ".join(leak.locator(".legendtext").all_text_contents())
    boxes = page.locator("#distributions-section .figure")
    assert boxes.count() == 5
    for index in range(boxes.count()):
        boxes.nth(index).locator(".boxlayer path").first.wait_for(state="attached")
    assert page.locator("#results tbody tr").count() == 6
    assert HOSTILE in page.locator("#results").text_content()
    assert page.locator("h1").text_content() == f"{HOSTILE} study"
    assert page.locator("body script").count() == 2, "no script element came from the study"
    page.screenshot(path=str(tmp_path / "study-report.png"), full_page=True)
    assert opened.errors == [] and opened.blocked == []
    page.close()


def test_a_study_folder_without_summary_still_reports(study_folder, tmp_path):
    from iadsim.report.study_page import StudyRecord, render_study_report

    out = tmp_path / "out"
    shutil.copytree(study_folder, out)
    (out / "summary.parquet").unlink()
    html = render_study_report(StudyRecord.read(StudyStore.open(out)))
    assert 'id="results"' in html and not (out / "summary.parquet").exists()
