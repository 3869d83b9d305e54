"""Engagement feasibility of (weapon, track) pairs, in kernels: now, and later in the track's flight.

A *weapon* is one fire unit's stock of one missile type. For each weapon and
each track of the unit's air picture:

- **now** (:func:`feasible_pairs`): the predicted intercept of a round fired this
  cycle (:func:`~iadsim.c2.engagement.intercept_of`, so a better flyout model
  slots in there) falls inside the type's envelope, before the threat reaches its
  aim, and inside the unit's engagement sector (bearing from the unit within half
  the sector of its heading, when its type has one);
- **later** (:func:`reachable_later`): the track's leg from where it is to the
  defended point it heads for passes within :data:`LATER_RANGE_FRACTION` of the
  type's maximum range of the unit (ground range), in the type's altitude band and
  sector, at a speed the type can engage: a shorter layer "will get its chance".

Pairs far out of reach are pruned first by a bound on the distance a target can
close while a round flies out, (max range + max altitude) × (1 + target speed /
the type's average speed), and targets faster than the type engages are skipped,
so only plausible pairs pay for the intercept geometry; the answer is a list of
feasible pairs (sparse), never a dense weapons × tracks array.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from iadsim.c2.engagement import MAX_ALTITUDE, MAX_RANGE, MAX_TARGET_SPEED, MIN_ALTITUDE, AVERAGE_SPEED, intercept_of
from iadsim.jit import grown, inline_kernel, kernel
from iadsim.physics.flyout_table import FlyoutGrids

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

LATER_RANGE_FRACTION = 0.8
"""A track counts as reachable later if it passes within this fraction of a type's maximum range."""


class UnitGeometry(NamedTuple):
    """Where the fire units stand and what they can see: positions, ENU frames, sectors (read from the world)."""

    pos_ecef_m: F64  # (U, 3)
    rotation: F64  # (U, 3, 3) ECEF -> local east, north, up
    heading_rad: F64  # (U,)
    half_sector_rad: F64  # (U,) pi when all round
    picture: NDArray[np.int32]  # (U,)


@inline_kernel
def in_sector(east_m: float, north_m: float, heading_rad: float, half_sector_rad: float) -> bool:
    """Whether a point at (east, north) of a unit lies within ``half_sector_rad`` of its heading."""
    if half_sector_rad >= np.pi:
        return True
    bearing = np.arctan2(east_m, north_m)
    return abs((bearing - heading_rad + np.pi) % (2.0 * np.pi) - np.pi) <= half_sector_rad


@inline_kernel
def _local(rotation: F64, dx: float, dy: float, dz: float) -> tuple[float, float]:
    """East and north (m) of the ECEF offset (dx, dy, dz) in a unit's frame."""
    return (rotation[0, 0] * dx + rotation[0, 1] * dy + rotation[0, 2] * dz,
            rotation[1, 0] * dx + rotation[1, 1] * dy + rotation[1, 2] * dz)


@kernel
def feasible_pairs(
    figures: F64, grids: FlyoutGrids, weapon_unit: I64, weapon_missile: I64, usable: NDArray[np.bool_],
    units: UnitGeometry, track_picture: NDArray[np.int32], pos_m: F64, vel_mps: F64, t_go_s: F64,
    gainful_only: bool, at_risk: F64, weapon_pk: F64, weapon_cost: F64,
) -> tuple[I64, I64, F64]:
    """Every (weapon, track) pair a round fired now can engage: weapon, track and time of flight (s) per pair.

    Weapons are the W rows of ``weapon_unit`` / ``weapon_missile``, only the
    ``usable`` ones asked (rounds ready, unit free to fire); tracks the T rows of
    ``pos_m`` / ``vel_mps`` (predicted to now) with ``t_go_s`` until they reach
    their aim. With ``gainful_only``, only the pairs where a round gains anything,
    V q p − c > 0 with V q the track's ``at_risk`` and p, c the weapon's ``weapon_pk``
    and ``weapon_cost``: the decide stage asks those first, to learn cheaply whether
    any round is worth firing at all. Pairs come weapon by weapon, tracks in order.
    """
    pair_weapon, pair_track = np.empty(16, np.int64), np.empty(16, np.int64)
    pair_tof = np.empty(16)
    n = 0
    has_table, ground_grid, altitude_grid, tof_table = grids
    work = np.empty(3)
    unit_pos, unit_rotation, heading, half_sector, unit_picture = units
    for w in range(len(weapon_unit)):
        if not usable[w]:
            continue
        u, m = weapon_unit[w], weapon_missile[w]
        row = figures[m]
        launcher, rotation = unit_pos[u], unit_rotation[u]
        reach = row[MAX_RANGE] + row[MAX_ALTITUDE]
        for t in range(len(pos_m)):
            if unit_picture[u] != track_picture[t] or (
                    gainful_only and not at_risk[t] * weapon_pk[w] - weapon_cost[w] > 0.0):
                continue
            vx, vy, vz = vel_mps[t, 0], vel_mps[t, 1], vel_mps[t, 2]
            speed = np.sqrt(vx * vx + vy * vy + vz * vz)
            dx, dy, dz = pos_m[t, 0] - launcher[0], pos_m[t, 1] - launcher[1], pos_m[t, 2] - launcher[2]
            bound = reach * (1.0 + speed / row[AVERAGE_SPEED])
            if dx * dx + dy * dy + dz * dz > bound * bound or speed > row[MAX_TARGET_SPEED]:
                continue
            ok, tof = intercept_of(figures, has_table, ground_grid, altitude_grid, tof_table, m, launcher, rotation,
                                   pos_m[t], vel_mps[t], t_go_s[t], work)
            if ok and half_sector[u] < np.pi:
                east, north = _local(rotation, pos_m[t, 0] + vx * tof - launcher[0],
                                     pos_m[t, 1] + vy * tof - launcher[1], pos_m[t, 2] + vz * tof - launcher[2])
                ok = in_sector(east, north, heading[u], half_sector[u])
            if ok:
                pair_weapon, pair_track, pair_tof = grown(pair_weapon, n + 1), grown(pair_track, n + 1), \
                    grown(pair_tof, n + 1)
                pair_weapon[n], pair_track[n], pair_tof[n] = w, t, tof
                n += 1
    return pair_weapon[:n], pair_track[:n], pair_tof[:n]


@inline_kernel
def reachable_later(
    figures: F64, missile: int, origin: F64, rotation: F64, heading_rad: float, half_sector_rad: float,
    pos_m: F64, speed_mps: float, altitude_m: float, climb_rate_mps: float, destination_m: F64,
) -> bool:
    """Whether a round of type ``missile`` of the unit at ``origin`` (its ENU ``rotation``, heading and half
    sector) will be able to engage a track before it arrives.

    The track is taken to fly on from ``pos_m`` to its ``destination_m`` (the
    defended point threat evaluation says it heads for: over minutes its aim is a
    steadier guide than its measured heading) at its ground speed. It counts as
    reachable if that leg passes within :data:`LATER_RANGE_FRACTION` of the type's
    maximum range of the unit (ground range), at an altitude and a speed the type
    engages, inside the unit's sector. The altitude there is today's plus
    ``climb_rate_mps`` times the time to that point: the caller passes 0 for tracks
    in level flight, whose measured climb rate is mostly noise over minutes.
    """
    row = figures[missile]
    start_e, start_n = _local(rotation, pos_m[0] - origin[0], pos_m[1] - origin[1], pos_m[2] - origin[2])
    leg_e, leg_n = _local(rotation, destination_m[0] - pos_m[0], destination_m[1] - pos_m[1],
                          destination_m[2] - pos_m[2])
    leg_sq = max(leg_e * leg_e + leg_n * leg_n, 1e-6)
    along = min(max(-(start_e * leg_e + start_n * leg_n) / leg_sq, 0.0), 1.0)
    closest_e, closest_n = start_e + leg_e * along, start_n + leg_n * along
    t_closest = along * np.sqrt(leg_sq) / max(speed_mps, 1.0)
    altitude = altitude_m + climb_rate_mps * t_closest
    return (np.hypot(closest_e, closest_n) <= LATER_RANGE_FRACTION * row[MAX_RANGE]
            and row[MIN_ALTITUDE] <= altitude <= row[MAX_ALTITUDE] and speed_mps <= row[MAX_TARGET_SPEED]
            and in_sector(closest_e, closest_n, heading_rad, half_sector_rad))
