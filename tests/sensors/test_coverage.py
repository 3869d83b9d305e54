"""What every sense model shares: the coverage test (sector, elevation), the Detections contract, world geometry."""

import numpy as np
import pytest

import iadsim
from iadsim import geo, registry
from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.scenario.compile import compile_scenario
from iadsim.scenario.tables import radar_limits
from iadsim.sensors.scan import covers
from tests.helpers import raid, scenario

SENSE_MODELS = registry.available("sense")
NORTH_60_KM = {"lat": 38.42 + 60e3 / 111.2e3, "lon": 27.14}  # 60 km north of the city (1° of latitude ≈ 111.2 km)


def fire_control_radar(heading: str) -> dict:
    """The generic long-range fire-control radar (a 120° sector, 70° maximum elevation) at the city."""
    return {"name": "FC", "type": "generic-lr-fire-control-radar", "position": {"lat": 38.42, "lon": 27.14},
            "heading": heading}


def detections_of(model: str, heading: str) -> int:
    sc = scenario(sensors=[fire_control_radar(heading)], duration="10 min",
                  raids=[raid("generic-fighter", launch_point=NORTH_60_KM, altitude="5000 m")],
                  models={"sense": model}, log_all_detections=True)
    events = iadsim.simulate(sc).events.to_pandas()
    return int((events.kind == "detect").sum())


@pytest.mark.parametrize("model", SENSE_MODELS)
def test_a_sector_radar_facing_south_does_not_see_a_fighter_to_its_north(model):
    """Issue 15: the range_horizon model ignored sectors. The fighter flies south onto the radar from 60 km
    north at 5 km: always in front of a radar facing north (until it passes 70° of elevation), never in the
    sector of one facing south."""
    assert detections_of(model, "180 deg") == 0
    assert detections_of(model, "0 deg") > 10


def test_coverage_checks_elevation_limits_and_the_sector():
    """The shared coverage test on single points: above the 70° maximum elevation, behind the sector, below the
    horizon, beyond the instrumented range."""
    sc = scenario(sensors=[fire_control_radar("0 deg")], raids=[raid()])
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    sensors = compiled.world.sensors
    limits = radar_limits(compiled.radar_types, sensors.type_index)
    enu = np.array([
        [0.0, 50e3, 5e3],  # ahead, 5.7° up: covered
        [0.0, 1e3, 5e3],  # ahead, 79° up: above the beam
        [0.0, -50e3, 5e3],  # behind
        [50e3, 20e3, 5e3],  # 68° off the heading: outside the 120° sector
        [0.0, 179e3, 10e3],  # inside 180 km instrumented range
        [0.0, 181e3, 10e3],  # beyond it
    ])
    skimmer = geo.geodesic_direct(38.42, 27.14, 0.0, 40e3)  # 30 m up, 40 km north: beyond the 4/3-Earth horizon
    points = np.vstack((geo.enu_to_ecef(enu, sensors.pos_ecef_m[0], sensors.rotation[0]),  # of 4 m and 30 m (31 km)
                        geo.geodetic_to_ecef(*np.deg2rad(skimmer), 30.0)))
    got = covers(sensors, limits, np.zeros(len(points), np.int64), points)
    assert list(got) == [True, False, False, False, True, False, False]
    wider = radar_limits(compiled.radar_types, sensors.type_index, elevation_margin_rad=np.deg2rad(10.0))
    assert covers(sensors, wider, np.zeros(1, np.int64), points[1:2])[0], "a margin widens the elevation limits"


@pytest.mark.parametrize("model", SENSE_MODELS)
def test_every_sense_model_fills_the_whole_detections_contract(model):
    """Issue 15: range_horizon never filled range_az_el, t_s and looked, so the trackers saw nothing."""
    sc = scenario(sensors=[{"name": "EW", "type": "generic-search-radar", "position": {"lat": 38.42, "lon": 27.14}}],
                  raids=[raid("generic-fighter", count=3, launch_interval="5 s")], models={"sense": model})
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    stages = dict(build_stages(compiled))
    world = compiled.world
    looked_ticks = 0
    for t in range(1, 120):
        stages["move"].step(world, float(t), 1.0, stream(0, "move"))
        stages["sense"].step(world, float(t), 1.0, stream(t, "sense"))
        d = world.detections
        n = len(d.sensor_index)
        assert len(d.threat_index) == n and d.pos_ecef_m.shape == (n, 3) and d.range_az_el.shape == (n, 3)
        assert len(d.t_s) == n and np.all(d.t_s == t)
        assert set(d.sensor_index) <= set(d.looked)
        looked_ticks += len(d.looked) > 0
        real = d.threat_index >= 0
        if real.any():  # the measurement and the position it gives agree, near the truth
            sensor = d.sensor_index[real]
            local = geo.ecef_to_enu(d.pos_ecef_m[real], world.sensors.pos_ecef_m[sensor],
                                    world.sensors.rotation[sensor])
            assert np.linalg.norm(local, axis=1) == pytest.approx(d.range_az_el[real, 0], rel=1e-9)
            error = np.linalg.norm(d.pos_ecef_m[real] - world.threats.pos_ecef_m[d.threat_index[real]], axis=1)
            assert error.max() < 5e3
    assert looked_ticks == 12, "the search radar looks every 10 s"


@pytest.mark.parametrize("model", SENSE_MODELS)
def test_radars_are_read_from_the_world_at_every_look(model):
    """Issue 15: constructors cache catalog data only. Move the radar away (as the launch stage moves a unit's
    radars): it no longer sees the fighter; move it back: it does."""
    sc = scenario(sensors=[{"name": "EW", "type": "generic-sr-radar", "position": {"lat": 39.0, "lon": 27.9}}],
                  raids=[raid("generic-fighter")], models={"sense": model})
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    stages = dict(build_stages(compiled))
    world, sensors = compiled.world, compiled.world.sensors

    def place(lat_deg: float, lon_deg: float) -> None:
        lat, lon = np.deg2rad([lat_deg]), np.deg2rad([lon_deg])
        sensors.lat_rad[:], sensors.lon_rad[:] = lat, lon
        sensors.rotation[:] = geo.enu_rotation(lat, lon)
        sensors.pos_ecef_m[:] = geo.geodetic_to_ecef(lat, lon, sensors.antenna_alt_m)

    seen = []
    for t in range(1, 60):
        if t == 20:
            place(38.0, 26.0)  # 200 km away
        if t == 40:
            place(39.0, 27.9)
        stages["move"].step(world, float(t), 1.0, stream(0, "move"))
        stages["sense"].step(world, float(t), 1.0, stream(t, "sense"))
        seen.append(bool((world.detections.threat_index == 0).any()))
    assert any(seen[:19]) and not any(seen[20:39]) and any(seen[40:])
