"""WGS-84 geometry, vectorised: geodetic <-> ECEF, local ENU frames, n-vectors, radar horizon.

Angles are radians, lengths metres. Arrays broadcast: positions are ``(..., 3)``
ECEF arrays. Geodesics (distance and bearing on the ellipsoid) come from
geographiclib (Karney 2013) where accuracy matters more than speed.
"""

from __future__ import annotations

import numpy as np
from geographiclib.geodesic import Geodesic
from numpy.typing import ArrayLike, NDArray

from iadsim.jit import kernel

WGS84_A_M = 6378137.0
WGS84_F = 1 / 298.257223563
WGS84_B_M = WGS84_A_M * (1 - WGS84_F)
WGS84_E2 = WGS84_F * (2 - WGS84_F)
WGS84_EP2 = WGS84_E2 / (1 - WGS84_E2)
MEAN_EARTH_RADIUS_M = 6371008.8  # IUGG mean radius R1
EFFECTIVE_EARTH_FACTOR = 4.0 / 3.0  # standard refraction, Skolnik (2001) §8.2

Array = NDArray[np.float64]


def geodetic_to_ecef(lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike) -> Array:
    """ECEF position ``(..., 3)`` of geodetic latitude, longitude (rad) and height (m)."""
    return ecef_from_n_vector(n_vector(lat_rad, lon_rad), alt_m)


def n_vector(lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
    """Unit normal to the ellipsoid ``(..., 3)`` at geodetic latitude and longitude (Gade 2010)."""
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    cos_lat = np.cos(lat)
    return np.stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)), axis=-1)


def ecef_from_n_vector(n: Array, alt_m: ArrayLike) -> Array:
    """ECEF position of the point at height ``alt_m`` above the ellipsoid along normal ``n`` (broadcast; see
    :func:`ecef_of_n_vector`)."""
    n, alt = np.asarray(n, dtype=float), np.asarray(alt_m, dtype=float)
    shape = np.broadcast_shapes(n.shape[:-1], alt.shape)
    rows = np.ascontiguousarray(np.broadcast_to(n, (*shape, 3)).reshape(-1, 3))
    return _ecef_rows(rows, np.ascontiguousarray(np.broadcast_to(alt, shape).reshape(-1))).reshape((*shape, 3))


@kernel
def ecef_of_n_vector(nx: float, ny: float, nz: float, alt_m: float) -> tuple[float, float, float]:
    """ECEF position of one point at height ``alt_m`` along normal (nx, ny, nz); for kernels.

    With N = a / sqrt(1 - e² sin²φ): x = (N + h) n_x, y = (N + h) n_y, z = (N (1 - e²) + h) n_z.
    """
    prime_vertical = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 * nz * nz)
    out = prime_vertical + alt_m
    return out * nx, out * ny, (prime_vertical * (1.0 - WGS84_E2) + alt_m) * nz


@kernel
def _ecef_rows(n: Array, alt_m: Array) -> Array:
    out = np.empty((len(n), 3))
    for k in range(len(n)):
        out[k, 0], out[k, 1], out[k, 2] = ecef_of_n_vector(n[k, 0], n[k, 1], n[k, 2], alt_m[k])
    return out


def ecef_to_geodetic(xyz: ArrayLike) -> tuple[Array, Array, Array]:
    """Geodetic latitude, longitude (rad) and height (m) of ECEF points ``(..., 3)``.

    Closed form of Heikkinen (1982) as given by Zhu (1994), exact to well under a
    millimetre from the Earth's surface to geostationary altitude (:func:`geodetic_of`).
    """
    xyz = np.asarray(xyz, dtype=float)
    out = _geodetic_rows(np.ascontiguousarray(xyz.reshape(-1, 3)))
    shape = xyz.shape[:-1]
    return out[:, 0].reshape(shape), out[:, 1].reshape(shape), out[:, 2].reshape(shape)


@kernel
def geodetic_of(x: float, y: float, z: float) -> tuple[float, float, float]:
    """Latitude, longitude (rad) and height (m) of one ECEF point (Heikkinen 1982, Zhu 1994); for kernels."""
    a, b, e2, ep2 = WGS84_A_M, WGS84_B_M, WGS84_E2, WGS84_EP2
    r = np.hypot(x, y)
    big_e2 = a * a - b * b
    f = 54.0 * b * b * z * z
    g = r * r + (1.0 - e2) * z * z - e2 * big_e2
    c = e2 * e2 * f * r * r / (g * g * g)
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    p = f / (3.0 * (s + 1.0 / s + 1.0) ** 2 * g * g)
    q = np.sqrt(1.0 + 2.0 * e2 * e2 * p)
    r0 = -(p * e2 * r) / (1.0 + q) + np.sqrt(
        max(0.5 * a * a * (1.0 + 1.0 / q) - p * (1.0 - e2) * z * z / (q * (1.0 + q)) - 0.5 * p * r * r, 0.0)
    )
    u = np.hypot(r - e2 * r0, z)
    v = np.sqrt((r - e2 * r0) ** 2 + (1.0 - e2) * z * z)
    z0 = b * b * z / (a * v)
    return np.arctan2(z + ep2 * z0, r), np.arctan2(y, x), u * (1.0 - b * b / (a * v))


@kernel
def _geodetic_rows(xyz: Array) -> Array:
    out = np.empty_like(xyz)
    for k in range(len(xyz)):
        out[k, 0], out[k, 1], out[k, 2] = geodetic_of(xyz[k, 0], xyz[k, 1], xyz[k, 2])
    return out


@kernel
def set_frame_of(lat_rad: float, lon_rad: float, alt_m: float, pos_ecef_m: Array, rotation: Array) -> None:
    """Write the ECEF position (3,) and the ENU rotation (3, 3) of one geodetic point in place: what
    :func:`geodetic_to_ecef` and :func:`enu_rotation` give, for kernels that move things."""
    sin_lat, cos_lat, sin_lon, cos_lon = np.sin(lat_rad), np.cos(lat_rad), np.sin(lon_rad), np.cos(lon_rad)
    pos_ecef_m[0], pos_ecef_m[1], pos_ecef_m[2] = ecef_of_n_vector(cos_lat * cos_lon, cos_lat * sin_lon, sin_lat,
                                                                   alt_m)
    rotation[0, 0], rotation[0, 1], rotation[0, 2] = -sin_lon, cos_lon, 0.0
    rotation[1, 0], rotation[1, 1], rotation[1, 2] = -sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat
    rotation[2, 0], rotation[2, 1], rotation[2, 2] = cos_lat * cos_lon, cos_lat * sin_lon, sin_lat


def enu_rotation(lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
    """Rotation matrices ``(..., 3, 3)`` whose rows are the east, north and up unit vectors in ECEF."""
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    sin_lon, cos_lon = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(lat * lon)
    east = np.stack((-sin_lon, cos_lon, zero + 0.0), axis=-1)
    north = np.stack((-sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat + zero), axis=-1)
    up = np.stack((cos_lat * cos_lon, cos_lat * sin_lon, sin_lat + zero), axis=-1)
    return np.stack((east, north, up), axis=-2)


def ecef_to_enu(xyz: ArrayLike, origin_ecef: ArrayLike, rotation: Array) -> Array:
    """East, north, up (m) of ECEF points relative to an origin with its :func:`enu_rotation`."""
    delta = np.asarray(xyz, dtype=float) - np.asarray(origin_ecef, dtype=float)
    return np.einsum("...ij,...j->...i", rotation, delta)


def enu_to_ecef(enu: ArrayLike, origin_ecef: ArrayLike, rotation: Array) -> Array:
    """ECEF position of local east, north, up offsets (m) from an origin."""
    return np.asarray(origin_ecef, dtype=float) + np.einsum("...ji,...j->...i", rotation, np.asarray(enu, dtype=float))


def geodesic_inverse(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float) -> tuple[float, float]:
    """Distance (m) and initial bearing (rad, clockwise from north) between two points on WGS-84."""
    line = Geodesic.WGS84.Inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg)
    return line["s12"], np.deg2rad(line["azi1"])


def geodesic_direct(lat_deg: float, lon_deg: float, bearing_rad: float, distance_m: float) -> tuple[float, float]:
    """Latitude and longitude (deg) reached from a point along a bearing (rad) after a distance (m)."""
    line = Geodesic.WGS84.Direct(lat_deg, lon_deg, np.rad2deg(bearing_rad), distance_m)
    return line["lat2"], line["lon2"]


def radar_horizon_m(antenna_height_m: ArrayLike, target_altitude_m: ArrayLike,
                    k: float = EFFECTIVE_EARTH_FACTOR) -> Array:
    """Ground range (m) to the radar horizon over a smooth Earth of effective radius k·R (broadcast;
    :func:`radar_horizon_of`)."""
    antenna, target = np.broadcast_arrays(np.asarray(antenna_height_m, dtype=float),
                                          np.asarray(target_altitude_m, dtype=float))
    return _horizon_rows(np.ascontiguousarray(antenna.reshape(-1)), np.ascontiguousarray(target.reshape(-1)),
                         k).reshape(antenna.shape)


@kernel
def radar_horizon_of(antenna_height_m: float, target_altitude_m: float, k: float) -> float:
    """Ground range (m) to the radar horizon of one antenna and target height (m); for kernels.

    d = sqrt(2 k R h_r) + sqrt(2 k R h_t) (heights below 0 taken as 0); with k = 4/3 this is the textbook
    d ≈ 4.12 (√h_r + √h_t) km with heights in metres (Skolnik 2001, §8.2).
    """
    effective_radius = k * MEAN_EARTH_RADIUS_M
    return (np.sqrt(2.0 * effective_radius * max(antenna_height_m, 0.0))
            + np.sqrt(2.0 * effective_radius * max(target_altitude_m, 0.0)))


@kernel
def _horizon_rows(antenna_height_m: Array, target_altitude_m: Array, k: float) -> Array:
    out = np.empty(len(antenna_height_m))
    for i in range(len(out)):
        out[i] = radar_horizon_of(antenna_height_m[i], target_altitude_m[i], k)
    return out


def altitude_above(xyz: Array, origin_ecef: Array, up: Array) -> Array:
    """Approximate height (m) of ECEF points above the ellipsoid near an origin on it.

    Uses the local up vector and a spherical correction, (horizontal distance)² / 2R:
    better than a metre within 100 km. For exact heights use :func:`ecef_to_geodetic`.
    """
    delta = xyz - origin_ecef
    rise = delta @ up
    horizontal_sq = np.einsum("...i,...i->...", delta, delta) - rise * rise
    return rise + horizontal_sq / (2.0 * MEAN_EARTH_RADIUS_M)


REFRACTION_BEND_PER_M = (1.0 - 1.0 / EFFECTIVE_EARTH_FACTOR) / (2.0 * MEAN_EARTH_RADIUS_M)
"""Apparent rise of a target per square metre of ground range under standard (4/3-Earth) refraction."""


def radar_look(rotation: np.ndarray, radar_ecef_m: np.ndarray, target_ecef_m: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Targets as radars see them: local ENU offsets (..., 3) (m), ground and slant range (...) (m), and
    apparent elevation (...) (rad) bent by standard refraction (:func:`radar_look_of`).

    ``rotation`` (..., 3, 3) from :func:`enu_rotation`, ``radar_ecef_m`` (..., 3) and ``target_ecef_m``
    (..., 3) broadcast together: (K, 3, 3), (K, 3) and (K, 3) give K radar-target pairs.
    """
    rotation, radar, target = np.asarray(rotation, float), np.asarray(radar_ecef_m, float), np.asarray(
        target_ecef_m, float)
    shape = np.broadcast_shapes(rotation.shape[:-2], radar.shape[:-1], target.shape[:-1])
    enu, look = _look_rows(*(np.ascontiguousarray(np.broadcast_to(a, (*shape, *tail)).reshape(-1, *tail))
                             for a, tail in ((rotation, (3, 3)), (radar, (3,)), (target, (3,)))))
    return enu.reshape((*shape, 3)), *(column.reshape(shape) for column in look.T)


@kernel
def radar_look_of(rotation: np.ndarray, radar_ecef_m: np.ndarray, target_ecef_m: np.ndarray,
                  enu: np.ndarray) -> tuple[float, float, float]:
    """One target as one radar sees it: its ENU offset (m) into ``enu`` (3,); returns its ground and slant
    range (m) and apparent elevation (rad), bent by standard refraction; for kernels."""
    dx, dy, dz = (target_ecef_m[0] - radar_ecef_m[0], target_ecef_m[1] - radar_ecef_m[1],
                  target_ecef_m[2] - radar_ecef_m[2])
    for i in range(3):
        enu[i] = rotation[i, 0] * dx + rotation[i, 1] * dy + rotation[i, 2] * dz
    ground = np.hypot(enu[0], enu[1])
    return ground, np.hypot(ground, enu[2]), np.arctan2(enu[2] + ground * ground * REFRACTION_BEND_PER_M, ground)


@kernel
def _look_rows(rotation: np.ndarray, radar_ecef_m: np.ndarray, target_ecef_m: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    enu, look = np.empty((len(target_ecef_m), 3)), np.empty((len(target_ecef_m), 3))
    for k in range(len(target_ecef_m)):
        look[k, 0], look[k, 1], look[k, 2] = radar_look_of(rotation[k], radar_ecef_m[k], target_ecef_m[k], enu[k])
    return enu, look
