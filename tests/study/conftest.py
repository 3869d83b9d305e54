"""Fixtures of the study tests: a small real scenario (a short-range unit against six drones, about
0.2 s a run) and study files around it, written into the test's folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

TINY_SCENARIO = """\
name: tiny
seed: 1
duration: 10 min
time_step: 1 s
assets:
  - name: City
    position: {lat: 38.42, lon: 27.14}
    value: 100
units:
  - name: Shorad <b>North</b>
    type: generic-sr-sam
    position: {lat: 38.40, lon: 27.10}
    inventory: {generic-sr-interceptor: 4}
raids:
  - name: Drones
    type: generic-drone
    count: 6
    launch_point: {lat: 38.55, lon: 27.30}
    launch_interval: 5 s
    target: City
"""

TINY_STUDY = """\
name: tiny study
scenario: tiny.yaml
replications: {replications}
seed: 5
sweeps:
  - path: units[0].inventory.generic-sr-interceptor
    values: [2, 6]
precision:
  leak_fraction: 0.05
"""


def write_study(folder: Path, replications: int = 6, text: str | None = None) -> Path:
    """Write ``tiny.yaml`` and a study file beside it; return the study file."""
    (folder / "tiny.yaml").write_text(TINY_SCENARIO, encoding="utf-8")
    study = folder / "study.yaml"
    study.write_text(textwrap.dedent(text) if text is not None else TINY_STUDY.format(replications=replications),
                     encoding="utf-8")
    return study


@pytest.fixture
def study_file(tmp_path: Path) -> Path:
    return write_study(tmp_path)
