"""Intercept geometry: where a constant-speed interceptor meets a constant-velocity target."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def predict_intercept(
    shooter_pos_m: Array, target_pos_m: Array, target_vel_mps: Array, speed_mps: Array | float
) -> tuple[Array, Array]:
    """Time to go (s) and intercept point (m) for straight-line flight at ``speed_mps``.

    Solves |d + v τ| = s τ for the smallest τ > 0, with d the target's position
    relative to the shooter and v its velocity: (v·v − s²) τ² + 2 (d·v) τ + d·d = 0.
    Arrays are ``(K, 3)`` and ``(K,)``; τ is ``inf`` where the interceptor can never catch up.
    """
    d = target_pos_m - shooter_pos_m
    v = target_vel_mps
    a = np.einsum("ki,ki->k", v, v) - np.asarray(speed_mps, dtype=float) ** 2
    b = 2.0 * np.einsum("ki,ki->k", d, v)
    c = np.einsum("ki,ki->k", d, d)
    disc = b * b - 4.0 * a * c
    root = np.sqrt(np.maximum(disc, 0.0))
    q = -0.5 * (b + np.copysign(root, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.stack((q / a, c / q))
        linear = -c / b  # a == 0: the interceptor is exactly as fast as the target
    roots = np.where(np.isfinite(roots) & (roots > 0.0), roots, np.inf)
    t_go = np.where(np.abs(a) < 1e-9, np.where(linear > 0.0, linear, np.inf), roots.min(axis=0))
    t_go = np.where(disc < 0.0, np.inf, t_go)
    t_go = np.where(c == 0.0, 0.0, t_go)
    finite = np.where(np.isfinite(t_go), t_go, 0.0)
    return t_go, target_pos_m + v * finite[:, None]


def closest_approach(relative_pos_m: Array, relative_vel_mps: Array, horizon_s: float | Array) -> tuple[Array, Array]:
    """Time (s, within [0, horizon_s], one horizon or one per row) and distance (m) of closest approach of
    linear relative motion."""
    speed_sq = np.einsum("ki,ki->k", relative_vel_mps, relative_vel_mps)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_min = -np.einsum("ki,ki->k", relative_pos_m, relative_vel_mps) / speed_sq
    t_min = np.clip(np.nan_to_num(t_min, nan=0.0, posinf=0.0, neginf=0.0), 0.0, horizon_s)
    gap = relative_pos_m + relative_vel_mps * t_min[:, None]
    return t_min, np.linalg.norm(gap, axis=1)
