"""The results folder of a run: event log, summary, scenario and report, each written atomically.

Each file is written to a temporary name in the same folder and renamed into
place, so a reader never sees a half-written file and an interrupted run
leaves either the old file or the new one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from iadsim import __version__
from iadsim.engine import RunResult

EVENTS_FILE = "events.parquet"
SUMMARY_FILE = "summary.json"
SCENARIO_FILE = "scenario.yaml"
REPORT_FILE = "report.html"
_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)``, then rename the temporary file to ``path``."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def summary_of(result: RunResult) -> dict[str, object]:
    """The JSON summary: identity of the run and its metrics."""
    return {
        "scenario": result.scenario.name,
        "scenario_hash": result.scenario_hash,
        "seed": result.seed,
        "iadsim_version": __version__,
        "events": result.events.num_rows,
        "metrics": result.metrics,
    }


def render_report_of(result: RunResult) -> str:
    """The run report (``report.html``) of a run just simulated, from its events and scenario."""
    from iadsim.report.page import render_run_report
    from iadsim.report.record import RunRecord

    return render_run_report(RunRecord.of_result(result, summary_of(result)))


def write_run(result: RunResult, folder: str | Path) -> dict[str, Path]:
    """Write a run's results into ``folder`` (created if needed); return the paths written."""
    folder = Path(folder)
    report = render_report_of(result)  # before any file is written: a failure leaves the folder as it was
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in (EVENTS_FILE, SUMMARY_FILE, SCENARIO_FILE, REPORT_FILE)}
    atomic_write(paths[EVENTS_FILE], lambda temporary: pq.write_table(result.events, temporary))
    atomic_write_text(paths[SUMMARY_FILE], json.dumps(summary_of(result), indent=2) + "\n")
    scenario = yaml.safe_dump(result.scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    atomic_write_text(paths[SCENARIO_FILE], "# The scenario as run, every quantity in SI units.\n" + scenario)
    atomic_write_text(paths[REPORT_FILE], report)
    return paths
