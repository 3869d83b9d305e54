"""The simplest tracker: each air picture holds the true state of what its radars see, plus noise.

A picture starts a track on a threat the first time a radar feeding it detects
the threat (false alarms are ignored: this tracker knows the truth), refreshes it at every later detection with the true position and
velocity plus Gaussian errors, and drops it when the threat is destroyed or
has leaked, or after :data:`COAST_S` seconds without a detection. The Kalman
and IMM trackers replace this where fidelity matters.

A tick is one compiled pass over the tick's detections and the live tracks
(:func:`_truth_tick`); the errors are drawn from the stage's kernel stream
(:class:`iadsim.jit.KernelRandom`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.events import NO_EVENTS, EventColumns, events, merge, reason_codes
from iadsim.jit import KernelRandom, kernel, normal_of
from iadsim.registry import columns, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.tracking.association import sort_order
from iadsim.tracking.deletion import DROP_DETAILS, DROP_REASONS, DropReason
from iadsim.world import FLYING, KILLED, World

Array = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]

POSITION_SIGMA_M = 50.0
"""Standard deviation of each position coordinate of a track (m)."""
VELOCITY_SIGMA_MPS = 5.0
"""Standard deviation of each velocity coordinate of a track (m/s)."""
COAST_S = 30.0
"""A track not refreshed for this long is dropped (s)."""
UNSEEN = len(DropReason)
"""This tracker's own reason to end a track: no detection for :data:`COAST_S`."""
DETAILS = (*DROP_DETAILS, f"lost: no detection for {COAST_S:.0f} s")
"""The ``detail`` of a ``track_drop`` event, by reason code."""
REASONS = reason_codes((*DROP_REASONS, "lost_unseen"))
"""The ``reason`` of a ``track_drop`` event (codes of :data:`iadsim.events.REASONS`), by reason code."""
# Slots of the stage's counts: live tracks, tracks started and dropped this tick.
LIVE, STARTED, DROPPED = range(3)


@kernel
def _truth_tick(sensor_index: I32, threat_index: I32, feeds_picture: NDArray[np.bool_], threat_pos: Array,
                threat_vel: Array, threat_status: NDArray[np.int8], track_of: I64, seen_at: Array, track_id: I32,
                picture: I32, threat: I32, pos: Array, vel: Array, last_update_t_s: Array, active: NDArray[np.bool_],
                covariance: Array, firm: NDArray[np.bool_], rows_used: int, live: I64, started: I64, dropped: I64,
                reason: NDArray[np.int8], counts: I64, t_s: float, random: NDArray[np.uint64]) -> int:
    """Start, refresh and drop this tick's tracks (module doc); returns the rows now used in ``world.tracks``.

    Pairs (picture, threat) seen this tick are taken in order of picture then threat; a new pair's track
    starts with the truth, then every pair seen is refreshed, positions first, then velocities.
    """
    pictures, threats = track_of.shape
    keys = np.empty(len(sensor_index) * pictures)
    pairs = 0
    for d in range(len(sensor_index)):
        n = threat_index[d]
        if n < 0:
            continue  # a false alarm starts no track here
        for p in range(pictures):
            if feeds_picture[sensor_index[d], p] and seen_at[p, n] != t_s:
                seen_at[p, n] = t_s
                keys[pairs] = p * threats + n
                pairs += 1
    order = np.empty(pairs, np.int64)
    sort_order(keys, pairs, order)
    counts[STARTED] = counts[DROPPED] = 0
    rows = np.empty(pairs, np.int64)
    for k in range(pairs):
        key = int(keys[order[k]])
        p, n = key // threats, key % threats
        r = track_of[p, n]
        if r < 0:
            r = rows_used
            rows_used += 1
            track_of[p, n] = r
            track_id[r], picture[r], threat[r], active[r], firm[r] = r, p, n, True, True
            for a in range(3):
                pos[r, a], vel[r, a] = threat_pos[n, a], threat_vel[n, a]
                for b in range(6):
                    covariance[r, a, b] = covariance[r, 3 + a, b] = 0.0
            live[counts[LIVE]] = r
            counts[LIVE] += 1
            started[counts[STARTED]] = r
            counts[STARTED] += 1
        rows[k] = r
    for k in range(pairs):
        r = rows[k]
        for a in range(3):
            pos[r, a] = threat_pos[threat[r], a] + POSITION_SIGMA_M * normal_of(random)
    for k in range(pairs):
        r = rows[k]
        for a in range(3):
            vel[r, a] = threat_vel[threat[r], a] + VELOCITY_SIGMA_MPS * normal_of(random)
        last_update_t_s[r] = t_s
    kept = 0
    for index in range(counts[LIVE]):
        r = live[index]
        status = threat_status[threat[r]]
        if status == FLYING and t_s - last_update_t_s[r] <= COAST_S:
            live[kept] = r
            kept += 1
            continue
        active[r] = False
        track_of[picture[r], threat[r]] = -1
        dropped[counts[DROPPED]] = r
        reason[counts[DROPPED]] = (UNSEEN if status == FLYING
                                   else DropReason.TARGET_DESTROYED if status == KILLED else DropReason.TARGET_LEAKED)
        counts[DROPPED] += 1
    counts[LIVE] = kept
    return rows_used


@register("track", "truth_noise")
class TruthNoiseTracker:
    """One track per (picture, threat) seen by the picture's radars."""

    requires = (columns("detections", "sensor_index", "threat_index") | columns("sensors", "feeds_picture")
                | columns("threats", "status", "pos_ecef_m", "vel_ecef_mps"))
    provides = group_columns("tracks")

    def __init__(self, compiled: CompiledScenario) -> None:
        world = compiled.world
        self.track_of = np.full((world.n_pictures, len(world.threats.id)), -1, dtype=np.int64)
        self.seen_at = np.full(self.track_of.shape, -np.inf)
        self.live = self.started = self.dropped = np.zeros(0, np.int64)
        self.reason = np.zeros(0, np.int8)
        self.counts = np.zeros(3, np.int64)
        self.random = KernelRandom()
        self.picture_detail = np.array([f"picture {p}" for p in range(world.n_pictures)], dtype=object)
        self.drop_detail = np.array(DETAILS, dtype=object)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        tracks, threats, detections = world.tracks, world.threats, world.detections
        if not len(detections.sensor_index) and not self.counts[LIVE]:
            return NO_EVENTS
        need = tracks.count + len(detections.sensor_index) * len(self.track_of)  # at most a track per pair
        tracks.reserve(need)
        if len(self.live) < need:
            self.live = np.concatenate((self.live, np.zeros(need - len(self.live), np.int64)))
            self.started, self.dropped, self.reason = (np.zeros(need, np.int64), np.zeros(need, np.int64),
                                                       np.zeros(need, np.int8))
        tracks.count = _truth_tick(
            detections.sensor_index, detections.threat_index, world.sensors.feeds_picture, threats.pos_ecef_m,
            threats.vel_ecef_mps, threats.status, self.track_of, self.seen_at, tracks.id, tracks.picture,
            tracks.threat_index, tracks.pos_ecef_m, tracks.vel_ecef_mps, tracks.last_update_t_s, tracks.active,
            tracks.covariance, tracks.firm, tracks.count, self.live, self.started, self.dropped, self.reason,
            self.counts, t_s, self.random.state(rng))
        n_started, n_dropped = int(self.counts[STARTED]), int(self.counts[DROPPED])
        if not n_started and not n_dropped:
            return NO_EVENTS
        started, dropped = self.started[:n_started], self.dropped[:n_dropped]
        return merge(
            events("track_start", t_s, n_started, tracks.pos_ecef_m[started], track_id=started,
                   threat_id=tracks.threat_index[started], detail=self.picture_detail[tracks.picture[started]]),
            events("track_drop", t_s, n_dropped, tracks.pos_ecef_m[dropped], track_id=dropped,
                   threat_id=tracks.threat_index[dropped], detail=self.drop_detail[self.reason[:n_dropped]],
                   reason=REASONS[self.reason[:n_dropped]]),
        )
