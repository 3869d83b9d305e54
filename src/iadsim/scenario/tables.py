"""Catalog figures as arrays, built once at compile and shared by every stage that indexes them.

Stages used to rebuild the same lists from the catalog types in their constructors (weapon and
layer names in five stages, unit types in four, radar figures in three); they now read
:class:`TypeTables`, one per compiled scenario (``CompiledScenario.tables``). Tables are indexed
by interceptor type (``M``: ``CompiledScenario.interceptor_types``), by fire unit (``U``: rows of
``world.units``), by radar (``S``: rows of ``world.sensors``) or by threat (``N``). They hold catalog
and scenario data only, never world data that a stage moves (positions, rotations, posture).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.catalog.schema import FireUnitType, InterceptorType, RadarType, ThreatType

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Names = NDArray[np.object_]

# Columns of a radar's row of :func:`radar_limits`.
MAX_RANGE, TAN_MIN_ELEVATION, TAN_MAX_ELEVATION, MIN_ELEVATION, MAX_ELEVATION, HALF_SECTOR, SCAN_PERIOD, SIGMA = \
    range(8)
LIMIT_COLUMNS = SIGMA + 3
"""Sigma takes three columns: range (m), azimuth and elevation (rad) errors, 1 sigma."""


def radar_limits(radar_types: list[RadarType], type_index: NDArray[np.int32],
                 elevation_margin_rad: float = 0.0) -> F64:
    """What the catalog says about each radar's coverage, scan and accuracy: ``(S, LIMIT_COLUMNS)``.

    Radar ``s`` is of type ``radar_types[type_index[s]]``. Columns (constants of this module): instrumented
    range (m); tangents of the minimum and maximum elevation (inf: no upper limit) and the limits
    themselves (rad; the maximum π/2 where the type states none), widened both ways by
    ``elevation_margin_rad``; half the azimuth sector (rad, π for a radar that scans all round); scan
    period (s); the three measurement sigmas.
    """
    radar = [radar_types[i] for i in type_index]
    out = np.empty((len(radar), LIMIT_COLUMNS))
    out[:, MAX_RANGE] = [r.max_range for r in radar]
    out[:, MIN_ELEVATION] = [r.min_elevation - elevation_margin_rad for r in radar]
    out[:, MAX_ELEVATION] = [(r.max_elevation or np.pi / 2) + elevation_margin_rad for r in radar]
    out[:, TAN_MIN_ELEVATION] = np.tan(np.maximum(out[:, MIN_ELEVATION], -np.pi / 2))
    with np.errstate(invalid="ignore"):
        out[:, TAN_MAX_ELEVATION] = np.where(out[:, MAX_ELEVATION] >= np.pi / 2, np.inf, np.tan(out[:, MAX_ELEVATION]))
    out[:, HALF_SECTOR] = [(r.sector_width or 2.0 * np.pi) / 2.0 for r in radar]
    out[:, SCAN_PERIOD] = [r.scan_period for r in radar]
    out[:, SIGMA:SIGMA + 3] = np.array([[r.range_sigma, r.azimuth_sigma, r.elevation_sigma] for r in radar],
                                       dtype=float).reshape(-1, 3)
    return out


@dataclass(frozen=True)
class TypeTables:
    """Per-type and per-entity catalog figures of one compiled scenario (see the module doc)."""

    weapon: Names
    """(M,) interceptor type names: the events' ``weapon`` column."""
    layer: Names
    """(M,) each interceptor type's layer: the events' ``layer`` column."""
    weapon_cost_usd: F64
    """(M,) unit price of each interceptor type (USD)."""
    weapon_pk: F64
    """(M,) single-shot kill probability of each interceptor type."""
    unit_type: tuple[FireUnitType, ...]
    """(U,) each fire unit's catalog type."""
    unit_channels: I64
    """(U,) fire-control channels: targets a unit engages at once."""
    unit_guided: I64
    """(U,) interceptors a unit guides at once."""
    unit_launch_interval_s: F64
    """(U,) least time between two launches of a unit (s)."""
    unit_reload_s: F64
    """(U,) time to reload a launcher from the unit's magazine (s; 0: no reload)."""
    unit_march_s: F64
    """(U,) time to pack up before a march (s)."""
    unit_setup_s: F64
    """(U,) time to set up after a march (s)."""
    unit_half_sector_rad: F64
    """(U,) half a unit's engagement sector (rad; π: all round)."""
    radar_type: tuple[RadarType, ...]
    """(S,) each radar's catalog type."""
    radar_limits: F64
    """(S, LIMIT_COLUMNS) each radar's coverage, scan period and errors (:func:`radar_limits`)."""
    threat_type: Names
    """(N,) each threat's catalog type name: the ``weapon`` of its events."""
    raid_name: Names
    """(N,) each threat's raid (its name, else its type)."""
    threat_decoy: NDArray[np.bool_]
    """(N,) each threat is a decoy (its type has ``decoy``): it harms nothing where it arrives."""
    threat_friendly: NDArray[np.bool_]
    """(N,) each row is a friendly aircraft (``friendlies``), not a threat: it harms nothing where it arrives."""

    @classmethod
    def of(cls, interceptors: list[InterceptorType], unit_types: list[FireUnitType], unit_type_index: I64,
           radar_types: list[RadarType], radar_type_index: I64, threat_types: list[ThreatType],
           threat_type_index: I64, raid_names: list[str], raid_index: I64, n_raids: int) -> TypeTables:
        """The tables of the types in play; each entity's type by its index into the list of its kind's types;
        flights ``n_raids`` on (``raid_index``) are friendly aircraft."""
        units = [unit_types[i] for i in unit_type_index]
        radars = [radar_types[i] for i in radar_type_index]
        return cls(
            weapon=np.array([m.name for m in interceptors], dtype=object),
            layer=np.array([m.layer for m in interceptors], dtype=object),
            weapon_cost_usd=np.array([m.cost_usd for m in interceptors], dtype=float),
            weapon_pk=np.array([m.single_shot_pk for m in interceptors], dtype=float),
            unit_type=tuple(units),
            unit_channels=np.array([u.fire_control_channels for u in units], dtype=np.int64),
            unit_guided=np.array([u.guided_missiles for u in units], dtype=np.int64),
            unit_launch_interval_s=np.array([u.min_launch_interval for u in units], dtype=float),
            unit_reload_s=np.array([u.reload_time or 0.0 for u in units], dtype=float),
            unit_march_s=np.array([u.march_time or 0.0 for u in units], dtype=float),
            unit_setup_s=np.array([u.setup_time or 0.0 for u in units], dtype=float),
            unit_half_sector_rad=np.array([u.engagement_sector or 2.0 * np.pi for u in units], dtype=float) / 2.0,
            radar_type=tuple(radars),
            radar_limits=radar_limits(radar_types, radar_type_index),
            threat_type=np.array([t.name for t in threat_types], dtype=object)[threat_type_index],
            raid_name=np.array(raid_names, dtype=object)[raid_index],
            threat_decoy=np.array([t.decoy is not None for t in threat_types], dtype=bool)[threat_type_index],
            threat_friendly=np.asarray(raid_index) >= n_raids,
        )
