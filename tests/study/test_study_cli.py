"""`iadsim study` and `iadsim study summary` end to end, as a user types them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES

IADSIM = str(Path(sys.executable).parent / "iadsim")


def iadsim_cli(*args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}  # Dask's own setting
    return subprocess.run([IADSIM, *args], capture_output=True, text=True, check=False, env=environment)


def test_study_then_summary(study_file, tmp_path):
    out = tmp_path / "out"
    done = iadsim_cli("study", str(study_file), "-o", str(out), "--executor", "inprocess", "-n", "3")
    assert done.returncode == 0, done.stderr
    assert "leak_fraction" in done.stdout and "6 replications run" in done.stdout
    assert "2 point(s) x 3 replications" in done.stderr
    summary = iadsim_cli("study", "summary", str(out), "--metric", "leaked_any", "--metric", "cost_defender")
    assert summary.returncode == 0, summary.stderr
    lines = [line for line in summary.stdout.splitlines() if "generic-sr-interceptor=" in line]
    assert len(lines) == 4 and "leak_fraction" not in summary.stdout
    again = iadsim_cli("study", str(study_file), "-o", str(out), "-n", "3", "-q")
    assert again.returncode == 0 and "0 replications run" in again.stdout and "6 were stored before" in again.stdout


def test_user_mistakes_exit_2_without_traceback(study_file, tmp_path):
    cases = [
        (("study", str(tmp_path / "missing.yaml")), "missing.yaml"),
        (("study", "summary", str(tmp_path)), "is not a study results folder"),
        (("study", "summary"), "needs the study's results folder"),
        (("study", str(study_file), "--executor", "threads"), "unknown executor 'threads'"),
        (("study", str(study_file), "--executor", "local", "--cluster", "tcp://127.0.0.1:1"),
         "--cluster needs the dask executor"),
        (("study", str(study_file), "--cluster", "tcp://127.0.0.1:1", "-o", str(tmp_path / "c")),
         "cannot reach a Dask scheduler at tcp://127.0.0.1:1: Timed out trying to connect"),
    ]
    for args, message in cases:
        done = iadsim_cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_the_demo_study_file_is_valid():
    from iadsim.study.spec import load_study

    plan = load_study(EXAMPLES / "demo-study.yaml")
    assert len(plan.points) == 6 and plan.study.replications >= 30
    assert {point.scenario.units[0].inventory["generic-lr-interceptor"] for point in plan.points} == {8, 16, 24}
