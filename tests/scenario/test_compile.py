"""Compilation: raids expand into threats with the right times and scatter; radars feed pictures."""

import numpy as np
import pytest

from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.scenario.compile import compile_scenario
from tests.helpers import raid, scenario, unit


def compiled(sc, seed=0):
    return compile_scenario(sc, load_catalog(), np.random.default_rng(seed))


def test_a_raid_expands_into_count_threats_launched_at_intervals_within_its_spread():
    sc = scenario(raids=[raid(count=200, launch_time="1 min", launch_interval="5 s", spread="10 km")])
    world = compiled(sc).world
    assert len(world.threats.id) == 200
    assert np.allclose(world.threats.launch_t_s, 60 + 5 * np.arange(200))
    centre = geo.geodetic_to_ecef(np.radians(39.06), np.radians(27.94), 0.0)
    routes = compiled(sc).routes
    points = geo.geodetic_to_ecef(routes.lat_rad[:, 0], routes.lon_rad[:, 0], 0.0)
    distance = np.linalg.norm(points - centre, axis=1)
    assert distance.max() <= 10_000 + 1
    assert distance.mean() == pytest.approx(10_000 * 2 / 3, rel=0.1), "uniform in a disc: mean radius 2R/3"


def test_units_on_a_shared_network_share_one_picture_and_a_lone_unit_has_its_own():
    sc = scenario(
        networks=[{"name": "national"}],
        units=[unit(name="A", networks=["national"]), unit("generic-sr-sam", name="B", networks=["national"]),
               unit("generic-sr-sam", name="C")],
        sensors=[{"name": "EW", "type": "generic-search-radar", "position": {"lat": 38.7, "lon": 27.4},
                  "networks": ["national"]}],
        raids=[raid()],
    )
    world = compiled(sc).world
    picture = world.units.picture
    assert picture[0] == picture[1] != picture[2]
    feeds = world.sensors.feeds_picture
    lone = picture[2]
    assert feeds[:, lone].sum() == 1, "the lone unit hears only its own radar"
    assert feeds[-1, picture[0]] and not feeds[-1, lone], "the networked radar feeds only its network"
