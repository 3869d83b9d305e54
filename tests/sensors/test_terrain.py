"""Terrain: bilinear heights, refracted line of sight over a ridge, and a ridge that masks a low flyer."""

import numpy as np
import pytest

import iadsim
from iadsim import geo
from iadsim.terrain import FLAT, GridTerrain, line_of_sight_clear, load_terrain
from tests.helpers import raid, scenario

CITY = (38.42, 27.14)


def ridge_file(path, top_m: float = 3000.0):
    """A grid over the test area, flat at 0 m but for an east-west ridge ``top_m`` high 20-24 km north of the city."""
    lat = np.linspace(38.2, 39.3, 221)
    lon = np.linspace(26.8, 28.2, 141)
    height = np.zeros((len(lat), len(lon)))
    height[(lat > CITY[0] + 0.18) & (lat < CITY[0] + 0.22)] = top_m
    np.savez(path, lat_deg=lat, lon_deg=lon, height_m=height)
    return path


def test_bilinear_heights_reproduce_a_bilinear_surface_exactly():
    """Bilinear interpolation is exact for h = a + b·lat + c·lon + d·lat·lon; 0 outside the grid and when flat."""
    lat, lon = np.linspace(38.0, 39.0, 11), np.linspace(27.0, 28.0, 21)

    def surface(la, lo):
        return 100.0 + 40.0 * (la - 38.0) - 30.0 * (lo - 27.0) + 25.0 * (la - 38.0) * (lo - 27.0)

    grid = GridTerrain.from_degrees(lat[::-1], lon, surface(*np.meshgrid(lat[::-1], lon, indexing="ij")))
    query_lat, query_lon = np.array([38.013, 38.5, 38.97, 38.0]), np.array([27.31, 27.5, 27.99, 28.0])
    got = grid.height_m(np.deg2rad(query_lat), np.deg2rad(query_lon))
    assert got == pytest.approx(surface(query_lat, query_lon), abs=1e-9)
    assert grid.height_m(np.deg2rad([37.0, 38.5]), np.deg2rad([27.5, 29.0])) == pytest.approx([0.0, 0.0])
    assert FLAT.flat and FLAT.height_m(np.zeros(3), np.zeros(3)) == pytest.approx(np.zeros(3))


def test_a_ridge_blocks_the_refracted_ray_only_when_it_rises_above_it(tmp_path):
    """A 3 km ridge 20 km north of a 25 m antenna hides a point at 1 km altitude 80 km north; a point 20 km up
    stays in view; a 10 m ridge hides neither."""
    radar = geo.geodetic_to_ecef(*np.deg2rad(CITY), 25.0)
    north = geo.geodesic_direct(*CITY, 0.0, 80e3)
    targets = geo.geodetic_to_ecef(np.deg2rad([north[0]] * 2), np.deg2rad([north[1]] * 2), np.array([1e3, 20e3]))
    high = load_terrain(ridge_file(tmp_path / "high.npz"))
    low = load_terrain(ridge_file(tmp_path / "low.npz", top_m=10.0))
    assert list(line_of_sight_clear(high, np.tile(radar, (2, 1)), targets)) == [False, True]
    assert list(line_of_sight_clear(low, np.tile(radar, (2, 1)), targets)) == [True, True]
    assert list(line_of_sight_clear(FLAT, np.tile(radar, (2, 1)), targets)) == [True, True]


def test_the_radar_model_sees_a_low_fighter_only_once_it_crosses_the_ridge(tmp_path):
    """Terrain is loaded once at compile and used by the radar model: the fighter at 1 km coming from 100 km
    north is first seen near 100 km without terrain, and only inside the ridge (about 22 km) with it."""
    def first_detection_km(terrain: dict | None) -> float:
        sc = scenario(sensors=[{"name": "EW", "type": "generic-search-radar",
                                "position": {"lat": CITY[0], "lon": CITY[1]}}],
                      raids=[raid("generic-fighter", launch_point={"lat": CITY[0] + 0.9, "lon": CITY[1]},
                                  altitude="1000 m")],
                      models={"sense": "radar"}, terrain=terrain)
        events = iadsim.simulate(sc).events.to_pandas()
        return float(events[events.kind == "detect"].value.iloc[0]) / 1e3

    assert first_detection_km(None) > 90.0
    assert first_detection_km({"file": str(ridge_file(tmp_path / "ridge.npz"))}) < 25.0
