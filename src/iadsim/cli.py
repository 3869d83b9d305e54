"""The ``iadsim`` command line.

Exit codes: 0 success, 2 a mistake in the user's input (the message says
where and how to fix it), 130 interrupted.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from iadsim import __version__
from iadsim.catalog import load_catalog
from iadsim.catalog.document import entry_fields, range_text
from iadsim.catalog.schema import KINDS
from iadsim.errors import UserError, did_you_mean
from iadsim.report import cli as report_commands
from iadsim.study import cli as study_commands

app = typer.Typer(
    help="Simulate layered air and missile defence from public, cited figures.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
catalog_app = typer.Typer(help="List and show the system types of the catalog.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
console = Console(width=None if sys.stdout.isatty() else 160)
"""Standard output; piped or redirected output gets wide tables instead of rich's 80 columns."""

ScenarioPath = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Results folder \\[default: results/<scenario file name>].")
]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Override the scenario's seed.", min=0)]


def demo_scenario_path() -> Path:
    """The bundled demo scenario (``examples/demo.yaml`` in the repository)."""
    return Path(str(resources.files("iadsim") / "data" / "demo.yaml"))


@app.command()
def run(
    scenario: ScenarioPath,
    output: OutputOption = None,
    seed: SeedOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the results folder.")] = False,
) -> None:
    """Simulate a scenario and write its results folder (events, summary, report)."""
    _simulate_and_write(scenario, output or Path("results") / scenario.stem, seed, quiet)


@app.command()
def demo(output: OutputOption = None, seed: SeedOption = None) -> None:
    """Simulate the bundled demo scenario (examples/demo.yaml)."""
    _simulate_and_write(demo_scenario_path(), output or Path("results") / "demo", seed, quiet=False)


@app.command()
def validate(scenario: ScenarioPath) -> None:
    """Check a scenario without running it: schema, units, catalog names, targets."""
    from iadsim.scenario.load import load_scenario

    loaded = load_scenario(scenario)
    threats = sum(raid.count for raid in loaded.raids)
    console.print(
        f"[green]ok[/green]: {loaded.name!r}: {len(loaded.units)} fire units, {len(loaded.sensors)} "
        f"stand-alone sensors, {threats} threats in {len(loaded.raids)} raids, "
        f"{loaded.duration:g} s at {loaded.time_step:g} s steps",
        highlight=False,
    )


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
) -> None:
    """List catalog types, by kind."""
    if kind is not None and kind not in KINDS:
        raise UserError(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    catalog = load_catalog()
    table = Table("name", "kind", "description", title="iadsim catalog")
    for each in KINDS if kind is None else (kind,):
        for entry in catalog.of_kind(each):
            table.add_row(entry.name, entry.kind, entry.description)
    console.print(table)


@catalog_app.command("show")
def catalog_show(name: Annotated[str, typer.Argument(help="A catalog type name.", show_default=False)]) -> None:
    """Show one catalog type: every figure with its source, range and note."""
    catalog = load_catalog()
    entry = catalog.find(name)
    if entry is None:
        raise UserError(f"unknown catalog type '{name}'; {catalog.suggestion(name)}")
    console.print(f"[bold]{entry.name}[/bold] ({entry.kind}): {entry.description}", highlight=False)
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
        source = catalog.sources[key]
        where = f" {source.url}" if source.url else ""
        console.print(f"  [{key}] {source.title}, {source.publisher}, {source.date or 'n.d.'}.{where}",
                      highlight=False, markup=False)


def _simulate_and_write(scenario_path: Path, output: Path, seed: int | None, quiet: bool) -> None:
    from iadsim.engine import simulate
    from iadsim.results import write_run
    from iadsim.scenario.load import load_scenario

    scenario = load_scenario(scenario_path)
    result = simulate(scenario, seed=seed)
    write_run(result, output)
    if quiet:
        console.print(str(output), highlight=False)
        return
    _print_results(result.metrics, scenario.name, result.seed, output)


def _print_results(metrics: dict[str, float], name: str, seed: int, output: Path) -> None:
    table = Table(title=f"{name} (seed {seed})", show_header=True)
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
    for key in ("units_destroyed", "unit_moves", "rounds_resupplied", "first_out_of_rounds_s"):
        if metrics.get(key):
            table.add_row(key.replace("_", " "), f"{metrics[key]:g}")
    console.print(table)
    console.print(f"results: {output}/ (events.parquet, summary.json, report.html)", highlight=False)


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


def main() -> None:
    """Entry point of the ``iadsim`` command: user mistakes become a message and exit code 2."""
    try:
        app()
    except UserError as error:
        print(f"error: {error.render()}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
