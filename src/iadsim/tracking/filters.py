"""Kalman filtering of many tracks at once: motion models, the radar measurement model, EKF and IMM steps.

States are ``(T, 6)`` arrays (position, velocity) in one Cartesian frame (ECEF
in the engine), covariances ``(T, 6, 6)``. A radar measures range, azimuth
(clockwise from north) and elevation in its local ENU frame, given by its
position and rotation matrix (rows east, north, up). References: Bar-Shalom,
Li & Kirubarajan, *Estimation with Applications to Tracking and Navigation*
(2001), ch. 5 (EKF), 6 (motion models), 11 (IMM); Blackman & Popoli, *Design
and Analysis of Modern Tracking Systems* (1999); Li & Jilkov, "Survey of
Maneuvering Target Tracking, Part II: Motion Models of Ballistic and Space
Targets", IEEE TAES 46(1), 2010 (the ballistic mode).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.physics.environment import Gravity

Array = NDArray[np.float64]

EYE3 = np.eye(3)


def cv_process_noise(dt_s: Array, intensity: float) -> Array:
    """Continuous white-noise-acceleration process noise (T, 6, 6) of intensity q (m²/s³) over ``dt_s`` (T,).

    Per axis q [[dt³/3, dt²/2], [dt²/2, dt]] (Bar-Shalom et al. 2001 §6.2.2),
    the ``ConstantVelocity`` model of Stone Soup.
    """
    dt = np.abs(dt_s)[:, None, None]
    q = np.empty((len(dt_s), 6, 6))
    q[:, :3, :3] = intensity * dt**3 / 3.0 * EYE3
    q[:, :3, 3:] = q[:, 3:, :3] = intensity * dt**2 / 2.0 * EYE3
    q[:, 3:, 3:] = intensity * dt * EYE3
    return q


def cv_transition(dt_s: Array) -> Array:
    """Constant-velocity transition matrices (T, 6, 6)."""
    f = np.tile(np.eye(6), (len(dt_s), 1, 1))
    f[:, :3, 3:] = dt_s[:, None, None] * EYE3
    return f


def ct_transition(dt_s: Array, turn_rate: float, axis: Array) -> Array:
    """Coordinated-turn transition matrices (T, 6, 6): velocity turns at ``turn_rate`` (rad/s) about ``axis`` (T, 3).

    With K the cross-product matrix of the unit axis and θ = ω dt, the velocity
    rotates by R = I + sin θ K + (1 - cos θ) K² (Rodrigues) and the position
    advances by ∫R = dt I + (1 - cos θ)/ω K + (dt - sin θ/ω) K² (Bar-Shalom et al. 2001 §11.7).
    """
    u = axis / np.linalg.norm(axis, axis=1, keepdims=True)
    k = np.zeros((len(dt_s), 3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -u[:, 2], u[:, 1], -u[:, 0]
    k[:, 1, 0], k[:, 2, 0], k[:, 2, 1] = u[:, 2], -u[:, 1], u[:, 0]
    k2 = k @ k
    theta = (turn_rate * dt_s)[:, None, None]
    dt = dt_s[:, None, None]
    f = np.tile(np.eye(6), (len(dt_s), 1, 1))
    f[:, :3, 3:] = dt * EYE3 + (1.0 - np.cos(theta)) / turn_rate * k + (dt - np.sin(theta) / turn_rate) * k2
    f[:, 3:, 3:] = EYE3 + np.sin(theta) * k + (1.0 - np.cos(theta)) * k2
    return f


def local_vertical(pos: Array, gravity: Gravity) -> Array:
    """Unit vectors (T, 3) of the local vertical (up, against gravity) at positions ``pos`` (T, 3) of a frame."""
    g = gravity(pos)
    return -g / np.linalg.norm(g, axis=1, keepdims=True)


def gravity_offset(x: Array, dt_s: Array, gravity: Gravity) -> Array:
    """What gravity adds (T, 6) to a constant-velocity prediction over ``dt_s`` (T,): free flight under gravity.

    The ballistic motion model of Li & Jilkov (IEEE TAES 2010, Part II, §III:
    a body in free flight under the Earth's gravity, drag and thrust left to
    the process noise): p' = p + v dt + g dt²/2, v' = v + g dt, with g taken
    at the mid-point p + v dt/2 of the step (second order in dt; the gravity
    gradient, about 2g/R = 3·10⁻⁶ s⁻², changes g by 0.1 % over 10 s of flight,
    and is left out of the Jacobian, which is then the constant-velocity one).
    Negative ``dt_s`` retrodicts.
    """
    dt = dt_s[:, None]
    g = gravity(x[:, :3] + 0.5 * dt * x[:, 3:])
    return np.concatenate((0.5 * g * dt * dt, g * dt), axis=1)


def predict(x: Array, p: Array, f: Array, q: Array, offset: Array | None = None) -> tuple[Array, Array]:
    """Kalman prediction x' = F x (+ ``offset``, e.g. gravity's), P' = F P Fᵀ + Q, for (T, 6) and (T, 6, 6) arrays."""
    x_new = np.einsum("tij,tj->ti", f, x)
    if offset is not None:
        x_new = x_new + offset
    p_new = f @ p @ np.swapaxes(f, 1, 2) + q
    return x_new, p_new


def measure(x: Array, sensor_pos: Array, rotation: Array) -> tuple[Array, Array]:
    """Predicted (range, azimuth, elevation) (T, 3) of states ``x`` and the measurement Jacobians H (T, 3, 6)."""
    d = np.einsum("tij,tj->ti", rotation, x[:, :3] - sensor_pos)
    e, n, u = d[:, 0], d[:, 1], d[:, 2]
    rho2 = np.maximum(e * e + n * n, 1e-6)
    rho = np.sqrt(rho2)
    r2 = rho2 + u * u
    r = np.sqrt(r2)
    z = np.stack((r, np.arctan2(e, n), np.arctan2(u, rho)), axis=1)
    jacobian = np.empty((len(x), 3, 3))
    jacobian[:, 0] = d / r[:, None]
    jacobian[:, 1] = np.stack((n / rho2, -e / rho2, np.zeros_like(e)), axis=1)
    jacobian[:, 2] = np.stack((-e * u / (r2 * rho), -n * u / (r2 * rho), rho / r2), axis=1)
    h = np.zeros((len(x), 3, 6))
    h[:, :, :3] = jacobian @ rotation
    return z, h


def innovation(z: Array, z_predicted: Array) -> Array:
    """z - ẑ with the azimuth difference wrapped into [-π, π)."""
    nu = z - z_predicted
    nu[..., 1] = (nu[..., 1] + np.pi) % (2.0 * np.pi) - np.pi
    return nu


def innovation_covariance(p: Array, h: Array, r: Array) -> Array:
    """S = H P Hᵀ + R (T, 3, 3)."""
    return h @ p @ np.swapaxes(h, 1, 2) + r


def update(x: Array, p: Array, nu: Array, h: Array, s: Array) -> tuple[Array, Array]:
    """EKF update with innovation ``nu``: K = P Hᵀ S⁻¹, x += K ν, P -= K S Kᵀ (as Stone Soup's updater)."""
    pht = p @ np.swapaxes(h, 1, 2)
    gain = np.swapaxes(np.linalg.solve(s, np.swapaxes(pht, 1, 2)), 1, 2)
    x_new = x + np.einsum("tij,tj->ti", gain, nu)
    p_new = p - gain @ s @ np.swapaxes(gain, 1, 2)
    return x_new, 0.5 * (p_new + np.swapaxes(p_new, 1, 2))


def mahalanobis_squared(nu: Array, s: Array) -> Array:
    """νᵀ S⁻¹ ν for (K, 3) innovations and (K, 3, 3) covariances."""
    return np.einsum("ki,ki->k", nu, np.linalg.solve(s, nu[..., None])[..., 0])


def initial_state(z: Array, sensor_pos: Array, rotation: Array, r: Array,
                  speed_sigma: float) -> tuple[Array, Array]:
    """A new track from one measurement: position converted from (range, az, el), velocity unknown.

    Position covariance G R Gᵀ with G the Jacobian of the conversion (the
    inverse of the measurement Jacobian, as Stone Soup's
    ``SimpleMeasurementInitiator``); velocity zero with ``speed_sigma`` per axis.
    """
    rng, az, el = z[:, 0], z[:, 1], z[:, 2]
    ce, se, ca, sa = np.cos(el), np.sin(el), np.cos(az), np.sin(az)
    d = np.stack((rng * ce * sa, rng * ce * ca, rng * se), axis=1)
    g = np.empty((len(z), 3, 3))
    g[:, :, 0] = np.stack((ce * sa, ce * ca, se), axis=1)
    g[:, :, 1] = np.stack((rng * ce * ca, -rng * ce * sa, np.zeros_like(rng)), axis=1)
    g[:, :, 2] = np.stack((-rng * se * sa, -rng * se * ca, rng * ce), axis=1)
    g = np.swapaxes(rotation, 1, 2) @ g
    x = np.zeros((len(z), 6))
    x[:, :3] = sensor_pos + np.einsum("tji,tj->ti", rotation, d)
    p = np.zeros((len(z), 6, 6))
    p[:, :3, :3] = g @ r @ np.swapaxes(g, 1, 2)
    p[:, 3:, 3:] = speed_sigma**2 * EYE3
    return x, p
