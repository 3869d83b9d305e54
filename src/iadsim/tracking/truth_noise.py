"""The simplest tracker: each air picture holds the true state of what its radars see, plus noise.

A picture starts a track on a threat the first time a radar feeding it detects
the threat (false alarms are ignored: this tracker knows the truth), refreshes it at every later detection with the true position and
velocity plus Gaussian errors, and drops it when the threat is destroyed or
has leaked, or after :data:`COAST_S` seconds without a detection. The Kalman
and IMM trackers replace this where fidelity matters.
"""

from __future__ import annotations

import numpy as np

from iadsim.events import EventColumns, events, merge
from iadsim.registry import columns, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, KILLED, World

POSITION_SIGMA_M = 50.0
"""Standard deviation of each position coordinate of a track (m)."""
VELOCITY_SIGMA_MPS = 5.0
"""Standard deviation of each velocity coordinate of a track (m/s)."""
COAST_S = 30.0
"""A track not refreshed for this long is dropped (s)."""


@register("track", "truth_noise")
class TruthNoiseTracker:
    """One track per (picture, threat) seen by the picture's radars."""

    requires = (columns("detections", "sensor_index", "threat_index") | columns("sensors", "feeds_picture")
                | columns("threats", "status", "pos_ecef_m", "vel_ecef_mps"))
    provides = group_columns("tracks")

    def __init__(self, compiled: CompiledScenario) -> None:
        world = compiled.world
        self.track_of = np.full((world.n_pictures, len(world.threats.id)), -1, dtype=np.int64)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        tracks, threats, detections = world.tracks, world.threats, world.detections
        seen = np.zeros_like(self.track_of, dtype=bool)
        true_target = detections.threat_index >= 0  # false alarms (threat -1) start no track here
        fed = world.sensors.feeds_picture[detections.sensor_index] & true_target[:, None]  # (D, P)
        detection, picture = np.nonzero(fed)
        seen[picture, detections.threat_index[detection]] = True
        picture, threat = np.nonzero(seen & (self.track_of < 0))
        started = tracks.append(picture.astype(np.int32), threat.astype(np.int32),
                                threats.pos_ecef_m[threat], threats.vel_ecef_mps[threat], t_s)
        self.track_of[picture, threat] = started
        refresh = self.track_of[seen]
        threat_of_refresh = np.nonzero(seen)[1]
        tracks.pos_ecef_m[refresh] = threats.pos_ecef_m[threat_of_refresh] + rng.normal(0.0, POSITION_SIGMA_M, (len(refresh), 3))
        tracks.vel_ecef_mps[refresh] = threats.vel_ecef_mps[threat_of_refresh] + rng.normal(0.0, VELOCITY_SIGMA_MPS, (len(refresh), 3))
        tracks.last_update_t_s[refresh] = t_s
        return merge(
            events("track_start", t_s, len(started), tracks.pos_ecef_m[started], track_id=started,
                   threat_id=threat, detail=np.array([f"picture {p}" for p in picture], dtype=object)),
            self._drop(world, t_s),
        )

    def _drop(self, world: World, t_s: float) -> EventColumns:
        tracks, threats = world.tracks, world.threats
        live = np.flatnonzero(tracks.active[: tracks.count])
        status = threats.status[tracks.threat_index[live]]
        ended = status != FLYING
        lost = t_s - tracks.last_update_t_s[live] > COAST_S
        rows = live[ended | lost]
        tracks.active[rows] = False
        self.track_of[tracks.picture[rows], tracks.threat_index[rows]] = -1
        reason = np.where(ended[ended | lost], np.where(status[ended | lost] == KILLED, "target destroyed", "target leaked"),
                          "lost: no detection for 30 s").astype(object)
        return events("track_drop", t_s, len(rows), tracks.pos_ecef_m[rows], track_id=rows,
                      threat_id=tracks.threat_index[rows], detail=reason)
