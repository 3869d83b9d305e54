"""The results folder of a run: event log, entities, summary, scenario and report, written as a whole
or not at all (:func:`iadsim.files.write_folder`; its names are :mod:`iadsim.run_layout`'s).

The folder is checked before the simulation (:func:`iadsim.files.check_output_folder`); everything is
computed before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from iadsim import __version__
from iadsim.engine import RunResult
from iadsim.files import check_output_folder, write_folder
from iadsim.run_layout import (
    ENTITIES_FILE, EVENTS_FILE, REPORT_FILE, RESULTS_FORMAT, RUN_FILES, SCENARIO_FILE, SUMMARY_FILE,
)


def summary_of(result: RunResult) -> dict[str, object]:
    """The JSON summary: identity of the run and its metrics."""
    return {
        "scenario": result.scenario.name,
        "scenario_hash": result.scenario_hash,
        "seed": result.seed,
        "iadsim_version": __version__,
        "format": RESULTS_FORMAT,
        "events": result.events.num_rows,
        "metrics": result.metrics,
    }


def render_report_of(result: RunResult) -> str:
    """The run report (``report.html``) of a run just simulated, from its events and scenario."""
    from iadsim.report.page import render_run_report
    from iadsim.report.record import RunRecord

    return render_run_report(RunRecord.of_result(result, summary_of(result)))


def write_run(result: RunResult, folder: str | Path) -> dict[str, Path]:
    """Write a run's results as the folder ``folder`` (replacing a previous run's); return the paths written.

    Everything is computed first (a failure leaves the folder as it was), then room on the disk is
    checked against what will be written, then the folder is written whole (:func:`write_folder`).
    """
    folder = Path(folder)
    report = render_report_of(result)
    scenario = "# The scenario as run, every quantity in SI units.\n" + yaml.safe_dump(
        result.scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    summary = json.dumps(summary_of(result), indent=2) + "\n"
    check_output_folder(folder, needed_bytes=2**20 + result.events.nbytes + result.entities.nbytes + len(report)
                        + len(scenario))

    def write(staging: Path) -> None:
        pq.write_table(result.events, staging / EVENTS_FILE)
        pq.write_table(result.entities, staging / ENTITIES_FILE)
        for name, text in ((SUMMARY_FILE, summary), (SCENARIO_FILE, scenario), (REPORT_FILE, report)):
            (staging / name).write_text(text, encoding="utf-8")

    write_folder(folder, write)
    return {name: folder / name for name in RUN_FILES}

