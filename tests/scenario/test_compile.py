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


def test_the_type_tables_are_built_once_and_shared_by_the_stages():
    """Per-type tables (scenario/tables.py) hold each entity's catalog figures; stages read them, not copies."""
    from iadsim.engine import build_stages
    from iadsim.entities import names
    from iadsim.scenario.tables import LIMIT_COLUMNS

    sc = scenario(units=[unit(), unit("generic-sr-sam", name="Point")], raids=[raid(count=3, name="Swarm")])
    built = compiled(sc)
    tables, catalog = built.tables, load_catalog()
    assert [u.name for u in tables.unit_type] == ["generic-lr-sam", "generic-sr-sam"]
    assert tables.unit_channels.tolist() == [catalog.fire_unit(u.name).fire_control_channels for u in tables.unit_type]
    assert list(tables.weapon) == [m.name for m in built.interceptor_types]
    assert list(tables.layer) == [catalog.interceptor(name).layer for name in tables.weapon]
    radars = [r.name for r in tables.radar_type]
    assert radars == [name.split("/")[-1] for name in names(built.entities, "sensor")]
    assert tables.radar_limits.shape == (len(radars), LIMIT_COLUMNS)
    assert list(tables.raid_name) == ["Swarm"] * 3 and list(tables.threat_type) == ["generic-drone"] * 3
    stages = dict(build_stages(built))
    assert stages["sense"].limits is tables.radar_limits
    assert stages["launch"].weapon is tables.weapon and stages["assess"].weapon is tables.weapon
    assert stages["decide"].weapon_name is tables.weapon
