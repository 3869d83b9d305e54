"""Can this unit's missile reach this track? Intercept points checked against the engagement envelope.

:func:`intercept_of` answers for one (launcher, track) pair inside a kernel: the
predicted intercept of a round fired now (straight flight at the type's average
speed, refined through the type's flyout table when it has one) must fall inside
the type's ground-range and altitude band, before the target reaches its aim,
against a target no faster than the type engages. :meth:`Envelope.intercepts`
asks the same for many targets at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.catalog.schema import InterceptorType
from iadsim.geo import geodetic_of
from iadsim.jit import inline_kernel, kernel
from iadsim.physics.flyout_table import FlyoutGrids, FlyoutTable, time_of_flight_at
from iadsim.physics.intercept import predict_intercept_of

Array = NDArray[np.float64]

FLYOUT_ITERATIONS = 6
FLYOUT_TOLERANCE_S = 1.0
FIGURES = ("min_range", "max_range", "min_altitude", "max_altitude", "max_target_speed", "average_speed")
"""The columns of :attr:`Envelope.figures` (catalog fields of the interceptor types, SI units)."""
MIN_RANGE, MAX_RANGE, MIN_ALTITUDE, MAX_ALTITUDE, MAX_TARGET_SPEED, AVERAGE_SPEED = range(len(FIGURES))


@dataclass(frozen=True)
class Envelope:
    """Engagement envelopes of the interceptor types in play: a row of :data:`FIGURES` and a flyout table per type."""

    figures: Array  # (M, 6) columns of FIGURES
    grids: FlyoutGrids
    """Flyout tables per type (:mod:`iadsim.physics.flyout_table`); a type without one flies at its average speed."""

    @classmethod
    def of(cls, types: list[InterceptorType], flyout: list[FlyoutTable | None] | None = None) -> Envelope:
        figures = np.array([[float(getattr(t, name)) for name in FIGURES] for t in types], dtype=float)
        return cls(figures.reshape(len(types), len(FIGURES)), FlyoutGrids.of(flyout, len(types)))

    def intercepts(
        self, missile: int, launcher_ecef_m: Array, launcher_rotation: Array,
        target_pos_m: Array, target_vel_mps: Array, target_t_go_s: Array,
    ) -> tuple[NDArray[np.bool_], Array]:
        """Which targets missile type ``missile`` fired now from the launcher can intercept, and when.

        Targets are ``(K, 3)`` positions and velocities; ``target_t_go_s`` is the
        time left before each reaches its aim point. The launcher is one position
        ``(3,)`` with its ENU rotation ``(3, 3)``, or one per target ``(K, 3)`` and
        ``(K, 3, 3)``. Returns (feasible, time of flight s).
        """
        k = len(target_pos_m)
        launcher = np.ascontiguousarray(np.broadcast_to(launcher_ecef_m, (k, 3)), dtype=float)
        rotation = np.ascontiguousarray(np.broadcast_to(launcher_rotation, (k, 3, 3)), dtype=float)
        return _intercept_rows(self.figures, *self.grids, int(missile), launcher, rotation,
                               np.ascontiguousarray(target_pos_m, dtype=float),
                               np.ascontiguousarray(target_vel_mps, dtype=float),
                               np.ascontiguousarray(target_t_go_s, dtype=float))


@inline_kernel
def ground_and_altitude(launcher: Array, rotation: Array, x: float, y: float, z: float) -> tuple[float, float]:
    """Ground range (m, in the launcher's local frame) and altitude (m) of the point (x, y, z) ECEF."""
    dx, dy, dz = x - launcher[0], y - launcher[1], z - launcher[2]
    east = rotation[0, 0] * dx + rotation[0, 1] * dy + rotation[0, 2] * dz
    north = rotation[1, 0] * dx + rotation[1, 1] * dy + rotation[1, 2] * dz
    return np.hypot(east, north), geodetic_of(x, y, z)[2]


@kernel
def intercept_of(figures: Array, has_table: NDArray[np.bool_], ground_grid: Array, altitude_grid: Array,
                 tof_table: Array, missile: int, launcher: Array, rotation: Array, pos: Array, vel: Array,
                 target_t_go_s: float, work: Array) -> tuple[bool, float]:
    """Whether a round of type ``missile`` fired now from ``launcher`` (3,) intercepts the target at ``pos``
    moving at ``vel`` (3,) inside the envelope, and the time of flight (s). The flyout tables are the fields of
    the envelope's :class:`~iadsim.physics.flyout_table.FlyoutGrids`; ``work`` (3,) is scratch space.

    The average-speed intercept (:func:`~iadsim.physics.intercept.predict_intercept_of`)
    is the first guess; with a flyout table, the fixed-point iteration τ ← T(p + v τ),
    T the table's time of flight, runs :data:`FLYOUT_ITERATIONS` times. It
    converges while the target is slower than the missile's mean speed; an
    intercept whose τ has not settled to :data:`FLYOUT_TOLERANCE_S`, or lies out of
    the missile's reach, is inf.
    """
    row = figures[missile]
    tau = predict_intercept_of(launcher, pos, vel, row[AVERAGE_SPEED], work)
    flown = tau if np.isfinite(tau) else 0.0
    if has_table[missile]:
        raw = 0.0
        previous = flown
        for _ in range(FLYOUT_ITERATIONS):
            ground, altitude = ground_and_altitude(launcher, rotation, pos[0] + vel[0] * flown,
                                                   pos[1] + vel[1] * flown, pos[2] + vel[2] * flown)
            previous = flown
            raw = time_of_flight_at(ground_grid, altitude_grid, tof_table, missile, ground, altitude)
            flown = raw if np.isfinite(raw) else 0.0
        if not (np.isfinite(raw) and abs(flown - previous) < FLYOUT_TOLERANCE_S):
            return False, np.inf
        tau = flown
    ground, altitude = ground_and_altitude(launcher, rotation, pos[0] + vel[0] * flown,
                                           pos[1] + vel[1] * flown, pos[2] + vel[2] * flown)
    speed = np.sqrt(vel[0] * vel[0] + vel[1] * vel[1] + vel[2] * vel[2])
    feasible = (np.isfinite(tau) and tau < target_t_go_s
                and row[MIN_RANGE] <= ground <= row[MAX_RANGE] and row[MIN_ALTITUDE] <= altitude <= row[MAX_ALTITUDE]
                and speed <= row[MAX_TARGET_SPEED])
    return feasible, tau


@kernel
def _intercept_rows(figures: Array, has_table: NDArray[np.bool_], ground_grid: Array, altitude_grid: Array,
                    tof_table: Array, missile: int, launcher: Array, rotation: Array, pos: Array, vel: Array,
                    t_go_s: Array) -> tuple[NDArray[np.bool_], Array]:
    feasible, tof, work = np.zeros(len(pos), dtype=np.bool_), np.empty(len(pos)), np.empty(3)
    for k in range(len(pos)):
        feasible[k], tof[k] = intercept_of(figures, has_table, ground_grid, altitude_grid, tof_table, missile,
                                           launcher[k], rotation[k], pos[k], vel[k], t_go_s[k], work)
    return feasible, tof
