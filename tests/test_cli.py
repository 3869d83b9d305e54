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
    assert sorted(p.name for p in out.iterdir()) == ["entities.parquet", "events.parquet", "report.html",
                                                     "scenario.yaml", "summary.json"]
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
                                  ["catalog", "list"], ["catalog", "show"], ["catalog", "check"], ["models"]])
def test_every_verb_has_help(verb):
    done = iadsim_cli(*verb, "--help")
    assert done.returncode == 0 and "Usage" in done.stdout


def test_validate_catalog_and_verify_succeed():
    assert "ok" in iadsim_cli("validate", str(DEMO)).stdout
    listing = iadsim_cli("catalog", "list", "--kind", "threat").stdout
    assert "generic-drone" in listing and "generic-lr-sam" not in listing
    shown = iadsim_cli("catalog", "show", "generic-lr-interceptor")
    assert "wiki-patriot" in shown.stdout and "MIM-104 Patriot" in shown.stdout
    checked = iadsim_cli("verify", "--case", "radar-horizon")  # every case runs in tests/verify/test_cases.py
    assert checked.returncode == 0 and "radar-horizon" in checked.stdout and "pass" in checked.stdout


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


GOOD = Path(__file__).parent / "data" / "good_minimal.yaml"


def short(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(GOOD.read_text())
    data.update(duration="2 min", **changes)
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def in_process(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    from iadsim import cli

    monkeypatch.setattr(sys, "argv", ["iadsim", *args])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


@pytest.mark.parametrize("name", ["x [/nonexistent] y", "[link=https://example.com]click[/link]", "[bold]b"])
def test_names_with_rich_markup_print_literally(name, tmp_path, capsys, monkeypatch):
    path = short(tmp_path, name=name)
    code, out, err = in_process(["validate", str(path)], capsys, monkeypatch)
    assert code == 0 and name in out, err
    code, out, err = in_process(["run", str(path), "-o", str(tmp_path / "o[/x]")], capsys, monkeypatch)
    assert code == 0, err
    assert f"{name} (seed 1)" in out and "o[/x]" in out and "\x1b]8;" not in out


def test_odd_output_paths_are_refused_before_the_run(tmp_path, capsys, monkeypatch):
    path = short(tmp_path)
    (tmp_path / "a file").write_text("x")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    for output, fragment in ((tmp_path / "a file", "is a file, not a folder"),
                             (tmp_path / "a file" / "sub", "is a file, so"),
                             (tmp_path / "mine", "holds files that are not results")):
        code, _, err = in_process(["run", str(path), "-o", str(output)], capsys, monkeypatch)
        assert code == 2 and fragment in err and "Traceback" not in err, err
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_a_rerun_replaces_the_folder_whole(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert in_process(["run", str(short(tmp_path)), "-o", str(out), "-q"], capsys, monkeypatch)[0] == 0
    (out / "run.kml").write_text("an export of the old run")
    assert in_process(["run", str(short(tmp_path, seed=9)), "-o", str(out), "-q"], capsys, monkeypatch)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["entities.parquet", "events.parquet", "report.html",
                                                     "scenario.yaml", "summary.json"]
    assert json.loads((out / "summary.json").read_text())["seed"] == 9
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_simulate_reports_progress_in_simulated_time(tmp_path):
    calls: list[float] = []
    started = __import__("time").monotonic()
    result = iadsim.simulate(iadsim.load_scenario(short(tmp_path)), progress=calls.append)
    wall_s = __import__("time").monotonic() - started
    assert calls == sorted(calls) and all(0 < t <= 120 for t in calls)
    assert len(calls) <= wall_s / 0.25 + 1, "at most four calls a second of wall time"
    assert result.metrics == iadsim.simulate(iadsim.load_scenario(short(tmp_path))).metrics


def test_the_run_progress_bar_shows_on_a_terminal_only(monkeypatch):
    from rich.console import Console

    from iadsim import terminal

    monkeypatch.setattr(terminal, "SHOW_PROGRESS_AFTER_S", 0.0)
    screen = Console(force_terminal=True, record=True, width=100)
    bar = terminal.RunProgress(600.0, screen)
    bar(300.0)
    assert bar.bar is not None and bar.bar.tasks[0].completed == 300.0
    bar.close()
    assert terminal.RunProgress(600.0, Console(force_terminal=False)).enabled is False
    assert terminal.RunProgress(600.0, screen, enabled=False).enabled is False


def test_validate_checks_a_study_file():
    done = iadsim_cli("validate", str(Path(__file__).parent.parent / "examples" / "demo-study.yaml"))
    assert done.returncode == 0 and "6 point(s)" in done.stdout, done.stderr
