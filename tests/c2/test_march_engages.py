"""A fire unit that marches mid-raid fights from where it arrived: its radar measures from there, its
rounds leave from there, and it defends the asset it moved to cover (DESIGN.md: world data that moves
lives in the world's arrays, never in a stage's constructor). Before the march it fights a first raid
from where it started, so that any geometry a stage kept from the first fight would show in the second.

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
from tests.helpers import BASE, raid, scenario

ORIGIN = {"lat": 38.10, "lon": 27.14, "alt": 0.0}
"""Where the battery starts: 35 km south of the city, three times its interceptors' reach away."""
DESTINATION = {"lat": 38.44, "lon": 27.14, "alt": 0.0}
"""Where it marches to, after the first raid: 2 km north of the city, on the second raid's way in."""
MARCH_T_S = 700.0
DEPOT = {"name": "Depot", "position": {"lat": 38.12, "lon": 27.14}, "value": 10}
PROBE = raid(count=2, name="Probe", target="Depot", launch_point={"lat": 37.95, "lon": 27.00})
"""Two drones at a depot beside the battery's first site, 22 km out: over long before it marches."""
SWARM = raid(count=4, name="Swarm", spread="2 km", launch_time="300 s")
"""Four drones at the city, 77 km out: they come within reach of the new site after it is deployed."""
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
               "moves": [{"time": f"{MARCH_T_S} s", "to": DESTINATION, "speed": "60 m/s"}] if moves else []}
    city = BASE["assets"]
    return iadsim.simulate(scenario(duration="40 min", assets=[*city, DEPOT], units=[battery],
                                    raids=[PROBE, SWARM]), seed=11)


def site(t_s: float) -> dict[str, float]:
    """Where the battery stands at ``t_s`` when it fires or looks: its first site before the march, then the new."""
    return ORIGIN if t_s < MARCH_T_S else DESTINATION


def probe_ids(result: iadsim.RunResult) -> set[int]:
    return {row["threat_id"] for row in rows(result, "threat_launch") if row["detail"] == "Probe"}


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
    assert states[0]["t_s"] == MARCH_T_S
    assert deployed["t_s"] == pytest.approx(MARCH_T_S + road_m / 60.0, abs=marched.scenario.time_step + 1e-9)


def test_its_radar_measures_from_where_it_stands(marched):
    radar = of_kind(marched.entities, "sensor").to_pylist()[0]
    antenna_height_m = radar["alt_m"] - ORIGIN["alt"]
    detections = [row for row in rows(marched, "detect") if row["sensor_id"] == radar["id"]]
    assert len(detections) == 6  # every drone, first detection each
    assert {row["threat_id"] for row in detections if row["t_s"] < MARCH_T_S} == probe_ids(marched)
    for row in detections:
        where = site(row["t_s"])
        antenna = ecef_m(where["lat"], where["lon"], where["alt"] + antenna_height_m)
        target = ecef_m(row["lat_deg"], row["lon_deg"], row["alt_m"])
        assert row["value"] == pytest.approx(np.linalg.norm(target - antenna), abs=1.0)
        assert row["value"] <= load_catalog().radar(radar["type"]).max_range


def test_it_fires_from_where_it_stands_and_defends_the_city(marched):
    reach_m = load_catalog().interceptor("generic-sr-interceptor").max_range
    deployed_t_s = rows(marched, "unit_state")[-1]["t_s"]
    launches = rows(marched, "launch")
    probes = probe_ids(marched)
    assert {row["threat_id"] for row in launches if row["t_s"] < MARCH_T_S} == probes
    assert all(row["t_s"] >= deployed_t_s for row in launches if row["threat_id"] not in probes)
    assert all(ground_m(row["lat_deg"], row["lon_deg"], site(row["t_s"])) < 1.0 for row in launches)
    for row in rows(marched, "assign"):  # the intercept point command and control predicted: within reach
        assert ground_m(row["lat_deg"], row["lon_deg"], site(row["t_s"])) <= reach_m
        other = DESTINATION if row["t_s"] < MARCH_T_S else ORIGIN
        assert ground_m(row["lat_deg"], row["lon_deg"], other) > 2 * reach_m
    predicted = {row["threat_id"]: {"lat": row["lat_deg"], "lon": row["lon_deg"]} for row in rows(marched, "assign")}
    for row in rows(marched, "intercept"):  # where the round met the drone: near where it was predicted to
        assert ground_m(row["lat_deg"], row["lon_deg"], predicted[row["threat_id"]]) < 500.0
    assert marched.metrics["killed"] >= 5 and marched.metrics["leaked"] <= 1


def test_left_where_it_started_it_defends_only_the_depot():
    stayed = run(moves=False)
    engaged = {row["threat_id"] for row in rows(stayed, "launch")}
    assert engaged == probe_ids(stayed) and stayed.metrics["leaked"] >= 4
