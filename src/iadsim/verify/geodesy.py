"""Verification of the WGS-84 conversions in :mod:`iadsim.geo`."""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.verify import CaseResult, case


@case("ecef-round-trip")
def ecef_round_trip() -> CaseResult:
    """Geodetic -> ECEF -> geodetic over 10,000 random points from -500 m to 1,000 km: within 1 mm.

    The forward map is the closed form of the WGS-84 ellipsoid (NIMA TR8350.2,
    eq. 4-14); the inverse is Heikkinen's closed form (Zhu 1994), so agreement
    checks both.
    """
    rng = np.random.default_rng(20261125)
    lat = np.arcsin(rng.uniform(-1.0, 1.0, 10_000))
    lon = rng.uniform(-np.pi, np.pi, 10_000)
    alt = rng.uniform(-500.0, 1.0e6, 10_000)
    back_lat, back_lon, back_alt = geo.ecef_to_geodetic(geo.geodetic_to_ecef(lat, lon, alt))
    wrapped = np.angle(np.exp(1j * (back_lon - lon)))
    horizontal = np.hypot((back_lat - lat) * geo.WGS84_A_M, wrapped * geo.WGS84_A_M * np.cos(lat))
    error_m = float(np.max(np.hypot(horizontal, back_alt - alt)))
    return CaseResult(
        case="ecef-round-trip", model="geo.geodetic_to_ecef / ecef_to_geodetic",
        reference="NIMA TR8350.2 eq. 4-14; Zhu (1994)", expected="0 m", got=f"{error_m * 1e3:.2e} mm",
        tolerance="1 mm", passed=error_m < 1e-3,
    )


@case("enu-round-trip")
def enu_round_trip() -> CaseResult:
    """ECEF -> local ENU -> ECEF at 1,000 random origins, points up to 500 km away: within 1 mm."""
    rng = np.random.default_rng(7)
    lat = np.arcsin(rng.uniform(-0.99, 0.99, 1000))
    lon = rng.uniform(-np.pi, np.pi, 1000)
    origin = geo.geodetic_to_ecef(lat, lon, rng.uniform(0.0, 3000.0, 1000))
    rotation = geo.enu_rotation(lat, lon)
    points = origin + rng.uniform(-5e5, 5e5, (1000, 3))
    back = geo.enu_to_ecef(geo.ecef_to_enu(points, origin, rotation), origin, rotation)
    error_m = float(np.max(np.linalg.norm(back - points, axis=1)))
    return CaseResult(
        case="enu-round-trip", model="geo.ecef_to_enu / enu_to_ecef",
        reference="orthonormal rotation (east, north, up rows)", expected="0 m",
        got=f"{error_m * 1e3:.2e} mm", tolerance="1 mm", passed=error_m < 1e-3,
    )
