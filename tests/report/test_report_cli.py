"""`iadsim report` and `iadsim export` end to end: what they write, and that bad input writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import iadsim_command


@pytest.fixture
def folder(tmp_path: Path, demo_folder: Path) -> Path:
    """A private copy of the demo's results folder."""
    copy = tmp_path / "run"
    shutil.copytree(demo_folder, copy)
    return copy


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_report_rebuilds_the_page_from_the_folder(folder):
    before = (folder / "report.html").read_bytes()
    (folder / "report.html").unlink()
    done = iadsim_command("report", str(folder))
    assert done.returncode == 0, done.stderr
    assert (folder / "report.html").read_bytes() == before


def test_report_draws_the_coverage_altitudes_asked_for(folder, tmp_path):
    done = iadsim_command("report", str(folder), "--altitude", "50 m", "--altitude", "8 km", "-o", str(tmp_path / "r.html"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "r.html").read_text()
    assert "radar coverage at 50 m" in page and "radar coverage at 8 km" in page
    assert "radar coverage at 30 m" not in page


@pytest.mark.parametrize("fmt", ["czml", "geojson", "kml", "dis"])
def test_export_writes_one_file_per_format(folder, fmt):
    done = iadsim_command("export", str(folder), "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert (folder / f"run.{fmt}").stat().st_size > 1000


def test_export_takes_an_epoch_and_an_output(folder, tmp_path):
    done = iadsim_command("export", str(folder), "-f", "czml", "--epoch", "2024-04-13T22:00:00Z", "-o",
                      str(tmp_path / "x.czml"))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "x.czml").read_text())[0]["clock"]["currentTime"].startswith("2024-04-13T22:00")


def break_parquet(folder: Path) -> None:
    (folder / "events.parquet").write_bytes(b"not parquet")


def break_summary(folder: Path) -> None:
    (folder / "summary.json").write_text("{ not json")


def break_scenario(folder: Path) -> None:
    (folder / "scenario.yaml").write_text("name: x\nduration: -1\n")


def drop_events(folder: Path) -> None:
    (folder / "events.parquet").unlink()


@pytest.mark.parametrize("damage, message", [
    (break_parquet, "not a readable Parquet file"),
    (break_summary, "not valid JSON"),
    (break_scenario, "duration"),
    (drop_events, "events.parquet missing"),
])
@pytest.mark.parametrize("verb", [["report"], ["export", "-f", "kml"]])
def test_a_damaged_folder_is_refused_and_nothing_is_written(folder, damage, message, verb):
    damage(folder)
    before = snapshot(folder)
    done = iadsim_command(*verb, str(folder))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert snapshot(folder) == before


@pytest.mark.parametrize("args, message", [
    (["export", "{folder}", "-f", "kmz"], "did you mean 'kml'"),
    (["export", "{folder}", "-f", "czml", "--epoch", "yesterday"], "cannot read 'yesterday' as a time"),
    (["report", "{folder}", "--altitude", "30 s"], "is a time, but a length is expected"),
    (["report", "{folder}", "--altitude", "-3 m"], "below the ellipsoid"),
    (["report", "{folder}", "-o", "{folder}/missing/report.html"], "does not exist"),
    (["report", "{folder}/report.html"], "is a file, not a folder"),
    (["report", "{folder}/nowhere"], "does not exist"),
    (["replay", "{folder}", "--dis", "tcp://127.0.0.1:3000"], "is not a UDP address"),
    (["replay", "{folder}", "--dis", "127.0.0.1:3000"], "is not a UDP address (no scheme)"),
    (["replay", "{folder}", "--dis", "udp://192.0.2.7:3000"], "is not on this machine's loopback"),
    (["replay", "{folder}", "--dis", "udp://127.0.0.1"], "is not of the form udp://HOST:PORT"),
    (["replay", "{folder}", "--dis", "udp://127.0.0.1:99999"], "has no valid port"),
    (["replay", "{folder}", "--dis", "udp://127.0.0.1:3000", "--speed", "0"], "is not a positive number"),
    (["replay", "{folder}/nowhere", "--dis", "udp://127.0.0.1:3000"], "does not exist"),
])
def test_bad_arguments_are_refused_and_nothing_is_written(folder, args, message):
    before = snapshot(folder)
    done = iadsim_command(*(arg.format(folder=folder) for arg in args))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert snapshot(folder) == before


def test_a_folder_that_is_not_a_results_folder_says_what_one_is(tmp_path):
    done = iadsim_command("report", str(tmp_path))
    assert done.returncode == 2 and "iadsim run SCENARIO -o DIR" in done.stderr


def test_a_remote_dis_address_needs_allow_remote_and_says_so(folder):
    done = iadsim_command("replay", str(folder), "--dis", "udp://192.0.2.7:3000")
    assert done.returncode == 2 and "--allow-remote" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("verb", ["report", "export", "replay"])
def test_every_new_verb_has_help(verb):
    done = iadsim_command(verb, "--help")
    assert done.returncode == 0 and "Usage" in done.stdout
