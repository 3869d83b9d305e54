"""What a worker runs: a batch of consecutive replications of one sweep point.

A batch is small to ship (the point's scenario and the seeds) and its result
is compact: one Arrow table of metrics, one row per replication, and the event
logs only when the study keeps them. Workers never touch the results folder:
the study's own process writes what they return, so a worker may live on
another machine of a Dask cluster.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyarrow as pa

from iadsim.engine import simulate
from iadsim.scenario.schema import Scenario

KEY_COLUMNS = ("point", "replication", "seed", "run_time_s")
"""Columns of a metrics table that are not metrics."""


@dataclass(frozen=True)
class Batch:
    """Replications ``first`` to ``stop - 1`` of sweep point ``point``, with their seeds."""

    point: int
    first: int
    stop: int
    seeds: tuple[int, ...]
    scenario: Scenario
    events: bool

    @property
    def size(self) -> int:
        return self.stop - self.first


@dataclass(frozen=True)
class BatchResult:
    """Metrics of a batch (one row per replication) and, when asked, its event logs."""

    point: int
    first: int
    stop: int
    metrics: pa.Table
    events: pa.Table | None


def run_batch(batch: Batch) -> BatchResult:
    """Simulate every replication of ``batch``; metrics become float64 columns, keyed by replication.

    Besides the run's own metrics, ``leaked_any`` is 1 when at least one threat
    leaked: a yes/no outcome per replication, whose mean is the probability
    that the defence lets something through (with a Wilson interval in the summary).

    A batch that keeps no event logs runs without path sampling: no metric reads path points (they are for
    maps and replays), and they are most of a log's rows (the demo's 3,500 events are 700 without them).
    """
    scenario = batch.scenario if batch.events else without_paths(batch.scenario)
    rows: list[dict[str, float]] = []
    logs: list[pa.Table] = []
    for replication, seed in zip(range(batch.first, batch.stop), batch.seeds, strict=True):
        start = time.perf_counter()
        result = simulate(scenario, seed=seed)
        rows.append({**result.metrics, "leaked_any": float(result.metrics["leaked"] > 0),
                     "run_time_s": time.perf_counter() - start})
        if batch.events:
            column = pa.array([replication] * result.events.num_rows, pa.int32())
            logs.append(result.events.add_column(0, "replication", column))
    return BatchResult(batch.point, batch.first, batch.stop, metrics_table(batch, rows),
                       pa.concat_tables(logs) if batch.events else None)


def without_paths(scenario: Scenario) -> Scenario:
    """``scenario`` recording no ``path_point`` events (``path_interval`` 0): the same run otherwise, since the
    recorder draws no random numbers and no other stage reads what it records."""
    return scenario.model_copy(update={"path_interval": 0.0})


def metrics_table(batch: Batch, rows: list[dict[str, float]]) -> pa.Table:
    """Key columns, then every metric (float64) in the order the runs reported them; a metric
    missing from a row is null."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    names.pop("run_time_s", None)
    columns = {
        "point": pa.array([batch.point] * batch.size, pa.int32()),
        "replication": pa.array(range(batch.first, batch.stop), pa.int32()),
        "seed": pa.array(batch.seeds, pa.int64()),
        "run_time_s": pa.array([row["run_time_s"] for row in rows], pa.float64()),
    }
    for name in names:
        columns[name] = pa.array([None if row.get(name) is None else float(row[name]) for row in rows], pa.float64())
    return pa.table(columns)
