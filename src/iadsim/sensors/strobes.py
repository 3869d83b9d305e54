"""Jam strobes and their triangulation: where a noise jammer is, from the bearings radars measure to it.

A radar that a noise jammer blinds still knows the direction the noise comes from:
a *strobe*, the azimuth of the jammer in the radar's local frame (clockwise from
north). Two or more radars that share their strobes locate the jammer where the
bearing lines cross. :func:`strobe_azimuths` turns the unit directions the jamming
kernel works out at every look (:func:`iadsim.sensors.jamming.radar_jamming_of`)
into azimuths; :func:`triangulate` intersects bearing lines in a common plane by
least squares (the exact crossing for two lines). Verified against the law of sines
of plane geometry (``iadsim verify``, ``jam-strobe-triangulation``).

In a run (sense model ``radar``), every look of a radar at which a jammer's main-lobe
J/N reaches the per-pulse SNR of the radar's reference detection gives a strobe
(:func:`iadsim.sensors.radar.strobes_of`): the jammer's azimuth and elevation with
the radar's angle noise, in ``world.detections`` (``strobe_*``), for the track stage
to locate the jammer (:mod:`iadsim.tracking.jammer_fixes`). :class:`Strobes` keeps the
sense stage's buffers and logs a ``strobe`` event at each radar's first strobe of
each jammer (every one with ``log_all_detections``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from iadsim.events import NO_EVENTS, EventColumns, events
from iadsim.geo import ecef_of_n_vector, geodetic_of
from iadsim.jit import kernel
from iadsim.world import World

if TYPE_CHECKING:
    from iadsim.scenario.compile import CompiledScenario
    from iadsim.sensors.jamming import Jamming

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


class Strobes:
    """The strobes of the sense stage's looks: buffers for the look kernel, the sources it saw, the log."""

    def __init__(self, compiled: CompiledScenario, jamming: Jamming) -> None:
        sensors = compiled.world.sensors
        self.radars = len(sensors.id)
        self.standoff = len(jamming.standoff_names)
        carried = [jamming.types[k].name if k >= 0 else "" for k in jamming.threat_jammer.tolist()]
        self.source_name = np.array([*jamming.standoff_names, *carried], dtype=object)
        """Each source's name in the log: the stand-off jammer's, or the carried jammer's type."""
        self.seen = np.zeros((self.radars, len(self.source_name)), dtype=bool)
        self.log_all = compiled.scenario.log_all_detections
        self.sensor, self.source, self.az_el = np.empty(0, np.int32), np.empty(0, np.int64), np.empty((0, 2))
        self.log = np.empty(0, bool)
        self.count = self.logged = 0

    def buffers(self, jammers: int) -> tuple[NDArray[np.int32], I64, F64, NDArray[np.bool_], NDArray[np.bool_]]:
        """Room for a look tick's strobes (every radar × the ``jammers`` radiating now), and the log's marks."""
        room = self.radars * jammers
        if len(self.sensor) < room:
            self.sensor, self.source = np.empty(room, np.int32), np.empty(room, np.int64)
            self.az_el, self.log = np.empty((room, 2)), np.empty(room, bool)
        return self.sensor, self.source, self.az_el, self.seen, self.log

    def found(self, count: int, logged: int) -> None:
        """The look kernel filled ``count`` strobes, ``logged`` of them to log."""
        self.count, self.logged = count, logged

    def put(self, world: World, t_s: float) -> EventColumns:
        """This tick's strobes into ``world.detections``; ``strobe`` events for those to log."""
        count = self.count
        detections = world.detections
        detections.strobe_sensor, detections.strobe_source = self.sensor[:count].copy(), self.source[:count].copy()
        detections.strobe_az_el = self.az_el[:count].copy()
        if not self.logged:
            return NO_EVENTS
        logged = np.flatnonzero(self.log[:count])
        sensor, source = detections.strobe_sensor[logged], detections.strobe_source[logged]
        carrier = source - self.standoff
        return events("strobe", t_s, len(logged), world.sensors.pos_ecef_m[sensor], sensor_id=world.sensors.id[sensor],
                      threat_id=np.where(carrier >= 0, carrier, -1),
                      value=np.rad2deg(detections.strobe_az_el[logged, 0]), detail=self.source_name[source])


def strobe_azimuths(direction_enu: F64) -> F64:
    """Azimuths (rad, clockwise from north, in [-π, π)) of unit directions (n, 3) in a radar's ENU frame."""
    direction = np.asarray(direction_enu, dtype=float).reshape(-1, 3)
    return np.arctan2(direction[:, 0], direction[:, 1])


def triangulate(origins_m: F64, azimuths_rad: F64) -> F64:
    """The point (2,) nearest, in the least-squares sense, to the bearing lines from ``origins_m`` (k, 2: east,
    north in one plane, m) along ``azimuths_rad`` (k,); k >= 2 lines not all parallel.

    Each line is {p : n·(p - o) = 0} with normal n = (cos az, -sin az); the point solves
    (Σ n nᵀ) p = Σ n nᵀ o.
    """
    origins = np.asarray(origins_m, dtype=float).reshape(-1, 2)
    normal = np.stack((np.cos(azimuths_rad), -np.sin(azimuths_rad)), axis=-1)
    outer = normal[:, :, None] * normal[:, None, :]
    return np.linalg.solve(outer.sum(axis=0), np.einsum("kij,kj->i", outer, origins))


@kernel
def fix_of(radar_ecef_m: F64, rotation: F64, azimuth_rad: F64, elevation_rad: F64, azimuth_sigma_rad: F64,
           fix_ecef_m: F64) -> float:
    """Locate a jammer from the strobes of k >= 2 radars (ECEF positions (k, 3), ECEF -> ENU rotations (k, 3, 3),
    measured azimuths and elevations (k,), NaN elevation for a fan beam, azimuth sigmas (k,)) into
    ``fix_ecef_m`` (3,); return the fix's expected ground error (m, 1 sigma: √trace of its covariance), inf
    when the bearing lines are (nearly) parallel.

    The ground position is :func:`triangulate`'s least squares in the horizontal plane of the first radar
    (each radar's position and bearing carried into that plane); its covariance is (Σ n nᵀ / (r σ)²)⁻¹ for
    lines of normal n, r the radar's ground distance to the fix and σ its azimuth sigma (the geometric
    dilution of precision of bearings-only fixing); its height is the mean of the heights the 3-D radars'
    elevations give at their ground distance from the fix (the first radar's plane when all are fan beams)."""
    count = len(azimuth_rad)
    base = rotation[0]
    a00 = a01 = a11 = b0 = b1 = 0.0
    origin, normal = np.empty((count, 2)), np.empty((count, 2))
    for k in range(count):
        for i in range(2):
            origin[k, i] = (base[i, 0] * (radar_ecef_m[k, 0] - radar_ecef_m[0, 0])
                            + base[i, 1] * (radar_ecef_m[k, 1] - radar_ecef_m[0, 1])
                            + base[i, 2] * (radar_ecef_m[k, 2] - radar_ecef_m[0, 2]))
        east, north = np.sin(azimuth_rad[k]), np.cos(azimuth_rad[k])
        v0 = v1 = 0.0
        for j in range(3):  # the bearing's direction in ECEF, then in the first radar's plane
            along = rotation[k, 0, j] * east + rotation[k, 1, j] * north
            v0 += base[0, j] * along
            v1 += base[1, j] * along
        norm = max(np.hypot(v0, v1), 1e-12)
        n0, n1 = v1 / norm, -v0 / norm  # normal (cos a, -sin a) of the line of azimuth a = atan2(v0, v1)
        normal[k, 0], normal[k, 1] = n0, n1
        a00, a01, a11 = a00 + n0 * n0, a01 + n0 * n1, a11 + n1 * n1
        projected = n0 * origin[k, 0] + n1 * origin[k, 1]
        b0, b1 = b0 + n0 * projected, b1 + n1 * projected
    det = a00 * a11 - a01 * a01
    if not det > 1e-9 * (a00 + a11) ** 2:
        return np.inf
    east0, north0 = (a11 * b0 - a01 * b1) / det, (a00 * b1 - a01 * b0) / det
    i00 = i01 = i11 = 0.0  # the information matrix of the fix
    for k in range(count):
        spread_sq = max(((east0 - origin[k, 0]) ** 2 + (north0 - origin[k, 1]) ** 2) * azimuth_sigma_rad[k] ** 2,
                        1e-6)
        i00 += normal[k, 0] * normal[k, 0] / spread_sq
        i01 += normal[k, 0] * normal[k, 1] / spread_sq
        i11 += normal[k, 1] * normal[k, 1] / spread_sq
    information = i00 * i11 - i01 * i01
    expected = np.sqrt((i00 + i11) / information) if information > 0.0 else np.inf
    height, heights = 0.0, 0
    for k in range(count):
        if np.isnan(elevation_rad[k]):
            continue
        ground = np.hypot(east0 - origin[k, 0], north0 - origin[k, 1])
        up = ground * np.tan(elevation_rad[k])
        x, y, z = radar_ecef_m[k, 0], radar_ecef_m[k, 1], radar_ecef_m[k, 2]
        for j, offset in enumerate((ground * np.sin(azimuth_rad[k]), ground * np.cos(azimuth_rad[k]), up)):
            x, y, z = x + rotation[k, j, 0] * offset, y + rotation[k, j, 1] * offset, z + rotation[k, j, 2] * offset
        height += geodetic_of(x, y, z)[2]
        heights += 1
    for i in range(3):
        fix_ecef_m[i] = radar_ecef_m[0, i] + base[0, i] * east0 + base[1, i] * north0
    if heights:
        lat, lon, _ = geodetic_of(fix_ecef_m[0], fix_ecef_m[1], fix_ecef_m[2])
        fix_ecef_m[0], fix_ecef_m[1], fix_ecef_m[2] = ecef_of_n_vector(
            np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat), height / heights)
    return expected
