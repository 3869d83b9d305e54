"""A fire unit that marches mid-raid fights from where it arrived: its radar measures from there, its
rounds leave from there, and it defends the asset it moved to cover (DESIGN.md: world data that moves
lives in the world's arrays, never in a stage's constructor).

Geometry is checked against geodesics on WGS-84 computed here with geographiclib (Karney 2013), not with
iadsim's own geo module, and against ECEF positions from the closed-form geodetic conversion.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from geographiclib.geodesic import Geodesic

import iadsim
from iadsim.catalog import load_catalog
from iadsim.entities import of_kind
from tests.helpers import raid, scenario

ORIGIN = {"lat": 38.10, "lon": 27.14, "alt": 0.0}
"""Where the battery starts: 35 km south of the city, three times its interceptors' reach away."""
DESTINATION = {"lat": 38.44, "lon": 27.14, "alt": 0.0}
"""Where it marches to at once: 2 km north of the city, on the drones' way in."""
WGS84_A_M, WGS84_F = 6378137.0, 1 / 298.257223563


def ecef_m(lat_deg: float, lon_deg: float, alt_m: float) -> np.ndarray:
    """Geodetic to ECEF (m) on WGS-84, the closed form (e.g. Hofmann-Wellenhof et al., GNSS, 2008, §5.6.1)."""
    lat, lon = np.deg2rad(lat_deg), np.deg2rad(lon_deg)
    e2 = WGS84_F * (2 - WGS84_F)
    n = WGS84_A_M / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return np.array([(n + alt_m) * np.cos(lat) * np.cos(lon), (n + alt_m) * np.cos(lat) * np.sin(lon),
                     (n * (1 - e2) + alt_m) * np.sin(lat)])


def ground_m(lat_deg: float, lon_deg: float, point: dict[str, float]) -> float:
    return Geodesic.WGS84.Inverse(lat_deg, lon_deg, point["lat"], point["lon"])["s12"]


def run(moves: bool) -> iadsim.RunResult:
    battery = {"name": "Mover", "type": "generic-sr-sam", "position": ORIGIN,
               "inventory": {"generic-sr-interceptor": 8},
               "moves": [{"time": "0 s", "to": DESTINATION, "speed": "60 m/s"}] if moves else []}
    return iadsim.simulate(scenario(duration="40 min", units=[battery], raids=[raid(count=4, spread="2 km")]),
                           seed=11)


def rows(result: iadsim.RunResult, kind: str) -> list[dict]:
    table = result.events
    return table.filter(pa.compute.equal(table.column("kind").cast(pa.string()), kind)).to_pylist()


@pytest.fixture(scope="module")
def marched() -> iadsim.RunResult:
    return run(moves=True)


def test_the_unit_deploys_where_it_was_sent(marched):
    states = rows(marched, "unit_state")
    assert [state["reason"] for state in states] == ["marching", "setting_up", "deployed"]
    deployed = states[-1]
    assert ground_m(deployed["lat_deg"], deployed["lon_deg"], DESTINATION) < 1.0
    road_m = Geodesic.WGS84.Inverse(ORIGIN["lat"], ORIGIN["lon"], DESTINATION["lat"], DESTINATION["lon"])["s12"]
    assert deployed["t_s"] == pytest.approx(road_m / 60.0, abs=marched.scenario.time_step + 1e-9)


def test_its_radar_measures_from_the_new_site(marched):
    radar = of_kind(marched.entities, "sensor").to_pylist()[0]
    antenna_height_m = radar["alt_m"] - ORIGIN["alt"]
    antenna = ecef_m(DESTINATION["lat"], DESTINATION["lon"], DESTINATION["alt"] + antenna_height_m)
    detections = [row for row in rows(marched, "detect") if row["sensor_id"] == radar["id"]]
    assert len(detections) == 4  # every drone, first detection each
    for row in detections:
        target = ecef_m(row["lat_deg"], row["lon_deg"], row["alt_m"])
        assert row["value"] == pytest.approx(np.linalg.norm(target - antenna), abs=1.0)
        assert row["value"] <= load_catalog().radar(radar["type"]).max_range


def test_it_fires_from_the_new_site_and_defends_the_city(marched):
    reach_m = load_catalog().interceptor("generic-sr-interceptor").max_range
    deployed_t_s = rows(marched, "unit_state")[-1]["t_s"]
    launches = rows(marched, "launch")
    assert launches and all(row["t_s"] >= deployed_t_s for row in launches)
    assert all(ground_m(row["lat_deg"], row["lon_deg"], DESTINATION) < 1.0 for row in launches)
    for row in rows(marched, "assign"):  # the intercept point command and control predicted: within reach
        assert ground_m(row["lat_deg"], row["lon_deg"], DESTINATION) <= reach_m
        assert ground_m(row["lat_deg"], row["lon_deg"], ORIGIN) > 2 * reach_m
    predicted = {row["threat_id"]: {"lat": row["lat_deg"], "lon": row["lon_deg"]} for row in rows(marched, "assign")}
    for row in rows(marched, "intercept"):  # where the round met the drone: near where it was predicted to
        assert ground_m(row["lat_deg"], row["lon_deg"], predicted[row["threat_id"]]) < 500.0
    assert marched.metrics["killed"] >= 3 and marched.metrics["leaked"] <= 1


def test_left_where_it_started_it_could_defend_nothing():
    stayed = run(moves=False)
    assert stayed.metrics["engaged"] == 0 and stayed.metrics["leaked"] == 4
