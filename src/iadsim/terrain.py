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

import math
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


MAX_TERRAIN_BYTES = 2**30
"""Largest terrain file read (1 GiB: a 1-arc-second grid of about 12 x 12 degrees)."""
MAX_TERRAIN_POINTS = 200_000_000
"""Most grid points of a terrain (1.6 GB as float64 heights)."""
TERRAIN_SUFFIXES = (".tif", ".tiff", ".npz")
_EXPECTED = "a GeoTIFF (.tif, .tiff) in EPSG:4326 or a NumPy .npz with lat_deg, lon_deg and height_m"


class TerrainFileError(ValueError):
    """A terrain file that cannot be used; the message says why (without the file name)."""


def check_terrain_file(path: str | Path) -> Problem | None:
    """The problem with the terrain file at ``path`` (read and checked in full), or ``None`` when it is sound.

    Validation calls this for every scenario with ``terrain:``, whatever the radar model, so that a run
    never starts with a file it cannot read.
    """
    try:
        load_terrain(path)
    except UserError as error:
        return error.problems[0]
    return None


def load_terrain(path: str | Path) -> GridTerrain:
    """Read a terrain file: a GeoTIFF in geographic coordinates (EPSG:4326), or an ``.npz`` grid.

    Raises :class:`UserError` (field ``terrain.file``) for a file that is missing, not a regular file,
    too large, of an unknown format, unreadable, or whose grid is not a sound latitude-longitude grid.
    """
    path = Path(path)
    try:
        return _read_terrain(path)
    except TerrainFileError as error:
        raise UserError([Problem(f"terrain file '{path}': {error}", "terrain.file", expected=_EXPECTED)]) from None


def _read_terrain(path: Path) -> GridTerrain:
    if path.is_dir():
        raise TerrainFileError("is a folder")
    if not path.exists():
        raise TerrainFileError(f"does not exist (read relative to the working folder, {Path.cwd()})")
    if not path.is_file():
        raise TerrainFileError("is not a regular file")
    if path.stat().st_size > MAX_TERRAIN_BYTES:
        raise TerrainFileError(f"is {path.stat().st_size / 2**30:.1f} GiB; at most {MAX_TERRAIN_BYTES / 2**30:.0f} "
                               "GiB are read")
    suffix = path.suffix.lower()
    if suffix not in TERRAIN_SUFFIXES:
        raise TerrainFileError(f"unknown terrain format '{suffix or 'no suffix'}'; the file name must end in "
                               f"{', '.join(TERRAIN_SUFFIXES)}")
    return _read_npz(path) if suffix == ".npz" else _read_geotiff(path)


def _read_npz(path: Path) -> GridTerrain:
    import zipfile

    if not zipfile.is_zipfile(path):
        raise TerrainFileError("is not an .npz file (a zip archive of .npy arrays, as numpy.savez writes)")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = {"lat_deg", "lon_deg", "height_m"} - set(data.files)
            if missing:
                raise TerrainFileError(f"lacks the array(s) {', '.join(sorted(missing))}")
            shapes = {name: _npz_header(data.zip, name) for name in ("lat_deg", "lon_deg", "height_m")}
            if math.prod(shapes["height_m"]) > MAX_TERRAIN_POINTS:
                raise TerrainFileError(f"height_m has {math.prod(shapes['height_m']):,} points; at most "
                                       f"{MAX_TERRAIN_POINTS:,} are read")
            return grid_of(data["lat_deg"], data["lon_deg"], data["height_m"])
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
        if isinstance(error, TerrainFileError):
            raise
        raise TerrainFileError(f"is not a readable .npz file ({error})") from None


def _npz_header(archive: object, name: str) -> tuple[int, ...]:
    """Shape of one array of an .npz, from its header alone (nothing decompressed), refusing non-numbers."""
    with archive.open(f"{name}.npy") as member:  # type: ignore[attr-defined]
        version = np.lib.format.read_magic(member)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = reader(member)
    if not (np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)):
        raise TerrainFileError(f"{name} holds {dtype}, not numbers")
    return shape


def grid_of(lat_deg: ArrayLike, lon_deg: ArrayLike, height_m: ArrayLike) -> GridTerrain:
    """A :class:`GridTerrain` from axes in degrees and heights (m), checked: 1-D axes of at least 2 finite,
    strictly monotonic values within ±90° and ±180°; heights of shape (lat, lon), NaN for no data (read
    as 0 m), never infinite."""
    lat, lon, height = (np.asarray(a, dtype=float) for a in (lat_deg, lon_deg, height_m))
    for name, axis, bound in (("lat_deg", lat, 90.0), ("lon_deg", lon, 180.0)):
        if axis.ndim != 1 or len(axis) < 2:
            raise TerrainFileError(f"{name} must be a list of at least 2 values (shape {axis.shape})")
        steps = np.diff(axis)
        if not np.all(np.isfinite(axis)) or np.any(np.abs(axis) > bound):
            raise TerrainFileError(f"{name} must hold finite degrees within ±{bound:g}")
        if not (np.all(steps > 0) or np.all(steps < 0)):
            raise TerrainFileError(f"{name} must be strictly increasing or strictly decreasing")
    if height.shape != (len(lat), len(lon)):
        raise TerrainFileError(f"height_m has shape {height.shape}, the axes {len(lat)} x {len(lon)} points")
    if np.any(np.isinf(height)):
        raise TerrainFileError("height_m holds infinite heights")
    return GridTerrain.from_degrees(lat, lon, height)


def _read_geotiff(path: Path) -> GridTerrain:
    import rasterio
    import rasterio.errors

    try:
        with rasterio.open(path) as dataset:
            if dataset.crs is not None and not dataset.crs.is_geographic:
                raise TerrainFileError(f"is in {dataset.crs}, not latitude-longitude; reproject it, e.g. "
                                       "gdalwarp -t_srs EPSG:4326")
            if dataset.width * dataset.height > MAX_TERRAIN_POINTS:
                raise TerrainFileError(f"has {dataset.width * dataset.height:,} points; at most "
                                       f"{MAX_TERRAIN_POINTS:,} are read")
            transform = dataset.transform
            if transform.b != 0 or transform.d != 0:
                raise TerrainFileError("its grid is rotated; only north-up grids are read")
            height = dataset.read(1, masked=True).astype(float).filled(np.nan)
            rows, cols = height.shape
    except rasterio.errors.RasterioError as error:
        raise TerrainFileError(f"is not a readable GeoTIFF ({error})") from None
    lon = transform.c + transform.a * (np.arange(cols) + 0.5)
    lat = transform.f + transform.e * (np.arange(rows) + 0.5)
    return grid_of(lat, lon, height)


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
