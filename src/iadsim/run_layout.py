"""The names of a run's results folder (what ``iadsim run -o DIR`` writes): the ground floor that
writers (:mod:`iadsim.results`) and readers (:mod:`iadsim.report.record`) share, importing nothing."""

EVENTS_FILE = "events.parquet"
ENTITIES_FILE = "entities.parquet"
SUMMARY_FILE = "summary.json"
SCENARIO_FILE = "scenario.yaml"
REPORT_FILE = "report.html"
RUN_FILES = (EVENTS_FILE, ENTITIES_FILE, SUMMARY_FILE, SCENARIO_FILE, REPORT_FILE)
CATALOGS_FOLDER = "catalogs"
"""Copies of the user's catalog files a run (or a study) used, when it used any
(:mod:`iadsim.catalog.provenance`); the scenario copy names them."""
EXPORT_FILES = ("run.czml", "run.geojson", "run.kml", "run.dis")
"""What ``iadsim export`` writes into a run's folder by default: replaced with the run it came from."""
RESULTS_FORMAT = "iadsim-run/2"
"""The layout and event schema of a run's folder, written in its summary: 2 added ``entities.parquet``
and the events' ``reason`` column. A run that used catalog files of the user's also has ``catalogs/``
and the summary's ``catalogs`` list; both are absent otherwise, so every folder of format 2 reads alike."""
