"""The results folder of a study: manifest, points, metrics (and event logs) in Parquet, DuckDB views.

The layout is documented in ``docs/studies.md`` and is read by the study report.
Every file is written to a temporary name in its folder and renamed into place,
so a study killed at any moment (SIGKILL included) leaves finished batches
whole and at most some temporary files, which the next run removes. A batch
is finished when its metrics file exists: its event log, when kept, is
written first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from iadsim.catalog.provenance import write_copies
from iadsim.entities import ENTITY_SCHEMA
from iadsim.errors import Problem, UserError
from iadsim.files import atomic_write, atomic_write_text, cannot_write, check_output_folder
from iadsim.study.layout import (
    DATABASE_FILE, ENTITIES_FILE, EVENTS_FOLDER, LOCK_FILE, MANIFEST_FILE, METRICS_FOLDER, POINTS_FILE,
    SCENARIO_COPY_FILE, STUDY_COPY_FILE, SUMMARY_FILE,
)
from iadsim.study.spec import STORE_FORMAT, StudyPlan
from iadsim.study.worker import KEY_COLUMNS, BatchResult

try:  # advisory lock so that two studies never write one folder; POSIX only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_BATCH_NAME = re.compile(r"p(\d+)-r(\d+)-(\d+)\.parquet")
_TEMPORARY_NAME = re.compile(r"\..+\.tmp(\.wal)?")
"""Temporary files of :func:`~iadsim.files.atomic_write` (and the write-ahead log DuckDB keeps beside one)."""


@dataclass(frozen=True, order=True)
class StoredBatch:
    """A finished batch found in the folder: point, replications first..stop-1, its file."""

    point: int
    first: int
    stop: int
    path: Path


def batch_file_name(point: int, first: int, stop: int) -> str:
    """``p00003-r0000100-0000150.parquet``: point 3, replications 100 to 149."""
    return f"p{point:05d}-r{first:07d}-{stop:07d}.parquet"


class StudyStore:
    """One study's results folder. Open it with :meth:`create_or_resume` (to run) or :meth:`open` (to read)."""

    def __init__(self, folder: Path, manifest: dict[str, Any], batches: list[StoredBatch],
                 lock: IO[bytes] | None = None) -> None:
        self.folder = folder
        self.manifest = manifest
        self.batches = batches
        self._lock = lock

    # opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | Path) -> StudyStore:
        """Open a results folder to read it; raise :class:`UserError` if it is not a sound study folder."""
        folder = Path(folder)
        if not (folder / MANIFEST_FILE).is_file():
            raise _not_a_study(folder)
        manifest = _read_manifest(folder)
        return cls(folder, manifest, _scan_batches(folder, manifest["points"], clean=False))

    @classmethod
    def create_or_resume(cls, folder: str | Path, plan: StudyPlan, replications: int | None = None) -> StudyStore:
        """Open ``folder`` to run ``plan`` (``replications`` per point, default the study file's): a new
        (or empty) folder is laid out; a folder of the same study is resumed; anything else is refused
        with a message saying why."""
        folder = Path(folder)
        check_output_folder(folder, allowed=None)
        points = points_table(plan)  # everything computed before anything is written
        entities = entities_table(plan)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise cannot_write(folder, error) from None
        lock = _take_lock(folder)
        try:
            previous = _read_manifest(folder) if (folder / MANIFEST_FILE).is_file() else None
            if previous is not None and previous["identity"] != plan.identity and not _holds_results(folder):
                previous = None  # a study that stored nothing yet (it was stopped at once): start it over
            elif previous is not None:
                _check_same_study(folder, previous, plan)
            elif any(entry.name != LOCK_FILE for entry in folder.iterdir()):
                raise _not_a_study(folder)
            manifest = {
                **plan.manifest(),
                "replications": max(replications or plan.study.replications,
                                    previous["replications"] if previous else 0),
                "created": previous["created"] if previous else datetime.now(UTC).isoformat(timespec="seconds"),
            }
            # The manifest first: a run killed after it resumes; every other file here is rewritten.
            atomic_write_text(folder / MANIFEST_FILE, json.dumps(manifest, indent=2) + "\n")
            atomic_write_text(folder / STUDY_COPY_FILE, plan.study_text)
            atomic_write_text(folder / SCENARIO_COPY_FILE, plan.scenario_text)
            write_copies(folder, plan.catalog_files)
            atomic_write(folder / POINTS_FILE, lambda temporary: pq.write_table(points, temporary))
            atomic_write(folder / ENTITIES_FILE, lambda temporary: pq.write_table(entities, temporary))
            try:
                (folder / METRICS_FOLDER).mkdir(exist_ok=True)
            except OSError as error:
                raise cannot_write(folder / METRICS_FOLDER, error) from None
            batches = _scan_batches(folder, manifest["points"], clean=True)
        except BaseException:
            lock.close()
            raise
        return cls(folder, manifest, batches, lock)

    def close(self) -> None:
        """Release the folder's lock (taken by :meth:`create_or_resume`)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> StudyStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # what is done --------------------------------------------------------------------------

    def finished(self) -> dict[int, set[int]]:
        """Replications already stored, by point."""
        done: dict[int, set[int]] = {}
        for batch in self.batches:
            done.setdefault(batch.point, set()).update(range(batch.first, batch.stop))
        return done

    def missing(self, replications: int) -> dict[int, list[int]]:
        """Replications 0..``replications``-1 not yet stored, by point (points with none left omitted)."""
        done = self.finished()
        missing = {}
        for point in range(self.manifest["points"]):
            left = [r for r in range(replications) if r not in done.get(point, ())]
            if left:
                missing[point] = left
        return missing

    # writing -------------------------------------------------------------------------------

    def write_batch(self, result: BatchResult) -> None:
        """Store a finished batch: its event log first (when kept), then its metrics, each atomically."""
        name = batch_file_name(result.point, result.first, result.stop)
        if result.events is not None:
            folder = self.folder / EVENTS_FOLDER / f"point={result.point}"
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise cannot_write(folder, error) from None
            atomic_write(folder / name, lambda temporary: pq.write_table(result.events, temporary))
        path = self.folder / METRICS_FOLDER / name
        atomic_write(path, lambda temporary: pq.write_table(result.metrics, temporary))
        self.batches.append(StoredBatch(result.point, result.first, result.stop, path))

    def writable(self) -> bool:
        """Whether the folder can be written (``study summary`` reads a read-only folder without rewriting it)."""
        try:
            check_output_folder(self.folder, allowed=None, needed_bytes=0)
        except UserError:
            return False
        return True

    def write_summary(self, summary: pa.Table) -> None:
        atomic_write(self.folder / SUMMARY_FILE, lambda temporary: pq.write_table(summary, temporary))

    def write_database(self) -> Path:
        """(Re)write ``study.duckdb``: views over the Parquet files, by absolute path."""
        from iadsim.study.database import write_views

        target = self.folder / DATABASE_FILE
        atomic_write(target, lambda temporary: write_views(temporary, self.folder.resolve(), self.points()))
        return target

    # reading -------------------------------------------------------------------------------

    def points(self) -> pa.Table:
        return _read_parquet(self.folder / POINTS_FILE)

    def metrics(self) -> pa.Table:
        """Every stored replication, one row each, sorted by point and replication; metrics a
        point lacks are null."""
        tables = [_read_parquet(batch.path) for batch in sorted(self.batches)]
        if not tables:
            return pa.table({name: pa.array([], pa.int32() if name in ("point", "replication") else
                                            pa.int64() if name == "seed" else pa.float64()) for name in KEY_COLUMNS})
        table = pa.concat_tables(tables, promote_options="default")
        return table.sort_by([("point", "ascending"), ("replication", "ascending")])

    def events(self, point: int) -> pa.Table | None:
        """The stored event logs of one point (with a ``replication`` column), or ``None``."""
        folder = self.folder / EVENTS_FOLDER / f"point={point}"
        paths = sorted(folder.glob("p*.parquet")) if folder.is_dir() else []
        return pa.concat_tables([_read_parquet(path) for path in paths]) if paths else None

    def entities(self, point: int) -> pa.Table:
        """The entities of one point (:mod:`iadsim.entities`): who the ids of its events are."""
        table = _read_parquet(self.folder / ENTITIES_FILE)
        return table.filter(pc.equal(table.column("point"), point)).drop_columns(["point"])

    def summary(self) -> pa.Table | None:
        path = self.folder / SUMMARY_FILE
        return _read_parquet(path) if path.is_file() else None


def entities_table(plan: StudyPlan) -> pa.Table:
    """The entities of every sweep point, with a ``point`` column first: they depend on the scenario only
    (compilation's random draws place threats, which have no position here)."""
    from iadsim.scenario.compile import compile_scenario
    from iadsim.scenario.load import scenario_catalog

    tables = []
    for point in plan.points:
        entities = compile_scenario(point.scenario, scenario_catalog(point.scenario), np.random.default_rng(0)).entities
        tables.append(entities.add_column(0, "point", pa.array(np.full(entities.num_rows, point.index, np.int32))))
    return pa.concat_tables(tables) if tables else ENTITY_SCHEMA.empty_table()


def points_table(plan: StudyPlan) -> pa.Table:
    """One row per sweep point: index, label, scenario hash and JSON, then each swept value."""
    columns: dict[str, pa.Array] = {
        "point": pa.array([point.index for point in plan.points], pa.int32()),
        "label": pa.array([point.label for point in plan.points], pa.string()),
        "scenario_hash": pa.array([point.scenario_hash for point in plan.points], pa.string()),
        "scenario_json": pa.array([point.scenario.model_dump_json() for point in plan.points], pa.string()),
    }
    for sweep in plan.study.sweeps:
        columns[sweep.path] = _value_column([point.values[sweep.path] for point in plan.points])
    return pa.table(columns)


def _value_column(values: list[Any]) -> pa.Array:
    """Swept values as a typed column where they share a plain type, else as JSON text."""
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):  # OverflowError: an integer past int64
        array = None
    if array is not None and (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)
                              or pa.types.is_boolean(array.type) or pa.types.is_string(array.type)):
        return array
    return pa.array([value if isinstance(value, str) else json.dumps(value, default=str) for value in values],
                    pa.string())


def _take_lock(folder: Path) -> IO[bytes]:
    handle = open(folder / LOCK_FILE, "a+b")  # noqa: SIM115 - held open while the study runs
    if fcntl is not None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise UserError([Problem(f"another iadsim study is writing {folder} right now",
                                     suggestion="wait for it to finish, or choose another folder with -o")]) from None
    return handle


def _holds_results(folder: Path) -> bool:
    """Whether any replication (or event log) is stored in ``folder``."""
    return any((folder / METRICS_FOLDER).glob("p*.parquet")) or any(_event_files(folder))


def _not_a_study(folder: Path) -> UserError:
    known = [name for name in (POINTS_FILE, METRICS_FOLDER, DATABASE_FILE) if (folder / name).exists()]
    if known:
        return UserError([Problem(
            f"{folder} looks like a study folder ({', '.join(known)}) but its {MANIFEST_FILE} is missing: "
            "the folder is damaged", expected=f"a study folder written by `iadsim study` (with {MANIFEST_FILE})",
            suggestion="delete the folder and run the study again, or choose another folder with -o")])
    if not folder.is_dir():
        return UserError([Problem(f"{folder} does not exist", expected="a study results folder",
                                  suggestion="run `iadsim study STUDY.yaml -o DIR` first")])
    return UserError([Problem(f"{folder} is not a study results folder and is not empty",
                              expected=f"a folder written by `iadsim study` (with {MANIFEST_FILE}), or an empty one",
                              suggestion="choose another folder with -o")])


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _damaged(path, f"it cannot be read as JSON ({error})") from None
    required = {"format": str, "identity": str, "points": int, "replications": int, "seed": int, "created": str}
    if not isinstance(manifest, dict) or any(not isinstance(manifest.get(key), kind)
                                             for key, kind in required.items()):
        raise _damaged(path, f"it lacks some of {', '.join(required)}")
    if manifest["format"] != STORE_FORMAT:
        raise UserError([Problem(f"{path}: format '{manifest['format']}', this iadsim reads '{STORE_FORMAT}'",
                                 suggestion="use the iadsim version that wrote the folder, or run the study "
                                            "again into a new folder")])
    return manifest


def _damaged(path: Path, why: str) -> UserError:
    return UserError([Problem(f"{path} is damaged: {why}",
                              suggestion="restore it, or delete the folder and run the study again")])


def _check_same_study(folder: Path, manifest: dict[str, Any], plan: StudyPlan) -> None:
    """Refuse to mix results of two different studies in one folder, saying what differs."""
    if manifest["identity"] == plan.identity:
        return
    ours = plan.identity_parts()
    differences = []
    if manifest.get("seed") != ours["seed"]:
        differences.append(f"the study seed is {ours['seed']}, the folder's is {manifest.get('seed')}")
    stored, now = manifest.get("point_scenarios") or [], ours["point_scenarios"]
    if len(stored) != len(now):
        differences.append(f"the study has {len(now)} sweep points, the folder {len(stored)}")
    elif stored != now:
        changed = [point.label for point, old in zip(plan.points, stored, strict=True) if old != point.scenario_hash]
        differences.append(f"the scenario differs at {len(changed)} of {len(now)} sweep points (first: "
                           f"{changed[0]}): the base scenario or the sweeps changed")
    if manifest.get("events") != ours["events"]:
        differences.append(f"event logs are {'kept' if manifest.get('events') else 'not kept'} in the folder "
                           f"but {'asked for' if ours['events'] else 'not asked for'} now (--events)")
    if manifest.get("catalog_hash") != ours["catalog_hash"]:
        differences.append("the catalog of system types changed since the folder was started (the bundled "
                           "files, or which catalog files of your own are used, or their contents)")
    if manifest.get("iadsim_version") != ours["iadsim_version"]:
        differences.append(f"the folder was written by iadsim {manifest.get('iadsim_version')}, "
                           f"this is {ours['iadsim_version']}")
    raise UserError([Problem(
        f"{folder} holds the results of a different study; results are never mixed: "
        + "; ".join(differences or ["the study's identity differs"]),
        suggestion="run into another folder with -o, or delete this one to start over")], str(plan.study_file))


def _scan_batches(folder: Path, points: int, clean: bool) -> list[StoredBatch]:
    """Every finished batch, checked: known name, footer readable, row count and ranges sound.

    With ``clean``, temporary files left by a killed run, and event logs whose
    metrics never landed, are removed.
    """
    if clean:
        for path in folder.iterdir():
            if _TEMPORARY_NAME.fullmatch(path.name):
                path.unlink(missing_ok=True)
    metrics_folder = folder / METRICS_FOLDER
    if not metrics_folder.is_dir():
        return []
    batches = []
    for path in sorted(metrics_folder.iterdir()):
        if _TEMPORARY_NAME.fullmatch(path.name):
            if clean:
                path.unlink(missing_ok=True)
            continue
        batches.append(_check_batch(path, points))
    _check_overlaps(batches)
    if clean:
        _clean_events(folder, {batch.path.name for batch in batches})
    return batches


def _check_batch(path: Path, points: int) -> StoredBatch:
    match = _BATCH_NAME.fullmatch(path.name)
    if match is None:
        raise _damaged(path, "iadsim did not write this file (its name is not p<point>-r<first>-<stop>.parquet)")
    point, first, stop = (int(group) for group in match.groups())
    if point >= points or first >= stop:
        raise _damaged(path, f"its name names point {point}, replications {first} to {stop - 1}, "
                             f"but the study has {points} points")
    try:
        metadata = pq.read_metadata(path)
    except (OSError, pa.ArrowException) as error:
        raise _damaged(path, f"it is not a readable Parquet file ({error})") from None
    names = set(metadata.schema.names)
    if metadata.num_rows != stop - first or not set(KEY_COLUMNS) <= names:
        raise _damaged(path, f"it holds {metadata.num_rows} rows with columns {sorted(names)[:6]}, expected "
                             f"{stop - first} replications with {', '.join(KEY_COLUMNS)}")
    return StoredBatch(point, first, stop, path)


def _check_overlaps(batches: list[StoredBatch]) -> None:
    previous: StoredBatch | None = None
    for batch in sorted(batches):
        if previous is not None and previous.point == batch.point and batch.first < previous.stop:
            raise _damaged(batch.path, f"its replications overlap those of {previous.path.name}")
        previous = batch


def _clean_events(folder: Path, finished: set[str]) -> None:
    for path in _event_files(folder):
        if _TEMPORARY_NAME.fullmatch(path.name) or path.name not in finished:
            path.unlink(missing_ok=True)


def _event_files(folder: Path) -> Iterator[Path]:
    events = folder / EVENTS_FOLDER
    if events.is_dir():
        for partition in events.iterdir():
            if partition.is_dir():
                yield from partition.iterdir()


def _read_parquet(path: Path) -> pa.Table:
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise _damaged(path, f"it is not a readable Parquet file ({error})") from None
