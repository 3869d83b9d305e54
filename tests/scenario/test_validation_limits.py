"""Validation reads the terrain file whatever the radar model, and bounds what a run will take (issue 16)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import iadsim
from iadsim.errors import UserError
from iadsim.scenario.budget import MAX_TICKS, estimate
from iadsim.terrain import check_terrain_file, load_terrain

GOOD = Path(__file__).parents[1] / "data" / "good_minimal.yaml"


def scenario_with(**changes) -> dict:
    data = yaml.safe_load(GOOD.read_text())
    data.update(changes)
    return data


def test_a_geotiff_in_latitude_longitude_is_read(tmp_path):
    import rasterio
    from affine import Affine

    path = tmp_path / "ridge.tif"
    heights = np.arange(12, dtype=np.float32).reshape(3, 4) * 100.0
    with rasterio.open(path, "w", driver="GTiff", height=3, width=4, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.5, 0, 27.0, 0, -0.5, 39.0)) as dataset:
        dataset.write(heights, 1)
    terrain = load_terrain(path)
    assert np.rad2deg(terrain.lat_rad).tolist() == [37.75, 38.25, 38.75], "pixel centres, ascending"
    assert terrain.height[-1, 0] == 0.0 and terrain.height[0, 3] == 1100.0, "rows flipped to ascending latitude"
    assert iadsim.load_scenario(scenario_with(terrain={"file": str(path)})).terrain is not None


def test_a_projected_geotiff_is_refused(tmp_path):
    import rasterio
    from affine import Affine

    path = tmp_path / "utm.tif"
    with rasterio.open(path, "w", driver="GTiff", height=2, width=2, count=1, dtype="float32", crs="EPSG:32635",
                       transform=Affine(30, 0, 500000, 0, -30, 4200000)) as dataset:
        dataset.write(np.zeros((2, 2), np.float32), 1)
    problem = check_terrain_file(path)
    assert problem is not None and "not latitude-longitude" in problem.message and problem.path == "terrain.file"


@pytest.mark.parametrize(("arrays", "fragment"), [
    ({"lat_deg": [38, 39], "lon_deg": [27, 28]}, "lacks the array(s) height_m"),
    ({"lat_deg": [38, 38], "lon_deg": [27, 28], "height_m": np.zeros((2, 2))}, "strictly increasing"),
    ({"lat_deg": [38, 39], "lon_deg": [27, 28], "height_m": np.zeros((3, 2))}, "height_m has shape (3, 2)"),
    ({"lat_deg": [38, 99], "lon_deg": [27, 28], "height_m": np.zeros((2, 2))}, "within ±90"),
    ({"lat_deg": [38, 39], "lon_deg": [27, 28], "height_m": np.full((2, 2), np.inf)}, "infinite heights"),
    ({"lat_deg": np.array(["a", "b"]), "lon_deg": [27, 28], "height_m": np.zeros((2, 2))}, "not numbers"),
])
def test_a_malformed_npz_is_a_located_message(arrays, fragment, tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(UserError) as caught:
        iadsim.load_scenario(scenario_with(terrain={"file": str(path)}))
    assert fragment in caught.value.render() and "terrain.file" in caught.value.render()


def test_a_file_that_is_not_an_npz_is_refused(tmp_path):
    path = tmp_path / "text.npz"
    path.write_text("hello")
    assert "not an .npz file" in check_terrain_file(path).message


def test_the_estimate_counts_ticks_threats_and_deliveries():
    data = scenario_with(duration="1 h", time_step="0.5 s")
    data["raids"][0].update(count=10, waves=3, wave_interval="10 min")
    data["units"][0]["resupply"] = [{"rounds": {"generic-lr-interceptor": 2}, "every": "10 min", "start": "5 min"}]
    budget = estimate(iadsim.load_scenario(data))
    assert budget.ticks == 7200 and budget.threats == 30
    assert budget.deliveries == 6 and budget.interceptors == 8 + 6 * 2


def test_a_long_run_is_refused_unless_allowed():
    data = scenario_with(duration="30 d", time_step="0.5 s")
    with pytest.raises(UserError, match="--allow-large"):
        iadsim.load_scenario(data)
    assert estimate(iadsim.load_scenario(data, allow_large=True)).ticks > MAX_TICKS
