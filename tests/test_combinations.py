"""Nothing silent: every registered combination of move × sense × track × decide × fly models either is
refused at load (``iadsim validate`` exits 2, naming the models) or tracks, engages and kills something.

The scenario is small on purpose (three drones against one long-range battery, ten minutes), so that
the whole product of models runs in the default suite. A model added to the registry joins the product
by itself: a combination that can run but kills nothing, or tracks nothing, fails here.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
import yaml

import iadsim
from iadsim import registry
from tests.helpers import BASE, raid, unit

COMBINATIONS = list(itertools.product(*(registry.available(role) for role in registry.CHOOSABLE_ROLES)))


def _scenario_file(folder: Path, models: dict[str, str]) -> Path:
    """Three drones from 30 km at one long-range battery that stands 5 km in front of the city."""
    data = {**BASE, "duration": "10 min", "models": models,
            "units": [unit(rounds=8, position={"lat": 38.46, "lon": 27.20})],
            "raids": [raid(count=3, launch_point={"lat": 38.66, "lon": 27.42}, spread="1 km")]}
    path = folder / f"{'-'.join(models.values())}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _validate(path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``iadsim validate PATH`` in this process: its exit code and what it printed."""
    from iadsim import cli

    monkeypatch.setattr(sys, "argv", ["iadsim", "validate", str(path)])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    captured = capsys.readouterr()
    return stop.value.code, captured.out + captured.err


@pytest.mark.parametrize("combination", COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def test_each_combination_is_refused_or_kills(combination, tmp_path, capsys, monkeypatch):
    models = dict(zip(registry.CHOOSABLE_ROLES, combination, strict=True))
    path = _scenario_file(tmp_path, models)
    code, output = _validate(path, capsys, monkeypatch)
    problems = registry.combination_problems(models)
    if problems:
        assert code == 2, output
        for role, message, _, _ in problems:
            assert f"models.{role}" in output and f"'{models[role]}'" in output, output
        return
    assert code == 0, output
    metrics = iadsim.simulate(path).metrics
    assert metrics["tracked"] >= 1 and metrics["engaged"] >= 1 and metrics["killed"] >= 1, (models, metrics)


def test_the_product_holds_every_registered_model():
    for index, role in enumerate(registry.CHOOSABLE_ROLES):
        assert {combination[index] for combination in COMBINATIONS} == set(registry.available(role))
    assert len(COMBINATIONS) >= 2 * 2 * 3 * 4 * 3


def test_a_combination_that_cannot_work_exits_2_through_the_cli(tmp_path, capsys, monkeypatch):
    """The refusing branch above, exercised: a sense model that gives no measurements under each tracker
    that needs them."""
    from tests.test_contracts import _SilentSensor

    registry.register("sense", "silent_test_sensor")(_SilentSensor)
    try:
        for tracker in ("ekf", "imm"):
            models = {"move": "waypoint", "sense": "silent_test_sensor", "track": tracker, "decide": "wta",
                      "fly": "average_speed"}
            code, output = _validate(_scenario_file(tmp_path, models), capsys, monkeypatch)
            assert registry.combination_problems(models)
            assert code == 2 and "models.track" in output and f"'{tracker}'" in output, output
            assert "'silent_test_sensor'" in output and "detections.range_az_el" in output, output
    finally:
        del registry._REGISTRY["sense"]["silent_test_sensor"]
