"""Whether a radar's look covers a position, as the tracker sees it: range, horizon, elevation limits, sector.

A look covers a track when the radar could have detected it there: within the
instrumented range, inside the 4/3-Earth radar horizon
(:func:`iadsim.geo.radar_horizon_m`), above the minimum apparent elevation (less
1°, so that a track on the edge of the beam is not counted a miss on rounding)
and inside the azimuth sector around the radar's heading. Catalog data (ranges,
elevations, sectors, errors) is taken once (:class:`RadarCoverage`); positions,
rotations, antenna heights and headings are read from the world at every tick
(:meth:`RadarCoverage.geometry`), since the launch stage moves a unit's radars.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.jit import inlined, kernel
from iadsim.scenario.compile import CompiledScenario
from iadsim.tracking.backend import SensorGeometry
from iadsim.tracking.filters import CENTRAL_GRAVITY
from iadsim.world import Sensors

Array = NDArray[np.float64]

ELEVATION_SLACK_RAD = float(np.deg2rad(1.0))
"""Below the minimum elevation by less than this still counts as covered."""
_TWO_K_R = 2.0 * geo.EFFECTIVE_EARTH_FACTOR * geo.MEAN_EARTH_RADIUS_M


# Columns of SensorGeometry.coverage.
MAX_RANGE, MIN_ELEVATION, HALF_SECTOR, HEADING, ANTENNA_ALT = range(5)


class RadarCoverage:
    """The catalog side of every radar's coverage and errors; :meth:`geometry` adds the world's side each tick."""

    def __init__(self, compiled: CompiledScenario) -> None:
        radar = [compiled.radar_types[i] for i in compiled.world.sensors.type_index]
        self.sigma = np.array([[r.range_sigma, r.azimuth_sigma, r.elevation_sigma] for r in radar],
                              dtype=float).reshape(-1, 3)
        self.coverage = np.zeros((len(radar), 5))
        self.coverage[:, MAX_RANGE] = [r.max_range for r in radar]
        self.coverage[:, MIN_ELEVATION] = np.array([r.min_elevation for r in radar]) - ELEVATION_SLACK_RAD
        self.coverage[:, HALF_SECTOR] = [(r.sector_width or 2.0 * np.pi) / 2.0 for r in radar]

    def geometry(self, sensors: Sensors) -> SensorGeometry:
        """The radars as they stand now (ECEF): positions, ENU rotations, antenna heights and headings from the world."""
        if len(sensors.heading_rad) == len(self.coverage):
            self.coverage[:, HEADING] = sensors.heading_rad
        self.coverage[:, ANTENNA_ALT] = sensors.antenna_alt_m
        return SensorGeometry(sensors.pos_ecef_m, sensors.rotation, self.sigma, CENTRAL_GRAVITY, self.coverage)


@inlined
def radar_view(pos: Array, rotation: Array, coverage: Array, sensor: int) -> tuple:
    """One radar's look as 19 numbers for the tracker's loops: position (3), ENU rotation (9, rows), range,
    tan(minimum elevation), cos(half sector), sin and cos of the heading, the antenna's share of the
    horizon √(2kR h_r), and 1 when bounded (0: ``coverage`` has no rows, a look covers everything)."""
    p, r = pos[sensor], rotation[sensor]
    if len(coverage) == 0:
        return (p[0], p[1], p[2], r[0, 0], r[0, 1], r[0, 2], r[1, 0], r[1, 1], r[1, 2], r[2, 0], r[2, 1], r[2, 2],
                np.inf, -np.inf, -2.0, 0.0, 1.0, np.inf, 0.0)
    c = coverage[sensor]
    return (p[0], p[1], p[2], r[0, 0], r[0, 1], r[0, 2], r[1, 0], r[1, 1], r[1, 2], r[2, 0], r[2, 1], r[2, 2],
            c[MAX_RANGE], np.tan(c[MIN_ELEVATION]), np.cos(c[HALF_SECTOR]) if c[HALF_SECTOR] < np.pi else -2.0,
            np.sin(c[HEADING]), np.cos(c[HEADING]), np.sqrt(_TWO_K_R * max(c[ANTENNA_ALT], 0.0)), 1.0)


@inlined
def beyond_range(view: tuple, x: float, y: float, z: float, margin_m: float) -> bool:
    """Whether the position is farther than the radar's range by more than ``margin_m``: surely not covered."""
    d0, d1, d2 = x - view[0], y - view[1], z - view[2]
    reach = view[12] + margin_m
    return d0 * d0 + d1 * d1 + d2 * d2 > reach * reach


@inlined
def _height_bracket(x: float, y: float, z: float) -> tuple[float, float]:
    """Bounds of the height above the ellipsoid: the radial height over the ellipsoid at the geocentric
    latitude is within 6·10⁻⁶ (|h| + 1 m) of the geodetic height up to 2,000 km (checked over the globe)."""
    r2 = x * x + y * y + z * z
    s2 = z * z / r2
    a, b = geo.WGS84_A_M, geo.WGS84_B_M
    height = np.sqrt(r2) - a * b / np.sqrt(b * b * (1.0 - s2) + a * a * s2)
    slack = 1e-5 * abs(height) + 1.0
    return height - slack, height + slack


@inlined
def covers(view: tuple, x: float, y: float, z: float) -> bool:
    """Whether a look of the radar (:func:`radar_view`) covers the ECEF position (see the module doc).

    The elevation and sector tests compare tangents and cosines rather than angles; the height for
    the horizon is bracketed cheaply and computed exactly (:func:`iadsim.geo.geodetic_of`) only when
    the bracket does not decide. A position with no height (a stale track predicted deep inside the
    Earth) is not covered.
    """
    if view[18] == 0.0:
        return True
    d0, d1, d2 = x - view[0], y - view[1], z - view[2]
    east = view[3] * d0 + view[4] * d1 + view[5] * d2
    north = view[6] * d0 + view[7] * d1 + view[8] * d2
    up = view[9] * d0 + view[10] * d1 + view[11] * d2
    ground = np.hypot(east, north)
    inside = (np.hypot(ground, up) <= view[12]
              and up + ground * ground * geo.REFRACTION_BEND_PER_M >= ground * view[13]
              and east * view[15] + north * view[16] >= ground * view[14])
    if not inside:
        return False
    low, high = _height_bracket(x, y, z)
    if ground <= view[17] + np.sqrt(_TWO_K_R * max(low, 0.0)):
        return True
    if ground > view[17] + np.sqrt(_TWO_K_R * max(high, 0.0)):
        return False
    altitude = geo.geodetic_of(x, y, z)[2]
    return altitude == altitude and ground <= view[17] + np.sqrt(_TWO_K_R * max(altitude, 0.0))
