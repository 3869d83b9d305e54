"""The study file: its schema, and the plan it expands to (every sweep point's validated scenario).

A study file names a base scenario (relative to the study file), a number of
replications per point, a study seed, and sweeps of scenario fields, crossed
as a grid or zipped. :func:`load_study` checks everything before anything runs:
the study file's own fields, every sweep path against the scenario schema,
and every sweep point's scenario in full (schema, units, catalog names). Each
problem is reported with the study file's line and field path.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from iadsim import __version__
from iadsim.catalog import Catalog, CatalogFile, bundled_files, load_catalog
from iadsim.catalog.provenance import catalog_records
from iadsim.errors import Problem, UserError, did_you_mean, format_path, parse_path
from iadsim.scenario.load import own_catalog_files, scenario_catalog, scenario_from_document, scenario_hash
from iadsim.scenario.schema import MAX_CATALOG_FILES, CatalogPath, Scenario
from iadsim.study.seeds import SEED_RULE
from iadsim.study.sweep import Location, PathError, check_path, combine_values, parse_sweep_path, set_value
from iadsim.validation import StrictModel as _Strict
from iadsim.validation import WholeNumber, name_type, validate_model
from iadsim.yamlio import Document, read_yaml_file

STORE_FORMAT = "iadsim-study/2"
MAX_VALUES_PER_SWEEP = 10_000
MAX_POINTS = 100_000
MAX_PROBLEMS = 20
Number = int | float
STUDY_ONLY_METRICS = ("leaked_any",)
"""Metrics a study adds to each run's own (:func:`iadsim.study.worker.run_batch`)."""
OCCASIONAL_METRICS = ("first_out_of_rounds_s",)
"""Run metrics present only when something happened (a unit ran out of rounds)."""


class ValueRange(_Strict):
    """Evenly spaced numbers from ``first`` to ``last`` (both included): by ``step``, or ``count`` of them."""

    first: Number = Field(description="First value.")
    last: Number = Field(description="Last value, included when a step lands on it.")
    step: Number | None = Field(None, description="Distance between values (its sign is taken from first -> last).")
    count: WholeNumber | None = Field(None, ge=2, le=MAX_VALUES_PER_SWEEP, description="Number of values, ends included.")

    @model_validator(mode="after")
    def _step_or_count(self) -> ValueRange:
        if (self.step is None) == (self.count is None):
            raise ValueError("give either 'step' or 'count', not both and not neither")
        if self.step is not None:
            if self.step == 0:
                raise ValueError("'step' must not be 0")
            if (self.last - self.first) / abs(self.step) + 1 > MAX_VALUES_PER_SWEEP:
                raise ValueError(f"the range has more than {MAX_VALUES_PER_SWEEP:,} values")
        return self

    def values(self) -> list[Number]:
        """The values, integers when ``first``, ``last`` and the step are whole numbers."""
        span = self.last - self.first
        if self.count is not None:
            step = span / (self.count - 1)
            n = self.count
        else:
            step = math.copysign(abs(self.step), span) if span else abs(self.step)
            n = math.floor(span / step + 1e-9) + 1
        whole = all(isinstance(v, int) for v in (self.first, self.last)) and float(step).is_integer()
        if whole:
            return [self.first + int(step) * i for i in range(n)]
        return [float(f"{self.first + step * i:.12g}") for i in range(n)]


class Sweep(_Strict):
    """One swept field: its path in the scenario and its values (a list, or a range)."""

    path: str = Field(min_length=1, max_length=500,
                      description="Field path in the scenario, e.g. raids[0].count or doctrine.mode.")
    values: list[Any] | None = Field(None, min_length=1, max_length=MAX_VALUES_PER_SWEEP,
                                     description="The values, as the scenario file would write them.")
    range: ValueRange | None = Field(None, description="Numbers first..last by step (or count of them).")

    @model_validator(mode="after")
    def _values_or_range(self) -> Sweep:
        if (self.values is None) == (self.range is None):
            raise ValueError("give either 'values' (a list) or 'range' ({first, last, step}), not both")
        return self

    def expanded(self) -> list[Any]:
        return list(self.values) if self.values is not None else self.range.values()


class Study(_Strict):
    """A study file: base scenario, replications, seed, sweeps."""

    name: name_type(200)  # type: ignore[valid-type]
    description: str = ""
    scenario: str = Field(min_length=1, max_length=4096,
                          description="The base scenario file, relative to the study file.")
    catalogs: list[CatalogPath] = Field(
        default_factory=list, max_length=MAX_CATALOG_FILES,
        description="Catalog files of your own system types, relative to the study file (besides those the "
                    "base scenario names).")
    replications: int = Field(ge=1, le=10_000_000, description="Replications at each sweep point.")
    seed: int = Field(ge=0, le=2**63 - 1, description="Study seed: every replication's seed derives from it.")
    combine: Literal["grid", "zip"] = Field(
        "grid", description="grid: every combination of the sweeps; zip: the i-th values of all sweeps together.")
    sweeps: list[Sweep] = Field(default_factory=list, description="Swept fields; none means one point.")
    events: bool = Field(False, description="Keep every replication's event log (large).")
    precision: dict[str, float] = Field(
        default_factory=dict,
        description="Wanted 95 % half-width per metric; the summary says how many replications reach it.")

    @model_validator(mode="after")
    def _positive_precision(self) -> Study:
        for metric, half_width in self.precision.items():
            if isinstance(half_width, bool) or not half_width > 0:
                raise ValueError(f"precision.{metric} must be a positive half-width (got {half_width})")
        return self


@dataclass(frozen=True)
class Point:
    """One sweep point: its index, the swept values by path, and its validated scenario."""

    index: int
    values: dict[str, Any]
    scenario: Scenario
    scenario_hash: str

    @property
    def label(self) -> str:
        return ", ".join(f"{path}={value}" for path, value in self.values.items()) or "base scenario"


@dataclass(frozen=True)
class StudyPlan:
    """A checked study: the study, its files' texts, every point, and the identity of its results."""

    study: Study
    study_file: Path
    study_text: str
    scenario_file: Path
    scenario_text: str
    points: list[Point]
    sweep_values: list[list[Any]]
    catalog_hash: str
    events: bool
    catalog_files: tuple[CatalogFile, ...] = ()
    """The user's catalog files every point was checked against (the study's, the command line's and the
    base scenario's), copied into the results folder."""

    @property
    def identity(self) -> str:
        """SHA-256 over everything that decides the stored results (see :meth:`identity_parts`)."""
        canonical = json.dumps(self.identity_parts(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def identity_parts(self) -> dict[str, Any]:
        return {
            "format": STORE_FORMAT,
            "seed": self.study.seed,
            "point_scenarios": [point.scenario_hash for point in self.points],
            "catalog_hash": self.catalog_hash,
            "iadsim_version": __version__,
            "events": self.events,
        }

    def manifest(self) -> dict[str, Any]:
        """The ``study.json`` of the results folder."""
        return {
            **self.identity_parts(),
            "identity": self.identity,
            "name": self.study.name,
            "description": self.study.description,
            "replications": self.study.replications,
            "combine": self.study.combine,
            "sweeps": [{"path": sweep.path, "values": values}
                       for sweep, values in zip(self.study.sweeps, self.sweep_values, strict=True)],
            "points": len(self.points),
            "precision": self.study.precision,
            "seed_rule": SEED_RULE,
            **({"catalogs": catalog_records(self.catalog_files)} if self.catalog_files else {}),
        }


def catalog_hash(extra_files: tuple[CatalogFile, ...] = ()) -> str:
    """SHA-256 of the bundled catalog files, then of the contents of the user's files in order (not their
    paths: the study resumes on another machine): results made with another catalog are not mixed."""
    digest = hashlib.sha256()
    for path in sorted(bundled_files()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for file in extra_files:
        digest.update(b"extra\0" + file.sha256.encode() + b"\0")
    return digest.hexdigest()


def is_study_file(path: str | Path) -> bool:
    """Whether ``path`` reads as a study file (a mapping with ``scenario:`` and ``replications:``), so that
    ``iadsim validate`` can check either kind; unreadable files are left to the scenario reader's messages."""
    try:
        data = read_yaml_file(path).data
    except UserError:
        return False
    return isinstance(data, dict) and {"scenario", "replications"} <= set(data)


def load_study(path: str | Path, events: bool | None = None, catalog: Catalog | None = None,
               allow_large: bool = False) -> StudyPlan:
    """Read and check a study file and its base scenario; expand and validate every sweep point
    (schema, names, terrain and the cost of a run, whose soft limits ``allow_large`` lifts), and the
    metrics named under ``precision``.

    ``events`` overrides the file's ``events:`` when given. Raises
    :class:`iadsim.errors.UserError` listing the problems found.
    """
    catalog = catalog or load_catalog()
    study_file = Path(path)
    document = read_yaml_file(study_file)
    if not isinstance(document.data, dict):
        raise UserError([Problem("a study file is a mapping of fields", line=document.line_of(()),
                                 expected="name, scenario, replications, seed, sweeps",
                                 suggestion="start from examples/demo-study.yaml")], document.file)
    study = validate_model(Study, document.data, document)
    own = own_catalog_files(study.catalogs, document)
    if own:
        catalog = load_catalog((*catalog.extra_files, *own))
    scenario_file = study_file.parent / study.scenario
    base = _read_base_scenario(scenario_file, document)
    checked = scenario_from_document(base, catalog, allow_large)  # the base scenario's own mistakes, in its file
    if checked.catalogs:  # its own catalog files join the study's
        catalog = scenario_catalog(checked)
    locations = _check_paths(study, document)
    sweep_values = [sweep.expanded() for sweep in study.sweeps]
    combinations = _combinations(study, sweep_values, document)
    points = _points(study, locations, sweep_values, combinations, base, document, catalog, allow_large)
    _check_precision(study, points, document, catalog)
    return StudyPlan(
        study=study, study_file=study_file, study_text=document.text,
        scenario_file=scenario_file, scenario_text=base.text, points=points,
        sweep_values=sweep_values, catalog_hash=catalog_hash(catalog.extra_files),
        events=study.events if events is None else events, catalog_files=catalog.extra_files,
    )


def _read_base_scenario(scenario_file: Path, document: Document) -> Document:
    if not scenario_file.is_file():
        raise UserError([Problem(f"the base scenario '{scenario_file}' does not exist", "scenario",
                                 document.line_of(("scenario",)), expected="a scenario file, relative to this file",
                                 suggestion=f"the path is read from {scenario_file.parent}")], document.file)
    return read_yaml_file(scenario_file)


def _check_paths(study: Study, document: Document) -> list[Location]:
    locations, problems = [], []
    for index, sweep in enumerate(study.sweeps):
        where = ("sweeps", index, "path")
        try:
            location = parse_sweep_path(sweep.path)
            check_path(location)
        except PathError as error:
            problems.append(Problem(str(error), format_path(where), document.line_of(where),
                                    expected="a scenario field path such as raids[0].count"))
            continue
        if location[:1] == ("catalogs",):
            problems.append(Problem("catalog files are not swept", format_path(where), document.line_of(where),
                                    expected="a scenario field path such as raids[0].count",
                                    suggestion="name every catalog file under the study's 'catalogs:', and sweep "
                                               "the type names that use them (units[0].type)"))
        elif location in locations:
            problems.append(Problem(f"'{sweep.path}' is swept twice", format_path(where), document.line_of(where)))
        locations.append(location)
    if problems:
        raise UserError(problems, document.file)
    return locations


def _combinations(study: Study, sweep_values: list[list[Any]], document: Document) -> list[tuple[Any, ...]]:
    if study.combine == "zip" and len({len(values) for values in sweep_values}) > 1:
        sizes = ", ".join(f"{sweep.path}: {len(values)}" for sweep, values in zip(study.sweeps, sweep_values,
                                                                                  strict=True))
        raise UserError([Problem(f"zipped sweeps need the same number of values ({sizes})", "combine",
                                 document.line_of(("combine",)),
                                 suggestion="give every sweep as many values, or use 'combine: grid'")],
                        document.file)
    count = math.prod(len(values) for values in sweep_values) if study.combine == "grid" else None
    if count is not None and count > MAX_POINTS:
        raise UserError([Problem(f"the grid has {count:,} points; at most {MAX_POINTS:,} are allowed", "sweeps",
                                 document.line_of(("sweeps",)), suggestion="sweep fewer values")], document.file)
    return combine_values(sweep_values, study.combine)


def _points(
    study: Study, locations: list[Location], sweep_values: list[list[Any]],
    combinations: list[tuple[Any, ...]], base: Document, document: Document, catalog: Catalog,
    allow_large: bool = False,
) -> list[Point]:
    """Validate each point's scenario; problems point at the sweep value (in the study file) at fault."""
    points: list[Point] = []
    problems: dict[tuple[str, str], Problem] = {}
    for index, values in enumerate(combinations):
        data = copy.deepcopy(base.data)
        for sweep, (location, value) in enumerate(zip(locations, values, strict=True)):
            try:
                set_value(data, location, value)
            except PathError as error:
                where = format_path(("sweeps", sweep, "path"))
                problems.setdefault((where, str(error)), Problem(str(error), where, document.line_of(
                    ("sweeps", sweep, "path")), expected="a field the base scenario has"))
                break
        else:
            try:
                scenario = scenario_from_document(Document(data, base.file, base.lines), catalog, allow_large)
            except UserError as error:
                for problem in error.problems:
                    located = _locate(problem, study, locations, sweep_values, values, document)
                    problems.setdefault((located.path, located.message), located)
            else:
                values_by_path = {sweep.path: value for sweep, value in zip(study.sweeps, values, strict=True)}
                points.append(Point(index, values_by_path, scenario, scenario_hash(scenario)))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise UserError(list(problems.values())[:MAX_PROBLEMS], document.file)
    return points


def metric_names(scenario: Scenario, catalog: Catalog) -> list[str]:
    """Every metric a study of ``scenario`` can report: those of a run (:func:`iadsim.metrics.compute_metrics`
    on an empty event log names them all, save the occasional ones) and the study's own."""
    from iadsim.events import EventLog
    from iadsim.metrics import compute_metrics

    occasional = OCCASIONAL_METRICS if scenario.units else ()
    return [*compute_metrics(EventLog().to_table(), scenario, catalog), *STUDY_ONLY_METRICS, *occasional]


def _check_precision(study: Study, points: list[Point], document: Document, catalog: Catalog) -> None:
    known = list(dict.fromkeys(name for point in points for name in metric_names(point.scenario, catalog)))
    problems = [Problem(f"no metric '{name}' in this study", f"precision.{name}",
                        document.line_of(("precision", name)), expected=", ".join(known),
                        suggestion=did_you_mean(name, known))
                for name in study.precision if name not in known]
    if problems:
        raise UserError(problems, document.file)


def _locate(
    problem: Problem, study: Study, locations: list[Location], sweep_values: list[list[Any]],
    values: tuple[Any, ...], document: Document,
) -> Problem:
    """Move a point scenario's problem to the study file: to the sweep value at fault when the
    problem lies at or under a swept field, else to ``sweeps`` with the whole point named."""
    at = parse_path(problem.path) if problem.path else ()
    for sweep, location in enumerate(locations):
        if at[: len(location)] != location:
            continue
        value = values[sweep]
        if study.sweeps[sweep].values is not None:
            where: tuple[str | int, ...] = ("sweeps", sweep, "values", sweep_values[sweep].index(value))
        else:
            where = ("sweeps", sweep, "range")
        inner = f"{problem.path}: {problem.message}" if at != location else problem.message
        return Problem(f"{study.sweeps[sweep].path} = {value!r}: {inner}", format_path(where),
                       document.line_of(where), problem.expected, problem.suggestion)
    label = ", ".join(f"{sweep.path}={value!r}" for sweep, value in zip(study.sweeps, values, strict=True))
    inner = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return Problem(f"at the point {label or '(base scenario)'}: {inner}", "sweeps", document.line_of(("sweeps",)),
                   problem.expected, problem.suggestion)
