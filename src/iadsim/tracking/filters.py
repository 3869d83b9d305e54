"""Kalman filtering for the tracker's compiled loops: motion models, the radar measurement model, EKF and IMM steps.

One track at a time, in compiled kernels (:mod:`iadsim.jit`). A state is a
6-vector (position, velocity) in one Cartesian frame (ECEF in the engine, a flat
frame with z up in the synthetic scans), its covariance 6 × 6. Every function
writes into arrays it is given (``out``, ``work``), so the tracker's loops
allocate nothing per track. A transition is F = [[I, A], [0, B]]: A (3 × 3)
advances the position by the velocity, B turns the velocity. A radar measures
range, azimuth (clockwise from north) and elevation in its local ENU frame,
given by its position and rotation matrix (rows east, north, up).
:func:`predict_tracks` and :func:`ekf_update_tracks` run the same steps over
many tracks, for verification and tests.

References: Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to
Tracking and Navigation* (2001), ch. 5 (EKF), 6 (motion models), 11 (IMM);
Blackman & Popoli, *Design and Analysis of Modern Tracking Systems* (1999);
Li & Jilkov, "Survey of Maneuvering Target Tracking, Part II: Motion Models of
Ballistic and Space Targets", IEEE TAES 46(1), 2010 (the ballistic mode).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import inline_kernel, kernel
from iadsim.physics.environment import EARTH_MU_M3_S2
from iadsim.sensors.scan import wrap_angle_of
from iadsim.units import STANDARD_GRAVITY_MPS2

Array = NDArray[np.float64]

FLAT_GRAVITY = 0
"""Gravity field of a flat frame with z up: standard gravity along −z (the synthetic scans)."""
CENTRAL_GRAVITY = 1
"""Gravity field of ECEF: a point-mass Earth, g = −μ r/|r|³ (the engine)."""
MIN_MODE_PROBABILITY = 1e-6
"""Floor of an IMM model's probability after an update: no model dies out for good (it could not come back)."""


@inline_kernel
def gravity_at(x: float, y: float, z: float, field: int) -> tuple[float, float, float]:
    """Acceleration of gravity (m/s²) at a position of the frame (``FLAT_GRAVITY`` or ``CENTRAL_GRAVITY``)."""
    if field == CENTRAL_GRAVITY:
        r2 = x * x + y * y + z * z
        k = -EARTH_MU_M3_S2 / (r2 * np.sqrt(r2))
        return k * x, k * y, k * z
    return 0.0, 0.0, -STANDARD_GRAVITY_MPS2


@kernel
def transition_blocks(dt_s: float, turn_rate_rps: float, x: Array, field: int, blocks: Array) -> None:
    """Blocks A = ``blocks[0]`` and B = ``blocks[1]`` (3 × 3, written) of a coordinated turn over ``dt_s``.

    The velocity turns at ``turn_rate_rps`` about the local vertical u at x's
    position (against gravity): with K the cross-product matrix of u and θ = ω dt,
    B = I + sin θ K + (1 - cos θ) K² (Rodrigues) and the position advances by
    A = ∫B = dt I + (1 - cos θ)/ω K + (dt - sin θ/ω) K² (Bar-Shalom et al. 2001 §11.7);
    K² = u uᵀ - I for a unit axis. (Constant velocity, ω = 0, is A = dt I, B = I.)
    """
    gx, gy, gz = gravity_at(x[0], x[1], x[2], field)
    norm = np.sqrt(gx * gx + gy * gy + gz * gz)
    u0, u1, u2 = -gx / norm, -gy / norm, -gz / norm
    theta = turn_rate_rps * dt_s
    sin_t, one_minus_cos = np.sin(theta), 1.0 - np.cos(theta)
    ka, kb = one_minus_cos / turn_rate_rps, dt_s - sin_t / turn_rate_rps
    k = ((0.0, -u2, u1), (u2, 0.0, -u0), (-u1, u0, 0.0))
    u = (u0, u1, u2)
    for i in range(3):
        for j in range(3):
            k2 = u[i] * u[j] - (1.0 if i == j else 0.0)
            same = 1.0 if i == j else 0.0
            blocks[0, i, j] = dt_s * same + ka * k[i][j] + kb * k2
            blocks[1, i, j] = same + sin_t * k[i][j] + one_minus_cos * k2


@kernel
def predict_mean(x: Array, dt_s: float, turn_rate_rps: float, ballistic: bool, field: int, out: Array,
                 blocks: Array) -> None:
    """Mean (6,) of one motion model's prediction of ``x`` over ``dt_s`` (``blocks``: :func:`transition_blocks`'s).

    The ballistic model (Li & Jilkov 2010, Part II, §III: free flight under the
    Earth's gravity, drag and thrust left to the process noise) adds what gravity
    does to the constant-velocity motion: p' = p + v dt + g dt²/2, v' = v + g dt,
    with g at the mid-point p + v dt/2 (second order in dt; the gravity gradient,
    about 2g/R = 3·10⁻⁶ s⁻², changes g by 0.1 % over 10 s of flight and is left out
    of the Jacobian, which stays the constant-velocity one). Negative ``dt_s`` retrodicts.
    """
    half = 0.5 * dt_s
    gx = gy = gz = 0.0
    if ballistic:
        gx, gy, gz = gravity_at(x[0] + half * x[3], x[1] + half * x[4], x[2] + half * x[5], field)
    if turn_rate_rps == 0.0:
        out[0], out[1], out[2] = x[0] + dt_s * x[3], x[1] + dt_s * x[4], x[2] + dt_s * x[5]
        out[3], out[4], out[5] = x[3], x[4], x[5]
    else:
        transition_blocks(dt_s, turn_rate_rps, x, field, blocks)
        for i in range(3):
            out[i] = x[i] + blocks[0, i, 0] * x[3] + blocks[0, i, 1] * x[4] + blocks[0, i, 2] * x[5]
            out[3 + i] = blocks[1, i, 0] * x[3] + blocks[1, i, 1] * x[4] + blocks[1, i, 2] * x[5]
    out[0] += half * dt_s * gx
    out[1] += half * dt_s * gy
    out[2] += half * dt_s * gz
    out[3] += dt_s * gx
    out[4] += dt_s * gy
    out[5] += dt_s * gz


@kernel
def predict_mode(x: Array, p: Array, dt_s: float, turn_rate_rps: float, ballistic: bool, intensity: float,
                 field: int, out_x: Array, out_p: Array, blocks: Array) -> None:
    """One motion model's Kalman prediction x' = F x (+ gravity), P' = F P Fᵀ + Q (``blocks``: (2, 3, 3) work).

    With F = [[I, A], [0, B]]: P'pp = Ppp + A Pvp + Ppv Aᵀ + A Pvv Aᵀ, P'pv = (Ppv + A Pvv) Bᵀ,
    P'vv = B Pvv Bᵀ (for constant velocity A = dt I and B = I, written out). Q is continuous
    white-noise acceleration of ``intensity`` q (m²/s³) over |dt|: per axis
    q [[dt³/3, dt²/2], [dt²/2, dt]] (Bar-Shalom et al. 2001 §6.2.2, Stone Soup's
    ``ConstantVelocity``); a caller that wants none passes 0.
    """
    predict_mean(x, dt_s, turn_rate_rps, ballistic, field, out_x, blocks)
    d = abs(dt_s)
    q_pp, q_pv, q_vv = intensity * d * d * d / 3.0, intensity * d * d / 2.0, intensity * d
    if turn_rate_rps == 0.0:
        for i in range(3):
            for j in range(3):
                same = 1.0 if i == j else 0.0
                pv = p[i, 3 + j] + dt_s * p[3 + i, 3 + j]
                out_p[i, j] = p[i, j] + dt_s * (p[i, 3 + j] + p[3 + i, j]) + dt_s * dt_s * p[3 + i, 3 + j] + same * q_pp
                out_p[i, 3 + j] = pv + same * q_pv
                out_p[3 + j, i] = pv + same * q_pv
                out_p[3 + i, 3 + j] = p[3 + i, 3 + j] + same * q_vv
    else:
        for i in range(3):
            for j in range(3):
                pp = p[i, j]
                pv = 0.0
                vv = 0.0
                for k in range(3):
                    t_ik = blocks[0, i, 0] * p[3, 3 + k] + blocks[0, i, 1] * p[4, 3 + k] + blocks[0, i, 2] * p[5, 3 + k]
                    v_ik = blocks[1, i, 0] * p[3, 3 + k] + blocks[1, i, 1] * p[4, 3 + k] + blocks[1, i, 2] * p[5, 3 + k]
                    pp += blocks[0, i, k] * p[3 + k, j] + p[i, 3 + k] * blocks[0, j, k] + t_ik * blocks[0, j, k]
                    pv += (p[i, 3 + k] + t_ik) * blocks[1, j, k]
                    vv += v_ik * blocks[1, j, k]
                same = 1.0 if i == j else 0.0
                out_p[i, j] = pp + same * q_pp
                out_p[i, 3 + j] = pv + same * q_pv
                out_p[3 + j, i] = pv + same * q_pv
                out_p[3 + i, 3 + j] = vv + same * q_vv


@inline_kernel
def enu_of(z: Array) -> tuple[float, float, float]:
    """East, north, up (m) of a (range, azimuth, elevation) measurement in its radar's frame."""
    cos_el = np.cos(z[2])
    return z[0] * cos_el * np.sin(z[1]), z[0] * cos_el * np.cos(z[1]), z[0] * np.sin(z[2])


@kernel
def measure(x: Array, sensor_pos: Array, rotation: Array, z: Array, hp: Array) -> None:
    """Predicted (range, azimuth, elevation) ``z`` (3,) of state ``x`` and the measurement Jacobian's
    position block ``hp`` (3 × 3; the velocity block is zero)."""
    d0, d1, d2 = x[0] - sensor_pos[0], x[1] - sensor_pos[1], x[2] - sensor_pos[2]
    e = rotation[0, 0] * d0 + rotation[0, 1] * d1 + rotation[0, 2] * d2
    n = rotation[1, 0] * d0 + rotation[1, 1] * d1 + rotation[1, 2] * d2
    u = rotation[2, 0] * d0 + rotation[2, 1] * d1 + rotation[2, 2] * d2
    rho2 = max(e * e + n * n, 1e-6)
    rho = np.sqrt(rho2)
    r2 = rho2 + u * u
    r = np.sqrt(r2)
    z[0], z[1], z[2] = r, np.arctan2(e, n), np.arctan2(u, rho)
    jacobian = ((e / r, n / r, u / r), (n / rho2, -e / rho2, 0.0),
                (-e * u / (r2 * rho), -n * u / (r2 * rho), rho / r2))
    for i in range(3):
        for j in range(3):
            hp[i, j] = jacobian[i][0] * rotation[0, j] + jacobian[i][1] * rotation[1, j] + jacobian[i][2] * rotation[2, j]


@inline_kernel
def innovation(z: Array, z_predicted: Array, nu: Array) -> None:
    """ν = z - ẑ (3,) with the azimuth difference wrapped into [-π, π)."""
    for i in range(3):
        nu[i] = z[i] - z_predicted[i]
    nu[1] = wrap_angle_of(nu[1])


@inline_kernel
def gate_distance_squared(z: Array, k: int, z_predicted: Array, s_inverse: Array, q: int) -> float:
    """νᵀ S⁻¹ ν of measurement ``z[k]`` against prediction ``q`` (``z_predicted[q]``, ``s_inverse[q]``):
    :func:`innovation` and :func:`mahalanobis_squared` by index, without a view per pair."""
    nu0, nu2 = z[k, 0] - z_predicted[q, 0], z[k, 2] - z_predicted[q, 2]
    nu1 = wrap_angle_of(z[k, 1] - z_predicted[q, 1])
    total = 0.0
    for i in range(3):
        nu_i = nu0 if i == 0 else (nu1 if i == 1 else nu2)
        for j in range(3):
            total += nu_i * s_inverse[q, i, j] * (nu0 if j == 0 else (nu1 if j == 1 else nu2))
    return total


@inline_kernel
def invert_3x3(s: Array, s_inverse: Array) -> float:
    """The inverse of a symmetric 3 × 3 matrix (by cofactors, written); returns its determinant."""
    c00 = s[1, 1] * s[2, 2] - s[1, 2] * s[2, 1]
    c01 = s[1, 2] * s[2, 0] - s[1, 0] * s[2, 2]
    c02 = s[1, 0] * s[2, 1] - s[1, 1] * s[2, 0]
    det = s[0, 0] * c00 + s[0, 1] * c01 + s[0, 2] * c02
    s_inverse[0, 0], s_inverse[1, 0], s_inverse[2, 0] = c00 / det, c01 / det, c02 / det
    s_inverse[0, 1] = (s[0, 2] * s[2, 1] - s[0, 1] * s[2, 2]) / det
    s_inverse[1, 1] = (s[0, 0] * s[2, 2] - s[0, 2] * s[2, 0]) / det
    s_inverse[2, 1] = (s[0, 1] * s[2, 0] - s[0, 0] * s[2, 1]) / det
    s_inverse[0, 2] = (s[0, 1] * s[1, 2] - s[0, 2] * s[1, 1]) / det
    s_inverse[1, 2] = (s[0, 2] * s[1, 0] - s[0, 0] * s[1, 2]) / det
    s_inverse[2, 2] = (s[0, 0] * s[1, 1] - s[0, 1] * s[1, 0]) / det
    return det


@kernel
def innovation_covariance(p: Array, hp: Array, sigma: Array, s: Array, s_inverse: Array) -> float:
    """S = H P Hᵀ + R (3 × 3) for a radar of errors ``sigma`` (range m, azimuth, elevation rad), its inverse;
    returns det S."""
    for i in range(3):
        for j in range(i, 3):
            total = 0.0
            for k in range(3):
                row = 0.0
                for m in range(3):
                    row += hp[i, m] * p[m, k]
                total += row * hp[j, k]
            s[i, j] = total
            s[j, i] = total
        s[i, i] += sigma[i] * sigma[i]
    return invert_3x3(s, s_inverse)


@inline_kernel
def mahalanobis_squared(nu: Array, s_inverse: Array) -> float:
    """νᵀ S⁻¹ ν."""
    total = 0.0
    for i in range(3):
        for j in range(3):
            total += nu[i] * s_inverse[i, j] * nu[j]
    return total


@kernel
def update(x: Array, p: Array, nu: Array, hp: Array, s_inverse: Array, work: Array) -> None:
    """EKF update in place with innovation ``nu``: K = P Hᵀ S⁻¹, x += K ν, P -= K S Kᵀ, symmetrised
    (as Stone Soup's updater); ``work`` (2, 6, 3)."""
    pht, gain = work[0], work[1]
    for i in range(6):
        for j in range(3):
            pht[i, j] = p[i, 0] * hp[j, 0] + p[i, 1] * hp[j, 1] + p[i, 2] * hp[j, 2]
    for i in range(6):
        for j in range(3):
            gain[i, j] = pht[i, 0] * s_inverse[0, j] + pht[i, 1] * s_inverse[1, j] + pht[i, 2] * s_inverse[2, j]
        x[i] += gain[i, 0] * nu[0] + gain[i, 1] * nu[1] + gain[i, 2] * nu[2]
    for i in range(6):  # K S Kᵀ = K (P Hᵀ)ᵀ, symmetrised
        for j in range(i, 6):
            ij = p[i, j] - (gain[i, 0] * pht[j, 0] + gain[i, 1] * pht[j, 1] + gain[i, 2] * pht[j, 2])
            ji = p[j, i] - (gain[j, 0] * pht[i, 0] + gain[j, 1] * pht[i, 1] + gain[j, 2] * pht[i, 2])
            p[i, j] = 0.5 * (ij + ji)
            p[j, i] = p[i, j]


@kernel
def ekf_update(x: Array, p: Array, z: Array, sensor_pos: Array, rotation: Array, sigma: Array, likelihood: bool,
               z_predicted: Array, nu: Array, hp: Array, s: Array, s_inverse: Array, gains: Array) -> float:
    """Update state ``x`` (6,), ``p`` (6, 6) in place with radar measurement ``z`` (work: (3,), (3,), four
    (3, 3), (2, 6, 3)). Returns the measurement's likelihood N(ν; 0, S) when ``likelihood`` (the IMM's
    model weights), else its NIS νᵀ S⁻¹ ν."""
    measure(x, sensor_pos, rotation, z_predicted, hp)
    det = innovation_covariance(p, hp, sigma, s, s_inverse)
    innovation(z, z_predicted, nu)
    nis = mahalanobis_squared(nu, s_inverse)
    update(x, p, nu, hp, s_inverse, gains)
    return np.exp(-0.5 * nis) / np.sqrt((2.0 * np.pi) ** 3 * det) if likelihood else nis


@kernel
def initial_state(z: Array, sensor_pos: Array, rotation: Array, sigma: Array, speed_sigma_mps: float,
                  x: Array, p: Array) -> None:
    """A new track from one measurement: position converted from (range, az, el), velocity unknown.

    Position covariance G R Gᵀ with G the Jacobian of the conversion (the
    inverse of the measurement Jacobian, as Stone Soup's
    ``SimpleMeasurementInitiator``); velocity zero with ``speed_sigma_mps`` per axis.
    """
    r, cos_el, sin_el, cos_az, sin_az = z[0], np.cos(z[2]), np.sin(z[2]), np.cos(z[1]), np.sin(z[1])
    east, north, up = enu_of(z)
    local = (cos_el * sin_az, r * cos_el * cos_az, -r * sin_el * sin_az,
             cos_el * cos_az, -r * cos_el * sin_az, -r * sin_el * cos_az,
             sin_el, 0.0, r * cos_el)  # ∂(e, n, u)/∂(range, az, el), row-major
    variance = (sigma[0] * sigma[0], sigma[1] * sigma[1], sigma[2] * sigma[2])
    for i in range(3):
        x[i] = sensor_pos[i] + rotation[0, i] * east + rotation[1, i] * north + rotation[2, i] * up
        x[3 + i] = 0.0
    for i in range(6):
        for j in range(6):
            p[i, j] = 0.0
    for i in range(3):
        for j in range(3):
            total = 0.0
            for k in range(3):
                g_ik = rotation[0, i] * local[k] + rotation[1, i] * local[3 + k] + rotation[2, i] * local[6 + k]
                g_jk = rotation[0, j] * local[k] + rotation[1, j] * local[3 + k] + rotation[2, j] * local[6 + k]
                total += g_ik * variance[k] * g_jk
            p[i, j] = total
        p[3 + i, 3 + i] = speed_sigma_mps * speed_sigma_mps


@kernel
def mixing_weights(mu: Array, transition: Array, dt_s: float, weights: Array, mu_predicted: Array) -> bool:
    """IMM mixing over ``dt_s``: predicted model probabilities μ_j = Σ_i T_ij μ_i and weights μ_{i|j} (written).

    Returns False (and no weights) when nothing mixes: one model, or a step that does not move
    forward (a retrodiction keeps every model's own estimate). A model of zero predicted
    probability keeps its own estimate rather than mixing to nothing.
    """
    models = len(mu)
    if models == 1 or dt_s <= 0.0:
        for j in range(models):
            mu_predicted[j] = mu[j]
        return False
    for j in range(models):
        total = 0.0
        for i in range(models):
            total += transition[i, j] * mu[i]
        mu_predicted[j] = total
    for j in range(models):
        for i in range(models):
            if mu_predicted[j] > 0.0:
                weights[i, j] = transition[i, j] * mu[i] / max(mu_predicted[j], 1e-300)
            else:
                weights[i, j] = 1.0 if i == j else 0.0
    return True


@kernel
def mixed_mean(mode_x: Array, weights: Array, j: int, out: Array) -> None:
    """The mixed initial mean (6,) of model ``j``: Σ_i μ_{i|j} x_i."""
    for k in range(6):
        total = 0.0
        for i in range(len(mode_x)):
            total += weights[i, j] * mode_x[i, k]
        out[k] = total


@kernel
def imm_predict(mode_x: Array, mode_p: Array, mu: Array, dt_s: float, transition: Array, turn_rate_rps: Array,
                ballistic: NDArray[np.bool_], intensity: Array, field: int, out_x: Array, out_p: Array,
                out_mu: Array, weights: Array, mixed_x: Array, mixed_p: Array, blocks: Array) -> None:
    """Model-wise predictions (M, 6), (M, 6, 6) and probabilities (M,) over ``dt_s``, IMM mixing first.

    Model j moves by ``turn_rate_rps[j]`` and ``ballistic[j]`` with noise ``intensity[j]``, acting only
    forward (a report older than the state is retrodicted without it); ``transition`` (M, M) switches
    models. One model is the plain EKF prediction.
    """
    mixing = mixing_weights(mu, transition, dt_s, weights, out_mu)
    forward = 1.0 if dt_s >= 0.0 else 0.0
    for j in range(len(mu)):
        if mixing:
            mixed_mean(mode_x, weights, j, mixed_x)
            for k in range(6):
                for m in range(6):
                    total = 0.0
                    for i in range(len(mu)):
                        spread = (mode_x[i, k] - mixed_x[k]) * (mode_x[i, m] - mixed_x[m])
                        total += weights[i, j] * (mode_p[i, k, m] + spread)
                    mixed_p[k, m] = total
        else:
            for k in range(6):
                mixed_x[k] = mode_x[j, k]
                for m in range(6):
                    mixed_p[k, m] = mode_p[j, k, m]
        predict_mode(mixed_x, mixed_p, dt_s, turn_rate_rps[j], ballistic[j], forward * intensity[j], field,
                     out_x[j], out_p[j], blocks)


@kernel
def combine(mode_x: Array, mode_p: Array, mu: Array, x: Array, p: Array) -> None:
    """Moment-matched mean (6,) and covariance (6, 6) of the mixture of model estimates (one model: its own)."""
    for k in range(6):
        total = 0.0
        for j in range(len(mu)):
            total += mu[j] * mode_x[j, k]
        x[k] = total
    for k in range(6):
        for m in range(6):
            total = 0.0
            for j in range(len(mu)):
                total += mu[j] * (mode_p[j, k, m] + (mode_x[j, k] - x[k]) * (mode_x[j, m] - x[m]))
            p[k, m] = total


@kernel
def imm_update(mode_x: Array, mode_p: Array, mu: Array, z: Array, sensor_pos: Array, rotation: Array,
               sigma: Array, likelihood: Array, z_predicted: Array, nu: Array, hp: Array, s: Array, s_inverse: Array,
               gains: Array) -> None:
    """Update every model in place with measurement ``z``; model probabilities by their likelihoods
    N(ν; 0, S) (Bar-Shalom et al. 2001 §11.6), floored at :data:`MIN_MODE_PROBABILITY`; work as
    :func:`ekf_update`'s."""
    models = len(mu)
    for j in range(models):
        likelihood[j] = ekf_update(mode_x[j], mode_p[j], z, sensor_pos, rotation, sigma, models > 1, z_predicted, nu,
                                   hp, s, s_inverse, gains)
    if models == 1:
        return
    total = 0.0
    for j in range(models):
        total += mu[j] * likelihood[j]
    if total > 0.0:
        for j in range(models):
            mu[j] = mu[j] * likelihood[j] / total
    floored = 0.0
    for j in range(models):
        mu[j] = max(mu[j], MIN_MODE_PROBABILITY)
        floored += mu[j]
    for j in range(models):
        mu[j] /= floored


@kernel
def predict_tracks(x: Array, p: Array, dt_s: Array, turn_rate_rps: float, ballistic: bool, intensity: float,
                   field: int) -> tuple[Array, Array]:
    """Predictions (T, 6), (T, 6, 6) of states ``x`` (T, 6), ``p`` (T, 6, 6) over ``dt_s`` (T,) by one
    motion model (:func:`predict_mode`): the tracker's own step, over many tracks, for verification."""
    out_x, out_p = np.empty_like(x), np.empty_like(p)
    blocks = np.empty((2, 3, 3))
    for k in range(len(x)):
        predict_mode(x[k], p[k], dt_s[k], turn_rate_rps, ballistic, intensity, field, out_x[k], out_p[k], blocks)
    return out_x, out_p


@kernel
def ekf_update_tracks(x: Array, p: Array, z: Array, sensor_pos: Array, rotation: Array,
                      sigma: Array) -> tuple[Array, Array, Array]:
    """EKF updates of states ``x`` (T, 6), ``p`` (T, 6, 6) with measurements ``z`` (T, 3) of one radar
    (position (3,), rotation (3, 3), errors ``sigma`` (3,)): the updated states and each innovation's
    NIS νᵀ S⁻¹ ν (T,), by the tracker's own step (:func:`ekf_update`), for verification."""
    out_x, out_p = x.copy(), p.copy()
    nis = np.empty(len(x))
    z_predicted, nu, hp, s, s_inverse = np.empty(3), np.empty(3), np.empty((3, 3)), np.empty((3, 3)), np.empty((3, 3))
    gains = np.empty((2, 6, 3))
    for k in range(len(x)):
        nis[k] = ekf_update(out_x[k], out_p[k], z[k], sensor_pos, rotation, sigma, False, z_predicted, nu, hp, s,
                            s_inverse, gains)
    return out_x, out_p, nis
