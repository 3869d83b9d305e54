"""The ``iadsim`` command line.

Exit codes: 0 success, 2 a mistake in the user's input or a write the system
refused (the message says where and how to fix it), 130 interrupted. A Ctrl-C
at any moment gives 130, or the command's own code once it has finished: the
interrupt handler is retired before the exit code is decided, so the process
never dies by the signal itself.
"""

from __future__ import annotations

import signal
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from iadsim import __version__
from iadsim.catalog import CatalogFile, load_catalog
from iadsim.catalog.document import entry_fields, range_text
from iadsim.catalog.schema import KINDS
from iadsim.errors import UserError, did_you_mean, printable
from iadsim.report import cli as report_commands
from iadsim.study import cli as study_commands
from iadsim.terminal import RunProgress, safe
from iadsim.terminal import console as make_console

app = typer.Typer(
    help="Simulate layered air and missile defence from public, cited figures.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
catalog_app = typer.Typer(help="List, show and check the system types of the catalog.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
console = make_console()
progress_console = make_console(stderr=True)

ScenarioPath = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Results folder \\[default: results/<scenario file name>].")
]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Override the scenario's seed.", min=0,
                                                max=2**63 - 1)]
AllowLargeOption = Annotated[bool, typer.Option(
    "--allow-large", help="Run a scenario past the limits on ticks and memory (docs: README, 'Limits').")]
CatalogOption = Annotated[list[Path] | None, typer.Option(
    "--catalog", help="A catalog file of your own system types, beside those a scenario names under 'catalogs:' "
                      "(repeat for more; docs/catalog.md, 'Adding your own system').", show_default=False)]


def demo_scenario_path() -> Path:
    """The bundled demo scenario (``examples/demo.yaml`` in the repository)."""
    return Path(str(resources.files("iadsim") / "data" / "demo.yaml"))


@app.command()
def run(
    scenario: ScenarioPath,
    output: OutputOption = None,
    seed: SeedOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the results folder.")] = False,
    allow_large: AllowLargeOption = False,
    catalog: CatalogOption = None,
) -> None:
    """Simulate a scenario and write its results folder (events, summary, report)."""
    _simulate_and_write(scenario, output or Path("results") / scenario.stem, seed, quiet, allow_large, catalog)


@app.command()
def demo(output: OutputOption = None, seed: SeedOption = None) -> None:
    """Simulate the bundled demo scenario (examples/demo.yaml)."""
    _simulate_and_write(demo_scenario_path(), output or Path("results") / "demo", seed, quiet=False)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario or study YAML file.", show_default=False)],
    allow_large: AllowLargeOption = False,
    catalog: CatalogOption = None,
) -> None:
    """Check a scenario (or a study file and every sweep point) without running it: schema, units,
    catalog names, targets, terrain, and what a run will take."""
    from iadsim.scenario.budget import estimate
    from iadsim.scenario.load import load_scenario
    from iadsim.study.spec import is_study_file, load_study

    extended = load_catalog(catalog or ())
    if is_study_file(file):
        plan = load_study(file, catalog=extended, allow_large=allow_large)
        console.print(f"[green]ok[/green]: study {safe(repr(plan.study.name))}: {len(plan.points)} point(s) x "
                      f"{plan.study.replications} replications of {safe(plan.scenario_file)}", highlight=False)
        _print_catalog_files(plan.catalog_files)
        return
    loaded = load_scenario(file, extended, allow_large=allow_large)
    budget = estimate(loaded)
    console.print(
        f"[green]ok[/green]: {safe(repr(loaded.name))}: {len(loaded.units)} fire units, {len(loaded.sensors)} "
        f"stand-alone sensors, {budget.threats} threats in {len(loaded.raids)} raids, "
        f"{loaded.duration:g} s at {loaded.time_step:g} s steps (at most {budget.ticks:,.0f} ticks, "
        f"about {budget.bytes / 2**20:,.0f} MiB)",
        highlight=False,
    )
    _print_catalog_files(loaded.catalog_files)


def _print_catalog_files(files: tuple[CatalogFile, ...]) -> None:
    for file in files:
        console.print(printable(f"  with catalog file {file.path} (sha256 {file.sha256})"), highlight=False,
                      markup=False)


@app.command()
def verify(
    name: Annotated[str | None, typer.Option("--case", help="Run only this case.")] = None,
) -> None:
    """Run the verification cases: each model against a closed form or a published figure."""
    from iadsim.verify import all_cases

    cases = all_cases()
    if name is not None and name not in cases:
        raise UserError(f"unknown verification case '{name}'; {did_you_mean(name, cases) or 'see iadsim verify'}")
    table = Table("case", "model", "reference", "expected", "got", "tolerance", "pass", title="iadsim verify")
    failures = 0
    for case_name, function in cases.items():
        if name is not None and case_name != name:
            continue
        result = function()
        failures += not result.passed
        table.add_row(result.case, result.model, result.reference, result.expected, result.got, result.tolerance,
                      "[green]pass[/green]" if result.passed else "[red]FAIL[/red]")
    console.print(table)
    if failures:
        console.print(f"[red]{failures} case(s) failed[/red]")
        raise typer.Exit(1)


@app.command()
def models() -> None:
    """List the models a scenario can choose for each stage (its `models:` section)."""
    import inspect
    import re

    from iadsim import registry
    from iadsim.scenario.schema import Models

    defaults = Models()
    table = Table("stage", "model", "default", "what it does", title="iadsim models")
    for role in registry.CHOOSABLE_ROLES:
        for name in registry.available(role):
            summary = (inspect.getdoc(registry.factory(role, name)) or "").split("\n\n")[0].replace("\n", " ")
            summary = re.sub(r":\w+:`~?([^`]+)`|``([^`]+)``", lambda m: m[1] or m[2], summary)  # reST to plain text
            table.add_row(role, name, "yes" if getattr(defaults, role) == name else "", summary)
    console.print(table)


@catalog_app.command("list")
def catalog_list(
    kind: Annotated[str | None, typer.Option("--kind", help=f"Only one kind: {', '.join(KINDS)}.")] = None,
    catalog: CatalogOption = None,
) -> None:
    """List catalog types, by kind (with --catalog, your own types too)."""
    if kind is not None and kind not in KINDS:
        raise UserError(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    types = load_catalog(catalog or ())
    table = Table("name", "kind", "description", title="iadsim catalog")
    for each in KINDS if kind is None else (kind,):
        for entry in types.of_kind(each):
            table.add_row(safe(entry.name), entry.kind, safe(entry.description))
    console.print(table)


@catalog_app.command("show")
def catalog_show(
    name: Annotated[str, typer.Argument(help="A catalog type name.", show_default=False)],
    catalog: CatalogOption = None,
) -> None:
    """Show one catalog type: where it is defined, every figure with its source, range and note, and the
    sources it cites."""
    types = load_catalog(catalog or ())
    entry = types.find(name)
    if entry is None:
        hint = "" if catalog else "; a type of your own: add --catalog FILE"
        raise UserError(f"unknown catalog type '{name}'; {types.suggestion(name)}{hint}")
    console.print(f"[bold]{safe(entry.name)}[/bold] ({entry.kind}): {safe(entry.description)}", highlight=False)
    console.print(printable(f"defined in {types.defined_at(name)}"), highlight=False, markup=False)
    table = Table("field", "value", "sources", "range", "note")
    for field_name, value in entry_fields(entry):
        citation = entry.citations.get(field_name)
        table.add_row(
            field_name, value,
            ", ".join(citation.source) if citation else "",
            range_text(citation),
            citation.note or "" if citation else "",
        )
    console.print(table)
    cited = sorted({key for citation in entry.citations.values() for key in citation.source})
    for key in cited:
        source = types.sources[key]
        where = f" {source.url}" if source.url else ""
        console.print(printable(f"  [{key}] {source.title}, {source.publisher}, {source.date or 'n.d.'}.{where}"),
                      highlight=False, markup=False)


@catalog_app.command("check")
def catalog_check(
    files: Annotated[list[Path], typer.Argument(help="Catalog files of your own, checked together.",
                                                show_default=False)],
) -> None:
    """Check catalog files of your own against the bundled catalog: the file's layout, every entry's fields
    and units, every figure's source, and no name defined twice; print what each file adds."""
    types = load_catalog(files)
    for file in types.extra_files:
        names = [name for name, path in types.files.items() if path == file.path]
        kinds = ", ".join(f"{sum(types.entries[n].kind == kind for n in names)} {kind}" for kind in KINDS
                          if any(types.entries[n].kind == kind for n in names))
        sources = sum(where.rsplit(":", 1)[0] == file.path for where in types.source_files.values())
        console.print(printable(f"ok: {file.path}: {len(names)} type(s) ({kinds or 'none'}), {sources} source(s); "
                                f"sha256 {file.sha256}"), highlight=False, markup=False)
        for name in names:
            entry = types.entries[name]
            console.print(printable(f"  {name} ({entry.kind}): {entry.description}"), highlight=False, markup=False)


def _simulate_and_write(scenario_path: Path, output: Path, seed: int | None, quiet: bool,
                        allow_large: bool = False, catalog_files: list[Path] | None = None) -> None:
    """Check the scenario and the output folder, simulate (with a progress bar on a terminal), write."""
    from iadsim.engine import simulate
    from iadsim.files import check_output_folder
    from iadsim.results import write_run
    from iadsim.scenario.load import load_scenario

    scenario = load_scenario(scenario_path, load_catalog(catalog_files or ()), allow_large=allow_large)
    check_output_folder(output)
    bar = RunProgress(scenario.duration, progress_console, enabled=not quiet)
    try:
        result = simulate(scenario, seed=seed, progress=bar)
    finally:
        bar.close()
    write_run(result, output)
    if quiet:
        console.print(safe(output), highlight=False)
        return
    _print_results(result.metrics, scenario.name, result.seed, output, bool(scenario.catalog_files))


def _print_results(metrics: dict[str, float], name: str, seed: int, output: Path, copies: bool = False) -> None:
    table = Table(title=f"{safe(name)} (seed {seed})", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in ("threats", "detected", "engaged", "killed", "leaked"):
        table.add_row(key, f"{metrics[key]:g}")
    for key, value in metrics.items():
        if key.startswith("interceptors_") and key != "interceptors_fired":
            table.add_row(f"interceptors used: {key.removeprefix('interceptors_')}", f"{value:g}")
    table.add_row("cost of interceptors (USD)", f"{metrics['cost_defender']:,.0f}")
    table.add_row("cost of threats (USD)", f"{metrics['cost_attacker']:,.0f}")
    table.add_row("cost of threats shot down (USD)", f"{metrics['cost_threats_killed']:,.0f}")
    for key in ("lost", "decoys", "decoys_discriminated", "rounds_at_decoys", "units_destroyed", "unit_moves",
                "rounds_resupplied", "first_out_of_rounds_s"):
        if metrics.get(key):
            table.add_row(key.replace("_", " "), f"{metrics[key]:g}")
    console.print(table)
    files = "events.parquet, entities.parquet, summary.json, report.html" + (", catalogs/" if copies else "")
    console.print(f"results: {safe(output)}/ ({files})", highlight=False)


def version_callback(value: bool) -> None:
    if value:
        console.print(f"iadsim {__version__}")
        raise typer.Exit()


@app.callback()
def common(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Simulate layered air and missile defence from public, cited figures."""


report_commands.register(app)
study_commands.register(app)


_finishing = False
"""Set once the command's outcome is known: from then on Ctrl-C is ignored (see the module docstring)."""


def _interrupt(signum: int, frame: object) -> None:
    if not _finishing:
        raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``iadsim`` command: user mistakes and refused writes become a message and exit
    code 2; Ctrl-C exits 130."""
    global _finishing
    _finishing = False
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # a background job keeps ignoring it
        signal.signal(signal.SIGINT, _interrupt)
    code: int | str | None = 130
    try:
        try:
            app()
        except SystemExit as stop:
            code = stop.code
        except UserError as error:
            code = 2
            print(f"error: {error.render()}", file=sys.stderr)
        except OSError as error:  # a read or write the system refused, where no check caught it first
            code = 2
            where = f"{printable(str(error.filename))}: " if error.filename else ""
            print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        finally:
            _finishing = True
    except KeyboardInterrupt:
        pass
    if code == 130:
        print("interrupted", file=sys.stderr)
    sys.exit(code)
