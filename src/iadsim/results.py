"""The results folder of a run: event log, entities, summary, scenario, report (and copies of the
user's catalog files, when the run used any), written as a whole or not at all
(:func:`iadsim.files.write_folder`; its names are :mod:`iadsim.run_layout`'s).

The folder is checked before the simulation (:func:`iadsim.files.check_output_folder`); everything is
computed before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from iadsim import __version__
from iadsim.catalog.provenance import catalog_records, copy_names, write_copies
from iadsim.engine import RunResult
from iadsim.files import check_output_folder, write_folder
from iadsim.run_layout import (
    ENTITIES_FILE, EVENTS_FILE, REPORT_FILE, RESULTS_FORMAT, RUN_FILES, SCENARIO_FILE, SUMMARY_FILE,
)


def summary_of(result: RunResult) -> dict[str, object]:
    """The JSON summary: identity of the run (with the user's catalog files, when it used any: each
    file's path, its copy in the folder and its SHA-256) and its metrics."""
    files = result.scenario.catalog_files
    return {
        "scenario": result.scenario.name,
        "scenario_hash": result.scenario_hash,
        "seed": result.seed,
        "iadsim_version": __version__,
        "format": RESULTS_FORMAT,
        **({"catalogs": catalog_records(files)} if files else {}),
        "events": result.events.num_rows,
        "metrics": result.metrics,
    }


def scenario_copy(result: RunResult) -> str:
    """``scenario.yaml``: the scenario as run, in SI units; its ``catalogs`` are the folder's copies, so
    ``iadsim run FOLDER/scenario.yaml`` runs it again anywhere."""
    data = result.scenario.model_dump(mode="json")
    files = result.scenario.catalog_files
    if files:
        data["catalogs"] = copy_names(files)
    return "# The scenario as run, every quantity in SI units.\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True)


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
    scenario = scenario_copy(result)
    summary = json.dumps(summary_of(result), indent=2) + "\n"
    check_output_folder(folder, needed_bytes=2**20 + result.events.nbytes + result.entities.nbytes + len(report)
                        + len(scenario))

    def write(staging: Path) -> None:
        pq.write_table(result.events, staging / EVENTS_FILE)
        pq.write_table(result.entities, staging / ENTITIES_FILE)
        for name, text in ((SUMMARY_FILE, summary), (SCENARIO_FILE, scenario), (REPORT_FILE, report)):
            (staging / name).write_text(text, encoding="utf-8")
        write_copies(staging, result.scenario.catalog_files)

    write_folder(folder, write)
    return {name: folder / name for name in RUN_FILES}

