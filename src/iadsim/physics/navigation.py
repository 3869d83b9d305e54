"""Navigation jamming: threats that steer by satellite drift off course inside a GNSS jammer's footprint.

A threat type with ``gnss_navigation`` corrects its inertial navigation with
satellite fixes. Inside the footprint of a ground jammer with a ``gnss_radius``
(3-D distance from the jammer's position below that radius) it loses them, and its
position error grows at its type's ``gnss_drift_rate``: after ``t`` seconds jammed in
all, the error is ``drift_rate * t`` (linear growth, the error never shrinks again:
the model keeps no record of fixes regained). At its aim point a threat whose error
exceeds its type's ``aim_tolerance`` has missed what it was sent to hit: it is
``lost``, at its aim point displaced by the error in a random horizontal direction,
neither shot down nor leaked. Closed form tested in ``tests/physics/test_navigation.py``:
a straight path at speed ``v`` through a footprint of radius ``R`` passing ``d`` from
its centre is jammed ``2 sqrt(R^2 - d^2) / v`` seconds.

The assess stage owns this state (the seconds each threat has been jammed); it reads
the threats' positions the move stage wrote.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, Threats

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


class NavigationJamming:
    """The seconds each satellite-navigating threat has flown inside a GNSS jammer's footprint, and its error."""

    def __init__(self, compiled: CompiledScenario) -> None:
        scenario, catalog = compiled.scenario, compiled.catalog
        jammers = [j for j in scenario.jammers if catalog.jammer(j.type).gnss_radius is not None]
        lat = np.deg2rad([j.position.lat for j in jammers])
        lon = np.deg2rad([j.position.lon for j in jammers])
        self.jammer_pos_ecef_m = geo.geodetic_to_ecef(lat, lon, [j.position.alt for j in jammers]).reshape(-1, 3)
        self.radius_m = np.array([catalog.jammer(j.type).gnss_radius for j in jammers], dtype=float)
        types, kind = compiled.threat_types, compiled.world.threats.type_index
        self.navigates = np.array([t.gnss_navigation for t in types], dtype=bool)[kind]
        self.drift_mps = np.array([t.gnss_drift_rate or 0.0 for t in types])[kind]
        self.tolerance_m = np.array([t.aim_tolerance or np.inf for t in types])[kind]
        self.jammed_s = np.zeros(len(kind))

    @classmethod
    def of(cls, compiled: CompiledScenario) -> NavigationJamming | None:
        """The model for a scenario with a GNSS jammer and a threat that navigates by satellite, else ``None``."""
        catalog = compiled.catalog
        jammed = any(catalog.jammer(j.type).gnss_radius is not None for j in compiled.scenario.jammers)
        navigates = any(t.gnss_navigation for t in compiled.threat_types)
        return cls(compiled) if jammed and navigates else None

    def accumulate(self, threats: Threats, dt_s: float) -> None:
        """Add ``dt_s`` to every flying satellite-navigating threat inside a footprint now."""
        rows = np.flatnonzero(self.navigates & (threats.status == FLYING))
        if len(rows) == 0:
            return
        offset = threats.pos_ecef_m[rows, None, :] - self.jammer_pos_ecef_m[None, :, :]
        inside = (np.einsum("njk,njk->nj", offset, offset) < self.radius_m**2).any(axis=1)
        self.jammed_s[rows[inside]] += dt_s

    def error_m(self, rows: I64) -> F64:
        """Position error (m) of threats ``rows`` now: drift rate times the seconds jammed."""
        return self.drift_mps[rows] * self.jammed_s[rows]

    def lost(self, rows: I64) -> NDArray[np.bool_]:
        """Which of the arriving threats ``rows`` have drifted beyond their aim tolerance."""
        return self.error_m(rows) > self.tolerance_m[rows]


def displaced(aim_ecef_m: F64, error_m: F64, rng: np.random.Generator) -> F64:
    """Aim points (n, 3) moved ``error_m`` (n,) along the ground in random directions: where lost threats end."""
    lat, lon, alt = geo.ecef_to_geodetic(aim_ecef_m)
    bearing = rng.uniform(0.0, 2.0 * np.pi, len(error_m))
    enu = np.stack((error_m * np.sin(bearing), error_m * np.cos(bearing), np.zeros(len(error_m))), axis=-1)
    rotation = geo.enu_rotation(lat, lon).reshape(-1, 3, 3)
    return aim_ecef_m + np.einsum("nki,nk->ni", rotation, enu)
