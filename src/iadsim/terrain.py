"""Terrain: the height of the ground under a point, and whether it hides one point from another.

A terrain model answers ``height_m(lat_rad, lon_rad)`` (metres above the WGS-84
ellipsoid, vectorised). Without a terrain file the world is flat at height 0
(:data:`FLAT`); with one, heights come from a regular latitude-longitude grid,
read from a GeoTIFF (through rasterio) or from a NumPy ``.npz`` file holding
``lat_deg``, ``lon_deg`` and ``height_m``, and interpolated bilinearly.

Radars use :func:`line_of_sight_clear` to let a ridge mask a low flyer; motion
models can use ``height_m`` to follow the ground.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iadsim import geo
from iadsim.errors import Problem, UserError

Array = NDArray[np.float64]

LINE_OF_SIGHT_SAMPLES = 64
"""Points checked along a radar ray; at 100 km a ridge narrower than 1.5 km can slip between two."""


class Terrain(Protocol):
    """Anything that gives the ground height (m above the ellipsoid) at geodetic points (rad)."""

    def height_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
        ...


class FlatTerrain:
    """The ellipsoid itself: ground at height 0 everywhere."""

    def height_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
        return np.zeros(np.broadcast_shapes(np.shape(lat_rad), np.shape(lon_rad)))


FLAT = FlatTerrain()


@dataclass(frozen=True)
class GridTerrain:
    """Heights on a regular grid: ``height[i, j]`` at latitude ``lat_rad[i]``, longitude ``lon_rad[j]``.

    Both axes ascend. Between grid points heights are interpolated bilinearly;
    outside the grid the ground is at height 0.
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
        return cls(lat, lon, np.nan_to_num(height, nan=0.0))

    def height_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
        lat, lon = np.broadcast_arrays(np.asarray(lat_rad, float), np.asarray(lon_rad, float))
        fi = np.interp(lat, self.lat_rad, np.arange(len(self.lat_rad)), left=np.nan, right=np.nan)
        fj = np.interp(lon, self.lon_rad, np.arange(len(self.lon_rad)), left=np.nan, right=np.nan)
        inside = np.isfinite(fi) & np.isfinite(fj)
        fi, fj = np.where(inside, fi, 0.0), np.where(inside, fj, 0.0)
        i = np.minimum(fi.astype(np.int64), len(self.lat_rad) - 2)
        j = np.minimum(fj.astype(np.int64), len(self.lon_rad) - 2)
        u, v = fi - i, fj - j
        h = self.height
        value = ((1 - u) * (1 - v) * h[i, j] + (1 - u) * v * h[i, j + 1]
                 + u * (1 - v) * h[i + 1, j] + u * v * h[i + 1, j + 1])
        return np.where(inside, value, 0.0)


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


def line_of_sight_clear(terrain: Terrain, from_ecef_m: Array, to_ecef_m: Array,
                        samples: int = LINE_OF_SIGHT_SAMPLES) -> NDArray[np.bool_]:
    """Whether the ground leaves each ray from ``from_ecef_m`` to ``to_ecef_m`` (K, 3) clear.

    The ray is the straight chord raised by standard refraction: over an Earth
    of effective radius kR it is straight, so relative to the true Earth it bows
    up by s (D - s) (1 - 1/k) / 2R at distance s along a ray of length D
    (Skolnik 2001 §8.2), consistent with the 4/3-Earth radar horizon.
    """
    fraction = (np.arange(1, samples + 1) / (samples + 1))[None, :, None]  # end points excluded
    points = from_ecef_m[:, None, :] + fraction * (to_ecef_m - from_ecef_m)[:, None, :]
    lat, lon, alt = geo.ecef_to_geodetic(points)
    length = np.linalg.norm(to_ecef_m - from_ecef_m, axis=1)[:, None]
    s = fraction[..., 0] * length
    bow = s * (length - s) * (1.0 - 1.0 / geo.EFFECTIVE_EARTH_FACTOR) / (2.0 * geo.MEAN_EARTH_RADIUS_M)
    return np.all(alt + bow >= terrain.height_m(lat, lon), axis=1)
