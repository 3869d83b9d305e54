"""The environment of flight: gravity and air density, vectorised over bodies.

Gravity is either the central field of a point-mass Earth, g = −μ r/|r|³ with
μ the WGS-84 geocentric constant (NIMA TR8350.2, table 3.1), or, for checks
against flat-Earth closed forms, a uniform field of standard gravity along −z.
Air density is an exponential atmosphere, ρ = ρ₀ exp(−h/H) with ρ₀ = 1.225 kg/m³
and H = 22,000 ft = 6,705.6 m, the model of Zarchan (Tactical and Strategic
Missile Guidance, 6th ed., ch. 15) for re-entry and interceptor drag.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.units import STANDARD_GRAVITY_MPS2

F64 = NDArray[np.float64]
Gravity = Callable[[F64], F64]

EARTH_MU_M3_S2 = 3.986004418e14
"""Geocentric gravitational constant of WGS-84 (NIMA TR8350.2, table 3.1)."""
SEA_LEVEL_DENSITY_KG_M3 = 1.225
DENSITY_SCALE_HEIGHT_M = 6705.6
"""Scale height of the exponential atmosphere, 22,000 ft (Zarchan, ch. 15)."""


def central_gravity(pos_m: F64) -> F64:
    """Acceleration (m/s², ``(K, 3)``) of a point-mass Earth at ECEF positions ``(K, 3)``."""
    r = np.linalg.norm(pos_m, axis=-1, keepdims=True)
    return -EARTH_MU_M3_S2 * pos_m / (r * r * r)


def uniform_gravity(pos_m: F64) -> F64:
    """Standard gravity along −z everywhere (a flat Earth with z up), for closed-form checks."""
    out = np.zeros_like(pos_m)
    out[..., 2] = -STANDARD_GRAVITY_MPS2
    return out


def air_density_kg_m3(alt_m: F64) -> F64:
    """Density of the exponential atmosphere at height ``alt_m`` (m); heights below 0 are taken as 0."""
    return SEA_LEVEL_DENSITY_KG_M3 * np.exp(-np.maximum(alt_m, 0.0) / DENSITY_SCALE_HEIGHT_M)


def height_m(pos_m: F64) -> F64:
    """Height (m) of ECEF points above the WGS-84 ellipsoid, measured along the geocentric radius.

    |r| − r_e(ψ), with r_e the ellipsoid's radius at geocentric latitude ψ: cheap,
    and within a few metres of the geodetic height below 100 km, which is all the
    atmosphere and the ground test need.
    """
    r = np.linalg.norm(pos_m, axis=-1)
    sin_sq = (pos_m[..., 2] / r) ** 2
    a, b = geo.WGS84_A_M, geo.WGS84_B_M
    surface = a * b / np.sqrt(b * b * (1.0 - sin_sq) + a * a * sin_sq)
    return r - surface


def drag_acceleration(vel_mps: F64, density_kg_m3: F64, ballistic_coefficient_kg_m2: F64) -> F64:
    """Drag deceleration −ρ|v|v / (2β) (m/s²) of bodies with ballistic coefficient β = m/(C_D A)."""
    speed = np.linalg.norm(vel_mps, axis=-1, keepdims=True)
    return -(density_kg_m3 / (2.0 * ballistic_coefficient_kg_m2))[..., None] * speed * vel_mps
