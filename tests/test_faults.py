"""Faults a run and a study must survive (issue 16): a full disk, a read-only folder, SIGKILL and Ctrl-C at
any moment. Each ends in exit 0, 2 (with a message) or 130, never a traceback, never a half-written folder;
workers never outlive the study.

Full and read-only disks are small tmpfs mounts where this machine allows it (as root); elsewhere a full
disk is simulated (the writer raises ENOSPC) and a read-only folder is one without write permission.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import yaml

from iadsim import cli
from tests.helpers import exit_and_error
from tests.study.conftest import write_study

GOOD = Path(__file__).parent / "data" / "good_minimal.yaml"
LIVE_INTERRUPTS = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
RUN_FILES = ["entities.parquet", "events.parquet", "report.html", "scenario.yaml", "summary.json"]


def short_scenario(folder: Path, seed: int = 1) -> Path:
    """good_minimal.yaml cut to 2 simulated minutes (about 2 s a run)."""
    data = yaml.safe_load(GOOD.read_text())
    data.update(duration="2 min", seed=seed)
    path = folder / f"short-{seed}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def command(*args: str) -> list[str]:
    """The iadsim command in a subprocess, with Ctrl-C live even where this test runs with SIGINT ignored."""
    return [sys.executable, "-c", LIVE_INTERRUPTS + "from iadsim.entry import main; main()", *args]


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    mount_point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` (already filled) read-only: a read-only remount of a tmpfs as root, else chmod."""
    if can_mount():
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
    else:
        modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(modes[path] & ~0o222)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


def fill(folder: Path, leave_bytes: int) -> None:
    """Fill the file system of ``folder`` until about ``leave_bytes`` are free."""
    status = os.statvfs(folder)
    free = status.f_bavail * status.f_frsize
    with open(folder / "ballast", "wb") as handle:
        handle.write(b"\0" * max(0, free - leave_bytes))


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob(".*.tmp*"))


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 32 MiB disk of its own (a tmpfs), or skip where it cannot be mounted."""
    if not can_mount():
        pytest.skip("needs root to mount a tmpfs")
    with tmpfs(tmp_path / "disk", "32m") as mount_point:
        yield mount_point


# --- full disk ---------------------------------------------------------------------------------------------

def test_run_refuses_a_disk_without_room_before_simulating(disk, tmp_path):
    fill(disk, 2 * 2**20)
    code, message = exit_and_error("run", str(short_scenario(tmp_path)), "-o", str(disk / "out"))
    assert code == 2 and "MiB are free" in message and "Traceback" not in message
    assert not (disk / "out").exists() and leftovers(disk) == []


def test_run_onto_a_full_disk_keeps_the_old_results_whole(disk, tmp_path, monkeypatch):
    """The disk fills while the new results are written: exit 2, the previous run's folder untouched."""
    out = disk / "out"
    assert exit_and_error("run", str(short_scenario(tmp_path, seed=1)), "-o", str(out), "-q")[0] == 0
    before = {name: (out / name).read_bytes() for name in RUN_FILES}
    fill(disk, 200_000)
    monkeypatch.setattr("iadsim.files._check_writable", lambda folder, needed: None)  # let the write begin
    code, message = exit_and_error("run", str(short_scenario(tmp_path, seed=2)), "-o", str(out))
    assert code == 2 and "No space left on device" in message and "Traceback" not in message, message
    assert {name: (out / name).read_bytes() for name in RUN_FILES} == before
    assert leftovers(disk) == [] and sorted(p.name for p in disk.iterdir()) == ["ballast", "out"]


def test_a_simulated_enospc_is_a_message_and_leaves_nothing(tmp_path, monkeypatch):
    """The same without a mount: the event writer raises ENOSPC, as a full disk would."""
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("iadsim.results.pq.write_table", full)
    code, message = exit_and_error("run", str(short_scenario(tmp_path)), "-o", str(tmp_path / "a" / "b"))
    assert code == 2 and "No space left on device" in message and "free some space" in message
    assert not (tmp_path / "a").exists(), "parent folders made for the run are removed again"


def test_study_onto_a_full_disk_exits_2_and_resumes_once_there_is_room(disk, tmp_path, monkeypatch):
    study = write_study(tmp_path, replications=4)
    out = disk / "out"
    fill(disk, 100_000)  # room for the manifest and a few batches, not for the database at the end
    monkeypatch.setattr("iadsim.files._check_writable", lambda folder, needed: None)  # let the study begin
    code, message = exit_and_error("study", str(study), "-o", str(out), "--executor", "inprocess", "-q")
    assert code == 2 and "No space left on device" in message and "Traceback" not in message, message
    assert leftovers(disk) == [], "no stray temporary file or .wal"
    (disk / "ballast").unlink()
    monkeypatch.undo()
    code, message = exit_and_error("study", str(study), "-o", str(out), "--executor", "inprocess", "-q")
    assert code == 0, message
    assert (out / "study.duckdb").stat().st_size > 0 and leftovers(disk) == []


# --- read-only folders -------------------------------------------------------------------------------------

def test_run_and_study_into_a_read_only_folder_exit_2(tmp_path):
    place = tmp_path / "ro"
    with contextlib.ExitStack() as stack:
        if can_mount():
            stack.enter_context(tmpfs(place, "8m"))
        else:
            place.mkdir()
        stack.enter_context(read_only(place))
        for args in (["run", str(short_scenario(tmp_path)), "-o", str(place / "out")],
                     ["study", str(write_study(tmp_path, replications=1)), "-o", str(place / "study")]):
            code, message = exit_and_error(*args)
            assert code == 2 and "cannot write" in message and "Traceback" not in message, message
            assert not any(place.iterdir())


def test_study_summary_reads_a_read_only_folder_without_rewriting_it(tmp_path, capsys, monkeypatch):
    place = tmp_path / "ro"
    with contextlib.ExitStack() as stack:
        if can_mount():
            stack.enter_context(tmpfs(place, "16m"))
        else:
            place.mkdir()
        study = write_study(tmp_path, replications=2)
        assert exit_and_error("study", str(study), "-o", str(place / "s"), "--executor", "inprocess", "-q")[0] == 0
        stamps = {path: path.stat().st_mtime_ns for path in (place / "s").rglob("*")}
        stack.enter_context(read_only(place))
        monkeypatch.setattr(sys, "argv", ["iadsim", "study", "summary", str(place / "s")])
        with pytest.raises(SystemExit) as stop:
            cli.main()
        captured = capsys.readouterr()
        assert stop.value.code == 0, captured.err
        assert "leak_fraction" in captured.out and "cannot be written" in captured.err
        assert {path: path.stat().st_mtime_ns for path in (place / "s").rglob("*")} == stamps


# --- kills -------------------------------------------------------------------------------------------------

def assert_whole_run_folder_or_none(out: Path) -> None:
    if out.exists():
        assert sorted(p.name for p in out.iterdir()) == RUN_FILES
        json.loads((out / "summary.json").read_text())


@pytest.mark.parametrize("trial", range(4))
def test_sigkill_of_run_at_a_random_moment_leaves_old_or_new_results(trial, tmp_path):
    scenario = short_scenario(tmp_path)
    out = tmp_path / "out"
    if trial % 2:
        subprocess.run(command("run", str(scenario), "-o", str(out), "-q"), check=True, capture_output=True)
    process = subprocess.Popen(command("run", str(scenario), "-o", str(out), "-q"), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(random.Random(trial).uniform(0.0, 1.0) + 1.2 * trial)  # the first second, then later moments
    process.kill()
    process.wait()
    assert_whole_run_folder_or_none(out)
    done = subprocess.run(command("run", str(scenario), "-o", str(out), "-q"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_whole_run_folder_or_none(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "staging of the killed run removed"


@pytest.mark.parametrize("trial", range(6))
def test_ctrl_c_of_run_at_any_moment_exits_130_or_0_never_by_the_signal(trial, tmp_path):
    scenario = short_scenario(tmp_path)
    out = tmp_path / "out"
    process = subprocess.Popen(command("run", str(scenario), "-o", str(out), "-q"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(random.Random(trial).uniform(0.5, 5.0))  # around the end of the run (2-4 s) and after it
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode in (0, 130), (process.returncode, stderr)
    assert "Traceback" not in stderr
    assert_whole_run_folder_or_none(out)


def session_processes(session: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error, ProcessLookupError):
            if os.getsid(process.pid) == session:
                found.append(process)
    return found


@pytest.mark.parametrize("delay_s", [0.3, 0.9, 1.6, 3.0])
def test_sigkill_of_a_study_leaves_no_worker_alive(delay_s, tmp_path):
    """Killed at any moment, from its first second (workers still starting) on, the study's workers and
    the resource tracker end too (all are in the study's session)."""
    study = write_study(tmp_path, replications=6)
    process = subprocess.Popen(command("study", str(study), "-o", str(tmp_path / "out"), "-w", "2", "-q"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay_s)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 15
    while (alive := session_processes(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive == [], [p.cmdline() for p in alive]
