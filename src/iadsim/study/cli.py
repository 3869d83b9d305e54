"""The ``iadsim study`` command: run a study (``iadsim study STUDY.yaml``) or print its summary
(``iadsim study summary DIR``).

Both forms share one command because a command that takes a file cannot also
have subcommands; the first argument ``summary`` selects the second form.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from iadsim.errors import Problem, UserError, printable
from iadsim.study.executors import EXECUTORS
from iadsim.terminal import console as make_console
from iadsim.terminal import safe

console = make_console()
progress_console = make_console(stderr=True)
HEADLINE_METRICS = ("leak_fraction", "leaked_any", "leaked", "killed", "interceptors_fired", "cost_defender")
"""Metrics ``iadsim study summary`` prints unless told otherwise (``--metric``)."""


def register(app: typer.Typer) -> None:
    """Add ``study`` to the command line."""
    app.command("study", no_args_is_help=True)(study)


def study(
    target: Annotated[str, typer.Argument(
        help="A study file (YAML) to run, or the word 'summary' followed by a results folder.", show_default=False)],
    folder: Annotated[Path | None, typer.Argument(
        help="With 'summary': the study's results folder.", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Results folder \\[default: results/<study file name>]; rerun to resume.")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", help="Worker processes \\[default: one per core; with --cluster, the cluster's].")] = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="Address of a running Dask scheduler, e.g. tcp://host:8786.")] = None,
    executor: Annotated[str | None, typer.Option(
        "--executor", help=f"Where replications run: {', '.join(EXECUTORS)} \\[default: local; dask with --cluster].",
        show_default=False)] = None,
    events: Annotated[bool | None, typer.Option(
        "--events/--no-events", help="Keep every replication's event log \\[default: the study file's 'events'].",
        show_default=False)] = None,
    replications: Annotated[int | None, typer.Option(
        "--replications", "-n", min=1, help="Replications per point \\[default: the study file's].")] = None,
    batch: Annotated[int | None, typer.Option(
        "--batch", min=1, help="Replications per batch file \\[default: about 10 s of work each].")] = None,
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", "-m", help="Metrics to print ('all' for every one) \\[default: leak, kills, interceptors, cost].")]
    = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no table.")] = False,
    allow_large: Annotated[bool, typer.Option(
        "--allow-large", help="Run sweep points past the limits on ticks and memory (README, 'Limits').")] = False,
    catalog: Annotated[list[Path] | None, typer.Option(
        "--catalog", help="A catalog file of your own system types, beside those the study and its scenario name "
                          "under 'catalogs:' (repeat for more).", show_default=False)] = None,
) -> None:
    """Run a study: replications of a scenario over a parameter sweep (resumable); or `study summary DIR`."""
    if target == "summary" and folder is not None:
        print_summary(folder, metric)
        return
    if folder is not None:
        raise UserError([Problem(f"unexpected second argument '{folder}'", expected="iadsim study STUDY.yaml [-o DIR]",
                                 suggestion="for a summary write: iadsim study summary DIR")])
    if target == "summary":
        raise UserError([Problem("'iadsim study summary' needs the study's results folder",
                                 expected="iadsim study summary DIR")])
    run_study_command(Path(target), output, workers, cluster, executor, events, replications, batch, metric, quiet,
                      allow_large, catalog or ())


def run_study_command(
    study_file: Path, output: Path | None, workers: int | None, cluster: str | None, executor: str | None,
    events: bool | None, replications: int | None, batch: int | None, metrics: list[str] | None, quiet: bool,
    allow_large: bool = False, catalog_files: Sequence[Path] = (),
) -> None:
    from iadsim.catalog import load_catalog
    from iadsim.study.executors import make_executor
    from iadsim.study.runner import finish, run_study
    from iadsim.study.spec import load_study
    from iadsim.study.store import StudyStore

    plan = load_study(study_file, events=events, catalog=load_catalog(catalog_files), allow_large=allow_large)
    folder = output or Path("results") / study_file.stem
    wanted = replications or plan.study.replications
    started = time.perf_counter()
    with StudyStore.create_or_resume(folder, plan, wanted) as store:
        left = sum(len(missing) for missing in store.missing(wanted).values())
        total = wanted * len(plan.points)
        outcome = None
        try:
            if left:
                with make_executor(executor, workers, cluster) as running, _progress(quiet) as bar:
                    if not quiet:
                        progress_console.print(
                            f"{safe(plan.study.name)}: {len(plan.points)} point(s) x {wanted} replications, "
                            f"{total - left} already stored; running on {safe(running.describe())}",
                            highlight=False)
                    task = bar.add_task("replications", total=total, completed=total - left)
                    outcome = run_study(plan, store, running, wanted, lambda n: bar.advance(task, n), batch)
        finally:
            summary = finish(store)
    if not quiet:
        _print_summary_table(store.points(), summary, metrics, plan.study.name)
    elapsed = time.perf_counter() - started
    ran = outcome.ran if outcome else 0
    console.print(f"results: {safe(folder)}/ ({ran} replications run in {elapsed:.1f} s, {total - left} were "
                  f"stored before; study.duckdb, summary.parquet; the report: iadsim report {safe(folder)})",
                  highlight=False)
    if outcome is not None and outcome.interrupted:
        console.print(f"interrupted: {outcome.missing} replications left; run the same command again to resume",
                      highlight=False)
        raise typer.Exit(130)


def print_summary(folder: Path, metrics: list[str] | None) -> None:
    """``iadsim study summary DIR``: recompute the statistics, print the table, and bring ``summary.parquet``
    and ``study.duckdb`` up to date where the folder can be written (a read-only folder is only read)."""
    from iadsim.study.runner import finish, summary_of
    from iadsim.study.store import StudyStore

    store = StudyStore.open(folder)
    writable = store.writable()
    summary = finish(store) if writable else summary_of(store)
    _print_summary_table(store.points(), summary, metrics, str(store.manifest.get("name", folder)))
    if not writable:
        progress_console.print(f"{safe(folder)} cannot be written: summary.parquet and study.duckdb were left "
                               "as they were", highlight=False)


def _print_summary_table(points: pa.Table, summary: pa.Table, metrics: list[str] | None, title: str) -> None:
    available = list(dict.fromkeys(summary.column("metric").to_pylist()))
    if metrics and "all" in metrics:
        chosen = available
    elif metrics:
        unknown = [name for name in metrics if name not in available]
        if unknown:
            raise UserError([Problem(f"no metric '{name}' in this study", "--metric",
                                     expected=", ".join(available)) for name in unknown])
        chosen = metrics
    else:
        chosen = [name for name in HEADLINE_METRICS if name in available]
    labels = dict(zip(points.column("point").to_pylist(), points.column("label").to_pylist(), strict=True))
    table = Table("point", "metric", "n", "mean", "95 % CI", "method", "needed", title=safe(title))
    for row in summary.to_pylist():
        if row["metric"] not in chosen:
            continue
        needed = "" if row["replications_needed"] is None else f"{row['replications_needed']:,}"
        table.add_row(Text(printable(labels.get(row["point"], str(row["point"])))), row["metric"], f"{row['n']:,}",
                      _number(row["mean"]), f"[{_number(row['ci_low'])}, {_number(row['ci_high'])}]",
                      row["method"], needed)
    console.print(table)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"


class _RateColumn(ProgressColumn):
    """Replications per second over the recent past."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.2f} rep/s" if task.speed else "- rep/s")


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                    TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=progress_console,
                    disable=quiet)
