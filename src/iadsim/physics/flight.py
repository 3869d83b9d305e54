"""Threat motion with ballistic flight: the `flight` move model.

Aircraft, drones and cruise missiles fly their routes as in the `waypoint`
model. Ballistic missiles fly the integrated trajectories of
:mod:`iadsim.physics.ballistic` (boost, free flight under central gravity,
drag on re-entry), planned once when the stage is built, from their launch
point to their aim point, on the trajectory their raid or type asks for. Every
threat knows from the start when it arrives (:attr:`FlightMover.arrival_t_s`)
and where it comes down (:attr:`FlightMover.impact_pos_ecef_m`).
"""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.physics.ballistic import TRAJECTORIES, BallisticPlan, fly_ballistic
from iadsim.physics.waypoint import WaypointMover
from iadsim.registry import register
from iadsim.scenario.compile import CompiledScenario


@register("move", "flight")
class FlightMover(WaypointMover):
    """Waypoint flight for air-breathing threats, integrated ballistic trajectories for ballistic ones."""

    def __init__(self, compiled: CompiledScenario) -> None:
        super().__init__(compiled)
        threats = compiled.world.threats
        types = [compiled.threat_types[i] for i in threats.type_index]
        self.ballistic_rows = np.flatnonzero(self.ballistic)
        self.table_row = np.full(len(types), -1, dtype=np.int64)
        self.table_row[self.ballistic_rows] = np.arange(len(self.ballistic_rows))
        self.impact_pos_ecef_m = threats.target_pos_ecef_m.copy()
        self._launch_t_s = threats.launch_t_s.copy()
        if len(self.ballistic_rows) == 0:
            return
        rows = self.ballistic_rows
        raids = compiled.scenario.raids
        chosen = [raids[threats.raid_index[i]].trajectory or types[i].trajectory
                  or ("apogee" if types[i].apogee else "minimum_energy") for i in rows]
        routes = compiled.routes

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
        pos, alt = super().position(rows, elapsed_s)
        on_table = self.table_row[rows] >= 0
        if on_table.any():
            pos[on_table] = self.trajectories.state_at(self.table_row[rows[on_table]], elapsed_s[on_table])
            alt[on_table] = geo.ecef_to_geodetic(pos[on_table])[2]
        return pos, alt
