"""Where and when aircraft release their weapons, and the weapons never released (``raids[].releases``).

A carrier flies a route fixed before the first tick, so the move stage finds, once when it is built, the
moment each weapon is released, from the carrier's own flight as that move model flies it: the first time
the carrier's ground distance to the weapon's aim point falls to the release range (samples every
``SAMPLE_S`` of its flight, the crossing interpolated linearly between them), or the time it passes the named
waypoint (:meth:`passing_time_s` of the model). The weapon's launch time and launch point become the
carrier's time and position there; its own flight (route, altitude profile, ballistic arc) is then planned
from that point like any raid's. Each tick, :func:`not_released` ends the pending weapons whose carrier is no
longer flying (shot down, or at the end of its route before the release): they are never launched.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from iadsim import geo
from iadsim.jit import kernel
from iadsim.physics.environment import F64
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, KILLED, NOT_RELEASED, PENDING

I64 = np.ndarray
EARTH_RADIUS_M = geo.MEAN_EARTH_RADIUS_M
SAMPLE_S = 1.0
"""Time between the samples of a carrier's flight at which its distance to the target is measured (s)."""


class Flown(Protocol):
    """What a move model offers to find releases: positions along each threat's planned flight."""

    flight_time_s: F64

    def rewind(self) -> None: ...

    def position(self, rows: I64, elapsed_s: F64) -> tuple[F64, F64]: ...

    def passing_time_s(self, rows: I64, point: I64) -> F64: ...


def positions_at(model: Flown, rows: I64, elapsed_s: F64) -> tuple[F64, F64]:
    """ECEF positions and altitudes of ``rows`` after ``elapsed_s`` of flight, in any order (the model's
    positions are asked row by row in increasing time, from the start of its flight)."""
    order = np.lexsort((elapsed_s, rows))
    model.rewind()
    pos, alt = model.position(np.ascontiguousarray(rows[order]), np.ascontiguousarray(elapsed_s[order]))
    out_pos, out_alt = np.empty_like(pos), np.empty_like(alt)
    out_pos[order], out_alt[order] = pos, alt
    return out_pos, out_alt


def first_within_s(model: Flown, carrier: I64, aim_ecef_m: F64, range_m: F64) -> F64:
    """(R,) the time of flight (s) at which each ``carrier`` first comes within ``range_m`` (ground distance)
    of ``aim_ecef_m``; inf when it never does."""
    rows = np.unique(carrier)
    counts = (np.ceil(model.flight_time_s[rows] / SAMPLE_S).astype(np.int64) + 1)
    start = np.concatenate(([0], np.cumsum(counts)))
    sample_row = np.repeat(rows, counts)
    sample_t = np.minimum((np.arange(start[-1]) - np.repeat(start[:-1], counts)) * SAMPLE_S,
                          model.flight_time_s[sample_row])
    pos, _ = positions_at(model, sample_row, sample_t)
    lat, lon, _ = geo.ecef_to_geodetic(pos)
    aim_lat, aim_lon, _ = geo.ecef_to_geodetic(aim_ecef_m)
    which = np.searchsorted(rows, carrier)
    return _first_crossing(geo.n_vector(lat, lon), sample_t, start[which], start[which + 1],
                           geo.n_vector(aim_lat, aim_lon), range_m)


@kernel
def _first_crossing(n: F64, t_s: F64, first: I64, stop: I64, aim_n: F64, range_m: F64) -> F64:
    out = np.full(len(first), np.inf)
    for r in range(len(first)):
        before = np.inf
        for k in range(first[r], stop[r]):
            dot = n[k, 0] * aim_n[r, 0] + n[k, 1] * aim_n[r, 1] + n[k, 2] * aim_n[r, 2]
            distance = EARTH_RADIUS_M * np.arccos(min(max(dot, -1.0), 1.0))
            if distance <= range_m[r]:
                if k == first[r] or not np.isfinite(before):
                    out[r] = t_s[k]
                else:
                    share = (before - range_m[r]) / max(before - distance, 1e-12)
                    out[r] = t_s[k - 1] + share * (t_s[k] - t_s[k - 1])
                break
            before = distance
    return out


def place_releases(compiled: CompiledScenario, model: Flown) -> None:
    """Put each released weapon's launch time and launch point (route point 0) where its carrier, flown by
    ``model`` (a stage instance planned from the compiled routes), releases it; inf when it never does."""
    releases, threats, routes = compiled.releases, compiled.world.threats, compiled.routes
    carrier, weapon = releases.carrier_row, releases.weapon_row
    after = np.full(releases.count, np.inf)
    at_point = releases.route_point >= 0
    after[at_point] = model.passing_time_s(carrier[at_point], releases.route_point[at_point])
    by_range = ~at_point
    if by_range.any():
        after[by_range] = first_within_s(model, carrier[by_range], threats.target_pos_ecef_m[weapon[by_range]],
                                         releases.release_range_m[by_range])
    after += releases.delay_s
    released = after <= model.flight_time_s[carrier] + 1e-9
    threats.launch_t_s[weapon] = np.where(released, threats.launch_t_s[carrier] + after, np.inf)
    rows = np.flatnonzero(released)
    if len(rows) == 0:
        return
    pos, alt = positions_at(model, carrier[rows], after[rows])
    lat, lon, _ = geo.ecef_to_geodetic(pos)
    routes.lat_rad[weapon[rows], 0], routes.lon_rad[weapon[rows], 0], routes.alt_m[weapon[rows], 0] = lat, lon, alt
    threats.pos_ecef_m[weapon[rows]], threats.alt_m[weapon[rows]] = pos, alt


@kernel
def not_released(weapon: I64, carrier: I64, status: np.ndarray) -> tuple[I64, np.ndarray]:
    """The pending weapons (positions in ``weapon``) whose carrier is no longer flying, set NOT_RELEASED, and
    whether each carrier was shot down (else it ended its flight first)."""
    found = np.empty(len(weapon), np.int64)
    killed = np.empty(len(weapon), np.bool_)
    n = 0
    for k in range(len(weapon)):
        state = status[carrier[k]]
        if status[weapon[k]] == PENDING and state != PENDING and state != FLYING:
            status[weapon[k]] = NOT_RELEASED
            found[n] = k
            killed[n] = state == KILLED
            n += 1
    return found[:n].copy(), killed[:n].copy()


@kernel
def any_unreleasable(weapon: I64, carrier: I64, status: np.ndarray) -> bool:
    """Some pending weapon's carrier is no longer flying (the move stage ends it at its next tick)."""
    for k in range(len(weapon)):
        state = status[carrier[k]]
        if status[weapon[k]] == PENDING and state != PENDING and state != FLYING:
            return True
    return False
