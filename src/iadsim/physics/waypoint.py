"""The simplest threat motion: constant ground speed along great-circle legs on WGS-84.

Each threat flies its route (launch point, waypoints, aim point) leg by leg at
its speed, at its cruise altitude; a ballistic missile instead rises on a
parabolic arc to its type's apogee and falls onto the aim point. Corners are
taken instantly. This is a first model with clean seams; the kinematic model
with turn and climb limits replaces it where fidelity matters.

Positions along a leg come from spherical interpolation of the ellipsoid
normals (n-vectors, Gade 2010) of its ends, converted exactly to ECEF.

A tick is three compiled passes shared by every move model (:func:`due_rows`:
who launches and who flies; the model's positions; :func:`settle`: positions,
velocities and arrivals written to the world), plus the launch events when
threats launch.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.events import NO_EVENTS, EventColumns, events, reason_codes
from iadsim.geo import ecef_of_n_vector
from iadsim.jit import kernel
from iadsim.physics.release import any_unreleasable, not_released, place_releases
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, PENDING, World

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@register("move", "waypoint")
class WaypointMover:
    """Straight legs between waypoints at the type's mean speed, ballistic arcs as parabolas, glides as straight
    descents (:mod:`iadsim.physics.glide`); marks arrivals at the aim point."""

    requires = columns("threats", "launch_t_s", "status", "type_index", "raid_index", "target_pos_ecef_m")
    provides = columns("threats", "pos_ecef_m", "alt_m", "vel_ecef_mps", "speed_mps", "status", "arrived")

    def __init__(self, compiled: CompiledScenario) -> None:
        releases = compiled.releases
        if releases.count:  # find where the aircraft release their weapons before planning the weapons' flights
            planned = object.__new__(type(self))
            planned._plan(compiled)
            place_releases(compiled, planned)
        self._plan(compiled)
        self.release_weapon, self.release_carrier = releases.weapon_row, releases.carrier_row
        self.not_released_reason = reason_codes(("release_not_reached", "carrier_lost"))

    def _plan(self, compiled: CompiledScenario) -> None:
        """Plan every threat's flight from the compiled routes."""
        routes = compiled.routes
        self.n = np.ascontiguousarray(geo.n_vector(routes.lat_rad, routes.lon_rad))  # (N, W, 3)
        start, end = self.n[:, :-1], self.n[:, 1:]
        self.leg_angle = np.ascontiguousarray(np.arctan2(np.linalg.norm(np.cross(start, end), axis=-1),
                                                         np.einsum("nwi,nwi->nw", start, end)))  # (N, W-1) rad
        self.sin_leg_angle = np.sin(self.leg_angle)
        threat_types = compiled.threat_types
        kind = compiled.world.threats.type_index
        self.ballistic = np.array([t.threat_class == "ballistic_missile" for t in threat_types], bool)[kind]
        self.glide = np.array([t.lift_to_drag is not None for t in threat_types], bool)[kind]
        self.apogee_m = np.array([t.apogee or 0.0 for t in threat_types])[kind]
        # A glide weapon descends like an arc without apogee: linearly in time from its launch altitude to its aim's.
        self.descends = self.ballistic | self.glide
        self.cruise_alt_m = np.where(self.descends, 0.0, routes.cruise_alt_m)
        leg_length_m = self.leg_angle * (geo.MEAN_EARTH_RADIUS_M + self.cruise_alt_m[:, None])
        self.waypoint_t_s = np.concatenate(
            (np.zeros((len(kind), 1)), np.cumsum(leg_length_m / routes.speed_mps[:, None], axis=1)), axis=1
        )
        rows = np.arange(len(kind))
        self.n_points = routes.n_points
        self.flight_time_s = self.waypoint_t_s[rows, routes.n_points - 1]
        self.launch_alt_m = routes.alt_m[:, 0].copy()
        self.aim_alt_m = routes.alt_m[rows, routes.n_points - 1]
        self.leg = np.zeros(len(kind), dtype=np.int64)
        self.type_names, self.raid_names = compiled.tables.threat_type, compiled.tables.raid_name
        decoy, friendly = reason_codes(("decoy", "friendly"))
        tables = compiled.tables
        self.launch_reason = np.select([tables.threat_decoy, tables.threat_friendly], [decoy, friendly], 0
                                       ).astype(np.int8)

    def rewind(self) -> None:
        """Forget where each threat was on its route, so that positions may be asked again from its launch."""
        self.leg[:] = 0

    def passing_time_s(self, rows: I64, point: I64) -> F64:
        """Time of flight (s) at which threats ``rows`` pass route point ``point`` (0: the launch point)."""
        return self.waypoint_t_s[rows, point]

    def wake_s(self, world: World) -> float:
        """Now, while a weapon waits on an aircraft that is gone (it is ended at the next tick); else never."""
        if len(self.release_weapon) and any_unreleasable(self.release_weapon, self.release_carrier,
                                                         world.threats.status):
            return 0.0
        return np.inf

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        threats = world.threats
        dropped = self._not_released(world, t_s) if len(self.release_weapon) else NO_EVENTS
        launching, rows, elapsed = due_rows(threats.status, threats.launch_t_s, self.flight_time_s, threats.arrived,
                                            t_s)
        launched = NO_EVENTS
        if len(launching):
            pos, alt = self.position(launching, np.zeros(len(launching)))
            threats.pos_ecef_m[launching], threats.alt_m[launching] = pos, alt
            launched = events(
                "threat_launch", threats.launch_t_s[launching], len(launching), pos,
                threat_id=threats.id[launching], weapon=self.type_names[launching],
                value=threats.cost_usd[launching], detail=self.raid_names[launching],
                reason=self.launch_reason[launching],
            )
        if len(rows):
            pos, alt = self.position(rows, elapsed)
            settle(rows, elapsed, pos, alt, t_s, dt_s, threats.launch_t_s, self.flight_time_s,
                   threats.pos_ecef_m, threats.alt_m, threats.vel_ecef_mps, threats.speed_mps, threats.arrived)
        return dropped + launched

    def _not_released(self, world: World, t_s: float) -> EventColumns:
        """End the weapons whose aircraft is no longer flying: ``not_released`` events where it was last."""
        threats = world.threats
        found, killed = not_released(self.release_weapon, self.release_carrier, threats.status)
        if len(found) == 0:
            return NO_EVENTS
        rows = self.release_weapon[found]
        return events("not_released", t_s, len(rows), threats.pos_ecef_m[self.release_carrier[found]],
                      threat_id=threats.id[rows], weapon=self.type_names[rows], value=threats.cost_usd[rows],
                      detail=self.raid_names[rows], reason=self.not_released_reason[killed.astype(np.int64)])

    def position(self, rows: I64, elapsed_s: F64) -> tuple[F64, F64]:
        """ECEF position and altitude of threats ``rows`` after ``elapsed_s`` of flight (time runs forward)."""
        pos, alt = np.empty((len(rows), 3)), np.empty(len(rows))
        _waypoint_positions(rows, elapsed_s, self.leg, self.waypoint_t_s, self.leg_angle, self.sin_leg_angle, self.n,
                            self.flight_time_s, self.launch_alt_m, self.aim_alt_m, self.apogee_m, self.descends,
                            self.cruise_alt_m, pos, alt)
        return pos, alt


@kernel
def due_rows(status: NDArray[np.int8], launch_t_s: F64, flight_time_s: F64, arrived: NDArray[np.bool_],
             t_s: float) -> tuple[I64, I64, F64]:
    """This tick's launches (set flying), every flying threat and its time of flight so far (capped at its
    flight time); clears the arrival flags."""
    launching = np.empty(len(status), np.int64)
    rows = np.empty(len(status), np.int64)
    elapsed = np.empty(len(status))
    n_launching = n_rows = 0
    for i in range(len(status)):
        arrived[i] = False
        if status[i] == PENDING and launch_t_s[i] <= t_s:
            status[i] = FLYING
            launching[n_launching] = i
            n_launching += 1
        if status[i] == FLYING:
            rows[n_rows] = i
            elapsed[n_rows] = min(t_s - launch_t_s[i], flight_time_s[i])
            n_rows += 1
    return launching[:n_launching].copy(), rows[:n_rows].copy(), elapsed[:n_rows].copy()


@kernel
def settle(rows: I64, elapsed_s: F64, pos_m: F64, alt_m: F64, t_s: float, dt_s: float, launch_t_s: F64,
           flight_time_s: F64, world_pos_m: F64, world_alt_m: F64, world_vel_mps: F64, world_speed_mps: F64,
           arrived: NDArray[np.bool_]) -> None:
    """Write the new positions of ``rows``, their velocities (the chord over the tick, or since launch), their
    speeds (the chord over the time they flew this tick: at the tick of arrival, less than the tick) and whether
    they reached their aim point."""
    for k in range(len(rows)):
        i = rows[k]
        since = max(min(dt_s, t_s - launch_t_s[i]), 1e-9)
        flown = max(elapsed_s[k] - min(max(t_s - dt_s - launch_t_s[i], 0.0), flight_time_s[i]), 1e-9)
        chord_sq = 0.0
        for c in range(3):
            step = pos_m[k, c] - world_pos_m[i, c]
            chord_sq += step * step
            world_vel_mps[i, c] = step / since
            world_pos_m[i, c] = pos_m[k, c]
        world_speed_mps[i] = np.sqrt(chord_sq) / flown
        world_alt_m[i] = alt_m[k]
        arrived[i] = elapsed_s[k] >= flight_time_s[i]


@kernel
def segment_of(segment: int, row: int, elapsed_s: float, start_s: F64) -> int:
    """The segment (leg, turn) ``row`` is on after ``elapsed_s``, moving on from ``segment``, its last one.

    ``start_s`` ``(N, S + 1)`` holds each row's segment start times, then its end time.
    """
    last = start_s.shape[1] - 2
    while segment < last and elapsed_s > start_s[row, segment + 1]:
        segment += 1
    return segment


@kernel
def _waypoint_positions(rows: I64, elapsed_s: F64, legs: I64, times: F64, leg_angle: F64, sin_leg_angle: F64,
                        n: F64, flight_time_s: F64, launch_alt_m: F64, aim_alt_m: F64, apogee_m: F64,
                        descends: NDArray[np.bool_], cruise_alt_m: F64, pos_m: F64, alt_m: F64) -> None:
    for k in range(len(rows)):
        i, e = rows[k], elapsed_s[k]
        leg = segment_of(legs[i], i, e, times)
        legs[i] = leg
        t0, t1 = times[i, leg], times[i, leg + 1]
        fraction = min(max((e - t0) / max(t1 - t0, 1e-12), 0.0), 1.0)
        angle, sin_angle = leg_angle[i, leg], sin_leg_angle[i, leg]
        if sin_angle < 1e-12:
            w0, w1 = 1.0 - fraction, fraction
        else:
            w0, w1 = np.sin((1.0 - fraction) * angle) / sin_angle, np.sin(fraction * angle) / sin_angle
        nx, ny, nz = (w0 * n[i, leg, 0] + w1 * n[i, leg + 1, 0], w0 * n[i, leg, 1] + w1 * n[i, leg + 1, 1],
                      w0 * n[i, leg, 2] + w1 * n[i, leg + 1, 2])
        size = np.sqrt(nx * nx + ny * ny + nz * nz)
        if descends[i]:
            progress = e / max(flight_time_s[i], 1e-12)
            alt = (launch_alt_m[i] + (aim_alt_m[i] - launch_alt_m[i]) * progress
                   + 4.0 * apogee_m[i] * progress * (1.0 - progress))
        else:
            alt = cruise_alt_m[i]
        alt_m[k] = alt
        pos_m[k, 0], pos_m[k, 1], pos_m[k, 2] = ecef_of_n_vector(nx / size, ny / size, nz / size, alt)
