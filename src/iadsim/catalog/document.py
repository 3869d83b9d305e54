"""Write the catalog as a Markdown reference: every type, every figure with its sources.

``python -m iadsim.catalog.document > docs/catalog.md`` regenerates the
committed reference; a test checks that it is up to date. The same formatting
serves ``iadsim catalog show``, so the page and the command read alike.
"""

from __future__ import annotations

import math
import sys
import typing
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from iadsim.catalog.loader import Catalog, load_catalog
from iadsim.catalog.schema import Citation, Entry, InterceptorType, JammerType, ThreatType
from iadsim.units import dimension_of, display

IDENTITY_FIELDS = {"name", "kind", "description", "citations"}
ESTIMATE_SOURCE = "iadsim-estimate"
COMMAND = "python -m iadsim.catalog.document > docs/catalog.md"


def format_number(value: float) -> str:
    """A plain number as people read it: thousands separators for large whole numbers."""
    return f"{value:,.0f}" if abs(value) >= 1e4 and value == int(value) else f"{value:,.6g}"


def field_dimension(info: FieldInfo) -> str | None:
    """The dimension of a quantity field (``"length"``...), looking inside ``X | None`` too."""
    dimension = dimension_of(info.metadata)
    if dimension is None:
        for member in typing.get_args(info.annotation):
            if typing.get_origin(member) is typing.Annotated:
                dimension = dimension or dimension_of(list(member.__metadata__))
    return dimension


def entry_fields(entry: BaseModel, prefix: str = "") -> list[tuple[str, str]]:
    """(field, value as people read it, in display units) for every field the entry sets,
    but its identity; the items of a list of sub-models (a jammer's ``bands``) field by field,
    as ``bands[0].erp``."""
    rows = []
    for field_name, info in type(entry).model_fields.items():
        value = getattr(entry, field_name)
        if field_name in IDENTITY_FIELDS or value is None:
            continue
        dimension = field_dimension(info)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for index, item in enumerate(value):
                rows += entry_fields(item, f"{prefix}{field_name}[{index}].")
            continue
        if isinstance(value, list):
            text = ", ".join(map(str, value))
        elif dimension is not None:
            text = display(value, dimension)
        elif isinstance(value, float):
            text = format_number(value)
        else:
            text = str(value)
        rows.append((prefix + field_name, text))
    return rows


def range_text(citation: Citation | None) -> str:
    """A citation's spread between sources, ``"a to b"``, or ``""`` when sources agree."""
    if citation is None or citation.range is None:
        return ""
    return " to ".join(
        format_number(float(v)) if isinstance(v, int | float) else str(v) for v in citation.range
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _family_title(path: Path) -> str:
    """The family a catalog file describes: its first comment line, up to a colon or full stop."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            text = line.lstrip("# ").strip()
            for mark in (":", ". "):
                text = text.split(mark)[0]
            return text.strip() or path.stem
        if line.strip():
            break
    return path.stem


def _entry_section(entry: Entry) -> list[str]:
    lines = [f"### `{entry.name}` ({entry.kind.replace('_', ' ')})", "", entry.description, "",
             "| field | value | sources | range | note |", "| --- | --- | --- | --- | --- |"]
    for field_name, value in entry_fields(entry):
        citation = entry.citations.get(field_name)
        sources = ", ".join(citation.source) if citation else ""
        note = citation.note or "" if citation else ""
        cells = (field_name, value, sources, range_text(citation), note)
        lines.append("| " + " | ".join(_cell(text) for text in cells) + " |")
    estimates = [name for name, citation in entry.citations.items()
                 if ESTIMATE_SOURCE in citation.source]
    if estimates:
        lines += ["", f"Estimates (no public figure found): {', '.join(estimates)}."]
    return [*lines, ""]


def _summary(catalog: Catalog) -> list[str]:
    """Headline figures side by side: interceptors, threats and jammers, the rows people compare."""
    lines = ["## At a glance", "",
             "| interceptor | layer | ground range | altitude | fastest target | unit price (USD) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for entry in catalog.of_kind("interceptor"):
        assert isinstance(entry, InterceptorType)
        cells = (f"`{entry.name}`", entry.layer,
                 f"{display(entry.min_range, 'length')} to {display(entry.max_range, 'length')}",
                 f"{display(entry.min_altitude, 'length')} to {display(entry.max_altitude, 'length')}",
                 display(entry.max_target_speed, "speed"), format_number(entry.cost_usd))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| threat | class | speed | altitude | frontal RCS | range | unit price (USD) |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for entry in catalog.of_kind("threat"):
        assert isinstance(entry, ThreatType)
        kind = entry.threat_class.replace("_", " ") + (f" ({entry.decoy.replace('_', ' ')} decoy)"
                                                      if entry.decoy else "")
        cells = (f"`{entry.name}`", kind, display(entry.speed, "speed"),
                 display(entry.cruise_altitude, "length"), display(entry.rcs, "area"),
                 display(entry.max_range, "length"), format_number(entry.cost_usd))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| jammer | role | bands | ERP per band | bandwidth | coverage |",
              "| --- | --- | --- | --- | --- | --- |"]
    for entry in catalog.of_kind("jammer"):
        assert isinstance(entry, JammerType)
        cells = (f"`{entry.name}`", entry.role.replace("_", " "), ", ".join(row.band for row in entry.bands),
                 ", ".join(f"{10 * math.log10(row.erp):.3g} dBW" for row in entry.bands),
                 ", ".join(display(row.bandwidth, "frequency") for row in entry.bands),
                 display(entry.coverage, "angle") + (" fore and aft" if entry.fore_and_aft else ""))
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _sources(catalog: Catalog, cited: Iterable[str]) -> list[str]:
    lines = ["## Sources", ""]
    for key in sorted(set(cited)):
        source = catalog.sources[key]
        where = f" <{source.url}>" if source.url else ""
        date = source.date or "n.d."
        lines.append(f"- **{key}**: {source.title}. {source.publisher}, {date}.{where}")
    return [*lines, ""]


def own_systems_guide() -> str:
    """The section "Adding your own system" (``adding_your_own_system.md`` beside this module): prose
    kept as Markdown, so that the page reads as one."""
    return (resources.files("iadsim.catalog") / "adding_your_own_system.md").read_text(encoding="utf-8")


def catalog_markdown(catalog: Catalog | None = None) -> str:
    """The catalog as Markdown: a summary, each file's types in file order, then the sources."""
    catalog = catalog or load_catalog()
    files: dict[str, list[Entry]] = {}
    for entry in catalog:
        files.setdefault(catalog.files[entry.name], []).append(entry)
    lines = [
        "# The iadsim catalog",
        "",
        f"Generated from `src/iadsim/catalog/data/*.yaml` (the guide to your own systems from "
        f"`src/iadsim/catalog/adding_your_own_system.md`) by `{COMMAND}`; do not edit by hand.",
        "",
        "Every figure names its public sources (listed at the end). Where sources disagree, *range* gives",
        "the spread and *note* says which value was chosen and why. A figure citing `iadsim-estimate` is",
        "one no public source gives: its note says how it was set, and `docs/catalog-research.md` lists",
        "what a better source would replace. Quantities are shown in SI-based display units;",
        "`iadsim catalog show TYPE` prints the same table for one type.",
        "",
        own_systems_guide(),
        *_summary(catalog),
    ]
    cited: list[str] = []
    for path, entries in files.items():
        lines += [f"## {_family_title(Path(path))}", "", f"From `{Path(path).name}`.", ""]
        for entry in entries:
            lines += _entry_section(entry)
            cited += [key for citation in entry.citations.values() for key in citation.source]
    lines += _sources(catalog, cited)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    """Print the catalog reference (``python -m iadsim.catalog.document > docs/catalog.md``)."""
    sys.stdout.write(catalog_markdown())


if __name__ == "__main__":
    main()
