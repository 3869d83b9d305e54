"""Flyout tables: time of flight and speed at intercept over ground range × altitude, per missile type.

Command and control must ask "when would a round fired now meet this track?"
for thousands of (unit, track) pairs every cycle. Flying the flyout model
(:mod:`iadsim.physics.flyout`) for each would take milliseconds; instead each
missile type's flyout is flown once against stationary points on a grid of
ground range and altitude, and C2 interpolates (bilinear) in the table, a few
nanoseconds per look-up in a kernel (:func:`time_of_flight_at`). A point the
missile cannot reach (it gives up on the way) holds ``inf``.

Tables are cached on disk, keyed by the type's figures, the flyout model's
constants and :data:`TABLE_VERSION`, in ``$IADSIM_CACHE`` (default
``~/.cache/iadsim``)/flyout. A cached file is trusted only if it loads, holds
every array with the grid's shape, carries its own key and a SHA-256 checksum
of its arrays that matches; anything else (an empty, truncated, garbage or
foreign file) is rebuilt and replaced. Files are written to a temporary name and
renamed into place, so a reader never sees a partial table; a write that fails
(a full disk, a read-only cache) removes its temporary file and costs only the
rebuild next time, and temporaries that crashed writers left behind are swept.

Whether a scenario's interceptors fly the flyout model is declared by the fly
stage class itself (``flyout_tables = True``, looked up through the registry):
C2 predicts intercepts from these tables exactly when the fly stage flies them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from iadsim import geo, registry
from iadsim.catalog.schema import InterceptorType
from iadsim.errors import UserError
from iadsim.jit import inline_kernel, kernel
from iadsim.physics import flyout
from iadsim.physics.environment import F64
from iadsim.physics.flyout import Airframes, FlightState, fly_tick, has_flyout_figures, launch_direction

TABLE_VERSION = 1
"""Bump when the flyout model's code changes, so cached tables are rebuilt (its constants are in the key)."""
GROUND_POINTS, ALTITUDE_POINTS = 40, 20
REACH_MARGIN = 1.25
"""The grid spans this multiple of the catalog's maximum range and altitude."""
TABLE_TICK_S = 1.0
ARRAYS = ("ground_range_m", "altitude_m", "time_of_flight_s", "speed_mps")
"""The arrays of a table, in the order of :class:`FlyoutTable`'s fields."""
STALE_TEMPORARY_S = 3600.0
"""A temporary file older than this in the cache folder was left by a writer that crashed: it is removed."""
_UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)
"""What reading a damaged ``.npz`` raises (numpy's loader and the zip reader under it)."""


@dataclass(frozen=True)
class FlyoutTable:
    """One missile type's flyout: ``(G, A)`` time of flight (s, inf where out of reach) and speed (m/s)."""

    ground_range_m: F64  # (G,)
    altitude_m: F64  # (A,)
    time_of_flight_s: F64
    speed_mps: F64

    def lookup(self, ground_range_m: F64, altitude_m: F64) -> tuple[F64, F64]:
        """Time of flight and speed at points ``(K,)``, bilinear; inf/NaN outside the grid or the reach."""
        return _lookup_rows(self.ground_range_m[None], self.altitude_m[None], self.time_of_flight_s[None],
                            self.speed_mps[None], np.ascontiguousarray(ground_range_m, dtype=float),
                            np.ascontiguousarray(altitude_m, dtype=float))


class FlyoutGrids(NamedTuple):
    """The flyout tables of every missile type in play, stacked for kernels (type ``m`` is row ``m``).

    Every table has the same grid size (it is in the cache key); a type without a
    table (no flyout figures, or a fly model without tables) has ``has_table`` False
    and zeros.
    """

    has_table: NDArray[np.bool_]  # (M,)
    ground_range_m: F64  # (M, G)
    altitude_m: F64  # (M, A)
    time_of_flight_s: F64  # (M, G, A)

    @classmethod
    def of(cls, tables: list[FlyoutTable | None] | None, n_types: int) -> FlyoutGrids:
        """Stack ``tables`` (one per type, None for a type without one; None for none at all)."""
        tables = tables or [None] * n_types
        present = [t for t in tables if t is not None]
        n_ground, n_altitude = (len(present[0].ground_range_m), len(present[0].altitude_m)) if present else (2, 2)
        grids = cls(np.array([t is not None for t in tables], dtype=bool), np.zeros((n_types, n_ground)),
                    np.zeros((n_types, n_altitude)), np.zeros((n_types, n_ground, n_altitude)))
        for m, table in enumerate(tables):
            if table is not None:
                grids.ground_range_m[m], grids.altitude_m[m] = table.ground_range_m, table.altitude_m
                grids.time_of_flight_s[m] = table.time_of_flight_s
        return grids


@inline_kernel
def _grid_position(grid: F64, m: int, x: float) -> float:
    """Fractional index of ``x`` in the increasing row ``grid[m]``; NaN outside it (``np.interp`` onto the indices).

    The cell is guessed as if the grid were even (the tables' are), then stepped to the one with
    grid[j] ≤ x < grid[j + 1]: the cell a binary search finds, for any increasing grid.
    """
    n = grid.shape[1]
    first, last = grid[m, 0], grid[m, n - 1]
    if not first <= x <= last:
        return np.nan
    if x == last:
        return float(n - 1)
    j = min(max(int((x - first) / (last - first) * (n - 1)), 0), n - 2)
    while j > 0 and grid[m, j] > x:
        j -= 1
    while j < n - 2 and grid[m, j + 1] <= x:
        j += 1
    if grid[m, j] == x:
        return float(j)
    return (1.0 / (grid[m, j + 1] - grid[m, j])) * (x - grid[m, j]) + j


@inline_kernel
def _bilinear(ground_grid: F64, altitude_grid: F64, table: F64, m: int, ground_m: float, altitude_m: float) -> float:
    """Table ``m`` (of the stack ``table``) interpolated at one point; NaN outside the grid or next to an
    unreachable (inf) corner."""
    x = _grid_position(ground_grid, m, ground_m)
    y = _grid_position(altitude_grid, m, altitude_m)
    if not (np.isfinite(x) and np.isfinite(y)):
        return np.nan
    i = min(int(x), ground_grid.shape[1] - 2)
    j = min(int(y), altitude_grid.shape[1] - 2)
    fx, fy = x - i, y - j
    return ((1 - fx) * (1 - fy) * table[m, i, j] + fx * (1 - fy) * table[m, i + 1, j]
            + (1 - fx) * fy * table[m, i, j + 1] + fx * fy * table[m, i + 1, j + 1])


@inline_kernel
def time_of_flight_at(ground_grid: F64, altitude_grid: F64, tof_table: F64, missile: int, ground_m: float,
                      altitude_m: float) -> float:
    """Time of flight (s) of type ``missile`` to a point at ``ground_m``, ``altitude_m``; inf out of reach.

    The tables are :class:`FlyoutGrids`' stacks, passed as arrays (a named tuple costs a microsecond a call).
    """
    tof = _bilinear(ground_grid, altitude_grid, tof_table, missile, ground_m, altitude_m)
    return np.inf if np.isnan(tof) else tof


@kernel
def _lookup_rows(ground_grid: F64, altitude_grid: F64, tof_table: F64, speed_table: F64,
                 ground_m: F64, altitude_m: F64) -> tuple[F64, F64]:
    tof, speed = np.empty(len(ground_m)), np.empty(len(ground_m))
    for k in range(len(ground_m)):
        tof[k] = _bilinear(ground_grid, altitude_grid, tof_table, 0, ground_m[k], altitude_m[k])
        speed[k] = _bilinear(ground_grid, altitude_grid, speed_table, 0, ground_m[k], altitude_m[k]) \
            if np.isfinite(tof[k]) else np.nan
        if np.isnan(tof[k]):
            tof[k] = np.inf
    return tof, speed


def build_table(kind: InterceptorType) -> FlyoutTable:
    """Fly ``kind`` from a launcher on the equator to every grid point (a stationary target) and tabulate."""
    airframes = Airframes.of([kind])
    ground = np.linspace(0.0, REACH_MARGIN * kind.max_range, GROUND_POINTS + 1)[1:]
    altitude = np.linspace(0.0, REACH_MARGIN * kind.max_altitude, ALTITUDE_POINTS)
    gg, aa = np.meshgrid(ground, altitude, indexing="ij")
    target = geo.geodetic_to_ecef(gg.ravel() / geo.MEAN_EARTH_RADIUS_M, 0.0, aa.ravel())
    n = len(target)
    launcher = np.tile(geo.geodetic_to_ecef(0.0, 0.0, 0.0), (n, 1))
    state = FlightState(launcher.copy(), launch_direction(launcher, target), np.zeros(n, np.int64), np.zeros(n))
    tof, speed = np.full(n, np.inf), np.full(n, np.nan)
    flying = np.ones(n, bool)
    still = np.zeros((n, 3))
    while flying.any():
        rows = np.flatnonzero(flying)
        sub = FlightState(state.pos_m[rows], state.vel_mps[rows], state.kind[rows], state.flown_s[rows])
        outcome = fly_tick(sub, airframes, target[rows], still[rows], TABLE_TICK_S)
        state.pos_m[rows], state.vel_mps[rows], state.flown_s[rows] = sub.pos_m, sub.vel_mps, sub.flown_s
        hit = rows[outcome.reached]
        tof[hit] = state.flown_s[hit]
        speed[hit] = outcome.speed_at_end_mps[outcome.reached]
        flying[rows[outcome.reached | outcome.gave_up]] = False
    return FlyoutTable(ground, altitude, tof.reshape(gg.shape), speed.reshape(gg.shape))


def cache_dir() -> Path:
    return Path(os.environ.get("IADSIM_CACHE", Path.home() / ".cache" / "iadsim")) / "flyout"


def table_key(kind: InterceptorType) -> str:
    """What a table depends on, hashed: the type's figures, the grid, the flyout model's constants, the version."""
    figures = kind.model_dump(mode="json", exclude={"description", "cost_usd", "single_shot_pk"})
    model = {name: float(getattr(flyout, name)) for name in (
        "SEEKER_LOCK_S", "MIN_STEP_S", "GIVE_UP_SPEED_FRACTION", "ENDURANCE_MARGIN", "LOFT_FRACTION", "LOFT_END_S",
        "LAUNCH_ELEVATION_RAD")}
    text = json.dumps({"version": TABLE_VERSION, "grid": [GROUND_POINTS, ALTITUDE_POINTS, REACH_MARGIN],
                       "model": model, "figures": figures}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _checksum(key: str, arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of the key and of every array's dtype, shape and bytes."""
    digest = hashlib.sha256(key.encode())
    for name in ARRAYS:
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _read_table(path: Path, key: str) -> FlyoutTable | None:
    """The table cached at ``path`` if it is whole and is the table of ``key``; None otherwise."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: np.array(data[name]) for name in ARRAYS}
            stored_key, checksum = str(data["key"]), str(data["checksum"])
    except _UNREADABLE:
        return None
    shapes = {"ground_range_m": (GROUND_POINTS,), "altitude_m": (ALTITUDE_POINTS,),
              "time_of_flight_s": (GROUND_POINTS, ALTITUDE_POINTS), "speed_mps": (GROUND_POINTS, ALTITUDE_POINTS)}
    if (stored_key != key or any(arrays[name].shape != shape or arrays[name].dtype != np.float64
                                 for name, shape in shapes.items()) or checksum != _checksum(key, arrays)):
        return None
    return FlyoutTable(*(arrays[name] for name in ARRAYS))


def _write_table(path: Path, key: str, table: FlyoutTable) -> None:
    """Write ``table`` atomically (temporary file, then rename); a failure leaves no file behind."""
    from iadsim.files import atomic_write

    arrays = {name: getattr(table, name) for name in ARRAYS}
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale_temporaries(path.parent)

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as handle:
            np.savez(handle, key=np.array(key), checksum=np.array(_checksum(key, arrays)), **arrays)
            handle.flush()
            os.fsync(handle.fileno())

    atomic_write(path, write)


def _sweep_stale_temporaries(folder: Path) -> None:
    """Remove temporary files that writers which crashed mid-write left (this module's, and older ``tmp*.npz``)."""
    old = time.time() - STALE_TEMPORARY_S
    for leftover in [*folder.glob(".*.npz.*.tmp"), *folder.glob("tmp*.npz")]:
        try:
            if leftover.stat().st_mtime < old:
                leftover.unlink()
        except OSError:
            pass  # another process removed or renamed it first


def flyout_table(kind: InterceptorType) -> FlyoutTable:
    """The table of ``kind``, from the disk cache when a whole table of its figures is there, else built and cached."""
    key = table_key(kind)
    path = cache_dir() / f"{kind.name}-{key}.npz"
    table = _read_table(path, key) if path.exists() else None
    if table is not None:
        return table
    table = build_table(kind)
    try:
        _write_table(path, key, table)
    except (OSError, UserError):
        pass  # a full disk or a read-only cache (atomic_write's message) only costs the rebuild next time
    return table


def tables_for(types: list[InterceptorType], fly_model: str) -> list[FlyoutTable | None] | None:
    """Flyout tables of ``types`` when the scenario's fly model flies the flyout (it declares
    ``flyout_tables = True``), else None. A type without flyout figures (flown at its average speed) gets None."""
    if not getattr(registry.factory("fly", fly_model), "flyout_tables", False):
        return None
    return [flyout_table(kind) if has_flyout_figures(kind) else None for kind in types]
