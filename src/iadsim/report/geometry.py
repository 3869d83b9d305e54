"""Map geometry of a report: a local flat frame, rings on the ground, radar coverage and engagement envelopes.

The map is drawn in the local east-north plane (kilometres) tangent to the
ellipsoid at the centre of the scenario: within a few hundred kilometres a
distance read on it differs from the geodesic one by well under a percent,
and every point (rings, paths, coastlines) goes through the same projection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iadsim import geo

F64 = NDArray[np.float64]
RING_POINTS = 97
"""Vertices of a drawn ring, the first repeated at the end (a vertex every 3.75 degrees)."""


@dataclass(frozen=True)
class MapFrame:
    """The local east-north plane at ``(lat0_deg, lon0_deg)``: geodetic points to map kilometres."""

    lat0_deg: float
    lon0_deg: float

    @classmethod
    def around(cls, lat_deg: ArrayLike, lon_deg: ArrayLike) -> MapFrame:
        """The frame centred on the middle of the bounding box of some points (degrees)."""
        lat = np.asarray(lat_deg, dtype=float)
        lon = np.asarray(lon_deg, dtype=float)
        # The mean of unit vectors finds the middle across the antimeridian too.
        n = geo.n_vector(np.deg2rad(lat), np.deg2rad(lon)).mean(axis=0)
        return cls(float(np.rad2deg(np.arctan2(n[2], np.hypot(n[0], n[1])))),
                   float(np.rad2deg(np.arctan2(n[1], n[0]))))

    def xy_km(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> tuple[F64, F64]:
        """East and north (km) of points on the ellipsoid; NaN for points on the far hemisphere or NaN input."""
        lat = np.deg2rad(np.asarray(lat_deg, dtype=float))
        lon = np.deg2rad(np.asarray(lon_deg, dtype=float))
        lat0, lon0 = np.deg2rad(self.lat0_deg), np.deg2rad(self.lon0_deg)
        enu = geo.ecef_to_enu(geo.geodetic_to_ecef(lat, lon, 0.0), geo.geodetic_to_ecef(lat0, lon0, 0.0),
                              geo.enu_rotation(lat0, lon0))
        near = geo.n_vector(lat, lon) @ geo.n_vector(lat0, lon0) > 0.0
        return np.where(near, enu[..., 0] / 1000.0, np.nan), np.where(near, enu[..., 1] / 1000.0, np.nan)


def ring_lat_lon(lat_deg: float, lon_deg: float, radius_m: float) -> tuple[F64, F64]:
    """A closed ring of ground radius ``radius_m`` around a point: latitudes and longitudes (deg).

    Points are laid out in the centre's tangent plane and dropped onto the
    ellipsoid along its normal: the ground distance differs from ``radius_m`` by
    r³/3R² (8 m at 100 km).
    """
    bearing = np.linspace(0.0, 2.0 * np.pi, RING_POINTS)
    enu = np.stack((radius_m * np.sin(bearing), radius_m * np.cos(bearing), np.zeros_like(bearing)), axis=-1)
    lat0, lon0 = np.deg2rad(lat_deg), np.deg2rad(lon_deg)
    points = geo.enu_to_ecef(enu, geo.geodetic_to_ecef(lat0, lon0, 0.0), geo.enu_rotation(lat0, lon0))
    lat, lon, _ = geo.ecef_to_geodetic(points)
    return np.rad2deg(lat), np.rad2deg(lon)


def coverage_radius_m(
    detection_range_m: ArrayLike, max_range_m: ArrayLike, antenna_alt_m: ArrayLike, target_alt_m: float
) -> F64:
    """Ground radius (m) inside which a radar sees a target of its reference RCS flying at ``target_alt_m``.

    The smaller of the detection range (capped by the instrumented range, taken
    as a slant range: ground range √(R² − h²)) and the 4/3-Earth radar horizon
    between antenna and target (Skolnik 2001, §8.2), as the ``range_horizon``
    sensor model has it. Heights are above the ellipsoid. Terrain masking is not
    drawn: the scenario has no terrain model.
    """
    slant_m = np.minimum(np.asarray(detection_range_m, dtype=float), np.asarray(max_range_m, dtype=float))
    ground_m = np.sqrt(np.maximum(slant_m * slant_m - target_alt_m * target_alt_m, 0.0))
    return np.minimum(ground_m, geo.radar_horizon_m(antenna_alt_m, target_alt_m))
