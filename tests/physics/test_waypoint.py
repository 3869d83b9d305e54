"""The waypoint mover: threats cover their route at their speed and arrive when they should."""

import numpy as np
import pytest

from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.scenario.compile import compile_scenario
from iadsim.world import FLYING, LEAKED, PENDING
from tests.helpers import raid, scenario


def fly(sc, until_s):
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    mover = dict(build_stages(compiled))["move"]
    world = compiled.world
    arrivals = np.full(len(world.threats.id), np.nan)
    for t in np.arange(1.0, until_s + 1.0):
        mover.step(world, float(t), 1.0, stream(0, "move"))
        arrivals[world.threats.arrived & np.isnan(arrivals)] = t
        world.threats.status[world.threats.arrived] = LEAKED
    return world, arrivals


def test_a_drone_arrives_after_route_length_over_speed():
    """Route length from geographiclib (Karney 2013); the mover's spherical legs agree within 0.5 %."""
    from iadsim.geo import geodesic_inverse

    sc = scenario(raids=[raid("generic-drone", altitude="300 m", speed="50 m/s")], duration="1 h")
    _, arrivals = fly(sc, 3600)
    length_m, _ = geodesic_inverse(39.06, 27.94, 38.42, 27.14)
    assert arrivals[0] == pytest.approx(length_m / 50.0, rel=5e-3)


def test_threats_wait_for_their_launch_and_fly_at_cruise_altitude():
    sc = scenario(raids=[raid("generic-cruise-missile", count=3, launch_time="100 s", launch_interval="50 s")])
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    mover = dict(build_stages(compiled))["move"]
    world = compiled.world
    for t in range(1, 151):
        mover.step(world, float(t), 1.0, stream(0, "move"))
    assert list(world.threats.status) == [FLYING, FLYING, PENDING], "launches at 100, 150 and 200 s"
    assert np.allclose(world.threats.alt_m[:2], 30.0)
    speed = np.linalg.norm(world.threats.vel_ecef_mps[0])
    assert speed == pytest.approx(250.0, rel=0.01)


def test_a_ballistic_missile_climbs_to_its_apogee_and_lands_on_its_aim_point():
    sc = scenario(raids=[raid("generic-ballistic-missile", launch_point={"lat": 41.6, "lon": 26.5})])
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    mover = dict(build_stages(compiled))["move"]
    world = compiled.world
    heights = []
    for t in range(1, 600):
        mover.step(world, float(t), 1.0, stream(0, "move"))
        heights.append(world.threats.alt_m[0])
        if world.threats.arrived[0]:
            break
    assert max(heights) == pytest.approx(50_000.0, rel=0.01)
    assert np.linalg.norm(world.threats.pos_ecef_m[0] - world.threats.target_pos_ecef_m[0]) < 1.0
