"""A fuzzer of the input files (issue 16): hypothesis mutates every scenario and study file of examples/
and every file of the bundled catalog, and every mutant must end in exit 0 or exit 2 with one message,
within a time and memory bound; a refused input writes nothing.

Mutations: deleted keys and list items, swapped types, extreme and enormous numbers, deep nesting, odd
unicode (NUL, ESC, direction overrides, combining marks, non-ASCII digits), odd unit strings, and in the
text itself YAML tags, anchors and aliases, tabs and truncation.

The command line runs in this process (``iadsim.cli.main``: a subprocess costs a second of imports each),
with a few mutants through the installed command under a memory limit. The run is derandomized (the same
mutants every time, so a failure reproduces); ``IADSIM_FUZZ_EXAMPLES=2000`` hunts longer.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iadsim import cli
from iadsim.catalog import bundled_files
from iadsim.catalog.loader import load_catalog_files
from iadsim.errors import UserError
from tests.conftest import EXAMPLES
from tests.helpers import exit_and_error

EXAMPLES_BUDGET = int(os.environ.get("IADSIM_FUZZ_EXAMPLES", "80"))
SECONDS_PER_INPUT = 20.0
"""Most wall time one mutant may take to validate (a few ms normally; generous on a busy 2-core machine)."""
MEMORY_LIMIT_BYTES = 3 * 2**30
"""Address-space limit of the subprocess checks."""
CORPUS = sorted(EXAMPLES.glob("*.yaml"))
CATALOG = bundled_files()
GOOD = Path(__file__).parent / "data" / "good_minimal.yaml"

ODD_TEXT = ["", " ", "\x00", "a\x1b[2Jb", "\u202eevil", "e\u0301", "\U0001f680", "١٢", "１２", "x [/y] z",
            "[link=http://x]y[/link]", "<script>", "x" * 5000, "\t", "NaN", "~", "null", "yes", "1:30"]
ODD_UNITS = ["1e999 km", "Mach -5", "5 kmh", "١٠ s", "nan s", "inf", "--5 m", "5", " 5 s ", "5e s", "0 s",
             "-0 min", "1e-320 s", "Mach 1e308", "1e308 dBsm", "1e30 d", "5 m/s^2", "30 deg/s", "9" * 400 + " s"]
ODD_NUMBERS = [0, -1, 1, 2**31, 2**63, 10**30, 1e308, -1e308, 1e-320, 0.5, True, False, float("nan")]
COUNTERS = {"inputs": 0, "refused": 0, "accepted": 0, "runs": 0}


def odd_values() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(ODD_TEXT), st.sampled_from(ODD_UNITS), st.sampled_from(ODD_NUMBERS),
                     st.none(), st.just([]), st.just({}), st.integers(), st.floats(allow_nan=False),
                     st.text(max_size=20), st.lists(st.integers(), max_size=3),
                     st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into ``data``, containers and leaves."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


SCALES = [0.0, 0.001, 0.5, 2.0, 10.0, 1000.0, 1e6, -1.0]


def scaled(value: Any, factor: float) -> Any:
    """A number, or the number of a quantity string (``"10 min"``), times ``factor``; else ``value``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value * factor)
    if isinstance(value, float):
        return value * factor
    if isinstance(value, str):
        number, _, unit = value.partition(" ")
        try:
            return f"{float(number) * factor:g} {unit}".strip()
        except ValueError:
            return value
    return value


def mutate(data: Any, draw: st.DrawFn, actions: tuple[str, ...] = ("delete", "replace", "replace", "nest", "wrap",
                                                                   "duplicate", "scale", "scale")) -> Any:
    """One mutation of ``data`` (parsed YAML) at a drawn path."""
    path = draw(st.sampled_from(paths(data)[1:] or [()]))
    if not path:
        return draw(odd_values())
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    action = draw(st.sampled_from(actions))
    if action == "scale":
        parent[key] = scaled(parent[key], draw(st.sampled_from(SCALES)))
    elif action == "delete":
        del parent[key]
    elif action == "replace":
        parent[key] = draw(odd_values())
    elif action == "nest":
        value: Any = parent[key]
        for _ in range(draw(st.integers(1, 100))):
            value = [value]
        parent[key] = value
    elif action == "wrap":
        parent[key] = {"value": parent[key]}
    elif isinstance(parent, list):
        parent.append(parent[key])
    else:
        parent[f"{key}_"] = parent[key]
    return data


def text_mutation(text: str, draw: st.DrawFn) -> str:
    """A mutation of the YAML text itself: tags, anchors and aliases, a tab, truncation, or none."""
    lines = text.splitlines()
    action = draw(st.sampled_from(["none", "none", "tag", "alias", "tab", "truncate", "bomb"]))
    at = draw(st.integers(0, max(0, len(lines) - 1)))
    if action == "tag" and lines:
        tag = draw(st.sampled_from(["!!python/object/apply:os.system", "!!binary", "!custom", "!!set", "!!omap"]))
        lines[at] = lines[at].replace(": ", f": {tag} ", 1)
    elif action == "alias" and lines:
        lines[at] = lines[at].replace(": ", ": &a ", 1)
        lines.append("alias_field: *a")
    elif action == "tab" and lines:
        lines[at] = "\t" + lines[at]
    elif action == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    elif action == "bomb":
        lines = ["a: &a [x, x, x, x, x, x, x, x, x]", *(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
                                                        for p, c in zip("abcdefgh", "bcdefghi")), *lines]
    return "\n".join(lines) + "\n"


@st.composite
def mutants(draw: st.DrawFn, files: list[Path], gentle: bool = False) -> tuple[Path, str]:
    """A mutant of one of ``files``: 1 to 3 mutations of its values, then one of its text; ``gentle``: only
    numbers scaled and keys deleted (mutants that often still validate, so that they run)."""
    source = draw(st.sampled_from(files))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        data = mutate(data, draw, ("scale", "scale", "scale", "delete")) if gentle else mutate(data, draw)
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError):
        text = source.read_text(encoding="utf-8")
    return source, text if gentle else text_mutation(text, draw)


def assert_one_message_or_success(code: int, message: str) -> None:
    assert code in (0, 2), (code, message)
    assert "Traceback" not in message, message
    if code == 2:
        assert message.startswith("error: ") and sum(line.startswith("error: ") for line in message.splitlines()) == 1, \
            message
        assert "\x1b" not in message and "\x00" not in message
        assert len(message) < 20_000, "a message never echoes a whole huge value"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/ (study files find their base scenarios beside them)."""
    folder = tmp_path_factory.mktemp("fuzz")
    for path in CORPUS:
        shutil.copy(path, folder / path.name)
    return folder


FUZZ = settings(max_examples=EXAMPLES_BUDGET, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
"""No shrinking: a failing mutant is reported as drawn (shrinking one can take many minutes)."""


@FUZZ
@given(case=mutants(CORPUS))
def test_every_mutant_of_the_examples_validates_or_is_refused(case, workspace):
    source, text = case
    path = workspace / f"mutant-{source.name}"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    code, message = exit_and_error("validate", str(path))
    assert time.monotonic() - started < SECONDS_PER_INPUT, f"validation took {time.monotonic() - started:.0f} s"
    assert_one_message_or_success(code, message)
    COUNTERS["inputs"] += 1
    COUNTERS["refused" if code else "accepted"] += 1


@settings(FUZZ, max_examples=max(10, EXAMPLES_BUDGET // 5))
@given(case=mutants(CATALOG))
def test_every_mutant_of_the_catalog_loads_or_is_refused(case, tmp_path_factory):
    source, text = case
    folder = tmp_path_factory.mktemp("catalog")
    path = folder / source.name
    path.write_text(text, encoding="utf-8")
    others = [file for file in CATALOG if file.name != source.name]
    started = time.monotonic()
    try:
        load_catalog_files([*others, path])
    except UserError as error:
        assert "Traceback" not in error.render()
    assert time.monotonic() - started < SECONDS_PER_INPUT, f"loading took {time.monotonic() - started:.0f} s"
    COUNTERS["inputs"] += 1


@settings(FUZZ, max_examples=max(8, EXAMPLES_BUDGET // 10))
@given(case=mutants([GOOD], gentle=True))
def test_a_mutant_is_run_whole_or_refused_writing_nothing(case, tmp_path_factory):
    """`iadsim run` on mutants of the small scenario (cut to 1 simulated minute when it has a duration):
    exit 0 with a whole results folder, or exit 2 with nothing written."""
    _, text = case
    folder = tmp_path_factory.mktemp("run")
    try:
        data = yaml.safe_load(text)
        if isinstance(data, dict) and isinstance(data.get("duration"), str):
            data["duration"] = "1 min"
            text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        pass
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    out = folder / "out"
    code, message = exit_and_error("run", str(path), "-o", str(out), "-q")
    assert_one_message_or_success(code, message)
    if code == 2:
        assert not out.exists(), "a refused input writes nothing"
    else:
        assert sorted(p.name for p in out.iterdir()) == ["entities.parquet", "events.parquet", "report.html",
                                                          "scenario.yaml", "summary.json"]
    assert [p.name for p in folder.iterdir()] in (["scenario.yaml"], ["scenario.yaml", "out"], ["out", "scenario.yaml"])
    COUNTERS["runs"] += 1


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


@pytest.mark.parametrize("text", [
    "name: x\n" + "a: " + "[" * 100_000 + "\n",
    "name: x\nraids:\n  - {type: generic-drone, count: 100000, waves: 10000, wave_interval: 1 h,"
    " launch_point: {lat: 1, lon: 2}, waypoints: [{lat: 1, lon: 3}]}\nduration: 1 h\n",
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                                                    for p, c in zip("abcdefgh", "bcdefghi")),
], ids=["100k-open-brackets", "a-billion-threats", "alias-bomb"])
def test_the_installed_command_stays_within_time_and_memory(text, tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    done = subprocess.run([Path(sys.executable).parent / "iadsim", "validate", str(path)], capture_output=True,
                          text=True, timeout=60, preexec_fn=_limit_memory, check=False)
    assert done.returncode == 2, done.stderr
    assert_one_message_or_success(done.returncode, done.stderr)


def test_zz_report_what_the_fuzzer_ran(capsys):
    """Prints the counts (run pytest with -s to see them); the budget must have been spent."""
    with capsys.disabled():
        print(f"\nfuzzer: {COUNTERS}")
    assert COUNTERS["inputs"] >= EXAMPLES_BUDGET
