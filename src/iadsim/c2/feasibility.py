"""Engagement feasibility for every (weapon, track) pair at once: now, and later in the track's flight.

A *weapon* is one fire unit's stock of one missile type. For each weapon and
each track of the unit's air picture:

- **now**: the predicted intercept of a round fired this cycle (through
  :meth:`Envelope.intercepts`, so a better flyout model slots in there) falls
  inside the type's envelope, before the threat reaches its aim, and inside the
  unit's engagement sector (bearing from the unit within half the sector of its
  heading, when its type has one);
- **later**: the track's leg from where it is to the defended point it heads
  for passes within :data:`LATER_RANGE_FRACTION` of the type's maximum range of
  the unit (ground range), in the type's altitude band and sector, at a speed
  the type can engage: a shorter layer "will get its chance".

Pairs far out of reach are pruned first by a bound on the distance a target can
close while a round flies out, so only plausible pairs pay for the intercept
geometry. Everything is vectorised over the flattened pairs, one call per missile type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.c2.engagement import Envelope

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

LATER_RANGE_FRACTION = 0.8
"""A track counts as reachable later if it passes within this fraction of a type's maximum range."""


@dataclass(frozen=True)
class Weapons:
    """The (fire unit, missile type) pairs in play, and what each needs from its unit."""

    unit: I64  # (W,)
    missile: I64  # (W,)


@dataclass(frozen=True)
class UnitGeometry:
    """Where the fire units stand and what they can see: positions, ENU frames, sectors."""

    pos_ecef_m: F64  # (U, 3)
    rotation: F64  # (U, 3, 3) ECEF -> local east, north, up
    heading_rad: F64  # (U,)
    half_sector_rad: F64  # (U,) pi when all round
    picture: I64  # (U,)


@dataclass(frozen=True)
class Feasibility:
    """Feasibility of W weapons against T tracks."""

    now: NDArray[np.bool_]  # (W, T)
    time_of_flight_s: F64  # (W, T), inf where not feasible now


def in_sector(local_enu_m: F64, heading_rad: F64, half_sector_rad: F64) -> NDArray[np.bool_]:
    """Whether points in a unit's local frame (K, 3) lie within ``half_sector_rad`` of its heading."""
    limited = np.broadcast_to(half_sector_rad < np.pi, (len(local_enu_m),))
    inside = np.ones(len(local_enu_m), dtype=bool)
    if limited.any():
        bearing = np.arctan2(local_enu_m[limited, 0], local_enu_m[limited, 1])
        heading = np.broadcast_to(heading_rad, limited.shape)[limited]
        half = np.broadcast_to(half_sector_rad, limited.shape)[limited]
        inside[limited] = np.abs((bearing - heading + np.pi) % (2.0 * np.pi) - np.pi) <= half
    return inside


def feasible_now(
    envelope: Envelope, weapons: Weapons, units: UnitGeometry, track_picture: I64,
    pos_m: F64, vel_mps: F64, t_go_s: F64, usable: NDArray[np.bool_],
) -> Feasibility:
    """Which weapons can engage which tracks with a round fired now, and the time of flight.

    ``usable`` (W,) marks the weapons worth asking (rounds ready, unit free to fire).
    """
    n_weapons, n_tracks = len(weapons.unit), len(pos_m)
    now = np.zeros((n_weapons, n_tracks), dtype=bool)
    tof = np.full((n_weapons, n_tracks), np.inf)
    speed = np.linalg.norm(vel_mps, axis=1)
    for missile in np.unique(weapons.missile[usable]):
        rows = np.flatnonzero(usable & (weapons.missile == missile))
        unit = weapons.unit[rows]
        reach = (envelope.max_range_m[missile] + envelope.max_altitude_m[missile]) * (
            1.0 + speed / envelope.average_speed_mps[missile])
        w, t = np.nonzero(units.picture[unit][:, None] == track_picture[None, :])
        shooter = units.pos_ecef_m[unit[w]]
        near = np.einsum("ki,ki->k", pos_m[t] - shooter, pos_m[t] - shooter) <= reach[t] ** 2
        w, t = w[near], t[near]
        if len(w) == 0:
            continue
        u = unit[w]
        ok, flight_s = envelope.intercepts(int(missile), units.pos_ecef_m[u], units.rotation[u],
                                           pos_m[t], vel_mps[t], t_go_s[t])
        sectored = ok & (units.half_sector_rad[u] < np.pi)
        if sectored.any():
            k = np.flatnonzero(sectored)
            pip = pos_m[t[k]] + vel_mps[t[k]] * flight_s[k, None]
            local = np.einsum("kij,kj->ki", units.rotation[u[k]], pip - units.pos_ecef_m[u[k]])
            ok[k] = in_sector(local, units.heading_rad[u[k]], units.half_sector_rad[u[k]])
        now[rows[w[ok]], t[ok]] = True
        tof[rows[w[ok]], t[ok]] = flight_s[ok]
    return Feasibility(now, tof)


def reachable_later(
    envelope: Envelope, weapons: Weapons, units: UnitGeometry, track_picture: I64, pos_m: F64, speed_mps: F64,
    altitude_m: F64, climb_rate_mps: F64, destination_m: F64, candidates: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """(W, T) whether each weapon will be able to engage each track before it arrives (``candidates`` only).

    Each track is taken to fly on to its ``destination_m`` (the defended point
    threat evaluation says it heads for: over minutes its aim is a steadier guide
    than its measured heading) at its ground speed. It counts as reachable if that
    leg passes within :data:`LATER_RANGE_FRACTION` of the type's maximum range of
    the unit (ground range), at an altitude and a speed the type engages, inside
    the unit's sector. The altitude there is today's plus ``climb_rate_mps`` times
    the time to that point: the caller passes 0 for tracks in level flight, whose
    measured climb rate is mostly noise over minutes.
    """
    later = np.zeros(candidates.shape, dtype=bool)
    w, t = np.nonzero(candidates & (units.picture[weapons.unit][:, None] == track_picture[None, :]))
    if len(w) == 0:
        return later
    u, m = weapons.unit[w], weapons.missile[w]
    start = np.einsum("kij,kj->ki", units.rotation[u], pos_m[t] - units.pos_ecef_m[u])[:, :2]
    leg = np.einsum("kij,kj->ki", units.rotation[u], destination_m[t] - pos_m[t])[:, :2]
    leg_sq = np.maximum(np.einsum("ki,ki->k", leg, leg), 1e-6)
    along = np.clip(-np.einsum("ki,ki->k", start, leg) / leg_sq, 0.0, 1.0)
    closest = start + leg * along[:, None]
    miss = np.hypot(closest[:, 0], closest[:, 1])
    ring = LATER_RANGE_FRACTION * envelope.max_range_m[m]
    t_closest = along * np.sqrt(leg_sq) / np.maximum(speed_mps[t], 1.0)
    altitude = altitude_m[t] + climb_rate_mps[t] * t_closest
    ok = (
        (miss <= ring)
        & (altitude >= envelope.min_altitude_m[m]) & (altitude <= envelope.max_altitude_m[m])
        & (speed_mps[t] <= envelope.max_target_speed_mps[m])
        & in_sector(np.column_stack([closest, np.zeros(len(w))]), units.heading_rad[u], units.half_sector_rad[u])
    )
    later[w[ok], t[ok]] = True
    return later
