"""Jam strobes and their triangulation: where a noise jammer is, from the bearings radars measure to it.

A radar that a noise jammer blinds still knows the direction the noise comes from:
a *strobe*, the azimuth of the jammer in the radar's local frame (clockwise from
north). Two or more radars that share their strobes locate the jammer where the
bearing lines cross. :func:`strobe_azimuths` turns the unit directions the jamming
kernel works out at every look (:func:`iadsim.sensors.jamming.radar_jamming_of`)
into azimuths; :func:`triangulate` intersects bearing lines in a common plane by
least squares (the exact crossing for two lines). Verified against the law of sines
of plane geometry (``iadsim verify``, ``jam-strobe-triangulation``).

Not yet wired into a run: strobes do not reach the trackers as angle-only reports,
and no interceptor homes on jam (docs/models.md, Jamming).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


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
