"""The simplest threat motion: constant ground speed along great-circle legs on WGS-84.

Each threat flies its route (launch point, waypoints, aim point) leg by leg at
its speed, at its cruise altitude; a ballistic missile instead rises on a
parabolic arc to its type's apogee and falls onto the aim point. Corners are
taken instantly. This is a first model with clean seams; the kinematic model
with turn and climb limits replaces it where fidelity matters.

Positions along a leg come from spherical interpolation of the ellipsoid
normals (n-vectors, Gade 2010) of its ends, converted exactly to ECEF.
"""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.events import EventColumns, events
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, PENDING, World


@register("move", "waypoint")
class WaypointMover:
    """Straight legs between waypoints at the type's mean speed, ballistic arcs as parabolas; marks arrivals at the aim point."""

    requires = columns("threats", "launch_t_s", "status", "type_index", "raid_index", "target_pos_ecef_m")
    provides = columns("threats", "pos_ecef_m", "alt_m", "vel_ecef_mps", "status", "arrived")

    def __init__(self, compiled: CompiledScenario) -> None:
        routes = compiled.routes
        self.n = geo.n_vector(routes.lat_rad, routes.lon_rad)  # (N, W, 3)
        start, end = self.n[:, :-1], self.n[:, 1:]
        self.leg_angle = np.arctan2(np.linalg.norm(np.cross(start, end), axis=-1),
                                    np.einsum("nwi,nwi->nw", start, end))  # (N, W-1) rad
        self.sin_leg_angle = np.sin(self.leg_angle)
        threat_types = compiled.threat_types
        kind = compiled.world.threats.type_index
        self.ballistic = np.array([t.threat_class == "ballistic_missile" for t in threat_types], bool)[kind]
        self.apogee_m = np.array([t.apogee or 0.0 for t in threat_types])[kind]
        self.cruise_alt_m = np.where(self.ballistic, 0.0, routes.cruise_alt_m)
        leg_length_m = self.leg_angle * (geo.MEAN_EARTH_RADIUS_M + self.cruise_alt_m[:, None])
        self.waypoint_t_s = np.concatenate(
            (np.zeros((len(kind), 1)), np.cumsum(leg_length_m / routes.speed_mps[:, None], axis=1)), axis=1
        )
        rows = np.arange(len(kind))
        self.flight_time_s = self.waypoint_t_s[rows, routes.n_points - 1]
        self.launch_alt_m = routes.alt_m[:, 0]
        self.aim_alt_m = routes.alt_m[rows, routes.n_points - 1]
        self.leg = np.zeros(len(kind), dtype=np.int64)
        self.type_names = np.array([t.name for t in threat_types], dtype=object)[kind]
        self.raid_names = np.array(
            [raid.name or raid.type for raid in compiled.scenario.raids], dtype=object
        )[compiled.world.threats.raid_index]

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        threats = world.threats
        threats.arrived[:] = False
        launching = np.flatnonzero((threats.status == PENDING) & (threats.launch_t_s <= t_s))
        threats.status[launching] = FLYING
        threats.pos_ecef_m[launching], threats.alt_m[launching] = self.position(launching, np.zeros(len(launching)))
        launched = events(
            "threat_launch", threats.launch_t_s[launching], len(launching), threats.pos_ecef_m[launching],
            threat_id=threats.id[launching], weapon=self.type_names[launching],
            value=threats.cost_usd[launching], detail=self.raid_names[launching],
        )
        rows = np.flatnonzero(threats.status == FLYING)
        if len(rows) == 0:
            return launched
        elapsed = np.minimum(t_s - threats.launch_t_s[rows], self.flight_time_s[rows])
        pos, alt = self.position(rows, elapsed)
        since = np.maximum(np.minimum(dt_s, t_s - threats.launch_t_s[rows]), 1e-9)
        threats.vel_ecef_mps[rows] = (pos - threats.pos_ecef_m[rows]) / since[:, None]
        threats.pos_ecef_m[rows] = pos
        threats.alt_m[rows] = alt
        threats.arrived[rows] = elapsed >= self.flight_time_s[rows]
        return launched

    def position(self, rows: np.ndarray, elapsed_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ECEF position and altitude of threats ``rows`` after ``elapsed_s`` of flight."""
        times = self.waypoint_t_s
        leg = current_segment(self.leg[rows], rows, elapsed_s, times)
        self.leg[rows] = leg
        t0, t1 = times[rows, leg], times[rows, leg + 1]
        fraction = np.clip((elapsed_s - t0) / np.maximum(t1 - t0, 1e-12), 0.0, 1.0)
        angle = self.leg_angle[rows, leg]
        sin_angle = self.sin_leg_angle[rows, leg]
        straight = sin_angle < 1e-12
        safe_sin = np.where(straight, 1.0, sin_angle)
        w0 = np.where(straight, 1.0 - fraction, np.sin((1.0 - fraction) * angle) / safe_sin)
        w1 = np.where(straight, fraction, np.sin(fraction * angle) / safe_sin)
        n = w0[:, None] * self.n[rows, leg] + w1[:, None] * self.n[rows, leg + 1]
        n /= np.linalg.norm(n, axis=1, keepdims=True)
        progress = elapsed_s / np.maximum(self.flight_time_s[rows], 1e-12)
        arc = self.launch_alt_m[rows] + (self.aim_alt_m[rows] - self.launch_alt_m[rows]) * progress \
            + 4.0 * self.apogee_m[rows] * progress * (1.0 - progress)
        alt = np.where(self.ballistic[rows], arc, self.cruise_alt_m[rows])
        return geo.ecef_from_n_vector(n, alt), alt


def current_segment(segment: np.ndarray, rows: np.ndarray, elapsed_s: np.ndarray, start_s: np.ndarray) -> np.ndarray:
    """The segment (leg, turn) each of ``rows`` is on after ``elapsed_s``, moving on from ``segment``, its last one.

    ``start_s`` ``(N, S + 1)`` holds each row's segment start times, then its end time.
    """
    last = start_s.shape[1] - 2
    while True:
        ahead = (segment < last) & (elapsed_s > start_s[rows, segment + 1])
        if not ahead.any():
            return segment
        segment = segment + ahead
