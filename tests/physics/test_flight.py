"""The `flight` move model for air-breathing threats: coordinated turns, climb limits, terminal profiles."""

import numpy as np
import pytest

from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.scenario.compile import compile_scenario
from iadsim.verify.physics import coordinated_turn_radius
from tests.helpers import raid, scenario


def fly(sc, until_s):
    compiled = compile_scenario(sc, load_catalog(), stream(0, "compile"))
    mover = dict(build_stages(compiled))["move"]
    world = compiled.world
    altitude, speed, arrivals = [], [], np.full(len(world.threats.id), np.nan)
    for t in range(1, until_s + 1):
        mover.step(world, float(t), 1.0, stream(0, "move"))
        altitude.append(world.threats.alt_m.copy())
        speed.append(np.linalg.norm(world.threats.vel_ecef_mps, axis=1))
        arrivals[world.threats.arrived & np.isnan(arrivals)] = t
        world.threats.status[world.threats.arrived] = 3
    return mover, world, np.array(altitude), np.array(speed), arrivals


def test_coordinated_turn_radius_is_v_squared_over_g_root_n_squared_minus_one():
    """r = v²/(g√(n²−1)) (Anderson, Introduction to Flight §6.17) within 1 %."""
    assert coordinated_turn_radius().passed


def test_turns_cut_corners_and_the_arrival_time_is_known_in_advance():
    corner = {"lat": 38.9, "lon": 27.2}
    sharp = raid("generic-fighter", waypoints=[corner], speed="250 m/s")
    sc = scenario(raids=[sharp], models={"move": "waypoint"})
    _, _, _, _, corner_arrival = fly(sc, 1200)
    mover, _, _, speed, arrival = fly(scenario(raids=[sharp], models={"move": "flight"}), 1200)
    assert arrival[0] < corner_arrival[0], "a turn arc is shorter than flying through the corner"
    assert arrival[0] == pytest.approx(np.ceil(mover.arrival_t_s[0]), abs=1.0)
    cruising = speed[60:int(arrival[0]) - 2, 0]
    assert cruising == pytest.approx(250.0, rel=0.01), "constant speed through the turn"


def test_climb_is_limited_by_the_climb_rate():
    """The fighter climbs from the ground to 5 km at its catalog 100 m/s: 50 s."""
    _, _, altitude, _, _ = fly(scenario(raids=[raid("generic-fighter")], models={"move": "flight"}), 120)
    assert altitude[24, 0] == pytest.approx(2500.0, rel=0.01)
    assert altitude[60, 0] == pytest.approx(5000.0)


def test_pop_up_and_dive_end_on_the_aim_point():
    pop_up = raid("generic-cruise-missile", terminal="pop_up", pop_up_altitude="1500 m", terminal_range="40 km",
                  altitude_reference="ground")
    dive = raid("generic-fighter", terminal="dive")
    mover, world, altitude, _, arrival = fly(scenario(raids=[pop_up, dive], models={"move": "flight"}), 1000)
    assert np.isfinite(arrival).all()
    assert altitude[:, 0].max() == pytest.approx(1500.0, rel=0.01), "pops up"
    assert altitude[int(arrival[0]) - 1, 0] == pytest.approx(0.0, abs=1.0), "ends its dive on the aim point"
    assert altitude[int(arrival[1]) - 60, 1] == pytest.approx(5000.0), "level until its dive"
    assert altitude[int(arrival[1]) - 26, 1] == pytest.approx(2500.0, abs=150.0), "dives at 100 m/s for 50 s"
    landed = np.linalg.norm(world.threats.pos_ecef_m - world.threats.target_pos_ecef_m, axis=1)
    assert (landed < 300.0).all()


def test_terrain_following_flies_its_altitude_above_the_scenarios_ground(tmp_path):
    """altitude_reference: ground over the scenario's terrain (loaded once at compile): 100 m above a 500 m
    plateau, then 100 m above the plain; without terrain, 100 m above the ellipsoid all the way."""
    lat, lon = np.linspace(38.2, 39.3, 221), np.linspace(26.8, 28.2, 141)
    height = np.where(lat[:, None] > 38.8, 500.0, 0.0) * np.ones(len(lon))
    np.savez(tmp_path / "plateau.npz", lat_deg=lat, lon_deg=lon, height_m=height)
    hugging = raid("generic-cruise-missile", altitude="100 m", altitude_reference="ground")
    over = {"terrain": {"file": str(tmp_path / "plateau.npz")}}
    mover, world, altitude, _, arrival = fly(scenario(raids=[hugging], models={"move": "flight"}, **over), 500)
    plateau_s, plain_s = 30, int(arrival[0]) - 60  # 7 km from launch (39.06°), and 15 km before the city
    assert altitude[plateau_s, 0] == pytest.approx(600.0, abs=1.0)
    assert altitude[plain_s, 0] == pytest.approx(100.0, abs=1.0)
    assert altitude[0, 0] == pytest.approx(530.0, abs=1.0), "starts on the plateau and climbs at 30 m/s"
    _, _, flat, _, _ = fly(scenario(raids=[hugging], models={"move": "flight"}), 500)
    assert flat[plateau_s, 0] == pytest.approx(100.0) and flat[plain_s, 0] == pytest.approx(100.0)
