"""The ``ekf`` and ``imm`` track models: radar reports, delayed by their network links, into each air picture.

Each tick, every radar that looked sends its reports (range, azimuth,
elevation in its own frame, false alarms included) to every picture it feeds,
to arrive after that link's latency (``Sensors.feed_latency_s``); a radar with
no compatible link to a picture never reaches it, so a unit without one fights
with its own radars only. Arrived looks go, in order of arrival, to one
:class:`~iadsim.tracking.core.ArrayTracker` holding every picture's tracks.
Its confirmed tracks are written to ``world.tracks`` (a tracker id keeps its
row); a track whose target was destroyed or leaked is dropped.

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
"""

from __future__ import annotations

import heapq

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.events import EventColumns, events, merge
from iadsim.physics.environment import central_gravity
from iadsim.registry import columns, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.sensors.radar import wrap_angle
from iadsim.tracking import filters
from iadsim.tracking.association import global_nearest_neighbour
from iadsim.tracking.backend import Scan, SensorGeometry, TrackerParameters
from iadsim.tracking.core import ArrayTracker
from iadsim.world import FLYING, KILLED, World

Array = NDArray[np.float64]
I64 = NDArray[np.int64]


class RadarCoverage:
    """Whether a radar's look covers a position: range, horizon, elevation limits and azimuth sector."""

    def __init__(self, compiled: CompiledScenario) -> None:
        sensors = compiled.world.sensors
        radar = [compiled.radar_types[i] for i in sensors.type_index]
        self.pos_ecef_m = sensors.pos_ecef_m
        self.rotation = geo.enu_rotation(sensors.lat_rad, sensors.lon_rad)
        self.antenna_alt_m = sensors.antenna_alt_m
        self.max_range_m = np.array([r.max_range for r in radar])
        self.min_elevation_rad = np.array([r.min_elevation for r in radar])
        self.half_sector_rad = np.array([(r.sector_width or 2.0 * np.pi) / 2.0 for r in radar])
        self.heading_rad = sensors.heading_rad if len(sensors.heading_rad) == len(radar) else np.zeros(len(radar))
        self.sigma = np.array([[r.range_sigma, r.azimuth_sigma, r.elevation_sigma] for r in radar]).reshape(-1, 3)

    def __call__(self, sensor: I64, position_ecef_m: Array) -> NDArray[np.bool_]:
        enu, ground, slant, apparent = geo.radar_look(self.rotation[sensor], self.pos_ecef_m[sensor], position_ecef_m)
        with np.errstate(invalid="ignore"):  # a stale track predicted deep inside the Earth: NaN, not covered
            altitude = geo.ecef_to_geodetic(position_ecef_m)[2]
        horizon = geo.radar_horizon_m(self.antenna_alt_m[sensor], np.maximum(altitude, 0.0))
        azimuth = np.arctan2(enu[:, 0], enu[:, 1])
        return ((slant <= self.max_range_m[sensor]) & (ground <= horizon)
                & (apparent >= self.min_elevation_rad[sensor] - np.deg2rad(1.0))
                & (np.abs(wrap_angle(azimuth - self.heading_rad[sensor])) <= self.half_sector_rad[sensor]))


@register("track", "ekf")
class KalmanTrackStage:
    """Every picture's tracks from its radars' reports: EKF constant velocity, GNN, M-of-N (see module doc)."""

    requires = (columns("detections", "sensor_index", "threat_index", "range_az_el", "t_s", "looked")
                | columns("sensors", "pos_ecef_m", "antenna_alt_m", "heading_rad", "feed_latency_s", "feeds_picture")
                | columns("threats", "status"))
    provides = group_columns("tracks")

    interacting_models = False

    def __init__(self, compiled: CompiledScenario) -> None:
        world = compiled.world
        coverage = RadarCoverage(compiled)
        geometry = SensorGeometry(pos=world.sensors.pos_ecef_m, rotation=coverage.rotation, sigma=coverage.sigma,
                                  covers=coverage, gravity=central_gravity)
        self.parameters = TrackerParameters.from_settings(compiled.scenario.tracking, self.interacting_models)
        self.tracker = ArrayTracker(self.parameters, geometry)
        self.lost_rows = np.empty(0, np.int64)  # rows of tracks lost to misses, which a new track may resume
        self.fire_control_speed_sigma_mps = compiled.scenario.tracking.fire_control_speed_sigma
        sensors = world.sensors
        self.latency_s = (sensors.feed_latency_s if sensors.feed_latency_s.shape == sensors.feeds_picture.shape
                          else np.where(sensors.feeds_picture, 0.0, np.inf))
        self.pending: list[tuple[float, float, int, Scan]] = []  # heap of (arrival, measured, order, look)
        self.order = 0
        self.row_of: dict[int, int] = {}

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        self._send(world, t_s)
        while self.pending and self.pending[0][0] <= t_s + 1e-9:
            self.tracker.process(heapq.heappop(self.pending)[3])
        self._drop_finished(world)
        return merge(self._ended(world, t_s), self._publish(world, t_s))

    def _send(self, world: World, t_s: float) -> None:
        """Queue this tick's looks for the pictures their radars feed, one look per (radar, latency)."""
        detections = world.detections
        for sensor in detections.looked.tolist():  # a loop over the radars that looked, not over reports
            pictures = np.flatnonzero(np.isfinite(self.latency_s[sensor]))
            if len(pictures) == 0:
                continue
            mine = detections.sensor_index == sensor
            t_measured = float(detections.t_s[mine][0]) if mine.any() else t_s
            for latency in np.unique(self.latency_s[sensor, pictures]).tolist():
                group = pictures[self.latency_s[sensor, pictures] == latency]
                count = int(mine.sum())
                scan = Scan(t_s=t_measured, sensor=sensor, z=np.tile(detections.range_az_el[mine], (len(group), 1)),
                            picture=np.repeat(group, count).astype(np.int64),
                            truth=np.tile(detections.threat_index[mine], len(group)).astype(np.int64),
                            look_pictures=group.astype(np.int64))
                heapq.heappush(self.pending, (t_measured + latency, t_measured, self.order, scan))
                self.order += 1

    def _drop_finished(self, world: World) -> None:
        table = self.tracker.confirmed()
        real = table.label >= 0
        status = world.threats.status[table.label[real]]
        over = status != FLYING
        ids = table.id[real][over]
        for reason, pick in (("target destroyed", status[over] == KILLED), ("target leaked", status[over] != KILLED)):
            if pick.any():
                self.tracker.drop(ids[pick], reason)

    def _ended(self, world: World, t_s: float) -> EventColumns:
        ended = self.tracker.ended()
        known = np.array([i in self.row_of for i in ended.id.tolist()], bool)
        rows = np.array([self.row_of.pop(i) for i in ended.id[known].tolist()], np.int64)
        tracks = world.tracks
        tracks.active[rows] = False
        lost = np.array([str(reason).startswith("lost") for reason in ended.reason[known].tolist()], bool)
        self.lost_rows = np.concatenate((self.lost_rows, rows[lost]))
        return events("track_drop", t_s, len(rows), tracks.pos_ecef_m[rows], track_id=rows,
                      threat_id=tracks.threat_index[rows], detail=ended.reason[known].astype(object))

    def _publish(self, world: World, t_s: float) -> EventColumns:
        """Write the real confirmed tracks into ``world.tracks``; start rows for new ones; mark the firm ones."""
        table = self.tracker.confirmed()
        keep = table.label >= 0
        ids, x, p = table.id[keep], table.x[keep], table.p[keep]
        new = np.array([i not in self.row_of for i in ids.tolist()], bool)
        tracks = world.tracks
        resumed = self._resume(world, t_s, table.picture[keep][new], x[new], p[new], table.t_s[keep][new])
        tracks.active[resumed[resumed >= 0]] = True
        self.row_of.update(zip(ids[new][resumed >= 0].tolist(), resumed[resumed >= 0].tolist(), strict=True))
        new[np.flatnonzero(new)[resumed >= 0]] = False
        started = tracks.append(table.picture[keep][new].astype(np.int32), table.label[keep][new].astype(np.int32),
                                x[new, :3], x[new, 3:], table.t_s[keep][new], p[new])
        self.row_of.update(zip(ids[new].tolist(), started.tolist(), strict=True))
        started = np.concatenate((resumed[resumed >= 0], started))
        rows = np.array([self.row_of[i] for i in ids.tolist()], np.int64)
        tracks.pos_ecef_m[rows], tracks.vel_ecef_mps[rows] = x[:, :3], x[:, 3:]
        tracks.covariance[rows] = p
        tracks.threat_index[rows] = table.label[keep]
        tracks.last_update_t_s[rows] = table.t_s[keep]
        tracks.firm[started] = False
        tracks.firm[rows] |= np.sqrt(np.trace(p[:, 3:, 3:], axis1=1, axis2=2)) <= self.fire_control_speed_sigma_mps
        return events("track_start", t_s, len(started), tracks.pos_ecef_m[started], track_id=started,
                      threat_id=tracks.threat_index[started],
                      detail=np.array([f"picture {p}" for p in tracks.picture[started]], dtype=object))

    def _resume(self, world: World, t_s: float, picture: I64, x: Array, p: Array, state_t_s: Array) -> I64:
        """For each new track, the row of the lost track it resumes, or -1 (see module doc)."""
        tracks = world.tracks
        self.lost_rows = self.lost_rows[t_s - tracks.last_update_t_s[self.lost_rows] <= self.parameters.resume_within_s]
        resumed = np.full(len(picture), -1, np.int64)
        new, old = np.nonzero(picture[:, None] == tracks.picture[self.lost_rows][None, :])
        if len(new) == 0:
            return resumed
        lost = self.lost_rows[old]
        dt = state_t_s[new] - tracks.last_update_t_s[lost]
        last_x = np.concatenate((tracks.pos_ecef_m[lost], tracks.vel_ecef_mps[lost]), axis=1)
        distance = np.full(len(new), np.inf)
        for ballistic in sorted({mode.ballistic for mode in self.tracker.modes}):  # straight, and in free flight
            intensity = self.parameters.ballistic_intensity if ballistic else self.parameters.process_intensity
            offset = filters.gravity_offset(last_x, dt, self.tracker.sensors.gravity) if ballistic else None
            old_x, old_p = filters.predict(last_x, tracks.covariance[lost], filters.cv_transition(dt),
                                           filters.cv_process_noise(dt, intensity), offset)
            distance = np.minimum(distance, np.sqrt(filters.mahalanobis_squared(
                x[new, :3] - old_x[:, :3], p[new, :3, :3] + old_p[:, :3, :3])))
        chosen_new, chosen_old = global_nearest_neighbour(new, old, distance, self.parameters.gate_distance)
        resumed[chosen_new] = self.lost_rows[chosen_old]
        self.lost_rows = np.delete(self.lost_rows, chosen_old)
        return resumed


@register("track", "imm")
class InteractingModelsTrackStage(KalmanTrackStage):
    """As ``ekf``, with an IMM of constant velocity, coordinated turns left and right, and ballistic free flight."""

    interacting_models = True
