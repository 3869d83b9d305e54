"""Can this unit's missile reach this track? Intercept points checked against the engagement envelope."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.catalog.schema import InterceptorType
from iadsim.physics.intercept import predict_intercept

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Envelope:
    """Engagement envelopes of the interceptor types in play, as arrays indexed by type."""

    min_range_m: Array
    max_range_m: Array
    min_altitude_m: Array
    max_altitude_m: Array
    max_target_speed_mps: Array
    average_speed_mps: Array

    @classmethod
    def of(cls, types: list[InterceptorType]) -> Envelope:
        def column(name: str) -> Array:
            return np.array([getattr(t, name) for t in types], dtype=float)

        return cls(column("min_range"), column("max_range"), column("min_altitude"), column("max_altitude"),
                   column("max_target_speed"), column("average_speed"))

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
        local = np.einsum("...ij,...j->...i", launcher_rotation, pip - launcher_ecef_m)
        ground_m = np.hypot(local[:, 0], local[:, 1])
        _, _, altitude_m = geo.ecef_to_geodetic(pip)
        speed = np.linalg.norm(target_vel_mps, axis=1)
        feasible = (
            np.isfinite(t_go) & (t_go < target_t_go_s)
            & (ground_m >= self.min_range_m[missile]) & (ground_m <= self.max_range_m[missile])
            & (altitude_m >= self.min_altitude_m[missile]) & (altitude_m <= self.max_altitude_m[missile])
            & (speed <= self.max_target_speed_mps[missile])
        )
        return feasible, t_go
