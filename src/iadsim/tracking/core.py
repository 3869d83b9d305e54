"""iadsim's own tracker: every track of every air picture in numpy arrays, one look at a time.

For each look (a :class:`~iadsim.tracking.backend.Scan`), in the order Stone
Soup's ``MultiTargetTracker`` with a ``MultiMeasurementInitiator`` uses:

1. predict the tracks of the pictures the look reaches to its time (an EKF with
   a constant-velocity model, or an IMM of constant velocity and two
   coordinated turns, left and right);
2. gate and associate the confirmed tracks with the look's measurements by
   global nearest neighbour (:mod:`iadsim.tracking.association`); update the
   assigned ones; a confirmed track the look covered but did not detect
   misses, at a cost that grows with how often that radar detects it
   (:mod:`iadsim.tracking.deletion`); when the misses since its last update
   cost more than ``coast_misses`` misses of a radar with Pd 0.9, or when its
   position uncertainty passes ``max_position_sigma``, it is deleted;
3. associate the tentative tracks with the measurements left; a tentative
   track is confirmed at ``confirm_hits`` detections and deleted as soon as
   it can no longer get them within ``confirm_looks`` looks (M of N);
4. start a tentative track on every measurement still left.

A look *covers* a track when the radar's coverage (range, sector, horizon)
holds its predicted position; tracks outside it neither hit nor miss, and
neither does a radar that has never detected the track (a far radar that
cannot see a small target does not delete the track a near one holds). A report
older than a track's state (a network's latency) can still be associated, to
the track retrodicted without process noise, and is then absorbed without an
update, so it does not start a duplicate track. Every track carries the truth
label of its last real detection, for scoring only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from iadsim.sensors.radar import from_spherical
from iadsim.tracking import filters
from iadsim.tracking.association import candidate_pairs, global_nearest_neighbour
from iadsim.tracking.backend import Scan, SensorGeometry, TrackEnd, TrackerParameters, TrackTable
from iadsim.tracking.deletion import LOST_TO_MISSES, deletion_threshold, miss_cost

Array = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

MIN_MODE_PROBABILITY = 1e-6
"""Floor of an IMM model's probability after an update."""


@dataclass
class _Store:
    """Tracks as rows; ``mode_x`` (T, M, 6), ``mode_p`` (T, M, 6, 6) and ``mu`` (T, M) per motion model.

    ``looks`` and ``radar_hits`` (T, S) count each radar's covering looks at a track and its detections of
    it; ``miss_score`` is the score lost to misses since the last update (:mod:`iadsim.tracking.deletion`).
    """

    id: I64
    picture: I64
    label: I64
    confirmed: Bool
    hits: I64
    misses: I64
    miss_score: Array
    t_s: Array  # time of the state
    mode_x: Array
    mode_p: Array
    mu: Array
    looks: I64
    radar_hits: I64

    @classmethod
    def empty(cls, models: int, sensors: int) -> _Store:
        return cls(*(np.empty(0, np.int64) for _ in range(3)), np.empty(0, bool),
                   *(np.empty(0, np.int64) for _ in range(2)), np.empty(0), np.empty(0),
                   np.empty((0, models, 6)), np.empty((0, models, 6, 6)), np.empty((0, models)),
                   np.empty((0, sensors), np.int64), np.empty((0, sensors), np.int64))

    def __len__(self) -> int:
        return len(self.id)

    def take(self, rows: I64) -> _Store:
        return _Store(*(getattr(self, f.name)[rows] for f in fields(self)))

    def extend(self, other: _Store) -> _Store:
        return _Store(*(np.concatenate((getattr(self, f.name), getattr(other, f.name))) for f in fields(self)))


def combine(mode_x: Array, mode_p: Array, mu: Array) -> tuple[Array, Array]:
    """Moment-matched mean (T, 6) and covariance (T, 6, 6) of a mixture of model estimates."""
    if mode_x.shape[1] == 1:
        return mode_x[:, 0], mode_p[:, 0]
    x = np.einsum("tm,tmi->ti", mu, mode_x)
    spread = mode_x - x[:, None, :]
    p = np.einsum("tm,tmij->tij", mu, mode_p + spread[..., :, None] * spread[..., None, :])
    return x, p


class ArrayTracker:
    """The tracker back end of models ``ekf`` and ``imm``, vectorised over tracks and pictures."""

    def __init__(self, parameters: TrackerParameters, sensors: SensorGeometry) -> None:
        self.parameters = parameters
        self.sensors = sensors
        self.models = 3 if parameters.interacting_models else 1
        persistence = parameters.mode_persistence
        self.transition = (np.full((self.models, self.models), (1.0 - persistence) / max(self.models - 1, 1))
                           + np.eye(self.models) * (persistence - (1.0 - persistence) / max(self.models - 1, 1)))
        self.turn = (0.0, parameters.turn_rate_rps, -parameters.turn_rate_rps)[: self.models]
        self.n_sensors = len(sensors.pos)
        self.threshold = deletion_threshold(parameters.coast_misses)
        self.store = _Store.empty(self.models, self.n_sensors)
        self.next_id = 0
        self._ended_id: list[I64] = []
        self._ended_reason: list[NDArray[np.object_]] = []

    # --- the interface -------------------------------------------------------------------------

    def process(self, scan: Scan) -> None:
        store, p = self.store, self.parameters
        pictures = np.union1d(scan.look_pictures, scan.picture)
        rows = np.flatnonzero(np.isin(store.picture, pictures))
        dt = scan.t_s - store.t_s[rows]
        pred_x, pred_p, pred_mu = self._predict(rows, dt)
        x, cov = combine(pred_x, pred_p, pred_mu)
        covered = np.isin(store.picture[rows], scan.look_pictures)
        if self.sensors.covers is not None and covered.any():
            covered[covered] = self.sensors.covers(np.full(int(covered.sum()), scan.sensor, np.int64),
                                                   x[covered, :3])
        free = np.ones(len(scan.z), bool)
        hit = np.zeros(len(rows), bool)
        for tentative in (False, True):
            local = np.flatnonzero((store.confirmed[rows] != tentative) & (store.id[rows] >= 0))
            assigned, measurement = self._associate(rows, local, x, cov, scan, free)
            free[measurement] = False
            hit[assigned] = True
            in_sequence = dt[assigned] >= 0.0
            self._update(rows, assigned[in_sequence], measurement[in_sequence], pred_x, pred_p, pred_mu, scan)
            self._label(rows[assigned], scan.truth[measurement])
            looked = local[covered[local] & (dt[local] >= 0.0)]
            held = looked[store.radar_hits[rows[looked], scan.sensor] > 0]  # radars that have seen the track
            missed = held[~hit[held]]
            self._commit(rows[missed], pred_x[missed], pred_p[missed], pred_mu[missed], scan.t_s)
            store.miss_score[rows[missed]] += miss_cost(store.radar_hits[rows[missed], scan.sensor],
                                                        store.looks[rows[missed], scan.sensor])
            store.looks[rows[np.union1d(looked, assigned)], scan.sensor] += 1  # a hit is a look, covered or not
            store.hits[rows[assigned]] += 1
            store.radar_hits[rows[assigned], scan.sensor] += 1
            store.miss_score[rows[assigned]] = 0.0
            store.misses[rows[missed]] += 1
            if not tentative:
                self._delete_confirmed(rows[local])
        self._confirm_or_delete_tentative(rows)
        self._start(scan, np.flatnonzero(free))
        self._compact()

    def confirmed(self) -> TrackTable:
        store = self.store
        rows = np.flatnonzero(store.confirmed)
        x, p = combine(store.mode_x[rows], store.mode_p[rows], store.mu[rows])
        return TrackTable(store.id[rows], store.picture[rows], store.label[rows], x, p, store.t_s[rows])

    def drop(self, track_id: I64, reason: str) -> None:
        rows = np.flatnonzero(np.isin(self.store.id, track_id) & self.store.confirmed)
        self._end(rows, np.full(len(rows), reason, dtype=object))

    def ended(self) -> TrackEnd:
        ended = TrackEnd(np.concatenate(self._ended_id) if self._ended_id else np.empty(0, np.int64),
                         np.concatenate(self._ended_reason) if self._ended_reason else np.empty(0, object))
        self._ended_id, self._ended_reason = [], []
        return ended

    # --- steps ---------------------------------------------------------------------------------

    def _predict(self, rows: I64, dt: Array) -> tuple[Array, Array, Array]:
        """Model-wise predictions (IMM mixing first); reports older than the state retrodict without noise."""
        store, q = self.store, self.parameters.process_intensity
        mode_x, mode_p, mu = store.mode_x[rows], store.mode_p[rows], store.mu[rows]
        forward = dt >= 0.0
        if self.models > 1:
            moving = dt > 0.0
            transition = np.where(moving[:, None, None], self.transition[None], np.eye(self.models)[None])
            predicted_mu = np.einsum("tij,ti->tj", transition, mu)
            weight = transition * mu[:, :, None] / np.maximum(predicted_mu[:, None, :], 1e-300)  # μ_{i|j}
            # A model of zero probability keeps its own estimate rather than mixing to nothing.
            weight = np.where(predicted_mu[:, None, :] > 0.0, weight, np.eye(self.models)[None])
            mixed_x = np.einsum("tij,tix->tjx", weight, mode_x)
            spread = mode_x[:, :, None, :] - mixed_x[:, None, :, :]  # (T, i, j, 6)
            mixed_p = np.einsum("tij,tijxy->tjxy", weight, mode_p[:, :, None]
                                + spread[..., :, None] * spread[..., None, :])
            mode_x, mode_p, mu = mixed_x, mixed_p, predicted_mu
        noise = filters.cv_process_noise(dt, q) * forward[:, None, None]
        out_x, out_p = np.empty_like(mode_x), np.empty_like(mode_p)
        for model, rate in enumerate(self.turn):
            f = (filters.cv_transition(dt) if rate == 0.0
                 else filters.ct_transition(dt, rate, mode_x[:, model, :3]))
            out_x[:, model], out_p[:, model] = filters.predict(mode_x[:, model], mode_p[:, model], f, noise)
        return out_x, out_p, mu

    def _associate(self, rows: I64, local: I64, x: Array, cov: Array, scan: Scan,
                   free: Bool) -> tuple[I64, I64]:
        """GNN pairs (index into ``rows``, measurement index) between tracks ``local`` and free measurements."""
        candidates = np.flatnonzero(free)
        if len(local) == 0 or len(candidates) == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        sensor = np.full(len(local), scan.sensor, np.int64)
        geometry = self.sensors
        z_pred, h = filters.measure(x[local], geometry.pos[sensor], geometry.rotation[sensor])
        r = geometry.noise(sensor)
        s = filters.innovation_covariance(cov[local], h, r)
        measured = self._position(scan, candidates)
        # A sphere around each track holding its gate: gate × sqrt(trace(S) in metres).
        spread_m2 = (np.trace(cov[local, :3, :3], axis1=1, axis2=2) + r[:, 0, 0]
                     + (z_pred[:, 0] ** 2) * (r[:, 1, 1] + r[:, 2, 2]))
        radius = self.parameters.gate_distance * np.sqrt(spread_m2) * 1.5
        track, measurement = candidate_pairs(x[local, :3], radius, self.store.picture[rows[local]],
                                             measured, scan.picture[candidates])
        nu = filters.innovation(scan.z[candidates[measurement]], z_pred[track])
        distance = np.sqrt(filters.mahalanobis_squared(nu, s[track]))
        chosen_t, chosen_m = global_nearest_neighbour(track, measurement, distance, self.parameters.gate_distance)
        return local[chosen_t], candidates[chosen_m]

    def _position(self, scan: Scan, index: I64) -> Array:
        sensor = np.full(len(index), scan.sensor, np.int64)
        local = from_spherical(scan.z[index])
        return self.sensors.pos[sensor] + np.einsum("kji,kj->ki", self.sensors.rotation[sensor], local)

    def _update(self, rows: I64, assigned: I64, measurement: I64, pred_x: Array, pred_p: Array, pred_mu: Array,
                scan: Scan) -> None:
        if len(assigned) == 0:
            return
        sensor = np.full(len(assigned), scan.sensor, np.int64)
        geometry = self.sensors
        r = geometry.noise(sensor)
        z = scan.z[measurement]
        new_x, new_p = np.empty_like(pred_x[assigned]), np.empty_like(pred_p[assigned])
        likelihood = np.empty((len(assigned), self.models))
        for model in range(self.models):
            x_m, p_m = pred_x[assigned, model], pred_p[assigned, model]
            z_pred, h = filters.measure(x_m, geometry.pos[sensor], geometry.rotation[sensor])
            s = filters.innovation_covariance(p_m, h, r)
            nu = filters.innovation(z, z_pred)
            new_x[:, model], new_p[:, model] = filters.update(x_m, p_m, nu, h, s)
            if self.models > 1:
                likelihood[:, model] = (np.exp(-0.5 * filters.mahalanobis_squared(nu, s))
                                        / np.sqrt((2 * np.pi) ** 3 * np.linalg.det(s)))
        mu = pred_mu[assigned]
        if self.models > 1:
            mu = mu * likelihood
            total = mu.sum(axis=1, keepdims=True)
            mu = np.where(total > 0, mu / np.where(total > 0, total, 1.0), pred_mu[assigned])
            mu = np.maximum(mu, MIN_MODE_PROBABILITY)  # no model dies out for good (it could not come back)
            mu /= mu.sum(axis=1, keepdims=True)
        self._commit(rows[assigned], new_x, new_p, mu, scan.t_s)

    def _commit(self, rows: I64, mode_x: Array, mode_p: Array, mu: Array, t_s: float) -> None:
        store = self.store
        store.mode_x[rows], store.mode_p[rows], store.mu[rows] = mode_x, mode_p, mu
        store.t_s[rows] = t_s

    def _label(self, rows: I64, truth: I64) -> None:
        real = truth >= 0
        self.store.label[rows[real]] = truth[real]

    def _position_sigma(self, rows: I64) -> Array:
        _, p = combine(self.store.mode_x[rows], self.store.mode_p[rows], self.store.mu[rows])
        return np.sqrt(np.trace(p[:, :3, :3], axis1=1, axis2=2))

    def _delete_confirmed(self, rows: I64) -> None:
        store, p = self.store, self.parameters
        lost = store.miss_score[rows] > self.threshold
        vague = self._position_sigma(rows) > p.max_position_sigma_m
        gone = lost | vague
        reason = np.where(lost[gone], LOST_TO_MISSES, "lost: position uncertainty too large").astype(object)
        self._end(rows[gone], reason)

    def _confirm_or_delete_tentative(self, rows: I64) -> None:
        store, p = self.store, self.parameters
        tentative = rows[~store.confirmed[rows] & (store.id[rows] >= 0)]
        store.confirmed[tentative[store.hits[tentative] >= p.confirm_hits]] = True
        still = tentative[~store.confirmed[tentative]]
        failed = (store.misses[still] > p.confirm_looks - p.confirm_hits) | (
            self._position_sigma(still) > p.max_position_sigma_m)
        store.id[still[failed]] = -1  # removed at the next compaction

    def _start(self, scan: Scan, index: I64) -> None:
        if len(index) == 0:
            return
        p = self.parameters
        sensor = np.full(len(index), scan.sensor, np.int64)
        geometry = self.sensors
        x, cov = filters.initial_state(scan.z[index], geometry.pos[sensor], geometry.rotation[sensor],
                                       geometry.noise(sensor), p.initial_speed_sigma_mps)
        count = len(index)
        new = _Store(
            id=np.arange(self.next_id, self.next_id + count), picture=scan.picture[index].astype(np.int64),
            label=scan.truth[index].astype(np.int64), confirmed=np.zeros(count, bool), hits=np.ones(count, np.int64),
            misses=np.zeros(count, np.int64), miss_score=np.zeros(count), t_s=np.full(count, scan.t_s),
            mode_x=np.repeat(x[:, None], self.models, axis=1), mode_p=np.repeat(cov[:, None], self.models, axis=1),
            mu=np.full((count, self.models), 1.0 / self.models),
            looks=np.zeros((count, self.n_sensors), np.int64), radar_hits=np.zeros((count, self.n_sensors), np.int64),
        )
        new.looks[:, scan.sensor] = new.radar_hits[:, scan.sensor] = 1
        if p.confirm_hits <= 1:
            new.confirmed[:] = True
        self.next_id += count
        self.store = self.store.extend(new)

    def _end(self, rows: I64, reason: NDArray[np.object_]) -> None:
        if len(rows) == 0:
            return
        self._ended_id.append(self.store.id[rows].copy())
        self._ended_reason.append(reason)
        self.store.id[rows] = -1
        self.store.confirmed[rows] = False

    def _compact(self) -> None:
        if np.any(self.store.id < 0):
            self.store = self.store.take(np.flatnonzero(self.store.id >= 0))
