"""``study.duckdb``: a DuckDB database of views over a study folder's Parquet files.

The views hold no data; they read the Parquet files by absolute path each
time they are queried, so the database stays small and always shows what is
stored. DuckDB checks a view's columns against those it had when created, so
the database is rewritten whenever new metric columns may have appeared (at
the end of every ``iadsim study`` run and by ``iadsim study summary``).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from iadsim.study.layout import ENTITIES_FILE, EVENTS_FOLDER, METRICS_FOLDER, POINTS_FILE, SUMMARY_FILE
from iadsim.study.worker import KEY_COLUMNS

POINT_IDENTITY_COLUMNS = ("point", "label", "scenario_hash", "scenario_json")
STORAGE_COMPATIBILITY = "v1.0.0"
"""Written in the storage format of DuckDB 1.0, so that any DuckDB from 1.0 on (the ``duckdb`` command
of the duckdb-cli package, R, a notebook) opens the file, not only the library that wrote it."""


def write_views(database: Path, folder: Path, points: pa.Table) -> None:
    """Create ``database`` with the views of ``docs/studies.md`` over the files of ``folder``."""
    import duckdb

    database.unlink(missing_ok=True)  # DuckDB refuses to open an existing empty file
    connection = duckdb.connect(str(database), config={"storage_compatibility_version": STORAGE_COMPATIBILITY})
    try:
        for statement in view_statements(folder, points):
            connection.execute(statement)
        connection.execute("checkpoint")  # on close a failed checkpoint is silent: the views would stay in the WAL
    finally:
        connection.close()


def view_statements(folder: Path, points: pa.Table) -> list[str]:
    """The ``create view`` statements for what the folder holds now."""
    statements = [f"create view points as select * from read_parquet({_literal(folder / POINTS_FILE)})"]
    metric_files = sorted((folder / METRICS_FOLDER).glob("p*.parquet"))
    if metric_files:
        statements.append("create view metrics as select * from read_parquet("
                          f"{_literal(folder / METRICS_FOLDER / 'p*.parquet')}, union_by_name = true)")
        keys = ", ".join(_name(column) for column in KEY_COLUMNS)
        statements.append(f"create view metrics_long as select point, replication, metric, value from "
                          f"(unpivot metrics on columns(* exclude ({keys})) into name metric value value)")
        swept = [name for name in points.column_names if name not in POINT_IDENTITY_COLUMNS]
        picked = ", ".join(f"p.{_name(name)}" for name in ("label", *swept))
        statements.append(f"create view runs as select {picked}, m.* from metrics m join points p "
                          "on m.point = p.point")
    if (folder / ENTITIES_FILE).is_file():
        statements.append(f"create view entities as select * from read_parquet({_literal(folder / ENTITIES_FILE)})")
    if (folder / SUMMARY_FILE).is_file():
        statements.append(f"create view summary as select * from read_parquet({_literal(folder / SUMMARY_FILE)})")
    if any((folder / EVENTS_FOLDER).glob("point=*/p*.parquet")):
        statements.append("create view events as select * from read_parquet("
                          f"{_literal(folder / EVENTS_FOLDER / 'point=*' / 'p*.parquet')}, hive_partitioning = true, "
                          "union_by_name = true)")
    return statements


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
