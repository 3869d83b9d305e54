"""Map geometry against closed forms and the geodesic of geographiclib (Karney 2013)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim import geo
from iadsim.report.geometry import MapFrame, coverage_radius_m, ring_lat_lon


@pytest.mark.parametrize("bearing_deg", [0.0, 45.0, 90.0, 200.0, 300.0])
@pytest.mark.parametrize("distance_m", [10e3, 100e3, 300e3])
def test_map_distances_from_the_centre_match_the_geodesic(bearing_deg, distance_m):
    frame = MapFrame(38.4, 27.1)
    lat, lon = geo.geodesic_direct(38.4, 27.1, np.deg2rad(bearing_deg), distance_m)
    x, y = frame.xy(lat, lon)
    assert np.hypot(x, y) * 1000.0 == pytest.approx(distance_m, rel=5e-3)  # tangent plane: within 0.5 % at 300 km
    bearing_error = (np.rad2deg(np.arctan2(x, y)) - bearing_deg + 180.0) % 360.0 - 180.0
    assert abs(bearing_error) < 0.2


def test_points_on_the_far_side_of_the_earth_are_not_drawn():
    x, y = MapFrame(38.4, 27.1).xy([-38.4, 38.5], [-152.9, 27.1])
    assert np.isnan(x[0]) and np.isnan(y[0]) and np.isfinite(x[1])


def test_the_frame_of_points_across_the_antimeridian_is_between_them():
    frame = MapFrame.around([0.0, 0.0], [179.0, -179.0])
    assert abs(frame.lat0_deg) < 1e-9 and abs(abs(frame.lon0_deg) - 180.0) < 1e-9


@pytest.mark.parametrize("radius_m", [1e3, 12e3, 100e3, 250e3])
def test_a_ring_lies_at_its_radius_on_the_ellipsoid(radius_m):
    lat, lon = ring_lat_lon(38.38, 27.05, radius_m)
    distances = [geo.geodesic_inverse(38.38, 27.05, a, b)[0] for a, b in zip(lat, lon, strict=True)]
    # A geodesic circle (Karney 2013, the closed-form inverse): every vertex within 1 m of the radius.
    assert np.allclose(distances, radius_m, rtol=0.0, atol=1.0)
    assert (lat[0], lon[0]) == (lat[-1], lon[-1])


def test_coverage_of_a_low_flyer_is_the_radar_horizon():
    """Skolnik (2001) §8.2: d = 4.12 (√h_r + √h_t) km with heights in metres, for a 4/3 Earth."""
    antenna_m, target_m = 25.0, 30.0
    expected_m = 4.12e3 * (np.sqrt(antenna_m) + np.sqrt(target_m))
    radius = coverage_radius_m(250e3, 300e3, antenna_m, target_m)
    assert radius == pytest.approx(expected_m, rel=2e-3)


def test_coverage_of_a_high_flyer_is_the_detection_range_on_the_ground():
    radius = coverage_radius_m(150e3, 180e3, 4.0, 10e3)
    assert radius == pytest.approx(np.sqrt(150e3**2 - 10e3**2))
    assert coverage_radius_m(150e3, 100e3, 4.0, 10e3) == pytest.approx(np.sqrt(100e3**2 - 10e3**2)), \
        "capped by the instrumented range"
