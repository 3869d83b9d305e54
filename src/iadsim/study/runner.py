"""Run a study: hand batches of missing replications to an executor and store each as it finishes.

The runner keeps a few batches per worker in flight, writes every finished
batch at once (atomically, by :class:`~iadsim.study.store.StudyStore`), and
sizes batches from the run time measured so far: about ``TARGET_BATCH_S``
seconds of work each, so that fast scenarios are not slowed by per-batch
costs and slow ones still report progress and stop quickly. Batch sizes only
decide file boundaries, never results: a replication's seed depends on its
number alone (:mod:`iadsim.study.seeds`).

Ctrl-C stops handing out batches and cancels those not started; batches
already running finish and are stored (a second Ctrl-C abandons them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from iadsim.study.executors import Executor
from iadsim.study.seeds import replication_seeds
from iadsim.study.spec import StudyPlan
from iadsim.study.stats import summarize
from iadsim.study.store import StudyStore
from iadsim.study.worker import KEY_COLUMNS, Batch, BatchResult

TARGET_BATCH_S = 10.0
IN_FLIGHT_PER_WORKER = 2
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Outcome:
    """What a call of :func:`run_study` did: replications run now, already stored before, still missing."""

    ran: int
    skipped: int
    missing: int
    interrupted: bool


class _BatchSizer:
    """Batch sizes: one replication at first, then enough for ``TARGET_BATCH_S`` of measured work,
    never so many that fewer than ``IN_FLIGHT_PER_WORKER`` batches per worker remain."""

    def __init__(self, fixed: int | None, workers: int) -> None:
        self.fixed = fixed
        self.workers = workers
        self.runs = 0
        self.run_time_s = 0.0

    def record(self, result: BatchResult) -> None:
        self.runs += result.metrics.num_rows
        self.run_time_s += float(pc.sum(result.metrics.column("run_time_s")).as_py() or 0.0)

    def size(self, remaining: int) -> int:
        if self.fixed is not None:
            return self.fixed
        if self.runs == 0:
            return 1
        per_run_s = max(self.run_time_s / self.runs, 1e-6)
        balanced = max(1, remaining // (self.workers * IN_FLIGHT_PER_WORKER))
        return max(1, min(math.floor(TARGET_BATCH_S / per_run_s), balanced))


def _batches(plan: StudyPlan, missing: dict[int, list[int]], sizer: _BatchSizer) -> Iterator[Batch]:
    """Batches of consecutive missing replications, replication-major (every point advances together,
    so an interrupted study has comparable numbers of replications at every point)."""
    queues = {point: _runs(replications) for point, replications in missing.items()}
    remaining = sum(len(replications) for replications in missing.values())
    while queues:
        for point in list(queues):
            runs = queues[point]
            first, stop = runs[0]
            size = sizer.size(remaining)
            end = min(stop, first + size)
            if end == stop:
                runs.pop(0)
            else:
                runs[0] = (end, stop)
            if not runs:
                del queues[point]
            remaining -= end - first
            scenario = plan.points[point].scenario
            yield Batch(point, first, end, tuple(replication_seeds(plan.study.seed, first, end)), scenario,
                        plan.events)


def _runs(replications: list[int]) -> list[tuple[int, int]]:
    """Sorted replication numbers as ``(first, stop)`` runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for replication in replications:
        if runs and runs[-1][1] == replication:
            runs[-1] = (runs[-1][0], replication + 1)
        else:
            runs.append((replication, replication + 1))
    return runs


def run_study(
    plan: StudyPlan, store: StudyStore, executor: Executor, replications: int,
    progress: Progress | None = None, batch_size: int | None = None,
) -> Outcome:
    """Run replications 0..``replications``-1 of every point that the store lacks; store each batch.

    ``progress(n)`` is called after each stored batch of ``n`` replications.
    A ``KeyboardInterrupt`` stops the study cleanly (finished batches kept);
    the summary and database are then brought up to date by :func:`finish`.
    """
    missing = store.missing(replications)
    total = replications * len(plan.points)
    to_run = sum(len(left) for left in missing.values())
    sizer = _BatchSizer(batch_size, executor.workers)
    batches = _batches(plan, missing, sizer)
    in_flight: set[Future[BatchResult]] = set()
    ran = 0
    interrupted = False

    def store_done(done: set[Future[BatchResult]]) -> None:
        nonlocal ran
        for future in done:
            in_flight.discard(future)
            if future.cancelled():
                continue
            result = future.result()
            store.write_batch(result)
            sizer.record(result)
            ran += result.stop - result.first
            if progress is not None:
                progress(result.stop - result.first)

    try:
        while True:
            while not interrupted and len(in_flight) < executor.workers * IN_FLIGHT_PER_WORKER:
                batch = next(batches, None)
                if batch is None:
                    break
                in_flight.add(executor.submit(batch))
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            store_done(done)
    except KeyboardInterrupt:
        interrupted = True
        for future in in_flight:
            future.cancel()
        store_done({future for future in in_flight if future.done()})
        while in_flight:  # batches already running: keep their work (a second Ctrl-C abandons them)
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            store_done(done)
    return Outcome(ran=ran, skipped=total - to_run, missing=to_run - ran, interrupted=interrupted)


def summary_of(store: StudyStore) -> pa.Table:
    """The statistics of every stored replication (``summary.parquet``'s rows), computed, not written."""
    metrics = store.metrics()
    names = [name for name in metrics.column_names if name not in KEY_COLUMNS]
    return summarize(metrics, store.manifest.get("precision") or {}, names)


def finish(store: StudyStore) -> pa.Table:
    """Rewrite ``summary.parquet`` and ``study.duckdb`` from every stored replication; return the summary."""
    summary = summary_of(store)
    store.write_summary(summary)
    store.write_database()
    return summary
