"""Verification of the report's map geometry (:mod:`iadsim.report.geometry`) against geodesics and the horizon."""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.report.geometry import MapFrame, coverage_radius_m, ring_lat_lon
from iadsim.verify import CaseResult, case


@case("map-distance-300km")
def map_distance() -> CaseResult:
    """Distances read on the report's map (the tangent plane at its centre) against geodesics.

    Points 300 km from the centre on 36 bearings, at 38.4° N: the geodesic
    distance is Karney's (2013), via geographiclib; the map should hold it
    within 0.5 %.
    """
    bearings = np.deg2rad(np.arange(0.0, 360.0, 10.0))
    frame = MapFrame(38.4, 27.1)
    points = [geo.geodesic_direct(38.4, 27.1, bearing, 300e3) for bearing in bearings]
    x, y = frame.xy([p[0] for p in points], [p[1] for p in points])
    error = float(np.max(np.abs(np.hypot(x, y) * 1000.0 / 300e3 - 1.0)))
    return CaseResult(
        case="map-distance-300km", model="report.geometry.MapFrame", reference="Karney (2013) geodesic",
        expected="300 km", got=f"{error * 100:.3f} % off at worst", tolerance="0.5 %", passed=error < 5e-3,
    )


@case("map-ring-radius")
def map_ring() -> CaseResult:
    """A 100 km ring drawn on the map is a geodesic circle: 100 km (geodesic) from its centre within 1 m."""
    lat, lon = ring_lat_lon(38.38, 27.05, 100e3)
    distances = np.array([geo.geodesic_inverse(38.38, 27.05, a, b)[0] for a, b in zip(lat, lon, strict=True)])
    error_m = float(np.max(np.abs(distances - 100e3)))
    tolerance_m = 1.0
    return CaseResult(
        case="map-ring-radius", model="report.geometry.ring_lat_lon", reference="Karney (2013) geodesic",
        expected="100 km", got=f"{error_m:.1f} m off at worst", tolerance=f"{tolerance_m:.0f} m",
        passed=error_m < tolerance_m,
    )


@case("coverage-sea-skimmer")
def coverage_low() -> CaseResult:
    """Coverage ring of a 25 m mast against a 30 m sea-skimmer: the radar horizon, d = 4.12 (√h_r + √h_t) km.

    Skolnik (2001), Introduction to Radar Systems, §8.2 (4/3 effective Earth).
    """
    expected_m = 4.12e3 * (np.sqrt(25.0) + np.sqrt(30.0))
    got_m = float(coverage_radius_m(250e3, 300e3, 25.0, 30.0))
    return CaseResult(
        case="coverage-sea-skimmer", model="report.geometry.coverage_radius_m", reference="Skolnik (2001) §8.2",
        expected=f"{expected_m / 1e3:.1f} km", got=f"{got_m / 1e3:.1f} km", tolerance="0.2 %",
        passed=abs(got_m / expected_m - 1.0) < 2e-3,
    )
