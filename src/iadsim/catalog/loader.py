"""Load catalog YAML files into typed entries, checking that every figure is cited.

A catalog file holds ``sources:`` (a mapping from a short key to a public
document) and ``entries:`` (a list of system types). The bundled files live in
``iadsim/catalog/data``; a user adds files of their own (a scenario's or study's
``catalogs:``, the command line's ``--catalog FILE``), which may cite the bundled
sources but never redefine a bundled name.

A catalog is the bundled one plus its extra files, each kept as the text that was read
(:class:`CatalogFile`): a scenario carries those texts, so a study's worker on another
machine builds the very catalog the study was checked against, and a results folder
records each file's SHA-256.
"""

from __future__ import annotations

import functools
import hashlib
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from iadsim.catalog.schema import (
    KINDS,
    Citation,
    Entry,
    FireUnitType,
    IffType,
    InterceptorType,
    JammerType,
    RadarType,
    Source,
    ThreatType,
)
from iadsim.errors import Problem, UserError, did_you_mean, format_path, parse_path
from iadsim.validation import MISSING_FIELD, problems_from, unwrap_annotation, validate_model
from iadsim.yamlio import Document, parse_yaml_text, read_text_file

ENTRY_MODELS: dict[str, type[Entry]] = {
    "radar": RadarType,
    "interceptor": InterceptorType,
    "fire_unit": FireUnitType,
    "threat": ThreatType,
    "jammer": JammerType,
    "iff": IffType,
}


CATALOG_KEYS = ("sources", "entries")
EXAMPLE_OF_KIND = {"radar": "generic-search-radar", "interceptor": "generic-lr-interceptor",
                   "fire_unit": "generic-lr-sam", "threat": "generic-drone", "jammer": "f16-alq184-class-jammer",
                   "iff": "iff-mode-5"}
"""A bundled type of each kind, shown to a user whose entry misses a field."""


@dataclass(frozen=True)
class CatalogFile:
    """A catalog file of the user's as it was read: its resolved path and its text."""

    path: str
    text: str

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes (as ``sha256sum FILE`` prints it)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass
class Catalog:
    """All known system types by name, and the sources their figures cite.

    ``files``, ``lines`` and ``indexes`` (in its file's ``entries``) say where each type is defined,
    ``source_files`` where each source
    is; ``extra_files`` are the user's files read beyond the bundled ones, in order.
    """

    entries: dict[str, Entry] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)
    indexes: dict[str, int] = field(default_factory=dict)
    source_files: dict[str, str] = field(default_factory=dict)
    extra_files: tuple[CatalogFile, ...] = ()

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def of_kind(self, kind: str) -> list[Entry]:
        """Entries of one kind (``radar``, ``interceptor``, ``fire_unit``, ``threat``), by name."""
        return sorted((e for e in self if e.kind == kind), key=lambda e: e.name)

    def find(self, name: str, kind: str | None = None) -> Entry | None:
        entry = self.entries.get(name)
        return entry if entry is not None and (kind is None or entry.kind == kind) else None

    def defined_at(self, name: str) -> str:
        """``file:line`` of a type's definition."""
        line = self.lines.get(name)
        return f"{self.files[name]}:{line}" if line is not None else self.files[name]

    def suggestion(self, name: str, kind: str | None = None) -> str:
        """A hint for an unknown ``name``: the nearest known name, else how to list them."""
        names = [e.name for e in self if kind is None or e.kind == kind]
        return did_you_mean(name, names) or f"see `iadsim catalog list{' --kind ' + kind if kind else ''}`"

    def radar(self, name: str) -> RadarType:
        return typing.cast(RadarType, self.entries[name])

    def interceptor(self, name: str) -> InterceptorType:
        return typing.cast(InterceptorType, self.entries[name])

    def fire_unit(self, name: str) -> FireUnitType:
        return typing.cast(FireUnitType, self.entries[name])

    def threat(self, name: str) -> ThreatType:
        return typing.cast(ThreatType, self.entries[name])

    def jammer(self, name: str) -> JammerType:
        return typing.cast(JammerType, self.entries[name])

    def iff(self, name: str) -> IffType:
        return typing.cast(IffType, self.entries[name])


def bundled_files() -> list[Path]:
    """The catalog files shipped with iadsim, in a stable order."""
    folder = resources.files("iadsim.catalog") / "data"
    return sorted(Path(str(item)) for item in folder.iterdir() if item.name.endswith(".yaml"))


def read_catalog_file(path: str | Path) -> CatalogFile:
    """Read a user's catalog file (its checks come when a catalog is built from it)."""
    return CatalogFile(str(Path(path).resolve()), read_text_file(path))


def load_catalog(extra_files: Iterable[str | Path | CatalogFile] = ()) -> Catalog:
    """The bundled catalog, extended by ``extra_files`` (paths, or files already read), which may
    not redefine a name; a file given twice counts once.

    Catalogs are kept per process by their files' texts: building one again costs nothing, so
    every sweep point and every batch of a study may ask for its own.
    """
    files = tuple(dict.fromkeys(
        file if isinstance(file, CatalogFile) else read_catalog_file(file) for file in extra_files))
    return _catalog_of(files)


@functools.lru_cache(maxsize=32)
def _catalog_of(files: tuple[CatalogFile, ...]) -> Catalog:
    if not files:
        return load_catalog_files(bundled_files())
    catalog = load_catalog_documents([parse_yaml_text(file.text, file.path) for file in files],
                                     base=_catalog_of(()))
    catalog.extra_files = files
    return catalog


def load_catalog_files(paths: Iterable[str | Path], base: Catalog | None = None) -> Catalog:
    """Read catalog files: first every ``sources:`` block, then every entry."""
    return load_catalog_documents([parse_yaml_text(read_text_file(path), str(path)) for path in paths], base)


def load_catalog_documents(documents: list[Document], base: Catalog | None = None) -> Catalog:
    """Catalog documents, already parsed, on top of ``base``: first every ``sources:`` block, then
    every entry; a name defined twice is refused with where it was first defined."""
    catalog = Catalog(dict(base.entries), dict(base.sources), dict(base.files), dict(base.lines),
                      dict(base.indexes), dict(base.source_files)) if base else Catalog()
    for document in documents:
        _check_top_level(document)
        for key, raw in (document.data.get("sources") or {}).items():
            line = document.line_of(("sources", key))
            if key in catalog.sources:
                raise UserError([Problem(f"source '{key}' is already defined in {catalog.source_files[key]}",
                                         path=f"sources.{key}", line=line,
                                         suggestion="cite a source defined elsewhere by its key alone, or give "
                                                    "yours a key of its own")], document.file)
            catalog.sources[key] = validate_model(Source, raw, document, ("sources", key))
            catalog.source_files[key] = f"{document.file}:{line}"
    for document in documents:
        for index, raw in enumerate(document.data.get("entries") or []):
            entry = _load_entry(raw, document, index, catalog.sources)
            line = document.line_of(("entries", index, "name"))
            if entry.name in catalog.entries:
                raise UserError(
                    [Problem(f"type '{entry.name}' is already defined in {catalog.defined_at(entry.name)}",
                             path=f"entries[{index}].name", line=line,
                             suggestion="give the new type a name of its own")],
                    document.file,
                )
            catalog.entries[entry.name] = entry
            catalog.files[entry.name] = str(document.file)
            catalog.lines[entry.name] = line
            catalog.indexes[entry.name] = index
    _check_references(catalog)
    return catalog


def _check_top_level(document: Document) -> None:
    data = document.data
    expected = "sources: {key: {title, publisher, url}}, entries: [ {name, kind, description, ...} ]"
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}, not a mapping"
        raise UserError([Problem(f"not a catalog file: the document is {what}", line=document.line_of(()),
                                 expected=expected, suggestion="start from examples/my-systems.yaml")],
                        document.file)
    if {"raids", "scenario"} & set(data):
        raise UserError([Problem("not a catalog file: this is a scenario or a study (it has 'raids:' or "
                                 "'scenario:')", line=document.line_of(()), expected=expected,
                                 suggestion="a scenario names its catalog files under 'catalogs:'")], document.file)
    unknown = [key for key in data if key not in CATALOG_KEYS]
    if unknown:
        raise UserError([Problem(f"not a catalog file: unknown top-level key '{key}'", path=key,
                                 line=document.line_of((key,)), expected=expected,
                                 suggestion=did_you_mean(key, CATALOG_KEYS))
                         for key in unknown], document.file)
    for key, kind in (("sources", dict), ("entries", list)):
        if data.get(key) is not None and not isinstance(data[key], kind):
            raise UserError([Problem(f"'{key}' is a {type(data[key]).__name__}", path=key,
                                     line=document.line_of((key,)), expected=expected)], document.file)


def _load_entry(raw: Any, document: Document, index: int, sources: dict[str, Source]) -> Entry:
    location: tuple[str | int, ...] = ("entries", index)
    line = document.line_of(location)
    if not isinstance(raw, dict):
        raise UserError([Problem("an entry is a mapping", path=f"entries[{index}]", line=line)], document.file)
    kind = raw.get("kind")
    if kind not in ENTRY_MODELS:
        raise UserError(
            [Problem(f"unknown kind {kind!r}", path=f"entries[{index}].kind", line=line,
                     expected=f"one of {', '.join(KINDS)}", suggestion=did_you_mean(str(kind), KINDS))],
            document.file,
        )
    model = ENTRY_MODELS[kind]
    try:
        values, citations = _split_figures(raw, model)
    except ValidationError as error:  # a figure's source, range or note of the wrong type
        raise UserError(problems_from(error, Citation, document, location), document.file) from None
    problems = _citation_problems(citations, model, values, sources, document, location)
    if problems:
        raise UserError(problems, document.file)
    try:
        entry = validate_model(model, values, document, location)
    except UserError as error:
        example = f"`iadsim catalog show {EXAMPLE_OF_KIND[kind]}` shows a {kind} with every field"
        raise UserError([replace(problem, suggestion=problem.suggestion or example)
                         if problem.message == MISSING_FIELD else problem for problem in error.problems],
                        error.file) from None
    entry.citations = citations
    return entry


def _figure_fields(model: type[BaseModel]) -> set[str]:
    """Fields holding numbers or yes/no capabilities (``engage_on_remote``): each must carry a source."""
    return {
        name for name, info in model.model_fields.items()
        if unwrap_annotation(info.annotation) in (float, int, bool) and name != "citations"
    }


def _split_figures(raw: dict, model: type[BaseModel], default: Any = None, prefix: str = ""
                   ) -> tuple[dict, dict[str, Citation]]:
    """Separate each figure's value from its citation; bare figures cite the entry's ``source``.

    Figures inside a list of sub-models (a jammer's ``bands``) are split the same way, their citations
    keyed by path (``bands[0].erp``).
    """
    default_sources = _sources(raw.get("source") or []) if default is None else default
    figures = _figure_fields(model)
    values: dict[str, Any] = {}
    citations: dict[str, Citation] = {}
    for key, value in raw.items():
        if key == "source" and default is None:
            continue
        item_model = _item_model(model, key)
        if item_model is not None and isinstance(value, list):
            values[key] = []
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    values[key].append(item)
                    continue
                item_values, item_citations = _split_figures(item, item_model, default_sources,
                                                             f"{prefix}{key}[{index}].")
                values[key].append(item_values)
                citations |= item_citations
        elif key in figures and isinstance(value, dict) and "value" in value:
            own = value.get("source", default_sources)
            citations[prefix + key] = Citation(
                source=_sources(own),
                range=value.get("range"),
                note=value.get("note"),
            )
            values[key] = value["value"]
        else:
            if key in figures:
                citations[prefix + key] = Citation(source=default_sources)
            values[key] = value
    return values, citations


def _item_model(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    """The model of the items of a list-of-models field (``JammerType.bands``), else None."""
    info = model.model_fields.get(key)
    if info is None:
        return None
    annotation = info.annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # an optional list (``ThreatType.damage``)
        annotation = next((arg for arg in typing.get_args(annotation) if arg is not type(None)), None)
    if typing.get_origin(annotation) is not list:
        return None
    (item,) = typing.get_args(annotation)
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def _sources(value: Any) -> Any:
    """A ``source:`` as a list of keys (one key may be written alone); anything else is left for the
    Citation model to refuse with a message."""
    return [value] if isinstance(value, str) else value


def _citation_problems(
    citations: dict[str, Citation], model: type[Entry], values: dict, sources: dict[str, Source],
    document: Document, location: tuple,
) -> list[Problem]:
    problems = []
    for name, citation in citations.items():
        where = (*location, *parse_path(name))
        if not citation.source:
            problems.append(Problem(
                f"figure '{name}' has no source", path=format_path(where), line=document.line_of(where),
                expected="a 'source:' key for the entry, or 'value:' and 'source:' for the figure",
                suggestion="every catalog number cites a public document listed under 'sources:'"))
        for key in citation.source:
            if key not in sources:
                problems.append(Problem(
                    f"figure '{name}' cites unknown source '{key}'", path=format_path(where),
                    line=document.line_of(where), expected="a key of a 'sources:' list",
                    suggestion=did_you_mean(key, sources)))
    return problems


def _check_references(catalog: Catalog) -> None:
    """Fire units must name radar and interceptor types that exist; a loadout, threat types that are weapons."""
    problems = []
    for entry in catalog.of_kind("threat"):
        assert isinstance(entry, ThreatType)
        for index, carried in enumerate(entry.loadout or []):
            weapon = catalog.find(carried.weapon, "threat")
            if weapon is None or weapon.threat_class == "aircraft" or weapon.decoy is not None:
                what = ("names unknown threat type" if weapon is None else
                        "names an aircraft," if weapon.threat_class == "aircraft" else "names a decoy,")
                problems.append((catalog.files[entry.name], Problem(
                    f"the loadout of '{entry.name}' {what} '{carried.weapon}'",
                    path=f"entries[{catalog.indexes[entry.name]}].loadout[{index}].weapon",
                    line=catalog.lines.get(entry.name), expected="a catalog threat type that is a weapon (a missile, "
                    "a bomb, a drone); decoys are carried by decoy_capacity",
                    suggestion=catalog.suggestion(carried.weapon, "threat"))))
    for entry in catalog.of_kind("fire_unit"):
        assert isinstance(entry, FireUnitType)
        for field_name, kind in (("radars", "radar"), ("interceptors", "interceptor")):
            for name in getattr(entry, field_name):
                if catalog.find(name, kind) is None:
                    problems.append((catalog.files[entry.name], Problem(
                        f"fire unit '{entry.name}' names unknown {kind} type '{name}'",
                        path=f"entries[{catalog.indexes[entry.name]}].{field_name}", line=catalog.lines.get(entry.name),
                        suggestion=catalog.suggestion(name, kind))))
    if problems:
        file = problems[0][0]
        raise UserError([problem for where, problem in problems if where == file], file)
