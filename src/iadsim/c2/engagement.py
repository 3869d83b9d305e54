"""Can this unit's missile reach this track? Intercept points checked against the engagement envelope."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.catalog.schema import InterceptorType
from iadsim.physics.flyout_table import FlyoutTable
from iadsim.physics.intercept import predict_intercept

Array = NDArray[np.float64]

FLYOUT_ITERATIONS = 6
FLYOUT_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class Envelope:
    """Engagement envelopes of the interceptor types in play, as arrays indexed by type."""

    min_range_m: Array
    max_range_m: Array
    min_altitude_m: Array
    max_altitude_m: Array
    max_target_speed_mps: Array
    average_speed_mps: Array
    flyout: list[FlyoutTable | None] | None = None
    """Flyout tables per type (:mod:`iadsim.physics.flyout_table`); without them, flight at the average speed."""

    @classmethod
    def of(cls, types: list[InterceptorType], flyout: list[FlyoutTable | None] | None = None) -> Envelope:
        def column(name: str) -> Array:
            return np.array([getattr(t, name) for t in types], dtype=float)

        return cls(column("min_range"), column("max_range"), column("min_altitude"), column("max_altitude"),
                   column("max_target_speed"), column("average_speed"), flyout)

    def intercepts(
        self, missile: int, launcher_ecef_m: Array, launcher_rotation: Array,
        target_pos_m: Array, target_vel_mps: Array, target_t_go_s: Array,
    ) -> tuple[NDArray[np.bool_], Array]:
        """Which targets missile type ``missile`` fired now from the launcher can intercept, and when.

        Targets are ``(K, 3)`` positions and velocities; ``target_t_go_s`` is the
        time left before each reaches its aim point. The launcher is one position
        ``(3,)`` with its ENU rotation ``(3, 3)``, or one per target ``(K, 3)`` and
        ``(K, 3, 3)``. An intercept must fall inside the ground-range and altitude
        band, before the target arrives, against a target no faster than the type
        allows. Returns (feasible, time of flight s).
        """
        launcher = np.broadcast_to(launcher_ecef_m, target_pos_m.shape)
        t_go, pip = predict_intercept(launcher, target_pos_m, target_vel_mps, self.average_speed_mps[missile])
        ground_m, altitude_m = self._ground_and_altitude(launcher_ecef_m, launcher_rotation, pip)
        table = None if self.flyout is None else self.flyout[missile]
        if table is not None:
            t_go, pip, ground_m, altitude_m = self._flyout_intercept(
                table, launcher_ecef_m, launcher_rotation, target_pos_m, target_vel_mps, t_go)
        speed = np.linalg.norm(target_vel_mps, axis=1)
        feasible = (
            np.isfinite(t_go) & (t_go < target_t_go_s)
            & (ground_m >= self.min_range_m[missile]) & (ground_m <= self.max_range_m[missile])
            & (altitude_m >= self.min_altitude_m[missile]) & (altitude_m <= self.max_altitude_m[missile])
            & (speed <= self.max_target_speed_mps[missile])
        )
        return feasible, t_go

    @staticmethod
    def _ground_and_altitude(launcher_ecef_m: Array, launcher_rotation: Array, pip: Array) -> tuple[Array, Array]:
        """Ground range from the launcher (m, in its local frame) and altitude (m) of intercept points."""
        local = np.einsum("...ij,...j->...i", launcher_rotation, pip - launcher_ecef_m)
        return np.hypot(local[:, 0], local[:, 1]), geo.ecef_to_geodetic(pip)[2]

    def _flyout_intercept(
        self, table: FlyoutTable, launcher_ecef_m: Array, launcher_rotation: Array,
        target_pos_m: Array, target_vel_mps: Array, first_guess_s: Array,
    ) -> tuple[Array, Array, Array, Array]:
        """Time of flight, intercept point, its ground range and altitude from the type's flyout table.

        Fixed-point iteration τ ← T(p + v τ), with T the table's time of flight,
        from the average-speed guess; it converges while the target is slower
        than the missile's mean speed. An intercept whose τ has not settled to
        :data:`FLYOUT_TOLERANCE_S`, or lies out of the missile's reach, is inf.
        """
        tau = np.where(np.isfinite(first_guess_s), first_guess_s, 0.0)
        for _ in range(FLYOUT_ITERATIONS):
            pip = target_pos_m + target_vel_mps * tau[:, None]
            ground_m, altitude_m = self._ground_and_altitude(launcher_ecef_m, launcher_rotation, pip)
            previous, (tau, _) = tau, table.lookup(ground_m, altitude_m)
            tau = np.where(np.isfinite(tau), tau, 0.0)
        settled = np.isfinite(table.lookup(ground_m, altitude_m)[0]) & (np.abs(tau - previous) < FLYOUT_TOLERANCE_S)
        t_go = np.where(settled, tau, np.inf)
        pip = target_pos_m + target_vel_mps * np.where(settled, tau, 0.0)[:, None]
        ground_m, altitude_m = self._ground_and_altitude(launcher_ecef_m, launcher_rotation, pip)
        return t_go, pip, ground_m, altitude_m
