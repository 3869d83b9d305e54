"""The same tracking pipeline on Stone Soup's components: the field's reference library as a back end.

Stone Soup (the UK Defence Science and Technology Laboratory's open tracking
framework) supplies every step: ``ExtendedKalmanPredictor`` with a
``ConstantVelocity`` model per axis, ``ExtendedKalmanUpdater``, a
``DistanceHypothesiser`` on the ``Mahalanobis`` distance with the gate as miss
distance, ``GNNWith2DAssignment``, ``SimpleMeasurementInitiator`` and
deleters (``CovarianceBasedDeleter``, and two small ``Deleter``: M-of-N for
tentative tracks, the missed-look score of :mod:`iadsim.tracking.deletion` for
confirmed ones). The loop around them is the one of
:mod:`iadsim.tracking.core`, per air picture: confirmed tracks first, then
tentative ones, then new tentative tracks, and only looks that cover a track,
of a radar that has detected it, count its misses. Reports older than a track (network latency) are not offered
to it. Stone Soup has no IMM, so this back end runs the EKF only.
"""

from __future__ import annotations

import datetime

import numpy as np
from numpy.typing import NDArray
from stonesoup.base import Property
from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
from stonesoup.deleter.base import Deleter
from stonesoup.deleter.error import CovarianceBasedDeleter
from stonesoup.deleter.multi import CompositeDeleter
from stonesoup.hypothesiser.distance import DistanceHypothesiser
from stonesoup.initiator.simple import SimpleMeasurementInitiator
from stonesoup.measures import Mahalanobis
from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange
from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
from stonesoup.predictor.kalman import ExtendedKalmanPredictor
from stonesoup.types.detection import Detection
from stonesoup.types.state import GaussianState
from stonesoup.types.track import Track
from stonesoup.types.update import Update
from stonesoup.updater.kalman import ExtendedKalmanUpdater

from iadsim.tracking.backend import Scan, SensorGeometry, TrackEnd, TrackerParameters, TrackTable
from iadsim.tracking.coverage import look_covers
from iadsim.tracking.deletion import DropReason, deletion_threshold, miss_cost

EPOCH = datetime.datetime(2000, 1, 1)
STONE_SOUP_ORDER = np.array([0, 3, 1, 4, 2, 5])  # (x, vx, y, vy, z, vz) from (x, y, z, vx, vy, vz)
OUR_ORDER = np.argsort(STONE_SOUP_ORDER)


class LocalFrameElevationBearingRange(CartesianToElevationBearingRange):
    """Stone Soup's elevation-bearing-range model with the radar's frame given as a rotation matrix.

    Rows of ``frame`` are the radar's east, north and up axes, so Stone Soup's
    bearing (from the x axis, anticlockwise) is π/2 minus iadsim's azimuth.
    """

    frame: np.ndarray = Property(doc="Rotation into the radar's local east-north-up frame (3 x 3)")

    @property
    def rotation_matrix(self) -> np.ndarray:
        return self.frame


class MissScoreDeleter(Deleter):
    """Deletes a confirmed track once its misses since the last update cost more than the threshold.

    The score is kept by :class:`StoneSoupTracker` as :mod:`iadsim.tracking.core` keeps it
    (:mod:`iadsim.tracking.deletion`).
    """

    score: dict = Property(doc="Score lost to misses since the last update, per track")
    threshold: float = Property(doc="Score loss that deletes a track")

    def check_for_deletion(self, track: Track, **kwargs: object) -> bool:
        return self.score.get(track, 0.0) > self.threshold


class MissedLooksDeleter(Deleter):
    """Deletes a tentative track once it has missed more looks than M-of-N allows (N - M)."""

    max_misses: int = Property(doc="Missed looks a tentative track may have")

    def check_for_deletion(self, track: Track, **kwargs: object) -> bool:
        return sum(1 for state in track if not isinstance(state, Update)) > self.max_misses


def to_seconds(timestamp: datetime.datetime) -> float:
    return (timestamp - EPOCH).total_seconds()


class StoneSoupTracker:
    """The tracker back end of track model ``stonesoup``."""

    def __init__(self, parameters: TrackerParameters, sensors: SensorGeometry) -> None:
        self.parameters = parameters
        self.sensors = sensors
        q = parameters.process_intensity
        self.predictor = ExtendedKalmanPredictor(CombinedLinearGaussianTransitionModel([ConstantVelocity(q)] * 3))
        self.updater = ExtendedKalmanUpdater(measurement_model=None)
        hypothesiser = DistanceHypothesiser(self.predictor, self.updater, Mahalanobis(),
                                            missed_distance=parameters.gate_distance)
        self.associator = GNNWith2DAssignment(hypothesiser)
        velocity_var = parameters.initial_speed_sigma_mps**2
        prior = GaussianState(np.zeros((6, 1)), np.diag([0.0, velocity_var] * 3))
        self.initiator = SimpleMeasurementInitiator(prior_state=prior)
        too_vague = CovarianceBasedDeleter(covar_trace_thresh=parameters.max_position_sigma_m**2, mapping=[0, 2, 4])
        self.miss_score: dict[Track, float] = {}
        self.looks: dict[Track, np.ndarray] = {}  # per radar: looks covering the track, detections of it
        self.radar_hits: dict[Track, np.ndarray] = {}
        self.confirmed_deleter = CompositeDeleter(
            [MissScoreDeleter(score=self.miss_score, threshold=deletion_threshold(parameters.coast_misses)),
             too_vague], intersect=False)
        self.tentative_deleter = CompositeDeleter(
            [MissedLooksDeleter(max_misses=parameters.confirm_looks - parameters.confirm_hits), too_vague],
            intersect=False)
        self.models = [
            LocalFrameElevationBearingRange(ndim_state=6, mapping=(0, 2, 4),
                                            noise_covar=np.diag(sensors.sigma[s, [2, 1, 0]] ** 2),
                                            translation_offset=sensors.pos[s].reshape(3, 1), frame=sensors.rotation[s])
            for s in range(len(sensors.pos))
        ]
        self.tracks: dict[int, set[Track]] = {}
        self.holding: dict[int, set[Track]] = {}
        self.number: dict[Track, int] = {}
        self.label: dict[Track, int] = {}
        self.picture_of: dict[Track, int] = {}
        self.next_id = 0
        self._ended: list[tuple[int, DropReason]] = []

    def process(self, scan: Scan) -> None:
        time = EPOCH + datetime.timedelta(seconds=scan.t_s)
        model = self.models[scan.sensor]
        bearing = np.pi / 2 - scan.z[:, 1]
        for picture in np.union1d(scan.look_pictures, scan.picture):
            rows = np.flatnonzero(scan.picture == picture)
            detections = {Detection(np.array([[scan.z[i, 2]], [bearing[i]], [scan.z[i, 0]]]), timestamp=time,
                                    measurement_model=model, metadata={"truth": int(scan.truth[i])}) for i in rows}
            looked = bool(np.isin(picture, scan.look_pictures))
            confirmed = self.tracks.setdefault(int(picture), set())
            left = self._step(confirmed, detections, time, scan.sensor, looked)
            for track in self.confirmed_deleter.delete_tracks(confirmed):
                self._end(track, self._reason(track))
            holding = self.holding.setdefault(int(picture), set())
            left = self._step(holding, left, time, scan.sensor, looked)
            for track in list(holding):
                if sum(1 for state in track if isinstance(state, Update)) >= self.parameters.confirm_hits:
                    holding.remove(track)
                    confirmed.add(track)
            holding -= self.tentative_deleter.delete_tracks(holding)
            for track in self.initiator.initiate(left, time):
                self.number[track] = self.next_id
                self.next_id += 1
                self.label[track] = track.state.hypothesis.measurement.metadata["truth"]
                self.picture_of[track] = int(picture)
                self.looks[track] = np.zeros(len(self.sensors.pos), np.int64)
                self.radar_hits[track] = np.zeros(len(self.sensors.pos), np.int64)
                self.looks[track][scan.sensor] = self.radar_hits[track][scan.sensor] = 1
                holding.add(track)

    def _step(self, tracks: set[Track], detections: set[Detection], time: datetime.datetime, sensor: int,
              looked: bool) -> set[Detection]:
        """Associate ``tracks`` with ``detections``; update, or record a miss where the look covered the track.

        As :mod:`iadsim.tracking.core`: only a radar that has detected the track records misses against it.
        """
        eligible = {track for track in tracks if track.timestamp <= time}
        if not eligible:
            return detections
        associations = self.associator.associate(eligible, detections, time)
        used = set()
        for track, hypothesis in associations.items():
            if hypothesis:
                track.append(self.updater.update(hypothesis))
                used.add(hypothesis.measurement)
                self.looks[track][sensor] += 1
                self.radar_hits[track][sensor] += 1
                self.miss_score[track] = 0.0
                truth = hypothesis.measurement.metadata["truth"]
                if truth >= 0:
                    self.label[track] = truth
            elif looked and self._covered(sensor, hypothesis.prediction):
                hits, looks = int(self.radar_hits[track][sensor]), int(self.looks[track][sensor])
                if hits > 0:
                    track.append(hypothesis.prediction)
                    self.miss_score[track] = self.miss_score.get(track, 0.0) + miss_cost(hits, looks)
                self.looks[track][sensor] += 1
        return detections - used

    def _covered(self, sensor: int, state: GaussianState) -> bool:
        return look_covers(self.sensors, sensor, np.asarray(state.state_vector, float).ravel()[[0, 2, 4]])

    def _reason(self, track: Track) -> DropReason:
        trace = float(np.trace(np.asarray(track.covar)[np.ix_([0, 2, 4], [0, 2, 4])]))
        if trace > self.parameters.max_position_sigma_m**2:
            return DropReason.LOST_UNCERTAIN
        return DropReason.LOST_TO_MISSES

    def _end(self, track: Track, reason: DropReason) -> None:
        self.tracks[self.picture_of[track]].discard(track)
        self._ended.append((self.number[track], reason))

    def confirmed(self) -> TrackTable:
        tracks = [track for picture in sorted(self.tracks) for track in self.tracks[picture]]
        count = len(tracks)
        x = np.array([np.asarray(t.state_vector, float).ravel()[OUR_ORDER] for t in tracks]).reshape(count, 6)
        p = np.array([np.asarray(t.covar, float)[np.ix_(OUR_ORDER, OUR_ORDER)] for t in tracks]).reshape(count, 6, 6)
        return TrackTable(
            id=np.array([self.number[t] for t in tracks], np.int64).reshape(count),
            picture=np.array([self.picture_of[t] for t in tracks], np.int64).reshape(count),
            label=np.array([self.label[t] for t in tracks], np.int64).reshape(count),
            x=x, p=p, t_s=np.array([to_seconds(t.timestamp) for t in tracks]).reshape(count),
        )

    def drop(self, track_id: NDArray[np.int64], reason: DropReason) -> None:
        wanted = set(int(i) for i in track_id)
        for picture in self.tracks:
            for track in [t for t in self.tracks[picture] if self.number[t] in wanted]:
                self._end(track, reason)

    def ended(self) -> TrackEnd:
        ended = TrackEnd(np.array([i for i, _ in self._ended], np.int64),
                         np.array([r for _, r in self._ended], np.int8))
        self._ended = []
        return ended
