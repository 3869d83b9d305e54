"""The ``ekf`` and ``imm`` track models: radar reports, delayed by their network links, into each air picture.

Each tick is one compiled call (:func:`iadsim.tracking.picture.tick`): the
radars' reports go to the pictures they feed after their links' latency, one
:class:`~iadsim.tracking.core.ArrayTracker` holding every picture's tracks
processes the looks that arrived, and its confirmed tracks of real targets are
``world.tracks``, row for row. A track whose target was destroyed or leaked is
dropped.

Track continuity: a new confirmed track that falls inside the gate of a track
of the same picture lost less than ``resume_within`` ago (the lost track
predicted to its time at constant velocity and, with ``imm``, also in
ballistic free flight, the nearer of the two counting) resumes the lost
track's row, one to one by global nearest neighbour. Command and control then
sees the same track (its rounds in flight and fired still count, it is not
engaged again as a new threat) and interceptors guided on it get its updates again; this is
track re-acquisition on the kinematics alone, never on the truth label.

A track is *firm* (``world.tracks.firm``: command and control may fire at it)
once its speed uncertainty (1 sigma, 3-D) has come below
``fire_control_speed_sigma``; it is in the picture, seen and evaluated, from
its confirmation. A track confirmed on three looks at long range can carry a
velocity error of a hundred metres per second; fired at, the round flies to an
intercept point that is not there (in case 2, 11 of 36 misses over 5 seeds
were rounds that gave up, against 1 of 15 on ``truth_noise``).

False tracks (no real detection behind them) are kept in the tracker but not
handed to command and control: the interceptor flyout flies at a track's
truth label, which a false track lacks.

With jammers in play, the radars' jam strobes go to the same pictures after the
same latencies, and each picture locates the jammers whose strobes cross
(:class:`~iadsim.tracking.jammer_fixes.JammerFixes`: ``jammer_located`` events); the
fixes of a jammer a threat carries start and update that picture's track of it, before
the tick's reports are processed (:mod:`iadsim.tracking.fix_tracks`).
"""

from __future__ import annotations

import numpy as np

from iadsim.events import NO_EVENTS, EventColumns, events, merge, reason_codes
from iadsim.jit import KernelRandom
from iadsim.registry import columns, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.tracking.backend import TrackerParameters
from iadsim.tracking.core import DONE, LIVE, LOOKS, ROWS_USED, ArrayTracker, queue_with_room
from iadsim.tracking.coverage import RadarCoverage
from iadsim.tracking.deletion import DROP_DETAILS, DROP_REASONS
from iadsim.tracking.fix_tracks import FixTracks
from iadsim.tracking.jammer_fixes import JammerFixes
from iadsim.tracking.picture import (BALLISTIC_INTENSITY, BALLISTIC_RESUMPTION, DROPPED, DROPPED_REASON, DROPPED_ROW,
                                     DROPPED_THREAT, FIRM_SPEED_SIGMA, LOST_PICTURE, LOST_REPORTS, LOST_SENSOR,
                                     MESSAGES_LOST, PROCESS_INTENSITY, RESUME_GATE, RESUME_WITHIN, STARTED,
                                     empty_picture_state, grown_picture_state, tick)
from iadsim.world import World


NO_LOSSES = np.zeros(4, np.uint64)
"""The random state passed when no link loses messages (never drawn from)."""


@register("track", "ekf")
class KalmanTrackStage:
    """Every picture's tracks from its radars' reports: EKF constant velocity, GNN, M-of-N (see module doc)."""

    requires = (columns("detections", "sensor_index", "threat_index", "range_az_el", "t_s", "looked",
                        "strobe_sensor", "strobe_source", "strobe_az_el")
                | columns("sensors", "pos_ecef_m", "rotation", "antenna_alt_m", "heading_rad", "feed_latency_s",
                          "feed_loss", "feeds_picture")
                | columns("threats", "status"))
    provides = group_columns("tracks")

    interacting_models = False

    def __init__(self, compiled: CompiledScenario) -> None:
        world = compiled.world
        settings = compiled.scenario.tracking
        self.coverage = RadarCoverage(compiled)
        self.parameters = parameters = TrackerParameters.from_settings(settings, self.interacting_models)
        capacity = len(world.tracks.id)
        self.tracker = ArrayTracker(parameters, self.coverage.geometry(world.sensors), capacity)
        self.state = empty_picture_state(capacity)
        self.constants = np.zeros(6)
        self.constants[[RESUME_WITHIN, RESUME_GATE, PROCESS_INTENSITY, BALLISTIC_INTENSITY, BALLISTIC_RESUMPTION,
                        FIRM_SPEED_SIGMA]] = (parameters.resume_within_s, parameters.gate_distance,
                                              parameters.process_intensity, parameters.ballistic_intensity,
                                              self.interacting_models, settings.fire_control_speed_sigma)
        sensors = world.sensors
        self.latency_s = np.ascontiguousarray(
            sensors.feed_latency_s if sensors.feed_latency_s.shape == sensors.feeds_picture.shape
            else np.where(sensors.feeds_picture, 0.0, np.inf), dtype=float)
        self.loss = np.ascontiguousarray(sensors.feed_loss if sensors.feed_loss.shape == self.latency_s.shape
                                         else np.zeros(self.latency_s.shape), dtype=float)
        self.lossy = bool(self.loss.any())
        self.random = KernelRandom()  # drawn from only on a lossy link
        self.lost_messages = np.zeros((self.loss.size, 3), np.int64)
        self.picture_detail = np.array([f"picture {p}" for p in range(world.n_pictures)], dtype=object)
        self.drop_detail = np.array(DROP_DETAILS, dtype=object)
        self.drop_reason = reason_codes(DROP_REASONS)
        self.jammer_fixes = JammerFixes(compiled, self.latency_s)
        self.fix_tracks = FixTracks(compiled, self.jammer_fixes)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        located = self.jammer_fixes.step(world, t_s)
        if self.fix_tracks.active:
            self.fix_tracks.step(self.tracker, world, t_s, self.jammer_fixes.fixes)
            self._reserve(world, len(self.tracker.store.track))
        tracked = self._track(world, t_s, rng)
        return merge(tracked, located) if located else tracked

    def _reserve(self, world: World, capacity: int) -> None:
        """Room for ``capacity`` rows in ``world.tracks`` and the stage's picture state (the store grew)."""
        world.tracks.reserve(capacity)
        if len(self.state.lost) < capacity:
            self.state = grown_picture_state(self.state, capacity)

    def _track(self, world: World, t_s: float, rng: np.random.Generator) -> EventColumns:
        """This tick's reports into the tracks (see the module doc); the tracks' events."""
        detections, tracker = world.detections, self.tracker
        if not len(detections.looked) and not tracker.queue.counts[LOOKS] and not tracker.store.counts[LIVE]:
            return NO_EVENTS
        tracker.queue = queue_with_room(tracker.queue, len(detections.looked) * self.latency_s.shape[1],
                                        len(detections.sensor_index))
        radars = self.coverage.geometry(world.sensors)
        new_reports = True
        while True:
            tracks = world.tracks
            outcome = tick(*tracker.store, *tracker.queue, *radars, tracker.motion, tracker.constants, t_s, new_reports,
                           detections.sensor_index, detections.threat_index, detections.range_az_el, detections.t_s,
                           detections.looked, self.latency_s, self.loss, self._random_state(rng), self.lost_messages,
                           world.threats.status, tracks.id, tracks.picture,
                           tracks.threat_index, tracks.pos_ecef_m, tracks.vel_ecef_mps, tracks.last_update_t_s,
                           tracks.active, tracks.covariance, tracks.firm, *self.state, self.constants)
            if outcome == DONE:
                break
            tracker.grow(outcome)
            self._reserve(world, len(tracker.store.track))
            new_reports = False
        world.tracks.count = int(tracker.store.counts[ROWS_USED])
        self.fix_tracks.publish(tracker, world)
        return self._events(world, t_s)

    def _random_state(self, rng: np.random.Generator) -> np.ndarray:
        """The stream of message losses, seeded from the stage's generator only when some link loses messages
        (the stage draws nothing otherwise)."""
        return self.random.state(rng) if self.lossy else NO_LOSSES

    def _events(self, world: World, t_s: float) -> EventColumns:
        state, tracks = self.state, world.tracks
        dropped, started, lost = (int(state.counts[DROPPED]), int(state.counts[STARTED]),
                                  int(state.counts[MESSAGES_LOST]))
        if not dropped and not started and not lost:
            return NO_EVENTS
        drops, rows, messages = state.dropped[:dropped], state.started[:started], self.lost_messages[:lost]
        started_detail = self.picture_detail[tracks.picture[rows]]
        if self.fix_tracks.started and started:
            started_detail = np.where(tracks.angle_only[rows], started_detail + ", jammer fix", started_detail)
        return merge(
            events("message_lost", t_s, lost, world.sensors.pos_ecef_m[messages[:, LOST_SENSOR]],
                   sensor_id=world.sensors.id[messages[:, LOST_SENSOR]], value=messages[:, LOST_REPORTS],
                   detail=self.picture_detail[messages[:, LOST_PICTURE]]),
            events("track_drop", t_s, dropped, state.dropped_pos[:dropped], track_id=drops[:, DROPPED_ROW],
                   threat_id=drops[:, DROPPED_THREAT], detail=self.drop_detail[drops[:, DROPPED_REASON]],
                   reason=self.drop_reason[drops[:, DROPPED_REASON]]),
            events("track_start", t_s, started, tracks.pos_ecef_m[rows], track_id=rows,
                   threat_id=tracks.threat_index[rows], detail=started_detail),
        )


@register("track", "imm")
class InteractingModelsTrackStage(KalmanTrackStage):
    """As ``ekf``, with an IMM of constant velocity, coordinated turns left and right, and ballistic free flight."""

    interacting_models = True
