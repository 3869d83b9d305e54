"""Threat motion with flight limits and ballistic flight: the `flight` move model.

- Aircraft, drones and cruise missiles fly their routes on great-circle legs
  joined by coordinated turns at the type's ``max_load_factor``
  (:mod:`iadsim.physics.route`), at constant ground speed. Their altitude follows
  a profile: from the launch altitude to the cruise altitude at the type's
  ``climb_rate``, then level; at the end, level onto the aim point, a dive onto it
  at the climb rate, or a pop-up to the raid's ``pop_up_altitude`` starting
  ``terminal_range`` before the aim, then a dive. Altitudes are above the
  ellipsoid, or above the ground (terrain-following, sea-skimming) with the
  raid's ``altitude_reference: ground``; the terrain is flat at 0 m for now. A
  type without a load factor turns on the spot; one without a climb rate
  changes altitude at once (as in the `waypoint` model).
- Ballistic missiles fly the integrated trajectories of
  :mod:`iadsim.physics.ballistic` (boost, free flight under central gravity,
  drag on re-entry), planned once when the stage is built, from their launch
  point to their aim point, on the trajectory their raid or type asks for, with
  the terminal weave of quasi-ballistic types (``terminal_manoeuvre``).

Every threat knows from the start when it arrives (:attr:`FlightMover.arrival_t_s`)
and where it comes down (:attr:`FlightMover.impact_pos_ecef_m`).
"""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.physics.ballistic import TRAJECTORIES, BallisticPlan, fly_ballistic
from iadsim.physics.environment import F64
from iadsim.physics.route import coordinated_turn_radius_m, plan_route
from iadsim.physics.waypoint import WaypointMover, current_segment
from iadsim.registry import register
from iadsim.scenario.compile import CompiledScenario
from iadsim.units import STANDARD_GRAVITY_MPS2


def terrain_height_m(n_vector: F64) -> F64:
    """Height of the ground above the ellipsoid (m) under horizontal positions ``(K, 3)``: flat, 0 m."""
    return np.zeros(n_vector.shape[:-1])


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

    def __init__(self, compiled: CompiledScenario) -> None:
        super().__init__(compiled)
        threats, routes, raids = compiled.world.threats, compiled.routes, compiled.scenario.raids
        types = [compiled.threat_types[i] for i in threats.type_index]
        raid_of = [raids[i] for i in threats.raid_index]
        load_factor = np.array([(t.max_load_factor or 0.0) / STANDARD_GRAVITY_MPS2 for t in types])
        radius = np.where(load_factor > 1.0, coordinated_turn_radius_m(routes.speed_mps, load_factor), 0.0)
        self.pieces = plan_route(self.n, routes.n_points, routes.speed_mps, radius, self.cruise_alt_m)
        self.piece = np.zeros(len(types), dtype=np.int64)
        self.flight_time_s = self.pieces.start_s[:, -1].copy()
        self.on_ground = np.array([raid.altitude_reference == "ground" for raid in raid_of])
        self.ramps = altitude_ramps(
            self.launch_alt_m, self.cruise_alt_m, self.aim_alt_m,
            np.array([t.climb_rate or np.inf for t in types]), self.flight_time_s,
            np.array([raid.terminal for raid in raid_of]),
            np.array([raid.terminal_range for raid in raid_of]) / routes.speed_mps,
            np.array([raid.pop_up_altitude for raid in raid_of]))
        self.ballistic_rows = np.flatnonzero(self.ballistic)
        self.table_row = np.full(len(types), -1, dtype=np.int64)
        self.table_row[self.ballistic_rows] = np.arange(len(self.ballistic_rows))
        self.impact_pos_ecef_m = threats.target_pos_ecef_m.copy()
        self._launch_t_s = threats.launch_t_s.copy()
        if len(self.ballistic_rows):
            self._plan_ballistic(compiled, types)

    def _plan_ballistic(self, compiled: CompiledScenario, types: list) -> None:
        rows = self.ballistic_rows
        threats, routes, raids = compiled.world.threats, compiled.routes, compiled.scenario.raids
        chosen = [raids[threats.raid_index[i]].trajectory or types[i].trajectory
                  or ("apogee" if types[i].apogee else "minimum_energy") for i in rows]

        def figure(name: str, default: float) -> np.ndarray:
            return np.array([getattr(types[i], name) or default for i in rows], dtype=float)

        plan = BallisticPlan(
            launch_pos_m=geo.geodetic_to_ecef(routes.lat_rad[rows, 0], routes.lon_rad[rows, 0], routes.alt_m[rows, 0]),
            aim_pos_m=threats.target_pos_ecef_m[rows],
            trajectory=np.array([TRAJECTORIES.index(name) for name in chosen], dtype=np.int64),
            burnout_speed_mps=figure("burnout_speed", np.nan),
            apogee_alt_m=figure("apogee", np.nan),
            burn_time_s=figure("burn_time", 0.0),
            ballistic_coefficient_kg_m2=figure("ballistic_coefficient", np.inf),
            weave_mps2=figure("terminal_manoeuvre", 0.0),
            weave_below_m=figure("terminal_manoeuvre_altitude", 0.0),
        )
        self.trajectories = fly_ballistic(plan)
        self.flight_time_s[rows] = self.trajectories.impact_t_s
        self.impact_pos_ecef_m[rows] = self.trajectories.impact_pos_m

    @property
    def arrival_t_s(self) -> np.ndarray:
        """When each threat reaches its aim point (s from the start): a leak unless it is killed first."""
        return self._launch_t_s + self.flight_time_s

    def position(self, rows: np.ndarray, elapsed_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ECEF position and altitude of threats ``rows`` after ``elapsed_s`` of flight."""
        piece = current_segment(self.piece[rows], rows, elapsed_s, self.pieces.start_s)
        self.piece[rows] = piece
        n = self.pieces.n_vector(rows, piece, elapsed_s)
        start, duration, change = (ramp.take(rows, axis=0) for ramp in self.ramps)
        alt = self.launch_alt_m[rows] + np.einsum(
            "kr,kr->k", change, np.clip((elapsed_s[:, None] - start) / duration, 0.0, 1.0))
        alt = np.where(self.on_ground[rows], alt + terrain_height_m(n), alt)
        pos = geo.ecef_from_n_vector(n, alt)
        on_table = self.table_row[rows] >= 0
        if on_table.any():
            pos[on_table] = self.trajectories.state_at(self.table_row[rows[on_table]], elapsed_s[on_table])
            alt[on_table] = geo.ecef_to_geodetic(pos[on_table])[2]
        return pos, alt
