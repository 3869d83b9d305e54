"""Map geometry of a report: two projections, rings on the ground, radar coverage and engagement envelopes.

The local map is drawn in the east-north plane (kilometres) tangent to the
ellipsoid at the centre of the scenario: within a few hundred kilometres a
distance read on it differs from the geodesic one by well under a percent.
The geographic map is drawn in longitude and latitude (degrees) on an
equirectangular projection whose standard parallel is the scenario's centre
(:class:`GeoFrame`). Every point of a map (rings, paths, coastlines) goes
through that map's projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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

    def xy(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> tuple[F64, F64]:
        """East and north (km) of points on the ellipsoid; NaN for points on the far hemisphere or NaN input."""
        lat = np.deg2rad(np.asarray(lat_deg, dtype=float))
        lon = np.deg2rad(np.asarray(lon_deg, dtype=float))
        lat0, lon0 = np.deg2rad(self.lat0_deg), np.deg2rad(self.lon0_deg)
        enu = geo.ecef_to_enu(geo.geodetic_to_ecef(lat, lon, 0.0), geo.geodetic_to_ecef(lat0, lon0, 0.0),
                              geo.enu_rotation(lat0, lon0))
        near = geo.n_vector(lat, lon) @ geo.n_vector(lat0, lon0) > 0.0
        return np.where(near, enu[..., 0] / 1000.0, np.nan), np.where(near, enu[..., 1] / 1000.0, np.nan)


@dataclass(frozen=True)
class GeoFrame:
    """Longitude and latitude (degrees) on the equirectangular projection with standard parallel ``lat0_deg``.

    x is the longitude unwrapped to within 180 degrees of ``lon0_deg`` (a map
    across the antimeridian stays in one piece), y the latitude. Drawn with a
    degree of latitude ``1 / cos(lat0)`` times as long as a degree of longitude,
    scales are true along every meridian and along the standard parallel; east-
    west they are off by ``cos(lat0) / cos(lat) - 1`` elsewhere (1.5 % at 2 degrees
    of latitude from a centre at 38 degrees north). The projection is chosen
    because its axes *are* longitude and latitude, read directly off the map's
    ticks; the local map keeps true distances.
    """

    lat0_deg: float
    lon0_deg: float

    def xy(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> tuple[F64, F64]:
        """Longitude (unwrapped around the centre) and latitude of points, degrees."""
        lon = np.asarray(lon_deg, dtype=float)
        return self.lon0_deg + (lon - self.lon0_deg + 180.0) % 360.0 - 180.0, np.asarray(lat_deg, dtype=float)

    @property
    def aspect(self) -> float:
        """Length of a degree of latitude on the map over that of a degree of longitude."""
        return 1.0 / float(np.cos(np.deg2rad(self.lat0_deg)))


@lru_cache(maxsize=4096)
def ring_lat_lon(lat_deg: float, lon_deg: float, radius_m: float) -> tuple[F64, F64]:
    """A closed geodesic circle of radius ``radius_m`` around a point on WGS-84: latitudes and longitudes (deg).

    Each vertex is Karney's (2013) direct geodesic from the centre, so it lies
    at ``radius_m`` from it to well under a millimetre. Cached: both maps of a
    report draw the same rings.
    """
    bearing = np.linspace(0.0, 2.0 * np.pi, RING_POINTS)
    lat, lon = np.array([geo.geodesic_direct(lat_deg, lon_deg, b, radius_m) for b in bearing[:-1]]).T
    return np.append(lat, lat[0]), np.append(lon, lon[0])


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


def bearing_lines_lat_lon(lat_deg: ArrayLike, lon_deg: ArrayLike, azimuth_deg: ArrayLike, length_m: ArrayLike,
                          pieces: int) -> tuple[F64, F64]:
    """Lines on the ground from points along azimuths (deg, clockwise from north): latitudes and longitudes
    (deg), ``(n, pieces + 1)`` vertices each, the first at the point, the last about ``length_m`` (m) from it.

    Each line is the great ellipse of WGS-84 that leaves the point along the azimuth: the ellipsoid cut by
    the plane through its centre, the point and the azimuth's horizontal direction, its vertices at equal
    geocentric angles ``length_m / R`` apart (R the mean Earth radius, so the length is within 0.5 %). It
    starts exactly along the azimuth and keeps to the geodesic's azimuth from the point within 0.01 degree
    out to 500 km (about 60 m across); vectorised over all lines, unlike :func:`iadsim.geo.geodesic_direct`.
    """
    lat = np.deg2rad(np.asarray(lat_deg, dtype=float))
    lon = np.deg2rad(np.asarray(lon_deg, dtype=float))
    azimuth = np.deg2rad(np.asarray(azimuth_deg, dtype=float))
    east, north, _ = np.moveaxis(geo.enu_rotation(lat, lon), -2, 0)
    along = np.sin(azimuth)[:, None] * east + np.cos(azimuth)[:, None] * north
    start = geo.geodetic_to_ecef(lat, lon, 0.0)
    start /= np.linalg.norm(start, axis=-1, keepdims=True)
    side = along - np.sum(along * start, axis=-1, keepdims=True) * start
    side /= np.linalg.norm(side, axis=-1, keepdims=True)
    angle = (np.asarray(length_m, dtype=float)[:, None] / geo.MEAN_EARTH_RADIUS_M
             * np.linspace(0.0, 1.0, pieces + 1))[..., None]
    u = start[:, None, :] * np.cos(angle) + side[:, None, :] * np.sin(angle)
    geocentric = np.arctan2(u[..., 2], np.hypot(u[..., 0], u[..., 1]))
    return (np.rad2deg(np.arctan(np.tan(geocentric) / (1.0 - geo.WGS84_E2))),
            np.rad2deg(np.arctan2(u[..., 1], u[..., 0])))
