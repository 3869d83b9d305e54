"""A finished run as reports and exports see it: the event log, the scenario as run, and its identity.

Reports read the event log and nothing else from a run, plus the scenario
for context (DESIGN.md): metrics are recomputed from the events, paths come
from ``path_point`` events, and the entities table written beside the events
(:mod:`iadsim.entities`) gives names, types and where radars stand, so that a
report never compiles the scenario again. A record comes from a run in memory
(:meth:`RunRecord.of_result`) or from a results folder on disk
(:func:`read_run_folder`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from iadsim.catalog import Catalog, load_catalog
from iadsim.entities import ENTITY_SCHEMA, names, of_kind
from iadsim.errors import Problem, UserError
from iadsim.events import EVENT_SCHEMA
from iadsim.metrics import compute_metrics, threat_outcomes
from iadsim.report.paths import Paths, interceptor_paths, threat_paths
from iadsim.run_layout import ENTITIES_FILE, EVENTS_FILE, SCENARIO_FILE, SUMMARY_FILE
from iadsim.scenario.load import load_scenario, scenario_catalog
from iadsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from iadsim.engine import RunResult

MAX_DRAWN_POINTS = 100_000
"""Path samples a report draws per kind of entity, at most: beyond, every k-th sample (exports keep all)."""
RUN_FOLDER_HINT = "a results folder is what `iadsim run SCENARIO -o DIR` writes"


@dataclass
class RunRecord:
    """One run: its events, its entities, its scenario, and its summary (seed, scenario hash, iadsim version)."""

    events: pa.Table
    entities: pa.Table
    scenario: Scenario
    summary: dict[str, Any]
    catalog: Catalog = field(default_factory=load_catalog)

    @classmethod
    def of_result(cls, result: RunResult, summary: dict[str, Any], catalog: Catalog | None = None) -> RunRecord:
        """The record of a run just simulated, with the summary written beside it."""
        return cls(result.events, result.entities, result.scenario, summary,
                   catalog or scenario_catalog(result.scenario))

    @property
    def seed(self) -> int:
        return int(self.summary.get("seed", self.scenario.seed))

    @cached_property
    def metrics(self) -> dict[str, float]:
        """The run's metrics, recomputed from the event log."""
        return compute_metrics(self.events, self.scenario, self.catalog)

    @cached_property
    def outcomes(self) -> list[dict[str, Any]]:
        """One record per threat, in id order (see :func:`iadsim.metrics.threat_outcomes`)."""
        return sorted(threat_outcomes(self.events), key=lambda outcome: outcome["threat_id"])

    @cached_property
    def threat_paths(self) -> Paths:
        return threat_paths(self.events)

    @cached_property
    def interceptor_paths(self) -> Paths:
        return interceptor_paths(self.events)

    @cached_property
    def drawn_threat_paths(self) -> Paths:
        """Threat paths as the report draws and replays them: thinned to :data:`MAX_DRAWN_POINTS` in all."""
        return self.threat_paths.thinned(MAX_DRAWN_POINTS)

    @cached_property
    def drawn_interceptor_paths(self) -> Paths:
        return self.interceptor_paths.thinned(MAX_DRAWN_POINTS)

    @cached_property
    def radars(self) -> pa.Table:
        """The run's radars in sensor id order (:mod:`iadsim.entities`): name, catalog type, antenna position."""
        return of_kind(self.entities, "sensor")

    @cached_property
    def _sensor_names(self) -> list[str]:
        return names(self.entities, "sensor")

    @cached_property
    def launches(self) -> dict[str, np.ndarray]:
        """One row per interceptor launched: ``interceptor_id``, ``unit_id``, ``threat_id``, ``weapon``,
        ``layer``, ``t_s`` and ``value`` (its price, USD)."""
        rows = self.events.filter(pc.equal(self.events.column("kind").cast(pa.string()), "launch"))
        out = {name: rows.column(name).to_numpy()
               for name in ("interceptor_id", "unit_id", "threat_id", "t_s", "value")}
        for name in ("weapon", "layer"):
            out[name] = rows.column(name).cast(pa.string()).to_numpy(zero_copy_only=False)
        return out

    def threat_label(self, outcome: dict[str, Any]) -> str:
        """How a threat is named in the report: id, raid and type, and ``decoy`` for a decoy (scenario text: escape
        before use in HTML)."""
        return f"#{outcome['threat_id']} {outcome['raid']} ({outcome['type']}{', decoy' if outcome['decoy'] else ''})"

    def unit_name(self, unit_id: int) -> str:
        return self.scenario.units[unit_id].name if 0 <= unit_id < len(self.scenario.units) else "?"

    def sensor_name(self, sensor_id: int) -> str:
        known = self._sensor_names
        return known[sensor_id] if 0 <= sensor_id < len(known) else "?"


def read_run_folder(folder: str | Path, catalog: Catalog | None = None) -> RunRecord:
    """The record of the run whose results are in ``folder``; :class:`UserError` if it is not a results folder."""
    folder = Path(folder)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is a file, not a folder"
        raise UserError([Problem(what, suggestion=RUN_FOLDER_HINT)], str(folder))
    missing = [name for name in (EVENTS_FILE, ENTITIES_FILE, SCENARIO_FILE, SUMMARY_FILE)
               if not (folder / name).is_file()]
    if missing:
        raise UserError([Problem(f"not a results folder: {', '.join(missing)} missing", suggestion=RUN_FOLDER_HINT)],
                        str(folder))
    scenario = load_scenario(folder / SCENARIO_FILE, catalog)  # its catalogs: the copies in the folder
    return RunRecord(_read_table(folder / EVENTS_FILE, EVENT_SCHEMA, "event log"),
                     _read_table(folder / ENTITIES_FILE, ENTITY_SCHEMA, "entities table"),
                     scenario, _read_summary(folder / SUMMARY_FILE), scenario_catalog(scenario))


def _read_table(path: Path, schema: pa.Schema, what: str) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise UserError([Problem(f"not a readable Parquet file: {error}", expected=f"the {what} of a run",
                                 suggestion="run the scenario again to rewrite it")], str(path)) from None
    absent = [name for name in schema.names if name not in table.column_names]
    if absent:
        raise UserError([Problem(f"not an iadsim {what}: column(s) {', '.join(absent)} missing",
                                 expected=f"columns {', '.join(schema.names)}",
                                 suggestion="a folder written by an older iadsim: run the scenario again")],
                        str(path))
    return table.select(schema.names).cast(schema)


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserError([Problem(f"not valid JSON: {error.msg}", line=error.lineno,
                                 suggestion="run the scenario again to rewrite it")], str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read the file: {error}", str(path)) from None
    if not isinstance(summary, dict):
        raise UserError([Problem("not a run summary", expected="a JSON object with seed, scenario_hash, metrics")],
                        str(path))
    return summary
