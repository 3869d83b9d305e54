"""Interrupted studies: a SIGKILL mid-study loses only work in flight and leaves no damaged file; Ctrl-C
stops cleanly (exit 130) keeping finished batches; rerunning the same command completes the study with
exactly the results of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from iadsim.study.store import StudyStore
from tests.study.conftest import write_study

REPLICATIONS = 40  # a tiny replication takes about 20 ms: enough of them that a study is still running when stopped


def study_command(study_file: Path, folder: Path, *options: str) -> list[str]:
    """The study command, with Ctrl-C live as in a terminal even when this test runs where SIGINT is ignored
    (a background job inherits SIG_IGN, and Python then leaves it so)."""
    live_interrupts = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    return [sys.executable, "-c", live_interrupts + "from iadsim.cli import main; main()", "study", str(study_file),
            "-o", str(folder), "--quiet", *options]


def start_and_stop(study_file: Path, folder: Path, sig: int, options: tuple[str, ...],
                   after_files: int) -> subprocess.CompletedProcess:
    """Start the study in a subprocess of its own process group, and once ``after_files`` batch files exist
    send ``sig``: SIGINT to the whole group, as Ctrl-C in a terminal does; any other signal to the study's
    process alone (``kill -9 PID``). Returns when every process holding its output has ended."""
    process = subprocess.Popen(study_command(study_file, folder, *options), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while len(list((folder / "metrics").glob("p*.parquet"))) < after_files:
            assert process.poll() is None, f"the study ended before it was stopped: {process.communicate()}"
            assert time.monotonic() < deadline, "the study made no progress"
            time.sleep(0.02)
        if sig == signal.SIGINT:
            os.killpg(process.pid, sig)
        else:
            os.kill(process.pid, sig)
        stdout, stderr = process.communicate(timeout=120)  # returns once orphaned workers, too, have exited
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("whole")
    study_file = write_study(folder, REPLICATIONS)
    subprocess.run(study_command(study_file, folder / "out", "--executor", "inprocess", "--batch", "5"), check=True,
                   capture_output=True)
    return StudyStore.open(folder / "out").metrics().drop_columns(["run_time_s"])


@pytest.mark.parametrize("options", [("--executor", "inprocess", "--batch", "1"), ("--workers", "2", "--batch", "1")],
                         ids=["inprocess", "local-2"])
def test_sigkill_mid_study_then_resume(tmp_path, uninterrupted, options):
    study_file = write_study(tmp_path, REPLICATIONS)
    folder = tmp_path / "out"
    assert start_and_stop(study_file, folder, signal.SIGKILL, options, after_files=5).returncode == -signal.SIGKILL
    kept = StudyStore.open(folder)  # whole, readable: every stored batch checked
    stored = sum(batch.stop - batch.first for batch in kept.batches)
    assert 5 <= stored < 2 * REPLICATIONS
    for path in (folder / "metrics").glob("p*.parquet"):
        pq.read_table(path)
    resumed = subprocess.run(study_command(study_file, folder, *options), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{stored} were stored before" in resumed.stdout.replace("\n", " ")
    assert not list(folder.rglob(".*.tmp"))
    assert StudyStore.open(folder).metrics().drop_columns(["run_time_s"]).equals(uninterrupted)


# Batches of one and the signal after the first: the most work left when the signal is sent (a loaded machine can
# keep this test from looking at the folder for a second or more).
@pytest.mark.parametrize("options", [
    ("--workers", "2", "--batch", "1"),
    pytest.param(("--executor", "dask", "-w", "2", "--batch", "1"), marks=pytest.mark.slow),  # a minute: Dask's shutdown
], ids=["local-2", "dask-2"])
def test_ctrl_c_stops_cleanly_and_resumes(tmp_path, uninterrupted, options):
    study_file = write_study(tmp_path, REPLICATIONS)
    folder = tmp_path / "out"
    stopped = start_and_stop(study_file, folder, signal.SIGINT, options, after_files=1)
    assert stopped.returncode == 130, stopped.stderr
    assert "interrupted:" in stopped.stdout and "run the same command again to resume" in stopped.stdout
    assert "Traceback" not in stopped.stderr and "WARNING" not in stopped.stderr, stopped.stderr
    stored = StudyStore.open(folder).metrics()
    assert 0 < stored.num_rows < 2 * REPLICATIONS
    assert (folder / "summary.parquet").is_file() and (folder / "study.duckdb").is_file()
    resumed = subprocess.run(study_command(study_file, folder, *options), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert StudyStore.open(folder).metrics().drop_columns(["run_time_s"]).equals(uninterrupted)
