"""The assess stage's kill draws (iadsim.physics.assess): a round kills nothing faster than its type engages."""

import copy

import numpy as np
import pytest

import iadsim
from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.scenario.compile import compile_scenario
from tests.helpers import BASE, raid, unit

LIMIT_MPS = 700.0
"""max_target_speed of the generic-sr-interceptor (catalog generic.yaml, Tor-class figures)."""


def cruise_missiles_at(speed_mps: float) -> dict:
    """Twelve generic cruise missiles at ``speed_mps``, 300 m up, against a short-range SAM with 40 rounds."""
    data = copy.deepcopy(BASE)
    data["units"] = [unit("generic-sr-sam", rounds=40)]
    data["raids"] = [raid("generic-cruise-missile", count=12, launch_interval=20.0, speed=speed_mps, altitude=300.0)]
    return data


def test_a_round_never_kills_a_target_faster_than_its_type_engages():
    """At 705 m/s, 5 m/s above the type's 700 m/s, the tracks' estimated speeds fall on both sides of the limit:
    the command post fires on those below it, and every round that reaches its target gives up (true speed at
    the intercept above the limit); at 690 m/s the same rounds kill."""
    for seed in (0, 1):
        events = iadsim.simulate(cruise_missiles_at(LIMIT_MPS + 5.0), seed=seed).events.to_pandas()
        assert (events.kind == "launch").sum() > 0, "the noisy tracks' speeds let the command post fire"
        assert (events.kind == "intercept").sum() == 0
        misses = events[events.kind == "miss"]
        fast = misses[misses.detail == "gave up: target faster than the round engages"]
        assert len(fast) > 0 and set(fast.reason.astype(str)) == {"gave_up"}
        assert set(misses.detail) <= {"target gone", "gave up: target faster than the round engages"}
        slower = iadsim.simulate(cruise_missiles_at(LIMIT_MPS - 10.0), seed=seed).events.to_pandas()
        assert (slower.kind == "intercept").sum() > 0
        assert not (slower.detail == "gave up: target faster than the round engages").any()


def test_the_move_stage_keeps_the_true_speed_also_at_the_tick_of_arrival():
    """A cruise missile at 600 m/s: its speed at its last, partial tick is the speed of the full ticks before
    (within 0.1 %), and 600 m/s within 1 % (legs are measured on a sphere, positions on the ellipsoid); its
    velocity, the chord over the whole tick, is shorter then."""
    data = cruise_missiles_at(600.0)
    data.update(units=[], duration=300.0)
    data["raids"][0]["count"] = 1
    compiled = compile_scenario(iadsim.load_scenario(data), load_catalog(), stream(0, "compile"))
    move = dict(build_stages(compiled))["move"]
    world, threats = compiled.world, compiled.world.threats
    t_s, speeds = 0.0, []
    while not threats.arrived[0] and t_s < 300.0:
        t_s += 1.0
        move.step(world, t_s, 1.0, stream(0, "move"))
        speeds.append(threats.speed_mps[0])
    assert threats.arrived[0], "it reached its aim"
    assert speeds[-1] == pytest.approx(speeds[-2], rel=1e-3) and speeds[-2] == pytest.approx(600.0, rel=1e-2)
    assert np.linalg.norm(threats.vel_ecef_mps[0]) < 0.999 * speeds[-1], "the arrival came within the tick"
