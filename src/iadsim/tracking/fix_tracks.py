"""Jammer fixes into tracks: the air picture follows a self-screening jammer its radars cannot range.

A fix (:mod:`iadsim.tracking.jammer_fixes`) of a jammer a threat carries goes to the
picture's track of that jammer, a row of the tracker's store (:mod:`iadsim.tracking.core`)
marked with the jammer's strobe source (column ``JAMMER``):

1. the fix is a measurement of position from its nearest radar: its range, azimuth and
   elevation from that radar, with sigmas that put the fix's error there, ground σ_g/√2
   along range and across (σ_g the fix's expected ground error, √trace of its
   covariance: the ground ellipse taken round) and σ_h in height (the 3-D radars'
   elevation sigmas at their distances, or 5 km without one);
2. the picture's live confirmed track of that jammer, if any, is predicted to the fix's
   time (the mean time its strobes were measured; a fix older than the track's state, which
   a radar report updated since, is left out) and updated with it, by the filter the
   radars' reports use (the EKF, or each model of the IMM with its probabilities by
   likelihood);
3. without one, the fix starts a confirmed track (velocity zero, ``initial_speed_sigma``
   per axis): published at once, command and control sees it; it is *firm*
   (may be fired at) once later fixes have brought its speed uncertainty under
   ``fire_control_speed_sigma``, as for any track;
4. the tracker treats such a track as any other: a radar report inside its gate
   updates it (a burnt-through jammer is ranged, and the track is the same); no radar
   counts misses against it until it has detected it;
5. a track held by fixes alone that has not been updated for three scans of the
   slowest radar, and whose position uncertainty has grown past
   ``max_position_sigma`` (moved on without process noise, a lower bound), ends
   (reason lost uncertain): the jammer fell silent or left the radars' strobes.

A track no radar has ranged (no hit) is *angle-only* (``world.tracks.angle_only``):
command and control fires at it only with a round that homes on jam
(:mod:`iadsim.c2.home_on_jam`). A stand-off jammer is located but never tracked.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import kernel
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.tables import SCAN_PERIOD
from iadsim.tracking import filters
from iadsim.tracking.core import (BALLISTIC, CONFIRMED, DETECTED_BY, FREE_ROWS, HITS, INITIAL_SPEED_SIGMA,
                                  INTENSITY, JAMMER, LABEL, LIVE, LIVE_LIST, MAX_POSITION_VARIANCE, MISS_SCORE, MISSES,
                                  NEED_ROWS, PICTURE, RADARS, ROWS_USED, STATE_T, STATUS, SWITCH, TRACE_PP, TRACE_PV,
                                  TRACE_VV, TURN_RATE, ArrayTracker, end_track, modes_from_state, summarize,
                                  take_row)
from iadsim.tracking.deletion import DropReason
from iadsim.tracking.jammer_fixes import Fixes, JammerFixes
from iadsim.world import World

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]

COAST_SCANS = 3.0
"""A track held by fixes alone may go this many scans of the slowest radar without one before it can end."""


@kernel
def fix_measurement(fix_ecef_m: F64, radar_ecef_m: F64, rotation: F64, sigma_m: F64, z: F64, sigma: F64) -> None:
    """The fix as a measurement of its radar (module doc, 1): ``z`` (range m, azimuth, elevation rad) and its
    ``sigma`` (m, rad, rad) from the fix's ground and height errors ``sigma_m`` (2,)."""
    d0, d1, d2 = fix_ecef_m[0] - radar_ecef_m[0], fix_ecef_m[1] - radar_ecef_m[1], fix_ecef_m[2] - radar_ecef_m[2]
    east = rotation[0, 0] * d0 + rotation[0, 1] * d1 + rotation[0, 2] * d2
    north = rotation[1, 0] * d0 + rotation[1, 1] * d1 + rotation[1, 2] * d2
    up = rotation[2, 0] * d0 + rotation[2, 1] * d1 + rotation[2, 2] * d2
    ground = max(np.hypot(east, north), 1.0)
    slant = np.sqrt(ground * ground + up * up)
    z[0], z[1], z[2] = slant, np.arctan2(east, north), np.arctan2(up, ground)
    half = sigma_m[0] / np.sqrt(2.0)
    sigma[0], sigma[1], sigma[2] = half, half / ground, sigma_m[1] / slant


@kernel
def fix_tracks_step(track: I32, clock: F64, mode_x: F64, mode_p: F64, mu: F64, x: F64, p: F64, lists: I64,
                    counts: I64, motion: F64, constants: F64, gravity: int, t_s: float, coast_s: float,
                    fix_picture: I64, fix_source: I64, fix_label: I64, fix_ecef_m: F64, fix_sigma_m: F64,
                    fix_radar: I64, fix_t_s: F64, radar_ecef_m: F64, rotation: F64) -> I64:
    """One tick of the fix tracks (module doc, 1-3 and 5) on a :class:`~iadsim.tracking.core.TrackStore`
    (unpacked; room for one new row per fix), the tracker's motion table and constants. Each fix: its
    picture, strobe source, the threat carrying the jammer (``fix_label``), ECEF position, errors (n, 2),
    nearest radar and time (s). Returns the rows started."""
    models = mu.shape[1]
    transition, turn = motion[:, SWITCH:].copy(), motion[:, TURN_RATE].copy()
    ballistic, intensity = motion[:, BALLISTIC] > 0.0, motion[:, INTENSITY].copy()
    out_x, out_p, out_mu = np.empty((models, 6)), np.empty((models, 6, 6)), np.empty(models)
    weights, mixed_x, mixed_p, blocks = np.empty((models, models)), np.empty(6), np.empty((6, 6)), np.empty((2, 3, 3))
    z, sigma, likelihood = np.empty(3), np.empty(3), np.empty(models)
    z_predicted, nu, hp, s, s_inverse = np.empty(3), np.empty(3), np.empty((3, 3)), np.empty((3, 3)), np.empty((3, 3))
    gains = np.empty((2, 6, 3))
    started = np.empty(len(fix_picture), np.int64)
    n_started = 0
    for k in range(len(fix_picture)):
        picture, source = fix_picture[k], fix_source[k]
        radar = fix_radar[k]
        fix_measurement(fix_ecef_m[k], radar_ecef_m[radar], rotation[radar], fix_sigma_m[k], z, sigma)
        row = -1
        for index in range(counts[LIVE]):
            r = lists[LIVE_LIST, index]
            if track[r, STATUS] == CONFIRMED and track[r, PICTURE] == picture and track[r, JAMMER] == source + 1:
                row = r
                break
        if row >= 0:
            if fix_t_s[k] < clock[row, STATE_T]:  # a radar report updated the track since: the fix adds nothing
                continue
            filters.imm_predict(mode_x[row], mode_p[row], mu[row], fix_t_s[k] - clock[row, STATE_T], transition, turn,
                                ballistic, intensity, gravity, out_x, out_p, out_mu, weights, mixed_x, mixed_p, blocks)
            for j in range(models):
                mu[row, j] = out_mu[j]
                for a in range(6):
                    mode_x[row, j, a] = out_x[j, a]
                    for b in range(6):
                        mode_p[row, j, a, b] = out_p[j, a, b]
            filters.imm_update(mode_x[row], mode_p[row], mu[row], z, radar_ecef_m[radar], rotation[radar], sigma,
                               likelihood, z_predicted, nu, hp, s, s_inverse, gains)
            if models > 1:  # with one model the combined state is the model's own memory
                filters.combine(mode_x[row], mode_p[row], mu[row], x[row], p[row])
        else:
            row = take_row(lists, counts)
            filters.initial_state(z, radar_ecef_m[radar], rotation[radar], sigma, constants[INITIAL_SPEED_SIGMA],
                                  x[row], p[row])
            modes_from_state(mode_x, mode_p, mu, x, p, row)
            track[row, STATUS], track[row, PICTURE], track[row, LABEL] = CONFIRMED, picture, fix_label[k]
            track[row, HITS], track[row, MISSES], track[row, RADARS], track[row, DETECTED_BY] = 0, 0, 0, 0
            track[row, JAMMER] = source + 1
            _insert_live(lists, counts, row)
            started[n_started] = row
            n_started += 1
        clock[row, STATE_T], clock[row, MISS_SCORE] = fix_t_s[k], 0.0
        summarize(clock, x, p, row)
    kept = 0
    for index in range(counts[LIVE]):  # 5: tracks held by fixes alone that lost them leave the live list
        r = lists[LIVE_LIST, index]
        if track[r, JAMMER] > 0 and track[r, HITS] == 0 and track[r, STATUS] == CONFIRMED:
            dt = t_s - clock[r, STATE_T]
            if dt > coast_s and (clock[r, TRACE_PP] + 2.0 * dt * clock[r, TRACE_PV] + dt * dt * clock[r, TRACE_VV]
                                 > constants[MAX_POSITION_VARIANCE]):
                end_track(track, lists, counts, r, DropReason.LOST_UNCERTAIN)
                continue
        lists[LIVE_LIST, kept] = r
        kept += 1
    counts[LIVE] = kept
    return started[:n_started].copy()


@kernel
def _insert_live(lists: I64, counts: I64, row: int) -> None:
    """Put ``row`` into the live list, which is kept in order of rows."""
    n = counts[LIVE]
    k = n
    while k > 0 and lists[LIVE_LIST, k - 1] > row:
        lists[LIVE_LIST, k] = lists[LIVE_LIST, k - 1]
        k -= 1
    lists[LIVE_LIST, k] = row
    counts[LIVE] = n + 1


class FixTracks:
    """The tracks of the jammers threats carry, from their fixes (see the module doc), in the tracker's store."""

    def __init__(self, compiled: CompiledScenario, fixes: JammerFixes) -> None:
        self.active = fixes.active and bool((fixes.jamming.threat_jammer >= 0).any())
        self.standoff = fixes.standoff
        scans = compiled.tables.radar_limits[:, SCAN_PERIOD]
        self.coast_s = COAST_SCANS * float(scans.max()) if len(scans) else 0.0
        self.started = False  # whether any fix track was started (the tick's kernel runs from then on)

    def step(self, tracker: ArrayTracker, world: World, t_s: float, fixes: Fixes) -> None:
        """This tick's fixes into the store (growing it when it must); the store's capacity may change."""
        if not self.active or (not self.started and not len(fixes.picture)):
            return
        store = tracker.store
        while int(store.counts[FREE_ROWS]) + len(store.track) - int(store.counts[ROWS_USED]) < len(fixes.picture):
            tracker.grow(NEED_ROWS)
            store = tracker.store
        sensors = world.sensors
        started = fix_tracks_step(store.track, store.clock, store.mode_x, store.mode_p, store.mu, store.x, store.p,
                                  store.lists, store.counts, tracker.motion, tracker.constants,
                                  tracker.sensors.gravity, t_s, self.coast_s, fixes.picture, fixes.source,
                                  fixes.source - self.standoff, fixes.pos_ecef_m, fixes.sigma_m, fixes.nearest,
                                  fixes.t_s, sensors.pos_ecef_m, sensors.rotation)
        self.started = self.started or bool(len(started))

    def publish(self, tracker: ArrayTracker, world: World) -> None:
        """Each published row's jammer and whether it is angle-only (``world.tracks``)."""
        if not self.started:
            return
        tracks, store = world.tracks, tracker.store
        n = tracks.count
        jammer = store.track[:n, JAMMER]
        tracks.jammer_source[:n] = jammer - 1
        tracks.angle_only[:n] = (jammer > 0) & (store.track[:n, HITS] == 0)
