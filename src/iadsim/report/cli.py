"""The ``iadsim report`` and ``iadsim export`` commands.

Both read a results folder (what ``iadsim run`` writes) and nothing else;
both check everything before writing, and write atomically (a temporary file
renamed into place), so a mistake leaves the folder as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from iadsim.catalog import load_catalog
from iadsim.errors import Problem, UserError, did_you_mean
from iadsim.terminal import console as make_console
from iadsim.terminal import safe
from iadsim.units import QuantityError, parse_quantity

console = make_console()
FORMATS: dict[str, str] = {"czml": "czml", "geojson": "geojson", "kml": "kml", "dis": "dis"}
"""Export formats and the file extension each writes."""

FolderArgument = Annotated[Path, typer.Argument(
    help="A results folder written by `iadsim run` (or, for `report`, by `iadsim study`).", show_default=False)]
CatalogOption = Annotated[list[Path] | None, typer.Option(
    "--catalog", help="A catalog file of your own the run used but its folder does not keep (a folder written "
                      "before runs kept copies of them in catalogs/); repeat for more.", show_default=False)]


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``export`` to the command line."""
    app.command("report")(report)
    app.command("export")(export)
    app.command("replay")(replay)


def report(
    folder: FolderArgument,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="HTML file \\[default: FOLDER/report.html].")] = None,
    altitude: Annotated[list[str] | None, typer.Option(
        "--altitude", help="Target altitude for the map's radar coverage, e.g. '30 m' or '10 km'; repeat for more "
                           "\\[default: 30 m, 300 m, 3 km, 10 km].")] = None,
    catalog: CatalogOption = None,
) -> None:
    """Rebuild a run's report (one HTML file that needs no network) from its results folder, or make a
    study's report from a study folder (written by `iadsim study`)."""
    from iadsim.study.layout import MANIFEST_FILE

    if (folder / MANIFEST_FILE).is_file():
        _study_report(folder, output)
        return
    from iadsim.report.map_figure import DEFAULT_COVERAGE_ALTITUDES_M
    from iadsim.report.page import render_run_report
    from iadsim.report.record import read_run_folder
    from iadsim.files import atomic_write_text
    from iadsim.run_layout import REPORT_FILE

    altitudes = tuple(_altitude(text) for text in altitude) if altitude else DEFAULT_COVERAGE_ALTITUDES_M
    record = read_run_folder(folder, load_catalog(catalog or ()))
    target = output or folder / REPORT_FILE
    _check_writable(target)
    atomic_write_text(target, render_run_report(record, altitudes))
    console.print(f"report: {safe(target)}", highlight=False)


def _study_report(folder: Path, output: Path | None) -> None:
    from iadsim.report.study_page import StudyRecord, render_study_report
    from iadsim.files import atomic_write_text
    from iadsim.run_layout import REPORT_FILE
    from iadsim.study.store import StudyStore

    record = StudyRecord.read(StudyStore.open(folder))
    target = output or folder / REPORT_FILE
    _check_writable(target)
    atomic_write_text(target, render_study_report(record))
    console.print(f"study report: {safe(target)}", highlight=False)


def export(
    folder: FolderArgument,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="czml (Cesium), geojson, kml (Google Earth) or dis (a log of IEEE 1278.1 PDUs).",
        show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write \\[default: FOLDER/run.<format>].")] = None,
    epoch: Annotated[str | None, typer.Option(
        help="Calendar time of simulated time zero for CZML and KML, ISO 8601 \\[default: 2000-01-01T00:00:00Z].")]
    = None,
    catalog: CatalogOption = None,
) -> None:
    """Export a run's paths, sites and events for other viewers: Cesium (CZML), GIS (GeoJSON), Google Earth (KML),
    DIS simulators (a PDU log)."""
    from iadsim.report.export_model import DEFAULT_EPOCH
    from iadsim.report.record import read_run_folder
    from iadsim.files import atomic_write, atomic_write_text

    name = format.lower()
    if name not in FORMATS:
        raise UserError([Problem(f"unknown export format '{format}'", path="--format",
                                 expected=", ".join(FORMATS), suggestion=did_you_mean(name, FORMATS))])
    start = _epoch(epoch) if epoch is not None else DEFAULT_EPOCH
    record = read_run_folder(folder, load_catalog(catalog or ()))
    target = output or folder / f"run.{FORMATS[name]}"
    _check_writable(target)
    content = _writer(name, start)(record)
    if isinstance(content, bytes):
        atomic_write(target, lambda temporary: temporary.write_bytes(content))
    else:
        atomic_write_text(target, content)
    console.print(f"{name}: {safe(target)}", highlight=False)


def _writer(name: str, epoch: dt.datetime) -> Callable[..., str | bytes]:
    from iadsim.report.export_czml import to_czml
    from iadsim.report.export_dis import to_dis_log
    from iadsim.report.export_geojson import to_geojson
    from iadsim.report.export_kml import to_kml

    writers: dict[str, Callable[..., str | bytes]] = {
        "czml": lambda record: to_czml(record, epoch),
        "geojson": to_geojson,
        "kml": lambda record: to_kml(record, epoch),
        "dis": to_dis_log,
    }
    return writers[name]


def replay(
    folder: FolderArgument,
    dis: Annotated[str, typer.Option("--dis", help="Where to send the PDUs: udp://HOST:PORT, e.g. "
                                                   "udp://127.0.0.1:3000.", show_default=False)],
    speed: Annotated[float, typer.Option("--speed", help="Simulated seconds per second of real time.")] = 1.0,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow an address that is not on this machine's loopback.")] = False,
    catalog: CatalogOption = None,
) -> None:
    """Stream a run as DIS PDUs (IEEE 1278.1) over UDP, in real time or faster, for viewers that listen to DIS:
    the PDUs `iadsim export --format dis` writes."""
    from iadsim.report.dis_stream import parse_address, stream
    from iadsim.report.export_dis import to_dis
    from iadsim.report.record import read_run_folder

    address = parse_address(dis, allow_remote)
    if not speed > 0.0 or speed == float("inf"):
        raise UserError([Problem(f"speed {speed:g} is not a positive number", path="--speed",
                                 expected="simulated seconds per real second, e.g. 10")])
    pdus = to_dis(read_run_folder(folder, load_catalog(catalog or ())))
    duration = pdus[-1].t_s - pdus[0].t_s if pdus else 0.0
    console.print(f"replay: {len(pdus)} PDUs to {safe(str(address))}, {duration:.0f} s of the run at {speed:g}x "
                  f"({duration / speed:.1f} s)", highlight=False)
    sent = stream(pdus, address, speed)
    console.print(f"sent {sent} PDUs", highlight=False)


def _altitude(text: str) -> float:
    try:
        value = parse_quantity(text, "length")
    except QuantityError as error:
        raise UserError([Problem(str(error), path="--altitude", expected="a length such as '30 m' or '10 km'")]) \
            from None
    if value < 0.0:
        raise UserError([Problem(f"altitude {text} is below the ellipsoid", path="--altitude",
                                 expected="an altitude of 0 m or more")])
    return value


def _epoch(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError([Problem(f"cannot read '{text}' as a time", path="--epoch",
                                 expected="ISO 8601, e.g. 2024-04-13T22:00:00Z")]) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _check_writable(target: Path) -> None:
    """The output's folder must exist and be writable, with room; the output must not be a folder."""
    from iadsim.files import check_output_folder

    if target.is_dir():
        raise UserError([Problem("is a folder", expected="a file name to write",
                                 suggestion=f"give a file name, e.g. {target / 'report.html'}")], str(target))
    if not target.parent.is_dir():
        raise UserError([Problem("the folder to write into does not exist", suggestion="create it first")],
                        str(target))
    check_output_folder(target.parent, allowed=None)
