"""Proportional navigation: the homing law of surface-to-air missiles, in kernels and over arrays.

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

from iadsim.jit import kernel

F64 = NDArray[np.float64]


@kernel
def closing_speed_of(rel_pos_m: F64, rel_vel_mps: F64) -> float:
    """V_c = −ṙ (m/s) of one target relative to the missile (3,): positive while the range shrinks."""
    distance = np.sqrt(rel_pos_m[0] ** 2 + rel_pos_m[1] ** 2 + rel_pos_m[2] ** 2)
    return -(rel_pos_m[0] * rel_vel_mps[0] + rel_pos_m[1] * rel_vel_mps[1] + rel_pos_m[2] * rel_vel_mps[2]) / max(
        distance, 1e-9)


@kernel
def pn_command_of(rel_pos_m: F64, rel_vel_mps: F64, navigation_constant: float, target_accel_mps2: F64,
                  augmented: bool, out: F64) -> None:
    """Commanded acceleration (m/s², (3,)) into ``out`` of true PN, augmented with ``augmented``.

    ``rel_pos_m`` and ``rel_vel_mps`` are the target's position and velocity
    relative to the missile (3,); ``target_accel_mps2`` (3,) is read with ``augmented``.
    """
    r, v = rel_pos_m, rel_vel_mps
    distance_sq = max(r[0] * r[0] + r[1] * r[1] + r[2] * r[2], 1e-18)
    size = np.sqrt(distance_sq)
    lx, ly, lz = r[0] / size, r[1] / size, r[2] / size
    wx = (r[1] * v[2] - r[2] * v[1]) / distance_sq
    wy = (r[2] * v[0] - r[0] * v[2]) / distance_sq
    wz = (r[0] * v[1] - r[1] * v[0]) / distance_sq
    gain = navigation_constant * closing_speed_of(r, v)
    out[0], out[1], out[2] = gain * (wy * lz - wz * ly), gain * (wz * lx - wx * lz), gain * (wx * ly - wy * lx)
    if augmented:
        a = target_accel_mps2
        along = a[0] * lx + a[1] * ly + a[2] * lz
        half = 0.5 * navigation_constant
        out[0] += half * (a[0] - along * lx)
        out[1] += half * (a[1] - along * ly)
        out[2] += half * (a[2] - along * lz)


@kernel
def _pn_rows(rel_pos_m: F64, rel_vel_mps: F64, navigation_constant: F64, target_accel_mps2: F64,
             augmented: bool) -> F64:
    out = np.empty_like(rel_pos_m)
    for k in range(len(rel_pos_m)):
        pn_command_of(rel_pos_m[k], rel_vel_mps[k], navigation_constant[k], target_accel_mps2[k], augmented, out[k])
    return out


def pn_acceleration(
    rel_pos_m: F64, rel_vel_mps: F64, navigation_constant: F64 | float, target_accel_mps2: F64 | None = None
) -> F64:
    """Commanded acceleration (m/s², ``(K, 3)``) of true PN, augmented when ``target_accel_mps2`` is given
    (:func:`pn_command_of` over rows; ``navigation_constant`` is N', scalar or ``(K,)``)."""
    rel_pos = np.ascontiguousarray(rel_pos_m, dtype=float).reshape(-1, 3)
    n = len(rel_pos)
    accel = np.zeros((n, 3)) if target_accel_mps2 is None else np.broadcast_to(target_accel_mps2, (n, 3))
    command = _pn_rows(rel_pos, np.ascontiguousarray(np.broadcast_to(rel_vel_mps, (n, 3)), dtype=float),
                       np.broadcast_to(np.asarray(navigation_constant, dtype=float), (n,)).copy(),
                       np.ascontiguousarray(accel, dtype=float), target_accel_mps2 is not None)
    return command.reshape(np.shape(rel_pos_m))


def zarchan_step_response(t_s: F64, flight_time_s: float, navigation_constant: float, target_accel: float) -> F64:
    """Closed-form zero-lag PN acceleration against a target stepping into ``target_accel`` at t = 0.

    n_c = N' n_T / (N' − 2) · [1 − (1 − t/t_F)^(N'−2)] (Zarchan, ch. 2), t_F the flight time.
    """
    n = navigation_constant
    return n * target_accel / (n - 2.0) * (1.0 - (1.0 - np.asarray(t_s) / flight_time_s) ** (n - 2.0))
