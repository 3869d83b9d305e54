"""Flyout tables: time of flight and speed at intercept over ground range × altitude, per missile type.

Command and control must ask "when would a round fired now meet this track?"
for thousands of (unit, track) pairs every cycle. Flying the flyout model
(:mod:`iadsim.physics.flyout`) for each would take milliseconds; instead each
missile type's flyout is flown once against stationary points on a grid of
ground range and altitude, and C2 interpolates (bilinear) in the table, a few
microseconds per pair. A point the missile cannot reach (it gives up on the
way) holds ``inf``. Tables are cached on disk, keyed by the type's figures, the
flyout model's constants and :data:`TABLE_VERSION`, in ``$IADSIM_CACHE`` (default ``~/.cache/iadsim``)/flyout.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from iadsim import geo
from iadsim.catalog.schema import InterceptorType
from iadsim.physics import flyout
from iadsim.physics.environment import F64
from iadsim.physics.flyout import Airframes, FlightState, fly_tick, has_flyout_figures, launch_direction

TABLE_VERSION = 1
"""Bump when the flyout model's code changes, so cached tables are rebuilt (its constants are in the key)."""
GROUND_POINTS, ALTITUDE_POINTS = 40, 20
REACH_MARGIN = 1.25
"""The grid spans this multiple of the catalog's maximum range and altitude."""
TABLE_TICK_S = 1.0


@dataclass(frozen=True)
class FlyoutTable:
    """One missile type's flyout: ``(G, A)`` time of flight (s, inf where out of reach) and speed (m/s)."""

    ground_range_m: F64  # (G,)
    altitude_m: F64  # (A,)
    time_of_flight_s: F64
    speed_mps: F64

    def lookup(self, ground_range_m: F64, altitude_m: F64) -> tuple[F64, F64]:
        """Time of flight and speed at points ``(K,)``, bilinear; inf/NaN outside the grid or the reach."""
        g, a = self.ground_range_m, self.altitude_m
        x = np.interp(ground_range_m, g, np.arange(len(g)), left=np.nan, right=np.nan)
        y = np.interp(altitude_m, a, np.arange(len(a)), left=np.nan, right=np.nan)
        inside = np.isfinite(x) & np.isfinite(y)
        x, y = np.where(inside, x, 0.0), np.where(inside, y, 0.0)
        i = np.minimum(x.astype(np.int64), len(g) - 2)
        j = np.minimum(y.astype(np.int64), len(a) - 2)
        fx, fy = x - i, y - j

        def blend(table: F64) -> F64:
            return ((1 - fx) * (1 - fy) * table[i, j] + fx * (1 - fy) * table[i + 1, j]
                    + (1 - fx) * fy * table[i, j + 1] + fx * fy * table[i + 1, j + 1])

        with np.errstate(invalid="ignore"):
            tof = np.where(inside, blend(self.time_of_flight_s), np.inf)
            speed = np.where(np.isfinite(tof), blend(self.speed_mps), np.nan)
        return np.where(np.isnan(tof), np.inf, tof), speed


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


def _key(kind: InterceptorType) -> str:
    figures = kind.model_dump(mode="json", exclude={"description", "cost_usd", "single_shot_pk"})
    model = {name: float(getattr(flyout, name)) for name in (
        "SEEKER_LOCK_S", "MIN_STEP_S", "GIVE_UP_SPEED_FRACTION", "ENDURANCE_MARGIN", "LOFT_FRACTION", "LOFT_END_S",
        "LAUNCH_ELEVATION_RAD")}
    text = json.dumps({"version": TABLE_VERSION, "grid": [GROUND_POINTS, ALTITUDE_POINTS, REACH_MARGIN],
                       "model": model, "figures": figures}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def flyout_table(kind: InterceptorType) -> FlyoutTable:
    """The table of ``kind``, from the disk cache when its figures have not changed, else built and cached."""
    path = cache_dir() / f"{kind.name}-{_key(kind)}.npz"
    if path.exists():
        with np.load(path) as data:
            return FlyoutTable(*(data[name] for name in ("ground_range_m", "altitude_m", "time_of_flight_s",
                                                         "speed_mps")))
    table = build_table(kind)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as handle:
            np.savez(handle, **table.__dict__)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only cache only costs the rebuild next time
    return table


def tables_for(types: list[InterceptorType], fly_model: str) -> list[FlyoutTable | None] | None:
    """Flyout tables of ``types`` when the scenario flies interceptors with a flyout model, else None.

    A type without flyout figures (flown at its average speed) gets None.
    """
    if not fly_model.startswith("flyout"):
        return None
    return [flyout_table(kind) if has_flyout_figures(kind) else None for kind in types]
