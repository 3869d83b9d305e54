"""Intercept geometry: where a constant-speed interceptor meets a constant-velocity target, and closest approach.

Scalar kernels (``*_of``) for the fly stages' compiled loops; :func:`predict_intercept` serves arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import kernel

Array = NDArray[np.float64]


@kernel
def predict_intercept_of(shooter_pos_m: Array, target_pos_m: Array, target_vel_mps: Array, speed_mps: float,
                         intercept_m: Array) -> float:
    """Time to go (s) for straight-line flight at ``speed_mps`` from a shooter to a target (3,); the intercept
    point into ``intercept_m`` (3,).

    Solves |d + v τ| = s τ for the smallest τ > 0, with d the target's position
    relative to the shooter and v its velocity: (v·v − s²) τ² + 2 (d·v) τ + d·d = 0.
    τ is ``inf`` where the interceptor can never catch up (the point is then the target's position).
    """
    d0, d1, d2 = (target_pos_m[0] - shooter_pos_m[0], target_pos_m[1] - shooter_pos_m[1],
                  target_pos_m[2] - shooter_pos_m[2])
    v = target_vel_mps
    a = v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - speed_mps * speed_mps
    b = 2.0 * (d0 * v[0] + d1 * v[1] + d2 * v[2])
    c = d0 * d0 + d1 * d1 + d2 * d2
    disc = b * b - 4.0 * a * c
    if c == 0.0:
        t_go = 0.0
    elif disc < 0.0:
        t_go = np.inf
    elif abs(a) < 1e-9:  # the interceptor is exactly as fast as the target
        linear = -c / b
        t_go = linear if linear > 0.0 else np.inf
    else:
        q = -0.5 * (b + np.copysign(np.sqrt(disc), b))
        t_go = np.inf
        for root in (q / a, c / q):
            if np.isfinite(root) and root > 0.0:
                t_go = min(t_go, root)
    ahead = t_go if np.isfinite(t_go) else 0.0
    for i in range(3):
        intercept_m[i] = target_pos_m[i] + v[i] * ahead
    return t_go


@kernel
def _intercept_rows(shooter_pos_m: Array, target_pos_m: Array, target_vel_mps: Array, speed_mps: Array
                    ) -> tuple[Array, Array]:
    t_go, point = np.empty(len(target_pos_m)), np.empty((len(target_pos_m), 3))
    for k in range(len(target_pos_m)):
        t_go[k] = predict_intercept_of(shooter_pos_m[k], target_pos_m[k], target_vel_mps[k], speed_mps[k], point[k])
    return t_go, point


def predict_intercept(
    shooter_pos_m: Array, target_pos_m: Array, target_vel_mps: Array, speed_mps: Array | float
) -> tuple[Array, Array]:
    """Time to go (s, ``(K,)``) and intercept point (m, ``(K, 3)``) of :func:`predict_intercept_of` over rows
    (the shooter's position and the speed broadcast)."""
    n = len(target_pos_m)
    return _intercept_rows(np.ascontiguousarray(np.broadcast_to(shooter_pos_m, (n, 3)), dtype=float),
                           np.ascontiguousarray(target_pos_m, dtype=float),
                           np.ascontiguousarray(target_vel_mps, dtype=float),
                           np.broadcast_to(np.asarray(speed_mps, dtype=float), (n,)).copy())


@kernel
def closest_approach_of(relative_pos_m: Array, relative_vel_mps: Array, horizon_s: float) -> tuple[float, float]:
    """Time (s, within [0, horizon_s]) and distance (m) of closest approach of linear relative motion (3,)."""
    r, v = relative_pos_m, relative_vel_mps
    t_min = -(r[0] * v[0] + r[1] * v[1] + r[2] * v[2]) / (v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    t_min = min(max(t_min, 0.0), horizon_s) if np.isfinite(t_min) else 0.0
    gx, gy, gz = r[0] + v[0] * t_min, r[1] + v[1] * t_min, r[2] + v[2] * t_min
    return t_min, np.sqrt(gx * gx + gy * gy + gz * gz)
