"""Routes flown with coordinated turns: great-circle legs joined by turn arcs, on the sphere of n-vectors.

Every piece of a route, leg or turn, is an arc of a circle on the unit sphere
of horizontal positions (n-vectors, Gade 2010):

    n(θ) = u cos ρ + sin ρ (a cos θ + b sin θ),

with u the circle's axis, ρ its angular radius (π/2 for a great-circle leg) and
a, b an orthonormal pair across u; θ runs from 0 to the piece's angle at a
steady rate, so a threat at constant ground speed is one evaluation per tick.

At each corner the route turns on an arc of radius r = v²/(g √(n² − 1)), the
radius of a coordinated (level, balanced) turn at load factor n and speed v
(e.g. Anderson, Introduction to Flight, 8th ed., §6.17), tangent to the
incoming leg; the next leg starts where the turn ends. A threat without a load
factor turns on the spot (r = 0), as in the `waypoint` model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.jit import kernel
from iadsim.physics.environment import F64
from iadsim.units import STANDARD_GRAVITY_MPS2


def coordinated_turn_radius_m(speed_mps: F64, load_factor: F64) -> F64:
    """Radius (m) of a level coordinated turn, v² / (g √(n² − 1)); inf for n ≤ 1."""
    lift = np.sqrt(np.maximum(np.square(load_factor) - 1.0, 0.0))
    with np.errstate(divide="ignore"):
        return np.where(lift > 0.0, np.square(speed_mps) / (STANDARD_GRAVITY_MPS2 * lift), np.inf)


def _unit(v: F64) -> F64:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-300)


@dataclass(frozen=True)
class Pieces:
    """Each threat's route as ``(N, P)`` circle arcs with their start times (s from launch)."""

    axis: F64  # (N, P, 3) u
    cos_radius: F64  # (N, P) cos ρ
    sin_radius: F64  # (N, P) sin ρ
    a: F64  # (N, P, 3)
    b: F64  # (N, P, 3)
    angle: F64  # (N, P) θ at the piece's end
    start_s: F64  # (N, P + 1) start time of each piece; the last entry is the route's flight time

    def n_vector(self, rows: NDArray[np.int64], piece: NDArray[np.int64], elapsed_s: F64) -> F64:
        """Horizontal positions (n-vectors ``(K, 3)``) of threats ``rows`` on ``piece`` after ``elapsed_s``."""
        return _n_vector_rows(self.axis, self.cos_radius, self.sin_radius, self.a, self.b, self.angle, self.start_s,
                              np.asarray(rows, np.int64), np.asarray(piece, np.int64), np.asarray(elapsed_s, float))


@kernel
def piece_n_vector_of(axis: F64, cos_radius: F64, sin_radius: F64, a: F64, b: F64, angle: F64, start_s: F64,
                      row: int, piece: int, elapsed_s: float, out: F64) -> None:
    """n-vector (3,) into ``out`` of threat ``row`` on ``piece`` of its route after ``elapsed_s`` (the arrays of
    :class:`Pieces`); for kernels."""
    t0, t1 = start_s[row, piece], start_s[row, piece + 1]
    fraction = min(max((elapsed_s - t0) / max(t1 - t0, 1e-12), 0.0), 1.0)
    theta = fraction * angle[row, piece]
    ring_a = np.cos(theta) * sin_radius[row, piece]
    ring_b = np.sin(theta) * sin_radius[row, piece]
    for i in range(3):
        out[i] = axis[row, piece, i] * cos_radius[row, piece] + a[row, piece, i] * ring_a + b[row, piece, i] * ring_b


@kernel
def _n_vector_rows(axis: F64, cos_radius: F64, sin_radius: F64, a: F64, b: F64, angle: F64, start_s: F64,
                   rows: NDArray[np.int64], piece: NDArray[np.int64], elapsed_s: F64) -> F64:
    out = np.empty((len(rows), 3))
    for k in range(len(rows)):
        piece_n_vector_of(axis, cos_radius, sin_radius, a, b, angle, start_s, rows[k], piece[k], elapsed_s[k], out[k])
    return out


def plan_route(n_points: F64, count: NDArray[np.int32], speed_mps: F64, turn_radius_m: F64,
               cruise_alt_m: F64) -> Pieces:
    """Legs and turns through the route's points ``(N, W, 3)`` (n-vectors; row i uses ``count[i]`` of them).

    Turns of radius ``turn_radius_m`` (m, 0 for corners) join the legs; a turn
    whose tangent points would not fit on its legs is shrunk to fit. Ground
    lengths are taken at the cruise altitude, as the `waypoint` model does.
    """
    n_threats, width = n_points.shape[:2]
    pieces = max(2 * width - 3, 1)
    axis = np.zeros((n_threats, pieces, 3))
    a = np.zeros((n_threats, pieces, 3))
    b = np.zeros((n_threats, pieces, 3))
    cos_radius = np.ones((n_threats, pieces))
    sin_radius = np.zeros((n_threats, pieces))
    angle = np.zeros((n_threats, pieces))
    length = np.zeros((n_threats, pieces))
    sphere_m = geo.MEAN_EARTH_RADIUS_M + cruise_alt_m
    start = n_points[:, 0]
    for leg in range(width - 1):
        end, after = n_points[:, leg + 1], n_points[:, min(leg + 2, width - 1)]
        turning = (leg + 2 < count) & (turn_radius_m > 0.0)
        pole = _unit(np.cross(start, end))
        pole_next = _unit(np.cross(end, after))
        leg_angle = np.arctan2(np.linalg.norm(np.cross(start, end), axis=1), np.einsum("ki,ki->k", start, end))
        # Turn through the angle between the legs' directions at the corner.
        heading_in = np.cross(pole, end)
        heading_out = np.cross(pole_next, end)
        turn = np.arctan2(np.einsum("ki,ki->k", np.cross(heading_in, heading_out), end),
                          np.einsum("ki,ki->k", heading_in, heading_out))
        turning &= (np.abs(turn) > 1e-9) & (leg_angle > 0.0)
        next_angle = np.arctan2(np.linalg.norm(np.cross(end, after), axis=1), np.einsum("ki,ki->k", end, after))
        room = 0.5 * np.minimum(leg_angle, next_angle) * sphere_m
        radius = np.where(turning, np.minimum(turn_radius_m, room / np.maximum(np.tan(0.5 * np.abs(turn)), 1e-12)),
                          0.0)
        lead = radius * np.tan(0.5 * np.abs(turn)) / sphere_m  # angular distance of the tangent point
        straight = np.maximum(leg_angle - np.where(turning, lead, 0.0), 0.0)
        p = 2 * leg
        axis[:, p], a[:, p], b[:, p] = pole, start, np.cross(pole, start)
        cos_radius[:, p], sin_radius[:, p], angle[:, p] = 0.0, 1.0, straight
        length[:, p] = straight * sphere_m
        tangent = start * np.cos(straight)[:, None] + np.cross(pole, start) * np.sin(straight)[:, None]
        if p + 1 < pieces:
            side = np.sign(turn)
            rho = radius / sphere_m
            centre = tangent * np.cos(rho)[:, None] + side[:, None] * pole * np.sin(rho)[:, None]
            spoke = _unit(tangent - centre * np.cos(rho)[:, None])
            axis[:, p + 1], a[:, p + 1] = centre, spoke
            b[:, p + 1] = side[:, None] * np.cross(centre, spoke)
            cos_radius[:, p + 1], sin_radius[:, p + 1] = np.cos(rho), np.sin(rho)
            angle[:, p + 1] = np.where(turning, np.abs(turn), 0.0)
            length[:, p + 1] = np.where(turning, radius * np.abs(turn), 0.0)
            turned = centre * np.cos(rho)[:, None] + np.sin(rho)[:, None] * (
                spoke * np.cos(angle[:, p + 1])[:, None] + b[:, p + 1] * np.sin(angle[:, p + 1])[:, None])
            start = np.where(turning[:, None], turned, end)
    start_s = np.concatenate((np.zeros((n_threats, 1)), np.cumsum(length / speed_mps[:, None], axis=1)), axis=1)
    return Pieces(axis, cos_radius, sin_radius, a, b, angle, start_s)
