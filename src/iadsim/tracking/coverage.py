"""Whether a radar's look covers a track's predicted position: the sense models' own coverage test.

A look covers a track when the radar could have detected it there
(:func:`iadsim.sensors.scan.covers_of`: range, 4/3-Earth horizon, elevation
limits, azimuth sector), with the elevation limits widened by 1°
(:data:`ELEVATION_SLACK_RAD`) so that a track on the edge of the beam is not
counted a miss on rounding. Catalog data (limits, errors) is taken once
(:class:`RadarCoverage`); positions, rotations, antenna heights and headings are
read from the world at every tick (:meth:`RadarCoverage.geometry`), since the
launch stage moves a unit's radars. The horizon needs the target's height: it
is bracketed cheaply (:func:`_height_bracket`) and computed exactly only when
the bracket does not decide.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.jit import inline_kernel
from iadsim.scenario.compile import CompiledScenario
from iadsim.sensors.scan import MAX_RANGE, SIGMA, heading_of, radar_limits, sighted_ground_sq_of
from iadsim.tracking.backend import SensorGeometry
from iadsim.tracking.filters import CENTRAL_GRAVITY
from iadsim.world import Sensors

Array = NDArray[np.float64]

ELEVATION_SLACK_RAD = float(np.deg2rad(1.0))
"""The tracker's margin on a radar's elevation limits."""


class RadarCoverage:
    """The catalog side of every radar's coverage and errors; :meth:`geometry` adds the world's side each tick."""

    def __init__(self, compiled: CompiledScenario) -> None:
        self.limits = radar_limits(compiled.radar_types, compiled.world.sensors.type_index, ELEVATION_SLACK_RAD)
        self.sigma = np.ascontiguousarray(self.limits[:, SIGMA:SIGMA + 3])

    def geometry(self, sensors: Sensors) -> SensorGeometry:
        """The radars as they stand now (ECEF): positions, ENU rotations, antenna heights and headings from the world."""
        return SensorGeometry(sensors.pos_ecef_m, sensors.rotation, self.sigma, CENTRAL_GRAVITY, self.limits,
                              heading_of(sensors), sensors.antenna_alt_m)


@inline_kernel
def beyond_range(limits: Array, radar_ecef_m: Array, x: float, y: float, z: float, margin_m: float) -> bool:
    """Whether a position is farther than the radar's range by more than ``margin_m``: surely not covered
    (never, unbounded: ``limits`` has no rows)."""
    if len(limits) == 0:
        return False
    d0, d1, d2 = x - radar_ecef_m[0], y - radar_ecef_m[1], z - radar_ecef_m[2]
    reach = limits[MAX_RANGE] + margin_m
    return d0 * d0 + d1 * d1 + d2 * d2 > reach * reach


@inline_kernel
def _height_bracket(x: float, y: float, z: float) -> tuple[float, float]:
    """Bounds of the height above the ellipsoid: the radial height over the ellipsoid at the geocentric
    latitude is within 6·10⁻⁶ (|h| + 1 m) of the geodetic height up to 2,000 km (checked over the globe)."""
    r2 = x * x + y * y + z * z
    s2 = z * z / r2
    a, b = geo.WGS84_A_M, geo.WGS84_B_M
    height = np.sqrt(r2) - a * b / np.sqrt(b * b * (1.0 - s2) + a * a * s2)
    slack = 1e-5 * abs(height) + 1.0
    return height - slack, height + slack


@inline_kernel
def covers(rotation: Array, radar_ecef_m: Array, antenna_alt_m: float, heading_rad: float, limits: Array,
           target_ecef_m: Array, enu: Array) -> bool:
    """Whether a look of the radar (its rotation, position, antenna height, heading and row of limits) covers
    the ECEF position ``target_ecef_m`` (3,); always when unbounded (``limits`` has no rows). The range,
    elevation and sector are tested once; the horizon at the bracket's heights, then if need be at the exact one."""
    if len(limits) == 0:
        return True
    ground = np.sqrt(sighted_ground_sq_of(rotation, radar_ecef_m, heading_rad, limits, target_ecef_m, enu))
    low, high = _height_bracket(target_ecef_m[0], target_ecef_m[1], target_ecef_m[2])
    if not ground <= geo.radar_horizon_of(antenna_alt_m, high, geo.EFFECTIVE_EARTH_FACTOR):
        return False  # not even at the highest height it can have (or outside range, elevation or sector)
    if ground <= geo.radar_horizon_of(antenna_alt_m, low, geo.EFFECTIVE_EARTH_FACTOR):
        return True
    height = geo.geodetic_of(target_ecef_m[0], target_ecef_m[1], target_ecef_m[2])[2]
    return ground <= geo.radar_horizon_of(antenna_alt_m, height, geo.EFFECTIVE_EARTH_FACTOR)


def look_covers(radars: SensorGeometry, sensor: int, position_ecef_m: Array) -> bool:
    """Whether a look of radar ``sensor`` covers a position (3,), for callers outside the kernels."""
    if len(radars.limits) == 0:
        return True
    return bool(covers(radars.rotation[sensor], radars.pos[sensor], float(radars.antenna_alt_m[sensor]),
                       float(radars.heading_rad[sensor]), radars.limits[sensor],
                       np.ascontiguousarray(position_ecef_m, dtype=float), np.empty(3)))
