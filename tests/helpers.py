"""Small scenario builders for tests: real scenarios, validated like any file."""

from __future__ import annotations

import contextlib
import copy
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import iadsim
from iadsim.scenario.schema import Scenario

BASE: dict[str, Any] = {
    "name": "test",
    "seed": 3,
    "duration": "30 min",
    "time_step": "1 s",
    "assets": [{"name": "City", "position": {"lat": 38.42, "lon": 27.14}, "value": 100}],
    "units": [],
    "raids": [],
}


def scenario(**changes: Any) -> Scenario:
    """The base scenario with top-level fields replaced, loaded through the real validator."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return iadsim.load_scenario(data)


def raid(kind: str = "generic-drone", **fields: Any) -> dict[str, Any]:
    """A raid of ``kind`` from 100 km north-east of the city, aimed at it."""
    return {"type": kind, "launch_point": {"lat": 39.06, "lon": 27.94}, "target": "City", **fields}


def unit(kind: str = "generic-lr-sam", rounds: int = 8, **fields: Any) -> dict[str, Any]:
    missile = {"generic-lr-sam": "generic-lr-interceptor", "generic-sr-sam": "generic-sr-interceptor"}[kind]
    return {"name": f"{kind}-{rounds}", "type": kind, "position": {"lat": 38.40, "lon": 27.10},
            "inventory": {missile: rounds}, **fields}


MY_DRONE_CATALOG = """\
sources:
  my-page: {title: My public page, publisher: Somebody}
entries:
  - name: my-drone
    kind: threat
    threat_class: drone
    description: A drone of my own.
    source: my-page
    speed: 50 m/s
    cruise_altitude: 300 m
    rcs: -10 dBsm
    max_range: 100 km
    cost_usd: 10000
"""
"""A user's catalog file adding one threat type, ``my-drone`` (0.1 m² of RCS)."""


def iadsim_command(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real ``iadsim`` command (``iadsim.cli.main``) with ``args``, run in this process from ``cwd``: its
    exit code and output as a subprocess would give them, without the seconds a new interpreter spends on
    imports. Tests of the installed command itself, of signals and of memory limits run it as a subprocess."""
    from iadsim import cli

    argv, folder, interrupt = sys.argv, Path.cwd(), signal.getsignal(signal.SIGINT)
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["iadsim", *map(str, args)]
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    finally:
        sys.argv = argv
        os.chdir(folder)
        signal.signal(signal.SIGINT, interrupt)
    return subprocess.CompletedProcess(["iadsim", *map(str, args)], code, out.getvalue(), err.getvalue())


def exit_and_error(*args: str | Path) -> tuple[int, str]:
    """:func:`iadsim_command`'s exit code and standard error: what a test of a refused input looks at."""
    result = iadsim_command(*args)
    return result.returncode, result.stderr
