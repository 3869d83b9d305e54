"""Proportional navigation: the homing law of surface-to-air missiles, vectorised.

True proportional navigation (Zarchan, Tactical and Strategic Missile Guidance,
6th ed., ch. 2) commands an acceleration perpendicular to the line of sight,

    n_c = N' V_c λ̇,

with N' the navigation constant, V_c the closing speed and λ̇ the line-of-sight
rate. In vector form, with r and v the target's position and velocity relative
to the missile, the line of sight turns at ω = r × v / |r|² and the command is
N' V_c (ω × r̂). Augmented PN (Zarchan, ch. 8) adds N'/2 times the target's
acceleration across the line of sight, which removes the miss a manoeuvring
target would otherwise cause.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


def closing_speed_mps(rel_pos_m: F64, rel_vel_mps: F64) -> F64:
    """V_c = −ṙ (m/s, ``(K,)``): positive while the range shrinks."""
    distance = np.linalg.norm(rel_pos_m, axis=-1)
    return -np.einsum("...i,...i->...", rel_pos_m, rel_vel_mps) / np.maximum(distance, 1e-9)


def pn_acceleration(
    rel_pos_m: F64, rel_vel_mps: F64, navigation_constant: F64 | float, target_accel_mps2: F64 | None = None
) -> F64:
    """Commanded acceleration (m/s², ``(K, 3)``) of true PN, augmented when ``target_accel_mps2`` is given.

    ``rel_pos_m`` and ``rel_vel_mps`` are the target's position and velocity
    relative to the missile ``(K, 3)``; ``navigation_constant`` is N' (scalar or ``(K,)``).
    """
    distance_sq = np.maximum(np.einsum("...i,...i->...", rel_pos_m, rel_pos_m), 1e-18)
    los = rel_pos_m / np.sqrt(distance_sq)[..., None]
    los_rate = np.cross(rel_pos_m, rel_vel_mps) / distance_sq[..., None]
    gain = np.asarray(navigation_constant, dtype=float) * closing_speed_mps(rel_pos_m, rel_vel_mps)
    command = gain[..., None] * np.cross(los_rate, los)
    if target_accel_mps2 is not None:
        across = target_accel_mps2 - np.einsum("...i,...i->...", target_accel_mps2, los)[..., None] * los
        command = command + 0.5 * np.asarray(navigation_constant, dtype=float)[..., None] * across
    return command


def zarchan_step_response(t_s: F64, flight_time_s: float, navigation_constant: float, target_accel: float) -> F64:
    """Closed-form zero-lag PN acceleration against a target stepping into ``target_accel`` at t = 0.

    n_c = N' n_T / (N' − 2) · [1 − (1 − t/t_F)^(N'−2)] (Zarchan, ch. 2), t_F the flight time.
    """
    n = navigation_constant
    return n * target_accel / (n - 2.0) * (1.0 - (1.0 - np.asarray(t_s) / flight_time_s) ** (n - 2.0))
