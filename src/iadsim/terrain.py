"""Terrain: the height of the ground under a point, and whether it hides one point from another.

Heights come from a regular latitude-longitude grid (metres above the WGS-84
ellipsoid), read from a GeoTIFF (through rasterio) or from a NumPy ``.npz`` file
holding ``lat_deg``, ``lon_deg`` and ``height_m``, and interpolated bilinearly.
Without a terrain file the world is flat at height 0 (:data:`FLAT`, a grid with
no points). The scenario's terrain is loaded once, at compilation
(``CompiledScenario.terrain``): radars use :func:`line_of_sight_clear_of` to let a
ridge mask a low flyer, and the `flight` move model follows the ground with
:func:`grid_height_of`. Both are scalar kernels, so stages call them inside their
own compiled loops; the array forms below are built on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iadsim.geo import REFRACTION_BEND_PER_M, geodetic_of
from iadsim.errors import Problem, UserError
from iadsim.jit import kernel

Array = NDArray[np.float64]

LINE_OF_SIGHT_SAMPLES = 64
"""Points checked along a radar ray; at 100 km a ridge narrower than 1.5 km can slip between two."""


@dataclass(frozen=True)
class GridTerrain:
    """Heights on a regular grid: ``height[i, j]`` at latitude ``lat_rad[i]``, longitude ``lon_rad[j]``.

    Both axes ascend. Between grid points heights are interpolated bilinearly;
    outside the grid (and everywhere on a grid of no points, :data:`FLAT`) the ground is at height 0.
    """

    lat_rad: Array
    lon_rad: Array
    height: Array

    @classmethod
    def from_degrees(cls, lat_deg: ArrayLike, lon_deg: ArrayLike, height_m: ArrayLike) -> GridTerrain:
        """A grid from axes in degrees (either order) and heights (m) of shape (len(lat), len(lon))."""
        lat, lon = np.deg2rad(np.asarray(lat_deg, float)), np.deg2rad(np.asarray(lon_deg, float))
        height = np.asarray(height_m, float)
        if height.shape != (len(lat), len(lon)) or len(lat) < 2 or len(lon) < 2:
            raise ValueError(f"heights of shape {height.shape} do not fit axes of {len(lat)} x {len(lon)} points")
        if lat[0] > lat[-1]:
            lat, height = lat[::-1], height[::-1]
        if lon[0] > lon[-1]:
            lon, height = lon[::-1], height[:, ::-1]
        return cls(np.ascontiguousarray(lat), np.ascontiguousarray(lon),
                   np.ascontiguousarray(np.nan_to_num(height, nan=0.0)))

    @property
    def flat(self) -> bool:
        """Whether this is the ellipsoid itself (no grid)."""
        return len(self.lat_rad) < 2

    def height_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
        """Ground height (m) at geodetic points (rad, broadcast)."""
        lat, lon = np.broadcast_arrays(np.asarray(lat_rad, float), np.asarray(lon_rad, float))
        return _height_rows(self.lat_rad, self.lon_rad, self.height, np.ascontiguousarray(lat.reshape(-1)),
                            np.ascontiguousarray(lon.reshape(-1))).reshape(lat.shape)


FLAT = GridTerrain(np.empty(0), np.empty(0), np.empty((0, 0)))
"""No terrain: the ground is the ellipsoid."""


@kernel
def _grid_index_of(axis: Array, value: float) -> float:
    """Fractional index of ``value`` on an ascending axis; NaN outside it."""
    if not axis[0] <= value <= axis[-1]:
        return np.nan
    j = min(max(np.searchsorted(axis, value, side="right") - 1, 0), len(axis) - 2)
    return j + (value - axis[j]) / (axis[j + 1] - axis[j])


@kernel
def grid_height_of(lat_axis: Array, lon_axis: Array, height: Array, lat_rad: float, lon_rad: float) -> float:
    """Ground height (m) at one point (rad) of the grid ``height`` over ascending axes (rad); 0 outside it
    and on a grid of fewer than two points per axis (:data:`FLAT`); for kernels."""
    if len(lat_axis) < 2 or len(lon_axis) < 2:
        return 0.0
    fi, fj = _grid_index_of(lat_axis, lat_rad), _grid_index_of(lon_axis, lon_rad)
    if np.isnan(fi) or np.isnan(fj):
        return 0.0
    i, j = min(int(fi), len(lat_axis) - 2), min(int(fj), len(lon_axis) - 2)
    u, v = fi - i, fj - j
    return ((1 - u) * (1 - v) * height[i, j] + (1 - u) * v * height[i, j + 1]
            + u * (1 - v) * height[i + 1, j] + u * v * height[i + 1, j + 1])


@kernel
def _height_rows(lat_axis: Array, lon_axis: Array, height: Array, lat_rad: Array, lon_rad: Array) -> Array:
    out = np.empty(len(lat_rad))
    for k in range(len(lat_rad)):
        out[k] = grid_height_of(lat_axis, lon_axis, height, lat_rad[k], lon_rad[k])
    return out


def load_terrain(path: str | Path) -> GridTerrain:
    """Read a terrain file: a GeoTIFF in geographic coordinates (EPSG:4326), or an ``.npz`` grid."""
    path = Path(path)
    if not path.is_file():
        raise UserError([Problem(f"terrain file '{path}' does not exist", "terrain.file",
                                 expected="a GeoTIFF (.tif) or NumPy (.npz) height grid")])
    if path.suffix.lower() == ".npz":
        with np.load(path) as data:
            missing = {"lat_deg", "lon_deg", "height_m"} - set(data.files)
            if missing:
                raise UserError([Problem(f"terrain file lacks {', '.join(sorted(missing))}", "terrain.file",
                                         expected="arrays lat_deg (n), lon_deg (m) and height_m (n, m)")], str(path))
            return GridTerrain.from_degrees(data["lat_deg"], data["lon_deg"], data["height_m"])
    return _read_geotiff(path)


def _read_geotiff(path: Path) -> GridTerrain:
    import rasterio

    try:
        with rasterio.open(path) as dataset:
            if dataset.crs is not None and not dataset.crs.is_geographic:
                raise UserError([Problem(f"terrain file is in {dataset.crs}, not latitude-longitude",
                                         "terrain.file", expected="a GeoTIFF in EPSG:4326",
                                         suggestion="reproject it, e.g. gdalwarp -t_srs EPSG:4326")], str(path))
            height = dataset.read(1, masked=True).filled(0.0).astype(float)
            transform = dataset.transform
            rows, cols = height.shape
    except rasterio.errors.RasterioIOError as error:
        raise UserError([Problem(f"cannot read the terrain file: {error}", "terrain.file",
                                 expected="a GeoTIFF (.tif) or NumPy (.npz) height grid")], str(path)) from error
    lon = transform.c + transform.a * (np.arange(cols) + 0.5)
    lat = transform.f + transform.e * (np.arange(rows) + 0.5)
    return GridTerrain.from_degrees(lat, lon, height)


@kernel
def line_of_sight_clear_of(lat_axis: Array, lon_axis: Array, height: Array, from_ecef_m: Array, to_ecef_m: Array,
                           samples: int) -> bool:
    """Whether the ground of the grid leaves the ray from ``from_ecef_m`` to ``to_ecef_m`` (3,) clear; for kernels.

    ``samples`` points along the ray, its ends excluded, are checked. The ray is
    the straight chord raised by standard refraction: over an Earth of effective
    radius kR it is straight, so relative to the true Earth it bows up by
    s (D - s) (1 - 1/k) / 2R at distance s along a ray of length D (Skolnik 2001
    §8.2), consistent with the 4/3-Earth radar horizon.
    """
    if len(lat_axis) < 2 or len(lon_axis) < 2:
        return True
    dx, dy, dz = to_ecef_m[0] - from_ecef_m[0], to_ecef_m[1] - from_ecef_m[1], to_ecef_m[2] - from_ecef_m[2]
    length = np.sqrt(dx * dx + dy * dy + dz * dz)
    for k in range(1, samples + 1):
        fraction = k / (samples + 1)
        lat, lon, alt = geodetic_of(from_ecef_m[0] + fraction * dx, from_ecef_m[1] + fraction * dy,
                                    from_ecef_m[2] + fraction * dz)
        s = fraction * length
        if alt + s * (length - s) * REFRACTION_BEND_PER_M < grid_height_of(lat_axis, lon_axis, height, lat, lon):
            return False
    return True


@kernel
def _clear_rows(lat_axis: Array, lon_axis: Array, height: Array, from_ecef_m: Array, to_ecef_m: Array,
                samples: int) -> NDArray[np.bool_]:
    out = np.empty(len(from_ecef_m), np.bool_)
    for k in range(len(from_ecef_m)):
        out[k] = line_of_sight_clear_of(lat_axis, lon_axis, height, from_ecef_m[k], to_ecef_m[k], samples)
    return out


def line_of_sight_clear(terrain: GridTerrain, from_ecef_m: Array, to_ecef_m: Array,
                        samples: int = LINE_OF_SIGHT_SAMPLES) -> NDArray[np.bool_]:
    """Whether the ground leaves each ray from ``from_ecef_m`` to ``to_ecef_m`` (K, 3) clear
    (:func:`line_of_sight_clear_of`)."""
    return _clear_rows(terrain.lat_rad, terrain.lon_rad, terrain.height,
                       np.ascontiguousarray(from_ecef_m, dtype=float), np.ascontiguousarray(to_ecef_m, dtype=float),
                       samples)
