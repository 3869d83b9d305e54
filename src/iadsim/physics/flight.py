"""Threat motion with flight limits and ballistic flight: the `flight` move model.

- Aircraft, drones and cruise missiles fly their routes on great-circle legs
  joined by coordinated turns at the type's ``max_load_factor``
  (:mod:`iadsim.physics.route`), at constant ground speed. Their altitude follows
  a profile: from the launch altitude to the cruise altitude at the type's
  ``climb_rate``, then level; at the end, level onto the aim point, a dive onto it
  at the climb rate, or a pop-up to the raid's ``pop_up_altitude`` starting
  ``terminal_range`` before the aim, then a dive. A glide weapon (a type with
  ``lift_to_drag``, :mod:`iadsim.physics.glide`) instead descends at a steady
  rate over its whole flight from its launch (release) altitude onto its aim. Altitudes are above the
  ellipsoid, or above the ground (terrain-following, sea-skimming) with the
  raid's ``altitude_reference: ground`` (terrain-following, sea-skimming: the
  scenario's terrain, ``CompiledScenario.terrain``, flat at 0 m without one; the
  route's launch and aim altitudes become heights above the ground there). A
  type without a load factor turns on the spot; one without a climb rate
  changes altitude at once (as in the `waypoint` model).
- Ballistic missiles fly the integrated trajectories of
  :mod:`iadsim.physics.ballistic` (boost, free flight under central gravity,
  drag on re-entry), planned once when the stage is built, from their launch
  point to their aim point, on the trajectory their raid or type asks for, with
  the terminal weave of quasi-ballistic types (``terminal_manoeuvre``), and
  integrated step by step as the clock reaches them.

Every threat knows from the start when it arrives (:attr:`FlightMover.arrival_t_s`)
and where it comes down (:attr:`FlightMover.impact_pos_ecef_m`).
"""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.geo import ecef_of_n_vector, geodetic_of
from iadsim.jit import kernel
from iadsim.physics.ballistic import TRAJECTORIES, BallisticPlan, ballistic_position_of, plan_ballistic
from iadsim.physics.environment import F64
from iadsim.physics.route import coordinated_turn_radius_m, piece_n_vector_of, plan_route
from iadsim.physics.waypoint import I64, WaypointMover, segment_of
from iadsim.registry import register
from iadsim.scenario.compile import CompiledScenario
from iadsim.terrain import grid_height_of
from iadsim.units import STANDARD_GRAVITY_MPS2

def altitude_ramps(
    launch_alt_m: F64, cruise_alt_m: F64, aim_alt_m: F64, climb_rate_mps: F64, flight_time_s: F64,
    terminal: np.ndarray, terminal_s: F64, pop_up_alt_m: F64,
) -> tuple[F64, F64, F64]:
    """Altitude profile as three linear ramps ``(N, 3)``: start time, duration and change of each (s, s, m).

    Ramp 1 climbs (or descends) from the launch to the cruise altitude at the
    climb rate; ramp 2 is the pop-up, from ``terminal_s`` before arrival towards
    ``pop_up_alt_m`` (lowered when the window is too short to climb there and dive
    back down); ramp 3 dives at the climb rate onto the aim altitude, ending at
    arrival (level flight: a step at arrival, as the `waypoint` model does).
    """
    rate = np.where(np.isfinite(climb_rate_mps), climb_rate_mps, np.inf)
    pop_up = terminal == "pop_up"
    level = terminal == "level"
    window = np.minimum(terminal_s, flight_time_s)
    top = np.where(pop_up, np.maximum(pop_up_alt_m, cruise_alt_m), cruise_alt_m)
    fits = (top - cruise_alt_m) / rate + (top - aim_alt_m) / rate <= window
    rise_s = np.maximum(0.5 * (window - np.abs(cruise_alt_m - aim_alt_m) / rate), 0.0)
    top = np.where(pop_up & ~fits, np.minimum(cruise_alt_m + rate * rise_s, top), top)
    climb_s = np.abs(cruise_alt_m - launch_alt_m) / rate
    dive_s = np.where(level, 0.0, np.abs(top - aim_alt_m) / rate)
    dive_start = np.maximum(flight_time_s - dive_s, 0.0)
    pop_start = flight_time_s - window
    start = np.stack((np.zeros_like(climb_s), np.where(pop_up, pop_start, dive_start), dive_start), axis=1)
    duration = np.stack((climb_s, np.where(pop_up, (top - cruise_alt_m) / rate, 0.0),
                         flight_time_s - dive_start), axis=1)
    change = np.stack((cruise_alt_m - launch_alt_m, top - cruise_alt_m, aim_alt_m - top), axis=1)
    return start, np.maximum(np.nan_to_num(duration), 1e-9), change


@register("move", "flight")
class FlightMover(WaypointMover):
    """Routes with coordinated turns and altitude profiles; integrated ballistic trajectories."""

    def _plan(self, compiled: CompiledScenario) -> None:
        super()._plan(compiled)
        threats, routes, raids = compiled.world.threats, compiled.routes, compiled.scenario.flights
        types, kind, raid = compiled.threat_types, threats.type_index, threats.raid_index
        load_factor = np.array([(t.max_load_factor or 0.0) / STANDARD_GRAVITY_MPS2 for t in types])[kind]
        radius = np.where(load_factor > 1.0, coordinated_turn_radius_m(routes.speed_mps, load_factor), 0.0)
        self.pieces = plan_route(self.n, routes.n_points, routes.speed_mps, radius, self.cruise_alt_m)
        self.piece = np.zeros(len(kind), dtype=np.int64)
        self.flight_time_s = self.pieces.start_s[:, -1].copy()
        self.on_ground = np.array([r.altitude_reference == "ground" for r in raids], bool)[raid]
        self.terrain = compiled.terrain
        if self.on_ground.any() and not self.terrain.flat:
            last = routes.n_points - 1
            rows = np.arange(len(kind))
            for alt, lat, lon in ((self.launch_alt_m, routes.lat_rad[:, 0], routes.lon_rad[:, 0]),
                                  (self.aim_alt_m, routes.lat_rad[rows, last], routes.lon_rad[rows, last])):
                above = np.maximum(alt - self.terrain.height_m(lat, lon), 0.0)
                alt[:] = np.where(self.on_ground, above, alt)
        climb_rate = np.array([t.climb_rate or np.inf for t in types])[kind]
        terminal = np.array([r.terminal for r in raids], dtype=object)[raid]
        if self.glide.any():  # one ramp over the whole flight, from the release altitude down onto the aim
            glide = self.glide
            climb_rate[glide] = np.abs(self.launch_alt_m[glide] - self.aim_alt_m[glide]) / np.maximum(
                self.flight_time_s[glide], 1e-9)
            terminal[glide] = "level"
        self.ramps = tuple(np.ascontiguousarray(ramp) for ramp in altitude_ramps(
            self.launch_alt_m, np.where(self.glide, self.aim_alt_m, self.cruise_alt_m), self.aim_alt_m,
            climb_rate, self.flight_time_s, terminal,
            np.array([r.terminal_range for r in raids])[raid] / routes.speed_mps,
            np.array([r.pop_up_altitude for r in raids])[raid]))
        self.ballistic_rows = np.flatnonzero(self.ballistic)
        self.table_row = np.full(len(kind), -1, dtype=np.int64)
        self.table_row[self.ballistic_rows] = np.arange(len(self.ballistic_rows))
        self.impact_pos_ecef_m = threats.target_pos_ecef_m.copy()
        self._launch_t_s = threats.launch_t_s.copy()
        self.plan = self._ballistic_plan(compiled)
        self.flights = plan_ballistic(self.plan)
        self.flight_time_s[self.ballistic_rows] = self.flights.impact_t_s
        self.impact_pos_ecef_m[self.ballistic_rows] = self.flights.impact_pos_m

    def _ballistic_plan(self, compiled: CompiledScenario) -> BallisticPlan:
        """What each ballistic threat is to fly, from its raid and type."""
        rows = self.ballistic_rows
        threats, routes, raids, types = compiled.world.threats, compiled.routes, compiled.scenario.flights, \
            compiled.threat_types
        of = {t.name: t for t in types}
        chosen = np.array([TRAJECTORIES.index(raid.trajectory or of[raid.type].trajectory
                                              or ("apogee" if of[raid.type].apogee else "minimum_energy"))
                           for raid in raids], dtype=np.int64)

        def figure(name: str, default: float) -> np.ndarray:
            return np.array([getattr(t, name) or default for t in types], dtype=float)[threats.type_index[rows]]

        return BallisticPlan(
            launch_pos_m=geo.geodetic_to_ecef(routes.lat_rad[rows, 0], routes.lon_rad[rows, 0], routes.alt_m[rows, 0]),
            aim_pos_m=threats.target_pos_ecef_m[rows],
            trajectory=chosen[threats.raid_index[rows]],
            burnout_speed_mps=figure("burnout_speed", np.nan),
            apogee_alt_m=figure("apogee", np.nan),
            burn_time_s=figure("burn_time", 0.0),
            ballistic_coefficient_kg_m2=figure("ballistic_coefficient", np.inf),
            weave_mps2=figure("terminal_manoeuvre", 0.0),
            weave_below_m=figure("terminal_manoeuvre_altitude", 0.0),
        )

    def rewind(self) -> None:
        super().rewind()
        self.piece[:] = 0

    def passing_time_s(self, rows: I64, point: I64) -> F64:
        """Time of flight (s) at which threats ``rows`` pass nearest route point ``point``: the middle of the
        turn that rounds it (its corner without a turn), or the end of the route for its last point."""
        corner = 2 * np.maximum(point - 1, 0) + 1
        last = self.pieces.start_s.shape[1] - 1
        middle = 0.5 * (self.pieces.start_s[rows, np.minimum(corner, last)]
                        + self.pieces.start_s[rows, np.minimum(corner + 1, last)])
        at_end = point >= self.n_points[rows] - 1
        return np.where(point <= 0, 0.0, np.where(at_end, self.flight_time_s[rows], middle))

    @property
    def arrival_t_s(self) -> np.ndarray:
        """When each threat reaches its aim point (s from the start): a leak unless it is killed first."""
        return self._launch_t_s + self.flight_time_s

    def position(self, rows: I64, elapsed_s: F64) -> tuple[F64, F64]:
        """ECEF position and altitude of threats ``rows`` after ``elapsed_s`` of flight (time runs forward)."""
        pos, alt = np.empty((len(rows), 3)), np.empty(len(rows))
        pieces, flights, terrain = self.pieces, self.flights, self.terrain
        _flight_positions(rows, elapsed_s, self.piece, pieces.axis, pieces.cos_radius, pieces.sin_radius, pieces.a,
                          pieces.b, pieces.angle, pieces.start_s, self.launch_alt_m, *self.ramps, self.on_ground,
                          terrain.lat_rad, terrain.lon_rad, terrain.height, self.table_row, flights.flight,
                          flights.impact_t_s, flights.impact_pos_m, flights.sample, flights.pos_m, flights.vel_mps,
                          pos, alt)
        return pos, alt


@kernel
def _flight_positions(rows: I64, elapsed_s: F64, piece: I64, axis: F64, cos_radius: F64, sin_radius: F64, a: F64,
                      b: F64, angle: F64, start_s: F64, launch_alt_m: F64, ramp_start_s: F64, ramp_duration_s: F64,
                      ramp_change_m: F64, on_ground: np.ndarray, lat_axis: F64, lon_axis: F64, height: F64,
                      table_row: I64, flight: F64, impact_t_s: F64, impact_pos_m: F64, sample: I64,
                      sample_pos_m: F64, sample_vel_mps: F64, pos_m: F64, alt_m: F64) -> None:
    n = np.empty(3)
    for k in range(len(rows)):
        i, e = rows[k], elapsed_s[k]
        if table_row[i] >= 0:
            ballistic_position_of(table_row[i], e, flight, impact_t_s, impact_pos_m, sample, sample_pos_m,
                                  sample_vel_mps, pos_m[k])
            alt_m[k] = geodetic_of(pos_m[k, 0], pos_m[k, 1], pos_m[k, 2])[2]
            continue
        segment = segment_of(piece[i], i, e, start_s)
        piece[i] = segment
        piece_n_vector_of(axis, cos_radius, sin_radius, a, b, angle, start_s, i, segment, e, n)
        rise = 0.0
        for r in range(3):
            rise += ramp_change_m[i, r] * min(max((e - ramp_start_s[i, r]) / ramp_duration_s[i, r], 0.0), 1.0)
        alt = launch_alt_m[i] + rise
        if on_ground[i]:
            alt += grid_height_of(lat_axis, lon_axis, height, np.arctan2(n[2], np.hypot(n[0], n[1])),
                                  np.arctan2(n[1], n[0]))
        alt_m[k] = alt
        pos_m[k, 0], pos_m[k, 1], pos_m[k, 2] = ecef_of_n_vector(n[0], n[1], n[2], alt)
