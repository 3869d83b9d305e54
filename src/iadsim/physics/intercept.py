"""Intercept geometry: where a constant-speed interceptor meets a constant-velocity target."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import kernel

Array = NDArray[np.float64]


def predict_intercept(
    shooter_pos_m: Array, target_pos_m: Array, target_vel_mps: Array, speed_mps: Array | float
) -> tuple[Array, Array]:
    """Time to go (s) and intercept point (m) for straight-line flight at ``speed_mps``.

    Arrays are ``(K, 3)`` (the shooter may be one ``(3,)``) and ``(K,)`` or one
    speed; τ is ``inf`` where the interceptor can never catch up (:func:`intercept_time_s`).
    """
    shape = np.shape(target_pos_m)
    shooter = np.ascontiguousarray(np.broadcast_to(shooter_pos_m, shape), dtype=float)
    speed = np.ascontiguousarray(np.broadcast_to(np.asarray(speed_mps, dtype=float), shape[:1]))
    return _intercept_rows(shooter, np.ascontiguousarray(target_pos_m, dtype=float),
                           np.ascontiguousarray(target_vel_mps, dtype=float), speed)


@kernel
def intercept_time_s(dx: float, dy: float, dz: float, vx: float, vy: float, vz: float, speed_mps: float) -> float:
    """Time to go (s) of a straight flight at ``speed_mps`` to a target at offset d (m) moving at v (m/s); for kernels.

    The smallest τ > 0 of |d + v τ| = s τ, that is of (v·v − s²) τ² + 2 (d·v) τ + d·d = 0
    (with the numerically stable pair of roots q / a and c / q); ``inf`` where the
    interceptor can never catch up, 0 when the target is at the shooter.
    """
    a = (vx * vx + vy * vy + vz * vz) - speed_mps * speed_mps
    b = 2.0 * (dx * vx + dy * vy + dz * vz)
    c = dx * dx + dy * dy + dz * dz
    if c == 0.0:
        return 0.0
    disc = b * b - 4.0 * a * c
    if disc < 0.0:
        return np.inf
    if abs(a) < 1e-9:  # the interceptor is exactly as fast as the target
        linear = -c / b
        return linear if linear > 0.0 else np.inf
    q = -0.5 * (b + np.copysign(np.sqrt(disc), b))
    best = np.inf
    for root in (q / a, c / q):
        if np.isfinite(root) and root > 0.0:
            best = min(best, root)
    return best


@kernel
def _intercept_rows(shooter: Array, target: Array, velocity: Array, speed: Array) -> tuple[Array, Array]:
    t_go, pip = np.empty(len(target)), np.empty_like(target)
    for k in range(len(target)):
        t_go[k] = intercept_time_s(target[k, 0] - shooter[k, 0], target[k, 1] - shooter[k, 1],
                                   target[k, 2] - shooter[k, 2], velocity[k, 0], velocity[k, 1], velocity[k, 2],
                                   speed[k])
        flown = t_go[k] if np.isfinite(t_go[k]) else 0.0
        for i in range(3):
            pip[k, i] = target[k, i] + velocity[k, i] * flown
    return t_go, pip


def closest_approach(relative_pos_m: Array, relative_vel_mps: Array, horizon_s: float | Array) -> tuple[Array, Array]:
    """Time (s, within [0, horizon_s], one horizon or one per row) and distance (m) of closest approach of
    linear relative motion."""
    speed_sq = np.einsum("ki,ki->k", relative_vel_mps, relative_vel_mps)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_min = -np.einsum("ki,ki->k", relative_pos_m, relative_vel_mps) / speed_sq
    t_min = np.clip(np.nan_to_num(t_min, nan=0.0, posinf=0.0, neginf=0.0), 0.0, horizon_s)
    gap = relative_pos_m + relative_vel_mps * t_min[:, None]
    return t_min, np.linalg.norm(gap, axis=1)
