"""The environment of flight: gravity and air density, for arrays and inside kernels.

Gravity is either the central field of a point-mass Earth, g = −μ r/|r|³ with
μ the WGS-84 geocentric constant (NIMA TR8350.2, table 3.1), or, for checks
against flat-Earth closed forms, a uniform field of standard gravity along −z.
Air density is an exponential atmosphere, ρ = ρ₀ exp(−h/H) with ρ₀ = 1.225 kg/m³
and H = 22,000 ft = 6,705.6 m, the model of Zarchan (Tactical and Strategic
Missile Guidance, 6th ed., ch. 15) for re-entry and interceptor drag.

Each figure has a scalar form for compiled kernels (``*_of``) and an array
form built on it, so the flight kernels and the array code share one formula.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from iadsim.geo import WGS84_A_M, WGS84_B_M
from iadsim.jit import kernel
from iadsim.units import STANDARD_GRAVITY_MPS2

F64 = NDArray[np.float64]
Gravity = Callable[[F64], F64]

EARTH_MU_M3_S2 = 3.986004418e14
"""Geocentric gravitational constant of WGS-84 (NIMA TR8350.2, table 3.1)."""
SEA_LEVEL_DENSITY_KG_M3 = 1.225
DENSITY_SCALE_HEIGHT_M = 6705.6
"""Scale height of the exponential atmosphere, 22,000 ft (Zarchan, ch. 15)."""


@kernel
def central_gravity_of(x: float, y: float, z: float) -> tuple[float, float, float]:
    """Acceleration (m/s²) of a point-mass Earth at one ECEF position (m); for kernels."""
    r = np.sqrt(x * x + y * y + z * z)
    k = -EARTH_MU_M3_S2 / (r * r * r)
    return k * x, k * y, k * z


@kernel
def air_density_of(alt_m: float) -> float:
    """Density (kg/m³) of the exponential atmosphere at height ``alt_m`` (m, below 0 taken as 0); for kernels."""
    return SEA_LEVEL_DENSITY_KG_M3 * np.exp(-max(alt_m, 0.0) / DENSITY_SCALE_HEIGHT_M)


@kernel
def height_above_of(x: float, y: float, z: float, a_m: float, b_m: float) -> float:
    """Height (m) of an ECEF point above the ellipsoid of semi-axes ``a_m``, ``b_m``, along the geocentric radius.

    |r| − r_e(ψ), with r_e the ellipsoid's radius at geocentric latitude ψ: cheap,
    and within a few metres of the geodetic height below 100 km, which is all the
    atmosphere and the ground test need. ``a_m = b_m`` gives a sphere.
    """
    r = np.sqrt(x * x + y * y + z * z)
    sin_sq = (z / r) ** 2
    surface = a_m * b_m / np.sqrt(b_m * b_m * (1.0 - sin_sq) + a_m * a_m * sin_sq)
    return r - surface


@kernel
def height_of(x: float, y: float, z: float) -> float:
    """Height (m) of an ECEF point above the WGS-84 ellipsoid (:func:`height_above_of`); for kernels."""
    return height_above_of(x, y, z, WGS84_A_M, WGS84_B_M)


@kernel
def _rows_gravity(pos_m: F64) -> F64:
    out = np.empty_like(pos_m)
    for k in range(len(pos_m)):
        out[k, 0], out[k, 1], out[k, 2] = central_gravity_of(pos_m[k, 0], pos_m[k, 1], pos_m[k, 2])
    return out


@kernel
def _rows_height(pos_m: F64) -> F64:
    out = np.empty(len(pos_m))
    for k in range(len(pos_m)):
        out[k] = height_of(pos_m[k, 0], pos_m[k, 1], pos_m[k, 2])
    return out


def _rows(pos_m: F64) -> F64:
    return np.ascontiguousarray(np.asarray(pos_m, dtype=float).reshape(-1, 3))


def central_gravity(pos_m: F64) -> F64:
    """Acceleration (m/s², ``(..., 3)``) of a point-mass Earth at ECEF positions ``(..., 3)``."""
    return _rows_gravity(_rows(pos_m)).reshape(np.shape(pos_m))


def uniform_gravity(pos_m: F64) -> F64:
    """Standard gravity along −z everywhere (a flat Earth with z up), for closed-form checks."""
    out = np.zeros_like(pos_m)
    out[..., 2] = -STANDARD_GRAVITY_MPS2
    return out


def height_m(pos_m: F64) -> F64:
    """Height (m, ``(...)``) of ECEF points ``(..., 3)`` above the WGS-84 ellipsoid (:func:`height_above_of`)."""
    return _rows_height(_rows(pos_m)).reshape(np.shape(pos_m)[:-1])


