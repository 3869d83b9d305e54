"""The names of a study's results folder (``docs/studies.md``), shared by the store that writes it
(:mod:`iadsim.study.store`), its DuckDB views (:mod:`iadsim.study.database`) and readers; imports nothing."""

MANIFEST_FILE = "study.json"
STUDY_COPY_FILE = "study.yaml"
SCENARIO_COPY_FILE = "scenario.yaml"
POINTS_FILE = "points.parquet"
ENTITIES_FILE = "entities.parquet"
"""The entities of every point (:mod:`iadsim.entities`, with a ``point`` column)."""
METRICS_FOLDER = "metrics"
EVENTS_FOLDER = "events"
SUMMARY_FILE = "summary.parquet"
DATABASE_FILE = "study.duckdb"
LOCK_FILE = ".lock"
