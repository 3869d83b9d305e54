"""WGS-84 conversions against pymap3d and geographiclib, and the radar horizon's textbook form."""

import numpy as np
import pymap3d
import pytest
from geographiclib.geodesic import Geodesic

from iadsim import geo


def random_points(n=1000, seed=1):
    rng = np.random.default_rng(seed)
    return (np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.uniform(-180, 180, n), rng.uniform(-400, 40_000, n))


def test_geodetic_to_ecef_matches_pymap3d_within_a_micrometre():
    lat, lon, alt = random_points()
    ours = geo.geodetic_to_ecef(np.radians(lat), np.radians(lon), alt)
    theirs = np.stack(pymap3d.geodetic2ecef(lat, lon, alt), axis=-1)
    assert np.max(np.abs(ours - theirs)) < 1e-6


def test_ecef_to_geodetic_matches_pymap3d_within_a_millimetre():
    lat, lon, alt = random_points(seed=2)
    xyz = geo.geodetic_to_ecef(np.radians(lat), np.radians(lon), alt)
    ours_lat, ours_lon, ours_alt = geo.ecef_to_geodetic(xyz)
    theirs_lat, theirs_lon, theirs_alt = pymap3d.ecef2geodetic(xyz[:, 0], xyz[:, 1], xyz[:, 2])
    assert np.max(np.abs(np.degrees(ours_lat) - theirs_lat)) * 111_000 < 1e-3
    assert np.max(np.abs(ours_alt - theirs_alt)) < 1e-3


def test_enu_matches_pymap3d():
    lat0, lon0, h0 = 38.4, 27.1, 50.0
    lat, lon, alt = 38.9, 27.8, 3000.0
    origin = geo.geodetic_to_ecef(np.radians(lat0), np.radians(lon0), h0)
    point = geo.geodetic_to_ecef(np.radians(lat), np.radians(lon), alt)
    ours = geo.ecef_to_enu(point, origin, geo.enu_rotation(np.radians(lat0), np.radians(lon0)))
    theirs = np.array(pymap3d.geodetic2enu(lat, lon, alt, lat0, lon0, h0))
    assert np.allclose(ours, theirs, atol=1e-6)


def test_geodesic_helpers_wrap_geographiclib():
    distance, bearing = geo.geodesic_inverse(38.4, 27.1, 39.9, 32.8)
    reference = Geodesic.WGS84.Inverse(38.4, 27.1, 39.9, 32.8)
    assert distance == pytest.approx(reference["s12"], abs=1e-6)
    lat, lon = geo.geodesic_direct(38.4, 27.1, bearing, distance)
    assert (lat, lon) == pytest.approx((39.9, 32.8), abs=1e-9)


@pytest.mark.parametrize(("h_radar", "h_target"), [(10.0, 30.0), (25.0, 5000.0), (4.0, 100.0)])
def test_radar_horizon_is_the_textbook_4_12_rule(h_radar, h_target):
    """Skolnik (2001) §8.2: d ≈ 4.12 (√h_r + √h_t) km, heights in metres, for k = 4/3."""
    expected_m = 4.12e3 * (np.sqrt(h_radar) + np.sqrt(h_target))
    assert geo.radar_horizon_m(h_radar, h_target) == pytest.approx(expected_m, rel=5e-3)


def test_set_frame_of_writes_what_pymap3d_and_the_enu_rotation_give():
    """The kernel that moves units (posture) writes pymap3d's ECEF position and the rows east, north, up of
    pymap3d's ENU frame; at (0°, 0°, h) the closed form: (a + h, 0, 0), east +y, north +z, up +x."""
    lat, lon, alt = random_points(200, seed=4)
    pos, rotation = np.empty(3), np.empty((3, 3))
    for la, lo, h in zip(lat, lon, alt, strict=True):
        geo.set_frame_of(np.radians(la), np.radians(lo), h, pos, rotation)
        assert np.max(np.abs(pos - np.array(pymap3d.geodetic2ecef(la, lo, h)))) < 1e-6
        np.testing.assert_array_equal(rotation, geo.enu_rotation(np.radians(la), np.radians(lo)))
        east, north, up = (np.array(pymap3d.enu2uvw(*axis, la, lo)) for axis in np.eye(3))
        np.testing.assert_allclose(rotation, np.stack([east, north, up]), atol=1e-12)
    geo.set_frame_of(0.0, 0.0, 100.0, pos, rotation)
    np.testing.assert_allclose(pos, [geo.WGS84_A_M + 100.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_array_equal(rotation, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
