"""The command line end to end: results folder, summary, report escaping, help on every verb."""

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

import iadsim
from tests.conftest import DEMO
from tests.helpers import BASE, raid

IADSIM = str(Path(sys.executable).parent / "iadsim")


def iadsim_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([IADSIM, *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_run_writes_events_summary_scenario_and_report(tmp_path):
    done = iadsim_cli("run", str(DEMO), "-o", str(tmp_path / "out"), "--seed", "5")
    assert done.returncode == 0, done.stderr
    for word in ("threats", "detected", "engaged", "killed", "leaked", "interceptors used"):
        assert word in done.stdout
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["events.parquet", "report.html", "scenario.yaml", "summary.json"]
    summary = json.loads((out / "summary.json").read_text())
    again = iadsim.simulate(iadsim.load_scenario(DEMO), seed=5)
    assert summary["seed"] == 5 and summary["metrics"] == again.metrics
    assert pq.read_table(out / "events.parquet").num_rows == again.events.num_rows
    rerun = iadsim.load_scenario(yaml.safe_load((out / "scenario.yaml").read_text()))
    assert iadsim.simulate(rerun, seed=5).metrics == again.metrics, "scenario.yaml reproduces the run"


def test_the_report_escapes_names_from_the_scenario(tmp_path):
    data = dict(BASE, raids=[raid(name="<script>alert(1)</script>")])
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(data))
    assert iadsim_cli("run", str(path), "-o", str(tmp_path / "out"), "-q").returncode == 0
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_default_output_folder_is_results_slash_file_name(tmp_path):
    done = iadsim_cli("run", str(DEMO), "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "results" / "demo" / "events.parquet").exists()


@pytest.mark.parametrize("verb", [[], ["run"], ["validate"], ["demo"], ["verify"], ["catalog"],
                                  ["catalog", "list"], ["catalog", "show"], ["models"]])
def test_every_verb_has_help(verb):
    done = iadsim_cli(*verb, "--help")
    assert done.returncode == 0 and "Usage" in done.stdout


def test_validate_catalog_and_verify_succeed():
    assert "ok" in iadsim_cli("validate", str(DEMO)).stdout
    listing = iadsim_cli("catalog", "list", "--kind", "threat").stdout
    assert "generic-drone" in listing and "generic-lr-sam" not in listing
    shown = iadsim_cli("catalog", "show", "generic-lr-interceptor")
    assert "wiki-patriot" in shown.stdout and "MIM-104 Patriot" in shown.stdout
    assert iadsim_cli("verify").returncode == 0


def test_unknown_catalog_type_and_kind_are_user_errors():
    shown = iadsim_cli("catalog", "show", "generic-dron")
    assert shown.returncode == 2 and "did you mean 'generic-drone'?" in shown.stderr
    assert iadsim_cli("catalog", "list", "--kind", "tank").returncode == 2


def test_models_lists_every_registered_model_with_the_defaults():
    done = iadsim_cli("models")
    assert done.returncode == 0, done.stderr
    rows = {tuple(cell.strip() for cell in line.split("│")[1:4]) for line in done.stdout.splitlines() if "│" in line}
    assert ("track", "ekf", "") in rows and ("move", "waypoint", "yes") in rows and ("fly", "flyout", "") in rows
    assert "``" not in done.stdout and ":class:" not in done.stdout


@pytest.mark.parametrize("verb", [["run"], ["demo"], ["report"], ["export"], ["study"]])
def test_help_shows_the_defaults_written_in_option_help(verb):
    """Rich reads "[default: ...]" as markup and drops it unless the bracket is escaped."""
    done = iadsim_cli(*verb, "--help")
    assert done.returncode == 0 and "[default:" in done.stdout
