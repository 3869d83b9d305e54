"""The `radar` model's capacity: a look reports at most the radar's track capacity of targets, the nearest first."""

import numpy as np

from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.scenario.compile import compile_scenario
from iadsim.scenario.tables import radar_limits
from iadsim.sensors.scan import covers
from tests.helpers import raid, scenario


def test_a_full_radar_reports_its_capacity_of_the_nearest_targets():
    """120 fighters within 6 km of a short-range radar (capacity 48, 25 km against 1 m²: Pd about 1 there):
    one look reports exactly the 48 nearest of those it covers."""
    site = {"lat": 38.42, "lon": 27.14}
    sc = scenario(sensors=[{"name": "SR", "type": "generic-sr-radar", "position": site}],
                  raids=[raid("generic-fighter", count=120, launch_point=site, spread="6 km", altitude="2000 m",
                              target=None, waypoints=[{"lat": 38.9, "lon": 27.14}])],
                  models={"sense": "radar"})
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    stages = dict(build_stages(compiled))
    world = compiled.world
    stages["move"].step(world, 1.0, 1.0, stream(0, "move"))
    stages["sense"].step(world, 1.0, 1.0, stream(0, "sense"))
    capacity = compiled.radar_types[0].track_capacity
    real = world.detections.threat_index[world.detections.threat_index >= 0]
    everyone = np.arange(len(world.threats.id))
    covered = everyone[covers(world.sensors, radar_limits(compiled.radar_types, world.sensors.type_index),
                              np.zeros(len(everyone), np.int64), world.threats.pos_ecef_m)]
    assert len(covered) > capacity
    distance = np.linalg.norm(world.threats.pos_ecef_m[covered] - world.sensors.pos_ecef_m[0], axis=1)
    assert len(real) == capacity
    assert set(real) == set(covered[np.argsort(distance)[:capacity]])
    assert list(real) == sorted(real), "reported in threat order"
