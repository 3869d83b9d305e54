"""The air pictures in ``world.tracks``: the track stage's tick, from the radars' reports to the published tracks.

One compiled call per tick (:func:`tick`):

1. every radar that looked sends its reports (false alarms included) to every
   picture it feeds, to arrive after that link's latency
   (``Sensors.feed_latency_s``; a radar with no compatible link to a picture
   never reaches it): one look per (radar, picture) in the tracker's queue, the
   pictures of one latency sent together; over a jammed link a look is lost
   whole with the link's probability (``Sensors.feed_loss``, one draw per
   look and picture), and that picture neither hears nor misses it;
2. the tracker processes every look that has arrived (:func:`~iadsim.tracking.core.process_due`);
3. a confirmed track whose target was destroyed or leaked ends;
4. tracks that ended are taken out of the picture (``active`` False); those
   lost (missed looks, uncertainty) may be resumed for ``resume_within``;
5. a new confirmed track that falls inside the gate of a lost track of the
   same picture (the lost track predicted to its time at constant velocity
   and, with ``imm``, also in ballistic free flight, the nearer of the two
   counting) resumes the lost track's row, one to one by global nearest
   neighbour; the others are published in their own rows;
6. every published track's state is written to ``world.tracks``; a track is
   *firm* once its speed uncertainty (1 sigma, 3-D) is below
   ``fire_control_speed_sigma``.

``world.tracks`` rows are the tracker's rows (:class:`~iadsim.tracking.core.TrackStore`);
only confirmed tracks of real targets are published (``active``): false tracks
(no real detection behind them) stay in the tracker, since the interceptor
flyout flies at a track's truth label, which a false track lacks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from iadsim.assignment import COLUMN_OF_ROW, assign, assignment_work
from iadsim.jit import kernel, uniform_of
from iadsim.tracking import filters
from iadsim.tracking.core import (CONFIRMED, DONE, ENDED_LIST, ENDED_REASON, ENDED_ROWS, FREE, FREE_LIST, FREE_ROWS,
                                  LABEL, LIVE, LIVE_LIST, PICTURE, SENDINGS, STATE_T, STATUS, commit, add_look,
                                  add_reports, end_track, process_due)
from iadsim.tracking.deletion import DropReason, resumable
from iadsim.world import FLYING, KILLED

Array = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]

# Slots of PictureState.counts; columns of PictureState.dropped and of the stage's lost messages.
LOST, DROPPED, STARTED, MESSAGES_LOST = range(4)
DROPPED_ROW, DROPPED_REASON, DROPPED_THREAT = range(3)
LOST_SENSOR, LOST_PICTURE, LOST_REPORTS = range(3)
# Slots of the stage's constants.
RESUME_WITHIN, RESUME_GATE, PROCESS_INTENSITY, BALLISTIC_INTENSITY, BALLISTIC_RESUMPTION, FIRM_SPEED_SIGMA = range(6)


class PictureState(NamedTuple):
    """Lost rows that may be resumed, and this tick's events: tracks dropped (row, reason, threat; where) and
    started."""

    lost: I64
    dropped: I64
    dropped_pos: Array
    started: I64
    counts: I64


def empty_picture_state(capacity: int) -> PictureState:
    return PictureState(np.zeros(capacity, np.int64), np.zeros((capacity, 3), np.int64), np.zeros((capacity, 3)),
                        np.zeros(capacity, np.int64), np.zeros(4, np.int64))


def grown_picture_state(state: PictureState, capacity: int) -> PictureState:
    out = empty_picture_state(capacity)
    for old, new in zip(state, out, strict=True):
        new[: len(old)] = old
    return out


@kernel
def _enqueue_reports(look: I64, look_time: Array, z: Array, truth: I32, queue_counts: I64, sensor_index: I32,
                     threat_index: I32, range_az_el: Array, report_t_s: Array, looked: I32, latency_s: Array,
                     loss: Array, random_state: NDArray[np.uint64], lost_messages: I64, state_counts: I64,
                     t_s: float) -> None:
    """Queue this tick's looks: one per (radar that looked, picture it feeds), reports shared (module doc, 1);
    a look lost on its link is listed in ``lost_messages`` instead (sensor, picture, reports)."""
    sensors, pictures = latency_s.shape
    start = np.zeros(sensors + 1, np.int64)
    for s in sensor_index:
        start[s + 1] += 1
    for s in range(sensors):
        start[s + 1] += start[s]
    order = np.empty(len(sensor_index), np.int64)
    fill = start.copy()
    for d in range(len(sensor_index)):
        order[fill[sensor_index[d]]] = d
        fill[sensor_index[d]] += 1
    for s in looked:
        latency = -np.inf
        while True:  # the radar's distinct finite latencies, in ascending order
            following = np.inf
            for p in range(pictures):
                if latency < latency_s[s, p] < following:
                    following = latency_s[s, p]
            if following == np.inf:
                break
            if latency == -np.inf:
                rows = order[start[s]:start[s + 1]]
                t_measured = report_t_s[rows[0]] if len(rows) else t_s
                first, size = add_reports(z, truth, queue_counts, range_az_el, threat_index, rows)
            latency = following
            sent = queue_counts[SENDINGS]
            queue_counts[SENDINGS] = sent + 1
            for p in range(pictures):
                if latency_s[s, p] != latency:
                    continue
                if loss[s, p] > 0.0 and uniform_of(random_state) < loss[s, p]:
                    n_lost = state_counts[MESSAGES_LOST]
                    lost_messages[n_lost, LOST_SENSOR], lost_messages[n_lost, LOST_PICTURE] = s, p
                    lost_messages[n_lost, LOST_REPORTS] = size
                    state_counts[MESSAGES_LOST] = n_lost + 1
                    continue
                add_look(look, look_time, queue_counts, s, p, True, t_measured, t_measured + latency, sent, first,
                         size)


@kernel
def _end_finished(track: I32, lists: I64, counts: I64, threat_status: NDArray[np.int8]) -> None:
    """End the confirmed tracks of real targets that were destroyed or leaked."""
    for index in range(counts[LIVE]):
        r = lists[LIVE_LIST, index]
        if track[r, STATUS] != CONFIRMED or track[r, LABEL] < 0:
            continue
        status = threat_status[track[r, LABEL]]
        if status != FLYING:
            end_track(track, lists, counts, r,
                      DropReason.TARGET_DESTROYED if status == KILLED else DropReason.TARGET_LEAKED)


@kernel
def _take_out_ended(lists: I64, counts: I64, active: NDArray[np.bool_], pos_ecef_m: Array, threat_index: I32,
                    last_update_t_s: Array, lost: I64, dropped: I64, dropped_pos: Array, state_counts: I64,
                    t_s: float, resume_within_s: float) -> None:
    """Published tracks that ended leave the picture (events out); lost ones may be resumed for a while."""
    for k in range(counts[ENDED_ROWS]):
        r = lists[ENDED_LIST, k]
        if not active[r]:
            continue  # never published: nobody saw it
        active[r] = False
        n = state_counts[DROPPED]
        dropped[n, DROPPED_ROW], dropped[n, DROPPED_REASON], dropped[n, DROPPED_THREAT] = (
            r, lists[ENDED_REASON, k], threat_index[r])
        for a in range(3):
            dropped_pos[n, a] = pos_ecef_m[r, a]
        state_counts[DROPPED] = n + 1
        if resumable(lists[ENDED_REASON, k]):
            lost[state_counts[LOST]] = r
            state_counts[LOST] += 1
    counts[ENDED_ROWS] = 0
    kept = 0
    for k in range(state_counts[LOST]):
        r = lost[k]
        if t_s - last_update_t_s[r] <= resume_within_s:
            lost[kept] = r
            kept += 1
    state_counts[LOST] = kept


@kernel
def _lost_distance(x_new: Array, p_new: Array, t_new_s: float, pos_ecef_m: Array, vel_ecef_mps: Array,
                   covariance: Array, last_update_t_s: float, constants: Array, gravity: int) -> float:
    """Mahalanobis distance of a new track to a lost one predicted to its time (module doc, 5)."""
    dt_s = t_new_s - last_update_t_s
    start = np.empty(6)
    for a in range(3):
        start[a], start[3 + a] = pos_ecef_m[a], vel_ecef_mps[a]
    x, p, blocks = np.empty(6), np.empty((6, 6)), np.empty((2, 3, 3))
    s, s_inverse, delta = np.empty((3, 3)), np.empty((3, 3)), np.empty(3)
    nearest = np.inf
    for ballistic in (False, True):
        if ballistic and constants[BALLISTIC_RESUMPTION] == 0.0:
            continue
        intensity = constants[BALLISTIC_INTENSITY] if ballistic else constants[PROCESS_INTENSITY]
        filters.predict_mode(start, covariance, dt_s, 0.0, ballistic, intensity, gravity, x, p, blocks)
        for i in range(3):
            delta[i] = x_new[i] - x[i]
            for j in range(3):
                s[i, j] = p_new[i, j] + p[i, j]
        filters.invert_3x3(s, s_inverse)
        nearest = min(nearest, np.sqrt(filters.mahalanobis_squared(delta, s_inverse)))
    return nearest


@kernel
def _move_track(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x: Array, p: Array, radar: I32,
                source: int, target: int) -> None:
    """Move the track in row ``source`` to row ``target`` (a lost track's row it resumes); free ``source``."""
    for c in range(track.shape[1]):
        track[target, c] = track[source, c]
    for c in range(clock.shape[1]):
        clock[target, c] = clock[source, c]
    for j in range(mu.shape[1]):
        mu[target, j] = mu[source, j]
    for k in range(radar.shape[1]):
        for c in range(3):
            radar[target, k, c] = radar[source, k, c]
    commit(mode_x, mode_p, mu, x, p, target, mode_x, mode_p, mu, x, p, source)
    track[source, STATUS] = FREE


@kernel
def _publish(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x: Array, p: Array, radar: I32,
             lists: I64, counts: I64, track_id: I32, track_picture: I32, threat_index: I32, pos_ecef_m: Array,
             vel_ecef_mps: Array, last_update_t_s: Array, active: NDArray[np.bool_], covariance: Array,
             firm: NDArray[np.bool_], lost: I64, started: I64, state_counts: I64, constants: Array,
             gravity: int) -> None:
    """Resume lost tracks with new ones, publish the other new ones, write every published track (module doc, 5-6)."""
    n_live = counts[LIVE]
    fresh = np.empty(n_live, np.int64)  # live index of each new confirmed track of a real target
    n_fresh = 0
    for index in range(n_live):
        r = lists[LIVE_LIST, index]
        if track[r, STATUS] == CONFIRMED and track[r, LABEL] >= 0 and not active[r]:
            fresh[n_fresh] = index
            n_fresh += 1
    resumed = np.full(n_fresh, -1, np.int64)
    n_lost = state_counts[LOST]
    if n_fresh and n_lost:
        first = np.zeros(n_fresh + 1, np.int64)
        column, cost = np.empty(n_fresh * n_lost, np.int64), np.empty(n_fresh * n_lost)
        paired = np.empty(n_fresh, np.int64)
        pairs = tracks = np.int64(0)  # typed zeros: from a literal 0 numba would compile the callees twice
        for f in range(n_fresh):
            new = lists[LIVE_LIST, fresh[f]]
            for k in range(n_lost):
                old = lost[k]
                if track_picture[old] != track[new, PICTURE]:
                    continue
                distance = _lost_distance(x[new], p[new], clock[new, STATE_T], pos_ecef_m[old], vel_ecef_mps[old],
                                          covariance[old], last_update_t_s[old], constants, gravity)
                if distance < constants[RESUME_GATE]:
                    column[pairs], cost[pairs] = k, distance - constants[RESUME_GATE]
                    pairs += 1
            if pairs > first[tracks]:
                paired[tracks] = f
                tracks += 1
                first[tracks] = pairs
        if tracks:
            reals, indices, visited, heap_key, heap_item = assignment_work(tracks, n_lost, pairs)
            assign(first, column, cost, tracks, n_lost, True, reals, indices, visited, heap_key, heap_item)
            taken = np.zeros(n_lost, np.bool_)
            for g in range(tracks):
                k = indices[COLUMN_OF_ROW, g]
                if k < n_lost:
                    resumed[paired[g]] = lost[k]
                    taken[k] = True
            kept = 0
            for k in range(n_lost):
                if not taken[k]:
                    lost[kept] = lost[k]
                    kept += 1
            state_counts[LOST] = kept
    for f in range(n_fresh):  # resumed first, then new rows, as the events list them
        old = resumed[f]
        if old < 0:
            continue
        new = lists[LIVE_LIST, fresh[f]]
        _move_track(track, clock, mode_x, mode_p, mu, x, p, radar, new, old)
        lists[LIVE_LIST, fresh[f]] = old
        lists[FREE_LIST, counts[FREE_ROWS]] = new
        counts[FREE_ROWS] += 1
        active[old] = True
        started[state_counts[STARTED]] = old
        state_counts[STARTED] += 1
    for f in range(n_fresh):
        if resumed[f] >= 0:
            continue
        new = lists[LIVE_LIST, fresh[f]]
        track_id[new], track_picture[new], active[new] = new, track[new, PICTURE], True
        started[state_counts[STARTED]] = new
        state_counts[STARTED] += 1
    for k in range(state_counts[STARTED]):
        firm[started[k]] = False
    firm_variance = constants[FIRM_SPEED_SIGMA] ** 2
    for index in range(n_live):
        r = lists[LIVE_LIST, index]
        if track[r, STATUS] != CONFIRMED or not active[r]:
            continue
        for a in range(3):
            pos_ecef_m[r, a] = x[r, a]
            vel_ecef_mps[r, a] = x[r, 3 + a]
        for a in range(6):
            for b in range(6):
                covariance[r, a, b] = p[r, a, b]
        threat_index[r] = track[r, LABEL]
        last_update_t_s[r] = clock[r, STATE_T]
        if p[r, 3, 3] + p[r, 4, 4] + p[r, 5, 5] <= firm_variance:
            firm[r] = True


@kernel
def tick(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x: Array, p: Array, radar: I32,
         lists: I64, counts: I64, look: I64, look_time: Array, z: Array, truth: I32, queue_counts: I64,
         pos: Array, rotation: Array, sigma: Array, gravity: int, limits: Array, heading: Array, antenna_alt: Array,
         motion: Array, constants: Array, t_s: float, new_reports: bool, sensor_index: I32, report_threat: I32, range_az_el: Array, report_t_s: Array,
         looked: I32, latency_s: Array, loss: Array, random_state: NDArray[np.uint64], lost_messages: I64,
         threat_status: NDArray[np.int8], track_id: I32, track_picture: I32,
         threat_index: I32, pos_ecef_m: Array, vel_ecef_mps: Array, last_update_t_s: Array,
         active: NDArray[np.bool_], covariance: Array, firm: NDArray[np.bool_], lost: I64, dropped: I64,
         dropped_pos: Array, started: I64, state_counts: I64, picture_constants: Array) -> int:
    """One tick of the track stage (module doc). Arguments: the tracker's store, queue and geometry, its motion
    table and constants; this tick's reports (``world.detections``); the stage's latencies, link losses,
    random state and lost-message list, the threats' status, the ``world.tracks`` columns and the stage's
    :class:`PictureState`, all unpacked.

    Returns ``DONE``, or what the store needs to grow first (the caller grows it and calls again with
    ``new_reports`` False: the tick goes on where it stopped).
    """
    if new_reports:
        state_counts[DROPPED] = state_counts[STARTED] = state_counts[MESSAGES_LOST] = 0
        _enqueue_reports(look, look_time, z, truth, queue_counts, sensor_index, report_threat, range_az_el,
                         report_t_s, looked, latency_s, loss, random_state, lost_messages, state_counts, t_s)
    outcome = process_due(track, clock, mode_x, mode_p, mu, x, p, radar, lists, counts, look, look_time, z, truth,
                          queue_counts, pos, rotation, sigma, gravity, limits, heading, antenna_alt, motion, constants,
                          t_s)
    if outcome != DONE:
        return outcome
    _end_finished(track, lists, counts, threat_status)
    _take_out_ended(lists, counts, active, pos_ecef_m, threat_index, last_update_t_s, lost, dropped, dropped_pos,
                    state_counts, t_s, picture_constants[RESUME_WITHIN])
    _publish(track, clock, mode_x, mode_p, mu, x, p, radar, lists, counts, track_id, track_picture, threat_index,
             pos_ecef_m, vel_ecef_mps, last_update_t_s, active, covariance, firm, lost, started, state_counts,
             picture_constants, gravity)
    return DONE
