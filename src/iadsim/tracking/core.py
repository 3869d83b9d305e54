"""iadsim's own tracker: every track of every air picture in one store of arrays, every look in compiled loops.

Looks (one radar's reports at one time, for one air picture) wait in a
:class:`LookQueue` until they arrive (a network's latency); :func:`process_due`
then takes every arrived look in order of arrival, measurement time and
sending, and for each, in the order Stone Soup's ``MultiTargetTracker`` with a
``MultiMeasurementInitiator`` uses:

1. predicts the picture's tracks to the look's time (an EKF with a
   constant-velocity model, or an IMM of four modes: constant velocity, two
   coordinated turns, left and right, about the local vertical, and ballistic
   free flight under gravity, :data:`IMM_MODES`; :mod:`iadsim.tracking.filters`);
2. gates and associates the confirmed tracks with the look's measurements by
   global nearest neighbour (:mod:`iadsim.tracking.association`); updates the
   assigned ones; a confirmed track the look covered but did not detect
   misses, at a cost that grows with how often that radar detects it
   (:mod:`iadsim.tracking.deletion`); when the misses since its last update
   cost more than ``coast_misses`` misses of a radar with Pd 0.9, or when its
   position uncertainty passes ``max_position_sigma``, it is deleted;
3. associates the tentative tracks with the measurements left; a tentative
   track is confirmed at ``confirm_hits`` detections and deleted as soon as
   it can no longer get them within ``confirm_looks`` looks (M of N), every
   look of a radar that detected it counting, wherever its prediction falls;
4. pairs the measurements left with the picture's *seeds*, measurements no
   track took in earlier looks: two-point initiation (:func:`_pair_seeds`), a
   pair no farther apart than ``max_target_speed`` covers between them (plus
   both errors) starting a tentative track with the velocity the two give;
5. keeps every measurement still left as a seed (one hit: a seed counts the
   looks of its radar as misses and is freed when M of N can no longer be met).

A look *covers* a confirmed track when the radar's coverage (:mod:`iadsim.tracking.coverage`)
holds its predicted position; tracks outside it neither hit nor miss, and
neither does a radar that has never detected the track (a far radar that
cannot see a small target does not delete the track a near one holds). A report
older than a track's state (a network's latency) can still be associated, to
the track retrodicted without process noise, and is then absorbed without an
update, so it does not start a duplicate track. Every track carries the truth
label of its last real detection, for scoring only.

Only what can matter is computed exactly. Each track's predicted position
and spread are first bounded cheaply (exact for the EKF; for the IMM, a
Minkowski bound over its modes); the full prediction is made for a confirmed
track the look covers and that radar has detected before (it becomes the
track's state, updated or missed) and for any track with a measurement inside
its bound; the rest is left as it is. Seeds are never predicted: a report
pairs with one inside the distance the fastest target covers.

The store (:class:`TrackStore`) is one set of rows, a track per row from its
first detection on: the engine's ``world.tracks`` uses the same row numbers
(:mod:`iadsim.tracking.picture`). Rows are preallocated and doubled when
full; the row of a tentative track that fails is reused, that of a track
once confirmed never is (its number is its id). Each track counts, per radar
that has looked at it, looks and detections in a few slots (``TrackStore.radar``,
doubled when a track needs more), so memory follows the radars that see a
track, not all radars. Kernels take plain arrays (the named tuples here are
containers for Python, unpacked at each call); columns are named by the
constants below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from iadsim.assignment import COLUMN_OF_ROW, assign, assignment_work
from iadsim.jit import inline_kernel, kernel
from iadsim.scenario.tables import SCAN_PERIOD
from iadsim.sensors.scan import wrap_angle_of
from iadsim.tracking import filters
from iadsim.tracking.association import NEAREST_CANDIDATES, first_at_least, nearest_within, sort_order
from iadsim.tracking.backend import Scan, SensorGeometry, TrackEnd, TrackerParameters, TrackTable
from iadsim.tracking.coverage import beyond_range, covers
from iadsim.tracking.deletion import DropReason, deletion_threshold, miss_cost

Array = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
Bool = NDArray[np.bool_]

# Row status (TrackStore.track[:, STATUS]).
FREE, TENTATIVE, CONFIRMED, ENDED, SEED = 0, 1, 2, 3, 4
# Columns of TrackStore.track (int32), TrackStore.clock (float64), TrackStore.radar[r, slot] (int32).
STATUS, PICTURE, LABEL, HITS, MISSES, RADARS, DETECTED_BY, JAMMER = range(8)
MASKED_RADARS = 31
"""Radars below this index are also marked in ``track[:, DETECTED_BY]`` once they detect a track (one bit each)."""
STATE_T, MISS_SCORE, STATE_X, TRACE_PP, TRACE_PV, TRACE_VV = 0, 1, 2, 8, 9, 10
SENSOR, LOOKS_BY, HITS_BY = 0, 1, 2
# Rows of TrackStore.lists and slots of TrackStore.counts.
LIVE_LIST, FREE_LIST, ENDED_LIST, ENDED_REASON = range(4)
ROWS_USED, LIVE, FREE_ROWS, ENDED_ROWS, MOST_RADARS = range(5)
# Columns of LookQueue.look (int64) and LookQueue.time (float64); slots of LookQueue.counts.
LOOK_SENSOR, LOOK_PICTURE, LOOKED, DONE_LOOK, SENT, FIRST, SIZE = range(7)
MEASURED, ARRIVAL = 0, 1
LOOKS, REPORTS, SENDINGS = range(3)
# Columns of Motion (float64, one row per model; the switching matrix follows).
TURN_RATE, BALLISTIC, INTENSITY, SWITCH = 0, 1, 2, 3
# Slots of the constants array.
(CONFIRM_HITS, TENTATIVE_MISSES, DELETION_THRESHOLD, MAX_POSITION_VARIANCE, GATE, INITIAL_SPEED_SIGMA,
 MODE_TURN_RATE, MAX_INTENSITY, MAX_SPEED) = range(9)
# What process_due returns.
DONE, NEED_ROWS, NEED_RADAR_SLOTS = 0, 1, 2
ARRIVAL_SLACK_S = 1e-9
"""A look arriving this much after the tick's time is taken with the tick (rounding of latencies)."""


@dataclass(frozen=True)
class MotionMode:
    """One motion model of the filter: its turn (+1 left, -1 right at ``turn_rate_rps``; 0 straight) and
    whether gravity acts (ballistic)."""

    turn_sign: int = 0
    ballistic: bool = False


EKF_MODES = (MotionMode(),)
IMM_MODES = (MotionMode(), MotionMode(turn_sign=1), MotionMode(turn_sign=-1), MotionMode(ballistic=True))
"""The IMM's modes: constant velocity (process noise ``process_intensity``), coordinated turns at
±``turn_rate_rps`` about the local vertical (the same noise), and ballistic free flight under gravity
(noise ``ballistic_intensity``: drag and terminal manoeuvres; Li & Jilkov 2010, Part II)."""


def motion_of(parameters: TrackerParameters, modes: tuple[MotionMode, ...]) -> Array:
    """The motion models as a table (M, 3 + M): turn rate (signed), ballistic (0/1), process noise, switching."""
    models = len(modes)
    persistence = parameters.mode_persistence
    share = (1.0 - persistence) / max(models - 1, 1)
    motion = np.zeros((models, SWITCH + models))
    motion[:, TURN_RATE] = [m.turn_sign * parameters.turn_rate_rps for m in modes]
    motion[:, BALLISTIC] = [m.ballistic for m in modes]
    motion[:, INTENSITY] = [parameters.ballistic_intensity if m.ballistic else parameters.process_intensity
                            for m in modes]
    motion[:, SWITCH:] = np.full((models, models), share) + np.eye(models) * (persistence - share)
    return motion


def constants_of(parameters: TrackerParameters, motion: Array) -> Array:
    """The tracker's numbers for the kernels (slots CONFIRM_HITS ... MAX_SPEED)."""
    return np.array([parameters.confirm_hits, parameters.confirm_looks - parameters.confirm_hits,
                     deletion_threshold(parameters.coast_misses), parameters.max_position_sigma_m ** 2,
                     parameters.gate_distance, parameters.initial_speed_sigma_mps,
                     np.abs(motion[:, TURN_RATE]).max(), motion[:, INTENSITY].max(),
                     parameters.max_target_speed_mps], dtype=float)


class TrackStore(NamedTuple):
    """Every track as a row (capacity C, M motion models, K radar slots per track).

    ``track`` (C, 8) status, picture, truth label, hits, misses, radars used, a bit per radar that has
    detected it (the first :data:`MASKED_RADARS`) and, for a track a jammer fix started
    (:mod:`iadsim.tracking.fix_tracks`), 1 + the jammer's strobe source (0 otherwise); ``clock`` (C, 11) time of
    the state, the score lost to misses since the last update (:mod:`iadsim.tracking.deletion`) and a
    summary of the state for the loops over every track of a look (the combined state and the traces
    of its position, cross and velocity covariance blocks, one cache line away);
    ``mode_x`` (C, M, 6), ``mode_p`` (C, M, 6, 6), ``mu`` (C, M) per motion model, ``x``, ``p`` their
    moment-matched combination; ``radar`` (C, K, 3) each radar that has looked at a track, with its
    covering looks and detections; ``lists`` (4, C) the live rows, the rows to reuse, the confirmed
    tracks ended since last read and their reasons; ``counts`` how many of each.
    """

    track: I32
    clock: Array
    mode_x: Array
    mode_p: Array
    mu: Array
    x: Array
    p: Array
    radar: I32
    lists: I64
    counts: I64


def empty_store(capacity: int, models: int, radars: int) -> TrackStore:
    """An empty store; with one model the combined state is the model's own (the same memory)."""
    mode_x, mode_p = np.zeros((capacity, models, 6)), np.zeros((capacity, models, 6, 6))
    x, p = ((mode_x.reshape(capacity, 6), mode_p.reshape(capacity, 6, 6)) if models == 1
            else (np.zeros((capacity, 6)), np.zeros((capacity, 6, 6))))
    return TrackStore(np.zeros((capacity, 8), np.int32), np.zeros((capacity, 11)), mode_x, mode_p,
                      np.zeros((capacity, models)), x, p, np.zeros((capacity, radars, 3), np.int32),
                      np.zeros((4, capacity), np.int64), np.zeros(5, np.int64))


def grown_store(store: TrackStore, capacity: int | None = None, radars: int | None = None) -> TrackStore:
    """The store with room for ``capacity`` rows and ``radars`` radar slots per track (data kept)."""
    rows, used = len(store.track), int(store.counts[ROWS_USED])
    out = empty_store(capacity or rows, store.mu.shape[1], radars or store.radar.shape[1])
    for old, new in zip(store[:7], out[:7], strict=True):
        new[:used] = old[:used]
    out.radar[:used, : store.radar.shape[1]] = store.radar[:used]
    out.lists[:, :rows] = store.lists
    out.counts[:] = store.counts
    return out


class LookQueue(NamedTuple):
    """Looks waiting to arrive at their picture: ``look`` (E, 7) radar, picture, counts misses, done, order of
    sending, first report and how many; ``time`` (E, 2) measured and arrival; the reports ``z``
    (range, azimuth, elevation) and their truth labels. Looks of one radar at one time for several
    pictures share their reports."""

    look: I64
    time: Array
    z: Array
    truth: I32
    counts: I64


def empty_queue(looks: int, reports: int) -> LookQueue:
    return LookQueue(np.zeros((looks, 7), np.int64), np.zeros((looks, 2)), np.zeros((reports, 3)),
                     np.zeros(reports, np.int32), np.zeros(3, np.int64))


def queue_with_room(queue: LookQueue, looks: int, reports: int) -> LookQueue:
    """The queue, or a copy with room for ``looks`` more looks and ``reports`` more reports."""
    need_looks, need_reports = int(queue.counts[LOOKS]) + looks, int(queue.counts[REPORTS]) + reports
    if need_looks <= len(queue.look) and need_reports <= len(queue.truth):
        return queue
    out = empty_queue(max(need_looks, 2 * len(queue.look)), max(need_reports, 2 * len(queue.truth)))
    for old, new in zip(queue, out, strict=True):
        new[: len(old)] = old
    return out


@kernel
def add_reports(z: Array, truth: I32, counts: I64, reports: Array, labels: I32, rows: I64) -> tuple[int, int]:
    """Append the reports ``reports[rows]`` (and their labels) to the queue; returns (first, size) of the block."""
    first = counts[REPORTS]
    for k in range(len(rows)):
        for a in range(3):
            z[first + k, a] = reports[rows[k], a]
        truth[first + k] = labels[rows[k]]
    counts[REPORTS] = first + len(rows)
    return first, len(rows)


@kernel
def add_look(look: I64, time: Array, counts: I64, sensor: int, picture: int, looked: bool, t_measured_s: float,
             t_arrival_s: float, sent: int, first: int, size: int) -> None:
    """Append one look of ``sensor`` for ``picture`` with the report block (first, size)."""
    e = counts[LOOKS]
    look[e, LOOK_SENSOR], look[e, LOOK_PICTURE], look[e, LOOKED], look[e, DONE_LOOK] = sensor, picture, looked, 0
    look[e, SENT], look[e, FIRST], look[e, SIZE] = sent, first, size
    time[e, MEASURED], time[e, ARRIVAL] = t_measured_s, t_arrival_s
    counts[LOOKS] = e + 1


@kernel
def _compact_queue(look: I64, time: Array, z: Array, truth: I32, counts: I64) -> None:
    """Drop the looks done and the reports no waiting look needs."""
    kept = reports = 0
    last_first, last_size, moved_first = -1, -1, 0
    for e in range(counts[LOOKS]):
        if look[e, DONE_LOOK]:
            continue
        first, size = look[e, FIRST], look[e, SIZE]
        if first != last_first or size != last_size:  # looks of one radar at one time share their reports
            for k in range(size):
                for a in range(3):
                    z[reports + k, a] = z[first + k, a]
                truth[reports + k] = truth[first + k]
            last_first, last_size, moved_first = first, size, reports
            reports += size
        for c in range(7):
            look[kept, c] = look[e, c]
        look[kept, FIRST] = moved_first
        time[kept, MEASURED], time[kept, ARRIVAL] = time[e, MEASURED], time[e, ARRIVAL]
        kept += 1
    counts[LOOKS], counts[REPORTS] = kept, reports


@kernel
def end_track(track: I32, lists: I64, counts: I64, r: int, reason: int) -> None:
    """End the confirmed track in row ``r`` for ``reason`` (a DropReason): it is reported as ended."""
    track[r, STATUS] = ENDED
    n = counts[ENDED_ROWS]
    lists[ENDED_LIST, n], lists[ENDED_REASON, n] = r, reason
    counts[ENDED_ROWS] = n + 1


@kernel
def end_confirmed(track: I32, lists: I64, counts: I64, rows: I64, reason: int) -> None:
    """End those of ``rows`` that hold confirmed tracks, for ``reason``."""
    for r in rows:
        if 0 <= r < counts[ROWS_USED] and track[r, STATUS] == CONFIRMED:
            end_track(track, lists, counts, r, reason)


@kernel
def _predicted_position(mode_x: Array, mu: Array, dt_s: float, motion: Array, transition: Array, gravity: int,
                        weights: Array, mu_predicted: Array, start: Array, mean: Array,
                        blocks: Array) -> tuple[float, float, float]:
    """The filter's predicted (combined) position of a track over ``dt_s``, without covariances
    (``transition``: the motion table's switching matrix, contiguous)."""
    mixing = filters.mixing_weights(mu, transition, dt_s, weights, mu_predicted)
    x = y = z = 0.0
    for j in range(len(mu)):
        if mixing:
            filters.mixed_mean(mode_x, weights, j, start)
        else:
            for a in range(6):
                start[a] = mode_x[j, a]
        filters.predict_mean(start, dt_s, motion[j, TURN_RATE], motion[j, BALLISTIC] > 0.0, gravity, mean, blocks)
        x += mu_predicted[j] * mean[0]
        y += mu_predicted[j] * mean[1]
        z += mu_predicted[j] * mean[2]
    return x, y, z


@kernel
def _imm_spread(mode_x: Array, mu: Array, x: Array, velocity_variance: float, dt_s: float, motion: Array,
                gravity: int, turn_rate_rps: float) -> float:
    """What the IMM's turns and free flight can add to a track's predicted position and its spread (m).

    The mixture's spread is at most the constant-velocity one of the combined covariance plus the
    turns' ‖A - dt I‖ times the RMS speed, plus gravity's g dt²/2 at the ballistic mode's mixed
    mid-point (Minkowski's inequality); the combined position moved at the combined velocity is off
    the filter's by at most as much.
    """
    models = len(mu)
    extra = 0.0
    if turn_rate_rps > 0.0:
        d = abs(dt_s)
        bend_a = min(turn_rate_rps * d * d / 2.0, 2.0 / turn_rate_rps)  # |1 - cos θ| / ω
        bend_b = min(turn_rate_rps * turn_rate_rps * d * d * d / 6.0, d + 1.0 / turn_rate_rps)  # |dt - sin θ / ω|
        speed2 = velocity_variance + x[3] * x[3] + x[4] * x[4] + x[5] * x[5]
        extra += np.sqrt(bend_a * bend_a + bend_b * bend_b) * np.sqrt(speed2)
    for j in range(models):
        if motion[j, BALLISTIC] == 0.0:
            continue
        weight = m0 = m1 = m2 = 0.0
        for m in range(models):
            w = (motion[m, SWITCH + j] if dt_s > 0.0 else (1.0 if m == j else 0.0)) * mu[m]
            weight += w
            m0 += w * (mode_x[m, 0] + 0.5 * dt_s * mode_x[m, 3])
            m1 += w * (mode_x[m, 1] + 0.5 * dt_s * mode_x[m, 4])
            m2 += w * (mode_x[m, 2] + 0.5 * dt_s * mode_x[m, 5])
        if weight > 0.0:
            m0, m1, m2 = m0 / weight, m1 / weight, m2 / weight
        else:
            m0 = mode_x[j, 0] + 0.5 * dt_s * mode_x[j, 3]
            m1 = mode_x[j, 1] + 0.5 * dt_s * mode_x[j, 4]
            m2 = mode_x[j, 2] + 0.5 * dt_s * mode_x[j, 5]
        gx, gy, gz = filters.gravity_at(m0, m1, m2, gravity)
        extra += 0.5 * dt_s * dt_s * np.sqrt(gx * gx + gy * gy + gz * gz)
    return extra


@inline_kernel
def commit(mode_x: Array, mode_p: Array, mu: Array, x: Array, p: Array, r: int, pred_mode_x: Array,
           pred_mode_p: Array, pred_mu: Array, pred_x: Array, pred_p: Array, q: int) -> None:
    """The prediction in slot ``q`` becomes row ``r``'s state (with one model, ``x`` and ``p`` are the model's
    own memory, :func:`empty_store`, and ``pred_mode_x``, ``pred_mode_p`` are not read)."""
    for a in range(6):
        x[r, a] = pred_x[q, a]
        for b in range(6):
            p[r, a, b] = pred_p[q, a, b]
    if mu.shape[1] == 1:
        mu[r, 0] = pred_mu[q, 0]
        return
    for j in range(mu.shape[1]):
        mu[r, j] = pred_mu[q, j]
        for a in range(6):
            mode_x[r, j, a] = pred_mode_x[q, j, a]
            for b in range(6):
                mode_p[r, j, a, b] = pred_mode_p[q, j, a, b]


@inline_kernel
def take_row(lists: I64, counts: I64) -> int:
    """A row for a new track: the last one freed, else the next never used."""
    if counts[FREE_ROWS] > 0:
        counts[FREE_ROWS] -= 1
        return lists[FREE_LIST, counts[FREE_ROWS]]
    r = counts[ROWS_USED]
    counts[ROWS_USED] = r + 1
    return r


@inline_kernel
def modes_from_state(mode_x: Array, mode_p: Array, mu: Array, x: Array, p: Array, r: int) -> None:
    """Every motion model of row ``r`` starts from its state ``x``, ``p``, equally likely (with one model the
    state is the model's own memory, :func:`empty_store`: nothing to copy)."""
    models = mu.shape[1]
    for j in range(models):
        mu[r, j] = 1.0 / models
        if models == 1:
            continue
        for a in range(6):
            mode_x[r, j, a] = x[r, a]
            for b in range(6):
                mode_p[r, j, a, b] = p[r, a, b]


@inline_kernel
def summarize(clock: Array, x: Array, p: Array, r: int) -> None:
    """Row ``r``'s summary in ``clock``: its combined state and the traces of its covariance blocks."""
    for a in range(6):
        clock[r, STATE_X + a] = x[r, a]
    clock[r, TRACE_PP] = p[r, 0, 0] + p[r, 1, 1] + p[r, 2, 2]
    clock[r, TRACE_PV] = p[r, 0, 3] + p[r, 1, 4] + p[r, 2, 5]
    clock[r, TRACE_VV] = p[r, 3, 3] + p[r, 4, 4] + p[r, 5, 5]


# Columns of the per-look work tables: rows_of (int64) and row_real (float64).
ROW, START_STATUS, SLOT, COVERED, COMMITTED, HIT, PREDICTED, ACTIVE = range(8)  # PREDICTED, ACTIVE: lists of rows
DT = 0
# Rows of the pair work table (int64): the associated tracks' first pairs, the pairs' reports, their tracks.
PAIR_FIRST, PAIR_REPORT, PAIR_TRACK = range(3)


@kernel
def _gather_look(look: I64, z_reports: Array, e: int, pos: Array, rotation: Array, track: I32, picture_start: I64,
                 picture_rows: I64, new_rows: I64, n_new: int, points: Array, sorted_x: Array, order: I64,
                 usable: Bool, rows_of: I64, seed_rows: I64) -> tuple[int, int]:
    """The look's reports as positions sorted along x, its picture's live tracks (``rows_of[:, ROW]``) and
    seeds (``seed_rows``); returns how many of each."""
    sensor, picture, first_report, reports = look[e, LOOK_SENSOR], look[e, LOOK_PICTURE], look[e, FIRST], look[e, SIZE]
    for k in range(reports):
        east, north, up = filters.enu_of(z_reports[first_report + k])
        for a in range(3):
            points[k, a] = (pos[sensor, a] + rotation[sensor, 0, a] * east + rotation[sensor, 1, a] * north
                            + rotation[sensor, 2, a] * up)
        usable[k] = True
        sorted_x[k] = points[k, 0]
    sort_order(sorted_x, reports, order)
    for k in range(reports):
        sorted_x[k] = points[order[k], 0]
    n_rows = n_seeds = 0
    listed = picture_start[picture + 1] - picture_start[picture] if picture + 1 < len(picture_start) else 0
    for index in range(listed + n_new):
        r = picture_rows[picture_start[picture] + index] if index < listed else new_rows[index - listed]
        if track[r, PICTURE] != picture:
            continue
        if track[r, STATUS] == TENTATIVE or track[r, STATUS] == CONFIRMED:
            rows_of[n_rows, ROW] = r
            n_rows += 1
        elif track[r, STATUS] == SEED:
            seed_rows[n_seeds] = r
            n_seeds += 1
    return n_rows, n_seeds


@kernel
def _predict_rows(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x_state: Array, p_state: Array,
                  radar: I32, look: I64, look_time: Array, e: int, pos: Array, rotation: Array, sigma_all: Array,
                  limits: Array, heading: Array, antenna_alt: Array, gravity: int, motion: Array, modes: tuple,
                  constants: Array, reports_work: tuple, rows_of: I64, row_real: Array, n_rows: int,
                  predictions: tuple, work: tuple) -> tuple[int, int]:
    """Each track of the look: a cheap bound of its prediction, coverage, and a full prediction where it can
    matter (module doc). A confirmed track the look covers and that radar has detected before is
    updated or missed: its prediction becomes its state now. A tentative track is predicted only
    when a report may fall in its gate (a miss leaves its state as it was: with one model the
    prediction composes exactly), and at constant velocity: an IMM track's modes stay alike, as the
    EKF's one, until it is confirmed. With its modes equally likely the turns spread the IMM's
    mixture over an arc (km wide at hundreds of m/s) whose gate, in clutter, confirms false tracks
    (50 targets, 300 false alarms a scan, Pd 0.7: 1,139 against the EKF's 34; gating by the
    constant-velocity mode alone, or by the union of the modes' gates, still 250 and 534). Returns how many rows were predicted (listed in
    ``rows_of[:, PREDICTED]``) and how many the look covers or predicts (``rows_of[:, ACTIVE]``). The motion
    table's columns come as contiguous arrays (``modes``: its switching matrix, turn rates, ballistic flags and
    noise intensities), made once a tick; the other arrays in tuples (:func:`process_due`)."""
    transition, turn, ballistic, intensity = modes
    points, sorted_x, order, usable = reports_work
    pred_mode_x, pred_mode_p, pred_mu, pred_x, pred_p, pred_z, pred_s_inverse, pred_hp, pred_radius = predictions
    (blocks, weights, mixed_x, mixed_p, mu_predicted, start, mean, x_in, p_in, mu_in, x_out, p_out, mu_out,
     combined_x, combined_p, z_out, hp, s, s_inverse, target, enu) = work
    sensor, looked, t_s, reports = look[e, LOOK_SENSOR], look[e, LOOKED] != 0, look_time[e, MEASURED], look[e, SIZE]
    sensor_pos, frame, sigma = pos[sensor], rotation[sensor], sigma_all[sensor]
    bounded = len(limits) > 0
    radar_limits = limits[sensor] if bounded else np.zeros(0)
    antenna_alt_m = antenna_alt[sensor] if bounded else 0.0
    heading_rad = heading[sensor] if bounded else 0.0
    gate, angular = constants[GATE], sigma[1] * sigma[1] + sigma[2] * sigma[2]
    models = mu.shape[1]
    low_x = low_y = low_z = np.inf  # the box of the look's reports: a track's sphere far from it holds none
    high_x = high_y = high_z = -np.inf
    for k in range(reports):
        low_x, high_x = min(low_x, points[k, 0]), max(high_x, points[k, 0])
        low_y, high_y = min(low_y, points[k, 1]), max(high_y, points[k, 1])
        low_z, high_z = min(low_z, points[k, 2]), max(high_z, points[k, 2])
    predicted = n_active = np.int64(0)
    for i in range(n_rows):
        r = rows_of[i, ROW]
        dt_s = t_s - clock[r, STATE_T]
        rows_of[i, START_STATUS], rows_of[i, SLOT], rows_of[i, HIT], rows_of[i, COMMITTED] = track[r, STATUS], -1, 0, 0
        row_real[i, DT] = dt_s
        cx = clock[r, STATE_X] + dt_s * clock[r, STATE_X + 3]
        cy = clock[r, STATE_X + 1] + dt_s * clock[r, STATE_X + 4]
        cz = clock[r, STATE_X + 2] + dt_s * clock[r, STATE_X + 5]
        velocity = clock[r, TRACE_VV]
        spread2 = clock[r, TRACE_PP] + 2.0 * dt_s * clock[r, TRACE_PV] + dt_s * dt_s * velocity
        spread, margin = np.sqrt(max(spread2, 0.0)), 0.0
        if models > 1:
            margin = _imm_spread(mode_x[r], mu[r], x_state[r], velocity, dt_s, motion, gravity,
                                 constants[MODE_TURN_RATE])
            spread += margin
        bound = spread * spread + (constants[MAX_INTENSITY] * dt_s * dt_s * dt_s if dt_s > 0.0 else 0.0)
        detected = False
        if sensor < MASKED_RADARS:
            detected = (track[r, DETECTED_BY] >> sensor) & 1 == 1
        else:
            for k in range(track[r, RADARS]):
                detected |= radar[r, k, SENSOR] == sensor and radar[r, k, HITS_BY] > 0
        tentative = track[r, STATUS] == TENTATIVE
        covered = False
        if tentative:  # M of N counts every look of a radar that detected it, wherever it is predicted
            covered = looked and detected
        elif looked and not beyond_range(radar_limits, sensor_pos, cx, cy, cz, margin):
            if margin > 0.0:
                cx, cy, cz = _predicted_position(mode_x[r], mu[r], dt_s, motion, transition, gravity, weights,
                                                 mu_predicted,
                                                 start, mean, blocks)
                margin = 0.0
            target[0], target[1], target[2] = cx, cy, cz
            covered = covers(frame, sensor_pos, antenna_alt_m, heading_rad, radar_limits, target, enu)
        rows_of[i, COVERED] = covered
        held = covered and dt_s >= 0.0 and detected
        need = held and not tentative  # a tentative track missed needs no prediction: it is counted, not moved
        if not need and reports > 0:  # is any report inside a sphere that surely holds the gate?
            d0, d1, d2 = cx - sensor_pos[0], cy - sensor_pos[1], cz - sensor_pos[2]
            reach = np.sqrt(d0 * d0 + d1 * d1 + d2 * d2) + margin
            radius = (1.5 * gate * np.sqrt(bound + sigma[0] * sigma[0] + (reach * reach + 1e-6) * angular)
                      * (1.0 + 1e-9) + 1e-6 + margin)
            # No report can be nearer than the box (rounding is monotonic, so this never rejects one inside).
            d0, d1, d2 = (max(low_x - cx, cx - high_x, 0.0), max(low_y - cy, cy - high_y, 0.0),
                          max(low_z - cz, cz - high_z, 0.0))
            k = reports if d0 * d0 + d1 * d1 + d2 * d2 > radius * radius else first_at_least(sorted_x, reports,
                                                                                            cx - radius)
            while k < reports and sorted_x[k] <= cx + radius and not need:
                point = order[k]
                d0, d1, d2 = points[point, 0] - cx, points[point, 1] - cy, points[point, 2] - cz
                need = d0 * d0 + d1 * d1 + d2 * d2 <= radius * radius
                k += 1
        if need:
            rows_of[i, SLOT] = predicted
            rows_of[predicted, PREDICTED] = i
            predicted += 1
            rows_of[i, COMMITTED] = held
        if need or covered:  # the rows the look can change (the others neither hit nor miss)
            rows_of[n_active, ACTIVE] = i
            n_active += 1
    # The predictions, and the gate of each: copied in and out of work arrays, so that the filter's steps
    # are given whole arrays (a view made per call costs two atomic reference-count updates).
    for q in range(predicted):
        i = rows_of[q, PREDICTED]
        r, dt_s = rows_of[i, ROW], row_real[i, DT]
        if models == 1 or rows_of[i, START_STATUS] == TENTATIVE:  # constant velocity (mode 0), every mode alike
            for a in range(6):
                mixed_x[a] = mode_x[r, 0, a]
                for b in range(6):
                    mixed_p[a, b] = mode_p[r, 0, a, b]
            forward = 1.0 if dt_s >= 0.0 else 0.0
            filters.predict_mode(mixed_x, mixed_p, dt_s, turn[0], ballistic[0], forward * intensity[0], gravity,
                                 combined_x, combined_p, blocks)
            for j in range(models):
                mu_out[j] = mu[r, j]
                if models == 1:  # the combined state is the model's own (commit)
                    continue
                for a in range(6):
                    x_out[j, a] = combined_x[a]
                    for b in range(6):
                        p_out[j, a, b] = combined_p[a, b]
        else:
            for j in range(models):
                mu_in[j] = mu[r, j]
                for a in range(6):
                    x_in[j, a] = mode_x[r, j, a]
                    for b in range(6):
                        p_in[j, a, b] = mode_p[r, j, a, b]
            filters.imm_predict(x_in, p_in, mu_in, dt_s, transition, turn, ballistic, intensity, gravity, x_out,
                                p_out, mu_out, weights, mixed_x, mixed_p, blocks)
            filters.combine(x_out, p_out, mu_out, combined_x, combined_p)
        filters.measure(combined_x, sensor_pos, frame, z_out, hp)
        filters.innovation_covariance(combined_p, hp, sigma, s, s_inverse)
        pred_radius[q] = 1.5 * gate * np.sqrt(combined_p[0, 0] + combined_p[1, 1] + combined_p[2, 2]
                                             + sigma[0] * sigma[0] + z_out[0] * z_out[0] * angular)
        for a in range(3):
            pred_z[q, a] = z_out[a]
            for b in range(3):
                pred_s_inverse[q, a, b] = s_inverse[a, b]
        for a in range(6):
            pred_x[q, a] = combined_x[a]
            for b in range(6):
                pred_p[q, a, b] = combined_p[a, b]
        for a in range(3):
            for b in range(3):
                pred_hp[q, a, b] = hp[a, b]
        for j in range(models):
            pred_mu[q, j] = mu_out[j]
            if models == 1:  # the combined state is the model's own (commit)
                continue
            for a in range(6):
                pred_mode_x[q, j, a] = x_out[j, a]
                for b in range(6):
                    pred_mode_p[q, j, a, b] = p_out[j, a, b]
        if rows_of[i, COMMITTED]:  # updated or missed, the prediction is its state now
            commit(mode_x, mode_p, mu, x_state, p_state, r, pred_mode_x, pred_mode_p, pred_mu, pred_x, pred_p, q)
            clock[r, STATE_T] = t_s
            summarize(clock, x_state, p_state, r)
    return predicted, n_active


@kernel
def _associate(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x_state: Array, p_state: Array,
               look: I64, look_time: Array, z_reports: Array, truth: I32, e: int, pos: Array, rotation: Array,
               sigma_all: Array, constants: Array, reports_work: tuple, rows_of: I64, row_real: Array,
               n_predicted: int, pass_status: int, predictions: tuple, assignment: tuple, work: tuple) -> None:
    """Gate the look's predicted tracks of ``pass_status`` against its usable reports, assign them by global
    nearest neighbour, update the assigned ones and give them their report's truth label (work arrays in
    tuples, :func:`process_due`)."""
    points, sorted_x, order, usable = reports_work
    pred_mode_x, pred_mode_p, pred_mu, pred_x, pred_p, pred_z, pred_s_inverse, pred_hp, pred_radius = predictions
    pair, cost, candidate, candidate_d2, reals, indices, visited, heap_key, heap_item = assignment
    z_predicted, nu, hp, s, s_inverse, gains, likelihood = work
    sensor, first_report, reports, t_s = look[e, LOOK_SENSOR], look[e, FIRST], look[e, SIZE], look_time[e, MEASURED]
    sensor_pos, frame, sigma = pos[sensor], rotation[sensor], sigma_all[sensor]
    gate, models = constants[GATE], mu.shape[1]
    pairs = tracks = np.int64(0)  # typed zeros, as in process_due
    pair[PAIR_FIRST, 0] = 0
    for q in range(n_predicted):
        i = rows_of[q, PREDICTED]
        if rows_of[i, START_STATUS] != pass_status:
            continue
        found = nearest_within(points, sorted_x, order, reports, usable, pred_x[q, 0], pred_x[q, 1], pred_x[q, 2],
                               pred_radius[q], candidate, candidate_d2)
        for c in range(found):
            point = candidate[c]
            distance = np.sqrt(filters.gate_distance_squared(z_reports, first_report + point, pred_z, pred_s_inverse,
                                                             q))
            if distance < gate:
                pair[PAIR_REPORT, pairs], cost[pairs] = point, distance - gate
                pairs += 1
        if pairs > pair[PAIR_FIRST, tracks]:
            pair[PAIR_TRACK, tracks] = i
            tracks += 1
            pair[PAIR_FIRST, tracks] = pairs
    if tracks == 0:
        return
    assign(pair[PAIR_FIRST], pair[PAIR_REPORT], cost, tracks, reports, True, reals, indices, visited, heap_key,
           heap_item)
    for g in range(tracks):
        point = indices[COLUMN_OF_ROW, g]
        if point >= reports:
            continue
        i = pair[PAIR_TRACK, g]
        r = rows_of[i, ROW]
        usable[point] = False
        rows_of[i, HIT] = 1
        if row_real[i, DT] >= 0.0:  # an older report is absorbed without an update
            q = rows_of[i, SLOT]
            if not rows_of[i, COMMITTED]:
                commit(mode_x, mode_p, mu, x_state, p_state, r, pred_mode_x, pred_mode_p, pred_mu, pred_x, pred_p, q)
                clock[r, STATE_T] = t_s
                rows_of[i, COMMITTED] = 1
            if models == 1:  # the state is prediction q: its measurement and S⁻¹ are the gate's, bit for bit
                for a in range(3):
                    nu[a] = z_reports[first_report + point, a] - pred_z[q, a]
                    for b in range(3):
                        hp[a, b], s_inverse[a, b] = pred_hp[q, a, b], pred_s_inverse[q, a, b]
                nu[1] = wrap_angle_of(nu[1])
                filters.update(x_state[r], p_state[r], nu, hp, s_inverse, gains)
            else:
                filters.imm_update(mode_x[r], mode_p[r], mu[r], z_reports[first_report + point], sensor_pos, frame,
                                   sigma, likelihood, z_predicted, nu, hp, s, s_inverse, gains)
                filters.combine(mode_x[r], mode_p[r], mu[r], x_state[r], p_state[r])
            summarize(clock, x_state, p_state, r)
        if truth[first_report + point] >= 0:
            track[r, LABEL] = truth[first_report + point]


@kernel
def _count_looks(track: I32, clock: Array, radar: I32, lists: I64, counts: I64, sensor: int,
                 looked: bool, rows_of: I64, row_real: Array, n_rows: int, n_active: int, pass_status: int,
                 constants: Array) -> None:
    """Hits, misses and covering looks of the look's tracks of ``pass_status`` (:mod:`iadsim.tracking.deletion`);
    then the confirmed ones whose misses cost too much, or whose position is too uncertain, end."""
    for a in range(n_active):
        i = rows_of[a, ACTIVE]
        r = rows_of[i, ROW]
        hit = rows_of[i, HIT] != 0
        seen = looked and rows_of[i, COVERED] != 0 and row_real[i, DT] >= 0.0
        if rows_of[i, START_STATUS] != pass_status or not (hit or seen):
            continue
        k = 0
        while k < track[r, RADARS] and radar[r, k, SENSOR] != sensor:
            k += 1
        if k == track[r, RADARS]:
            radar[r, k, SENSOR], radar[r, k, LOOKS_BY], radar[r, k, HITS_BY] = sensor, 0, 0
            track[r, RADARS] = k + 1
            counts[MOST_RADARS] = max(counts[MOST_RADARS], k + 1)
        if hit:
            radar[r, k, HITS_BY] += 1
            if sensor < MASKED_RADARS:
                track[r, DETECTED_BY] |= 1 << sensor
            track[r, HITS] += 1
            clock[r, MISS_SCORE] = 0.0
        elif radar[r, k, HITS_BY] > 0:
            clock[r, MISS_SCORE] += miss_cost(radar[r, k, HITS_BY], radar[r, k, LOOKS_BY])
            track[r, MISSES] += 1
        radar[r, k, LOOKS_BY] += 1
    if pass_status != CONFIRMED:
        return
    for i in range(n_rows):
        r = rows_of[i, ROW]
        if rows_of[i, START_STATUS] == CONFIRMED and track[r, STATUS] == CONFIRMED:
            lost = clock[r, MISS_SCORE] > constants[DELETION_THRESHOLD]
            if lost or clock[r, TRACE_PP] > constants[MAX_POSITION_VARIANCE]:
                end_track(track, lists, counts, r, DropReason.LOST_TO_MISSES if lost else DropReason.LOST_UNCERTAIN)


@kernel
def _confirm_tentative(track: I32, clock: Array, rows_of: I64, n_rows: int, constants: Array, freed: I64,
                       n_freed: int) -> int:
    """M of N: confirm the look's tentative tracks that reached ``confirm_hits``, free those that can no
    longer (or whose position is too uncertain); returns the rows freed so far."""
    for i in range(n_rows):
        r = rows_of[i, ROW]
        if rows_of[i, START_STATUS] != TENTATIVE or track[r, STATUS] != TENTATIVE:
            continue
        if track[r, HITS] >= constants[CONFIRM_HITS]:
            track[r, STATUS] = CONFIRMED
        elif track[r, MISSES] > constants[TENTATIVE_MISSES] or clock[r, TRACE_PP] > constants[MAX_POSITION_VARIANCE]:
            track[r, STATUS] = FREE
            freed[n_freed] = r
            n_freed += 1
    return n_freed


@kernel
def _track_from_pair(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x_state: Array,
                     p_state: Array, radar: I32, counts: I64, s: int, report: Array, label: int, sensor: int,
                     pos: Array, rotation: Array, sigma: Array, gravity: int, motion: Array, constants: Array,
                     t_s: float, out_x: Array, out_p: Array, measured_x: Array, measured_p: Array, nu: Array,
                     hp: Array, innovation_s: Array, s_inverse: Array, gains: Array, blocks: Array) -> None:
    """Seed row ``s`` and a later ``report`` of ``sensor`` become a track with two hits, in row ``s``.

    The seed's state (its position, velocity zero with ``initial_speed_sigma`` per axis) is predicted to
    the report's time under the constant-velocity model and updated with the report's position as a
    converted measurement (position and covariance as :func:`~iadsim.tracking.filters.initial_state`
    gives them, a linear update): the velocity comes out near the displacement over the time between,
    its uncertainty from both positions' errors, the prior mattering only when little time passed.
    """
    dt_s = t_s - clock[s, STATE_T]
    filters.predict_mode(x_state[s], p_state[s], dt_s, 0.0, False, motion[0, INTENSITY], gravity, out_x, out_p,
                         blocks)
    filters.initial_state(report, pos[sensor], rotation[sensor], sigma[sensor], 0.0, measured_x, measured_p)
    for a in range(3):
        nu[a] = measured_x[a] - out_x[a]
        for b in range(3):
            innovation_s[a, b] = out_p[a, b] + measured_p[a, b]
            hp[a, b] = 1.0 if a == b else 0.0
    filters.invert_3x3(innovation_s, s_inverse)
    filters.update(out_x, out_p, nu, hp, s_inverse, gains)
    models = mu.shape[1]
    for j in range(models):
        mu[s, j] = 1.0 / models
        for a in range(6):
            mode_x[s, j, a] = out_x[a]
            for b in range(6):
                mode_p[s, j, a, b] = out_p[a, b]
    if models > 1:  # with one model the combined state is the model's own memory
        for a in range(6):
            x_state[s, a] = out_x[a]
            for b in range(6):
                p_state[s, a, b] = out_p[a, b]
    clock[s, STATE_T], clock[s, MISS_SCORE] = t_s, 0.0
    summarize(clock, x_state, p_state, s)
    track[s, STATUS] = CONFIRMED if constants[CONFIRM_HITS] <= 2 else TENTATIVE
    track[s, HITS] = 2
    if label >= 0:
        track[s, LABEL] = label
    if radar[s, 0, SENSOR] == sensor:
        radar[s, 0, LOOKS_BY] += 1
        radar[s, 0, HITS_BY] += 1
    else:
        radar[s, 1, SENSOR], radar[s, 1, LOOKS_BY], radar[s, 1, HITS_BY] = sensor, 1, 1
        track[s, RADARS] = 2
        counts[MOST_RADARS] = max(counts[MOST_RADARS], 2)
    if sensor < MASKED_RADARS:
        track[s, DETECTED_BY] |= 1 << sensor


@kernel
def _pair_seeds(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x_state: Array,
                p_state: Array, radar: I32, counts: I64, look: I64, look_time: Array, z_reports: Array,
                truth: I32, e: int, pos: Array, rotation: Array, sigma_all: Array, gravity: int, motion: Array,
                constants: Array, reports_work: tuple, seed_rows: I64, n_seeds: int, assignment: tuple,
                work: tuple, freed: I64, n_freed: int) -> int:
    """Two-point initiation: the look's reports no track took, paired with the picture's seeds.

    A seed is a report no track took, from an earlier look. A report and a seed pair when they are
    no farther apart than ``max_target_speed`` covers in the time between plus the gate on both
    position errors (3-D sigmas); pairs are assigned by global nearest neighbour on distance over that
    limit, and each starts a track (:func:`_track_from_pair`). A seed of this look's radar left
    unpaired has missed a look, and is freed after as many misses as a tentative track may have
    (M of N: a track must still be able to reach ``confirm_hits``). Returns the rows freed so far (work arrays
    in tuples, :func:`process_due`).
    """
    points, sorted_x, order, usable = reports_work
    pair, cost, candidate, candidate_d2, reals, indices, visited, heap_key, heap_item = assignment
    out_x, out_p, measured_x, measured_p, nu, hp, innovation_s, s_inverse, gains, blocks = work
    sensor, first_report, reports, t_s = look[e, LOOK_SENSOR], look[e, FIRST], look[e, SIZE], look_time[e, MEASURED]
    sigma = sigma_all[sensor]
    gate, speed, angular = constants[GATE], constants[MAX_SPEED], sigma[1] * sigma[1] + sigma[2] * sigma[2]
    worst = 0.0  # the largest position variance of a usable report, and the box of those reports
    low_x = low_y = low_z = np.inf
    high_x = high_y = high_z = -np.inf
    for k in range(reports):
        if usable[k]:
            rho = z_reports[first_report + k, 0]
            worst = max(worst, sigma[0] * sigma[0] + rho * rho * angular)
            low_x, high_x = min(low_x, points[k, 0]), max(high_x, points[k, 0])
            low_y, high_y = min(low_y, points[k, 1]), max(high_y, points[k, 1])
            low_z, high_z = min(low_z, points[k, 2]), max(high_z, points[k, 2])
    pairs = seeds = np.int64(0)  # typed zeros, as in process_due
    pair[PAIR_FIRST, 0] = 0
    for i in range(n_seeds if worst > 0.0 else 0):
        r = seed_rows[i]
        dt_s = t_s - clock[r, STATE_T]
        if dt_s <= 0.0:
            continue
        cx, cy, cz = clock[r, STATE_X], clock[r, STATE_X + 1], clock[r, STATE_X + 2]
        reach, spread = speed * dt_s, clock[r, TRACE_PP]
        radius = reach + gate * np.sqrt(spread + worst)
        d0, d1, d2 = (max(low_x - cx, cx - high_x, 0.0), max(low_y - cy, cy - high_y, 0.0),
                      max(low_z - cz, cz - high_z, 0.0))
        if d0 * d0 + d1 * d1 + d2 * d2 > radius * radius:
            continue
        found = nearest_within(points, sorted_x, order, reports, usable, cx, cy, cz, radius, candidate, candidate_d2)
        for c in range(found):
            point = candidate[c]
            rho = z_reports[first_report + point, 0]
            limit = reach + gate * np.sqrt(spread + sigma[0] * sigma[0] + rho * rho * angular)
            distance = np.sqrt(candidate_d2[c])
            if distance <= limit:
                pair[PAIR_REPORT, pairs], cost[pairs] = point, distance / limit - 1.0
                pairs += 1
        if pairs > pair[PAIR_FIRST, seeds]:
            pair[PAIR_TRACK, seeds] = r
            seeds += 1
            pair[PAIR_FIRST, seeds] = pairs
    if seeds > 0:
        assign(pair[PAIR_FIRST], pair[PAIR_REPORT], cost, seeds, reports, True, reals, indices, visited, heap_key,
               heap_item)
        for g in range(seeds):
            point = indices[COLUMN_OF_ROW, g]
            if point < reports:
                usable[point] = False
                _track_from_pair(track, clock, mode_x, mode_p, mu, x_state, p_state, radar, counts,
                                 pair[PAIR_TRACK, g], z_reports[first_report + point], truth[first_report + point],
                                 sensor, pos, rotation, sigma_all, gravity, motion, constants, t_s, out_x, out_p,
                                 measured_x, measured_p, nu, hp, innovation_s, s_inverse, gains, blocks)
    if look[e, LOOKED] == 0:
        return n_freed
    for i in range(n_seeds):
        r = seed_rows[i]
        if track[r, STATUS] != SEED or radar[r, 0, SENSOR] != sensor or clock[r, STATE_T] >= t_s:
            continue
        track[r, MISSES] += 1
        radar[r, 0, LOOKS_BY] += 1
        if track[r, MISSES] > constants[TENTATIVE_MISSES]:
            track[r, STATUS] = FREE
            freed[n_freed] = r
            n_freed += 1
    return n_freed


@kernel
def _start_tracks(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x_state: Array,
                  p_state: Array, radar: I32, lists: I64, counts: I64, look: I64, look_time: Array, z_reports: Array,
                  truth: I32, e: int, pos: Array, rotation: Array, sigma_all: Array, constants: Array, usable: Bool,
                  new_rows: I64, n_new: int) -> int:
    """A seed on every report of the look left (:func:`_pair_seeds`), or a confirmed track when one detection
    confirms; returns the rows started so far."""
    sensor, picture, first_report, reports = look[e, LOOK_SENSOR], look[e, LOOK_PICTURE], look[e, FIRST], look[e, SIZE]
    for k in range(reports):
        if not usable[k]:
            continue
        r = take_row(lists, counts)
        filters.initial_state(z_reports[first_report + k], pos[sensor], rotation[sensor], sigma_all[sensor],
                              constants[INITIAL_SPEED_SIGMA], x_state[r], p_state[r])
        modes_from_state(mode_x, mode_p, mu, x_state, p_state, r)
        track[r, STATUS] = CONFIRMED if constants[CONFIRM_HITS] <= 1 else SEED
        track[r, PICTURE], track[r, LABEL] = picture, truth[first_report + k]
        track[r, HITS], track[r, MISSES], track[r, RADARS], track[r, JAMMER] = 1, 0, 1, 0
        clock[r, STATE_T], clock[r, MISS_SCORE] = look_time[e, MEASURED], 0.0
        summarize(clock, x_state, p_state, r)
        radar[r, 0, SENSOR], radar[r, 0, LOOKS_BY], radar[r, 0, HITS_BY] = sensor, 1, 1
        track[r, DETECTED_BY] = 1 << sensor if sensor < MASKED_RADARS else 0
        counts[MOST_RADARS] = max(counts[MOST_RADARS], 1)
        new_rows[n_new] = r
        n_new += 1
    return n_new


@kernel
def _later(look: I64, look_time: Array, a: int, b: int) -> bool:
    """Whether look ``a`` comes after look ``b``: by arrival, then measurement time, then order of sending."""
    if look_time[a, ARRIVAL] != look_time[b, ARRIVAL]:
        return look_time[a, ARRIVAL] > look_time[b, ARRIVAL]
    if look_time[a, MEASURED] != look_time[b, MEASURED]:
        return look_time[a, MEASURED] > look_time[b, MEASURED]
    return look[a, SENT] > look[b, SENT]


@kernel
def process_due(track: I32, clock: Array, mode_x: Array, mode_p: Array, mu: Array, x: Array, p: Array, radar: I32,
                lists: I64, counts: I64, look: I64, look_time: Array, z: Array, truth: I32, queue_counts: I64,
                pos: Array, rotation: Array, sigma: Array, gravity: int, limits: Array, heading: Array,
                antenna_alt: Array, motion: Array, constants: Array, t_s: float) -> int:
    """Process every look arrived by ``t_s``, in order of arrival, measurement time and sending.

    Arguments: a :class:`TrackStore`, a :class:`LookQueue` and a
    :class:`~iadsim.tracking.backend.SensorGeometry`, unpacked; the motion table and constants.
    Returns :data:`DONE`, or :data:`NEED_ROWS` / :data:`NEED_RADAR_SLOTS` when the next look might not
    fit in the store: the caller grows it and calls again, and processing goes on where it stopped.
    """
    n_looks = queue_counts[LOOKS]
    due = np.empty(n_looks, np.int64)
    # Counters passed to kernels start as typed zeros: from a literal 0 numba would compile each callee twice.
    n_due = reports_due = largest = np.int64(0)
    for e in range(n_looks):
        if not look[e, DONE_LOOK] and look_time[e, ARRIVAL] <= t_s + ARRIVAL_SLACK_S:
            due[n_due] = e
            n_due += 1
            reports_due += look[e, SIZE]
            largest = max(largest, look[e, SIZE])
    if n_due == 0:
        return DONE
    for k in range(1, n_due):  # in order of arrival, measurement, sending (few looks: an insertion sort)
        e, j = due[k], k
        while j > 0 and _later(look, look_time, due[j - 1], e):
            due[j] = due[j - 1]
            j -= 1
        due[j] = e
    due = due[:n_due]
    _free_lost_tentatives(track, clock, lists, counts, constants, limits, look_time[due[0], MEASURED])
    live = lists[LIVE_LIST, :counts[LIVE]]
    pictures = 0
    for r in live:
        pictures = max(pictures, track[r, PICTURE] + 1)
    picture_start = np.zeros(pictures + 1, np.int64)
    for r in live:
        picture_start[track[r, PICTURE] + 1] += 1
    for k in range(pictures):
        picture_start[k + 1] += picture_start[k]
    picture_rows = np.empty(len(live), np.int64)
    fill = picture_start.copy()
    for r in live:
        picture_rows[fill[track[r, PICTURE]]] = r
        fill[track[r, PICTURE]] += 1
    rows = len(live) + reports_due
    models = mu.shape[1]
    pairs = NEAREST_CANDIDATES * rows
    n_new = n_freed = np.int64(0)
    outcome = DONE
    capacity, slots = len(track), radar.shape[1]
    # The work arrays, views of one float and one integer buffer: an allocation costs more than a view, and
    # a tick made about fifty of them.
    floats = np.empty(4 * largest + rows * (65 + 43 * models) + pairs + 1 + NEAREST_CANDIDATES
                      + models * (87 + models) + 234)
    integers = np.empty(largest + 11 * rows + 3 * (pairs + 1) + NEAREST_CANDIDATES, np.int64)
    f = i = 0
    points, sorted_x = floats[f:f + 3 * largest].reshape((largest, 3)), floats[f + 3 * largest:f + 4 * largest]
    f += 4 * largest
    row_real, pred_radius = floats[f:f + rows].reshape((rows, 1)), floats[f + rows:f + 2 * rows]
    f += 2 * rows
    pred_mode_x = floats[f:f + 6 * rows * models].reshape((rows, models, 6))
    f += 6 * rows * models
    pred_mode_p = floats[f:f + 36 * rows * models].reshape((rows, models, 6, 6))
    f += 36 * rows * models
    pred_mu = floats[f:f + rows * models].reshape((rows, models))
    f += rows * models
    pred_x, pred_z = floats[f:f + 6 * rows].reshape((rows, 6)), floats[f + 6 * rows:f + 9 * rows].reshape((rows, 3))
    f += 9 * rows
    pred_p = floats[f:f + 36 * rows].reshape((rows, 6, 6))
    f += 36 * rows
    pred_s_inverse = floats[f:f + 9 * rows].reshape((rows, 3, 3))
    pred_hp = floats[f + 9 * rows:f + 18 * rows].reshape((rows, 3, 3))
    f += 18 * rows
    cost, candidate_d2 = floats[f:f + pairs + 1], floats[f + pairs + 1:f + pairs + 1 + NEAREST_CANDIDATES]
    f += pairs + 1 + NEAREST_CANDIDATES
    x_in, x_out = floats[f:f + 6 * models].reshape((models, 6)), floats[f + 6 * models:f + 12 * models].reshape(
        (models, 6))
    f += 12 * models
    p_in = floats[f:f + 36 * models].reshape((models, 6, 6))
    p_out = floats[f + 36 * models:f + 72 * models].reshape((models, 6, 6))
    f += 72 * models
    mu_in, mu_out, mu_predicted = floats[f:f + models], floats[f + models:f + 2 * models], floats[
        f + 2 * models:f + 3 * models]
    f += 3 * models
    weights = floats[f:f + models * models].reshape((models, models))
    f += models * models
    combined_p, mixed_p, measured_p = (floats[f:f + 36].reshape((6, 6)), floats[f + 36:f + 72].reshape((6, 6)),
                                       floats[f + 72:f + 108].reshape((6, 6)))
    f += 108
    combined_x, mixed_x, start, mean, measured_x = (floats[f:f + 6], floats[f + 6:f + 12], floats[f + 12:f + 18],
                                                   floats[f + 18:f + 24], floats[f + 24:f + 30])
    f += 30
    z_out, z_predicted, nu, target, enu = (floats[f:f + 3], floats[f + 3:f + 6], floats[f + 6:f + 9],
                                           floats[f + 9:f + 12], floats[f + 12:f + 15])
    f += 15
    hp, s, s_inverse = (floats[f:f + 9].reshape((3, 3)), floats[f + 9:f + 18].reshape((3, 3)),
                        floats[f + 18:f + 27].reshape((3, 3)))
    f += 27
    blocks, gains = floats[f:f + 18].reshape((2, 3, 3)), floats[f + 18:f + 54].reshape((2, 6, 3))
    order, seed_rows = integers[i:i + largest], integers[i + largest:i + largest + rows]
    i += largest + rows
    rows_of = integers[i:i + 8 * rows].reshape((rows, 8))
    changes = integers[i + 8 * rows:i + 10 * rows].reshape((2, rows))  # rows started, rows freed
    i += 10 * rows
    pair = integers[i:i + 3 * (pairs + 1)].reshape((3, pairs + 1))
    candidate = integers[i + 3 * (pairs + 1):i + 3 * (pairs + 1) + NEAREST_CANDIDATES]
    usable = np.empty(largest, np.bool_)
    reals, indices, visited, heap_key, heap_item = assignment_work(rows, largest, pairs)
    modes = (motion[:, SWITCH:].copy(), motion[:, TURN_RATE].copy(), motion[:, BALLISTIC] > 0.0,
             motion[:, INTENSITY].copy())
    # The sub-kernels take their work arrays in tuples: CPython compiles a call of more than 30 arguments into
    # one of a built tuple (CALL_FUNCTION_EX), which numba's code builds and unpacks at every call, about
    # 1 µs a call for 40-60 arrays against 0.05 µs for a call of 30 or fewer.
    reports_work = (points, sorted_x, order, usable)
    predictions = (pred_mode_x, pred_mode_p, pred_mu, pred_x, pred_p, pred_z, pred_s_inverse, pred_hp, pred_radius)
    assignment = (pair, cost, candidate, candidate_d2, reals, indices, visited, heap_key, heap_item)
    prediction_work = (blocks, weights, mixed_x, mixed_p, mu_predicted, start, mean, x_in, p_in, mu_in, x_out, p_out,
                       mu_out, combined_x, combined_p, z_out, hp, s, s_inverse, target, enu)
    update_work = (z_predicted, nu, hp, s, s_inverse, gains, mu_predicted)
    pairing_work = (combined_x, combined_p, measured_x, measured_p, nu, hp, s, s_inverse, gains, blocks)
    for e in due:
        if counts[FREE_ROWS] + capacity - counts[ROWS_USED] < look[e, SIZE]:
            outcome = NEED_ROWS
            break
        if counts[MOST_RADARS] >= slots:
            outcome = NEED_RADAR_SLOTS
            break
        n_rows, n_seeds = _gather_look(look, z, e, pos, rotation, track, picture_start, picture_rows, changes[0], n_new,
                                       points, sorted_x, order, usable, rows_of, seed_rows)
        n_predicted, n_active = _predict_rows(
            track, clock, mode_x, mode_p, mu, x, p, radar, look, look_time, e, pos, rotation, sigma, limits, heading,
            antenna_alt, gravity, motion, modes, constants, reports_work, rows_of, row_real, n_rows, predictions,
            prediction_work)
        for pass_status in (CONFIRMED, TENTATIVE):
            _associate(track, clock, mode_x, mode_p, mu, x, p, look, look_time, z, truth, e, pos, rotation, sigma,
                       constants, reports_work, rows_of, row_real, n_predicted, pass_status, predictions, assignment,
                       update_work)
            _count_looks(track, clock, radar, lists, counts, look[e, LOOK_SENSOR], look[e, LOOKED] != 0, rows_of,
                         row_real, n_rows, n_active, pass_status, constants)
        n_freed = _confirm_tentative(track, clock, rows_of, n_rows, constants, changes[1], n_freed)
        n_freed = _pair_seeds(track, clock, mode_x, mode_p, mu, x, p, radar, counts, look, look_time, z, truth, e, pos,
                              rotation, sigma, gravity, motion, constants, reports_work, seed_rows, n_seeds, assignment,
                              pairing_work, changes[1], n_freed)
        n_new = _start_tracks(track, clock, mode_x, mode_p, mu, x, p, radar, lists, counts, look, look_time, z, truth,
                              e, pos, rotation, sigma, constants, usable, changes[0], n_new)
        look[e, DONE_LOOK] = 1
    _settle(track, lists, counts, changes, n_new, n_freed)
    if outcome == DONE:
        _compact_queue(look, look_time, z, truth, queue_counts)
    return outcome


@kernel
def _free_lost_tentatives(track: I32, clock: Array, lists: I64, counts: I64, constants: Array, limits: Array,
                          t_s: float) -> None:
    """Free the tentative tracks that can no longer be confirmed although no look covers them.

    A look that does not cover a track neither hits nor misses it, so a tentative track started on false
    alarms that flies out of every radar's coverage (with a velocity of hundreds of m/s, as two false alarms
    give it) was never freed: on the demo 700 of them were alive at once, most of the tracker's work. Such
    a track is freed once both hold at ``t_s``: it has not been updated for ``confirm_looks`` scans of the
    slowest radar (the time its M of N could take), and its position spread, moved on from its last state
    without process noise (a lower bound), passes ``max_position_sigma``. Without coverage limits every look
    covers every track, M of N frees them all, and nothing is done here.
    """
    if len(limits) == 0:
        return
    slowest_scan_s = 0.0
    for radar in range(len(limits)):
        slowest_scan_s = max(slowest_scan_s, limits[radar, SCAN_PERIOD])
    window_s = (constants[CONFIRM_HITS] + constants[TENTATIVE_MISSES]) * slowest_scan_s
    kept = 0
    for index in range(counts[LIVE]):
        r = lists[LIVE_LIST, index]
        dt = t_s - clock[r, STATE_T]
        if (track[r, STATUS] == TENTATIVE or track[r, STATUS] == SEED) and dt > window_s and (
                clock[r, TRACE_PP] + 2.0 * dt * clock[r, TRACE_PV] + dt * dt * clock[r, TRACE_VV]
                > constants[MAX_POSITION_VARIANCE]):
            track[r, STATUS] = FREE
            lists[FREE_LIST, counts[FREE_ROWS]] = r
            counts[FREE_ROWS] += 1
        else:
            lists[LIVE_LIST, kept] = r
            kept += 1
    counts[LIVE] = kept


@kernel
def _settle(track: I32, lists: I64, counts: I64, changes: I64, n_new: int, n_freed: int) -> None:
    """The live list without the tracks that ended or failed, with those started, in order of rows (the
    loops over a look's tracks then walk memory forwards); failed rows free for reuse."""
    kept = 0
    for index in range(counts[LIVE]):
        r = lists[LIVE_LIST, index]
        if track[r, STATUS] == TENTATIVE or track[r, STATUS] == CONFIRMED or track[r, STATUS] == SEED:
            lists[LIVE_LIST, kept] = r
            kept += 1
    started = np.int64(0)  # a typed zero, as in process_due
    for index in range(n_new):
        r = changes[0, index]
        if track[r, STATUS] == TENTATIVE or track[r, STATUS] == CONFIRMED or track[r, STATUS] == SEED:
            changes[0, started] = r
            started += 1
    keys, order = np.empty(started), np.empty(started, np.int64)
    for index in range(started):
        keys[index] = changes[0, index]  # sorted as floats (exact below 2^53): one specialisation of sort_order
    sort_order(keys, started, order)
    merged = np.empty(kept + started, np.int64)
    a = b = 0
    for index in range(kept + started):
        if b == started or (a < kept and lists[LIVE_LIST, a] < changes[0, order[b]]):
            merged[index] = lists[LIVE_LIST, a]
            a += 1
        else:
            merged[index] = changes[0, order[b]]
            b += 1
    for index in range(kept + started):
        lists[LIVE_LIST, index] = merged[index]
    counts[LIVE] = kept + started
    for index in range(n_freed):
        lists[FREE_LIST, counts[FREE_ROWS]] = changes[1, index]
        counts[FREE_ROWS] += 1


class ArrayTracker:
    """The tracker back end of models ``ekf`` and ``imm``: one store, compiled look processing (module doc).

    As a :class:`~iadsim.tracking.backend.TrackerBackend` (benchmarks, tests, the Stone Soup
    comparison) it takes one scan at a time and reports its confirmed tracks; the engine's track
    stage feeds its queue from the world instead (:mod:`iadsim.tracking.picture`).
    """

    def __init__(self, parameters: TrackerParameters, sensors: SensorGeometry, capacity: int = 64) -> None:
        self.parameters = parameters
        self.sensors = sensors
        self.modes = IMM_MODES if parameters.interacting_models else EKF_MODES
        self.motion = motion_of(parameters, self.modes)
        self.constants = constants_of(parameters, self.motion)
        self.store = empty_store(capacity, len(self.modes), min(4, max(len(sensors.pos), 1)))
        self.queue = empty_queue(16, 256)

    def process(self, scan: Scan) -> None:
        """Associate, filter, confirm and delete with one look's measurements, now: one look per picture reached."""
        queue = self.queue = queue_with_room(self.queue, len(scan.look_pictures) + len(scan.picture), len(scan.z))
        picture, z, truth = np.asarray(scan.picture), np.asarray(scan.z, float), np.asarray(scan.truth, np.int32)
        sent = int(queue.counts[SENDINGS])
        queue.counts[SENDINGS] += 1
        for p in np.union1d(scan.look_pictures, picture).tolist():  # a loop over pictures, for benchmarks and tests
            first, size = add_reports(queue.z, queue.truth, queue.counts, z, truth, np.flatnonzero(picture == p))
            add_look(queue.look, queue.time, queue.counts, int(scan.sensor), p, bool(np.isin(p, scan.look_pictures)),
                     float(scan.t_s), float(scan.t_s), sent, first, size)
        self.run(float(scan.t_s))

    def run(self, t_s: float) -> None:
        """Process the looks arrived by ``t_s``, growing the store when it must."""
        while (outcome := process_due(*self.store, *self.queue, *self.sensors, self.motion, self.constants,
                                      t_s)) != DONE:
            self.grow(outcome)

    def grow(self, outcome: int) -> None:
        """Double the store's rows (:data:`NEED_ROWS`) or its radar slots per track (:data:`NEED_RADAR_SLOTS`)."""
        if outcome == NEED_ROWS:
            self.store = grown_store(self.store, capacity=2 * len(self.store.track))
        else:
            self.store = grown_store(self.store, radars=2 * self.store.radar.shape[1])

    def confirmed(self) -> TrackTable:
        """The confirmed tracks alive now (their row numbers are their ids)."""
        store = self.store
        live = np.sort(store.lists[LIVE_LIST, : store.counts[LIVE]])
        rows = live[store.track[live, STATUS] == CONFIRMED]
        return TrackTable(rows, store.track[rows, PICTURE].astype(np.int64), store.track[rows, LABEL].astype(np.int64),
                          store.x[rows], store.p[rows], store.clock[rows, STATE_T])

    def drop(self, track_id: I64, reason: DropReason) -> None:
        """End these confirmed tracks (their target is known destroyed or arrived)."""
        end_confirmed(self.store.track, self.store.lists, self.store.counts, np.asarray(track_id, np.int64),
                      int(reason))

    def ended(self) -> TrackEnd:
        """Confirmed tracks ended since the last call, with their reasons."""
        store = self.store
        n = int(store.counts[ENDED_ROWS])
        ended = TrackEnd(store.lists[ENDED_LIST, :n].copy(), store.lists[ENDED_REASON, :n].astype(np.int8))
        store.counts[ENDED_ROWS] = 0
        return ended
