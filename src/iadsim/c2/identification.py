"""Identification: who each track is (friend, assumed friend, hostile, unknown), and whom weapons control clears.

Every air picture identifies its own tracks, from their first firm cycle (the first
command cycle the tracker holds the track firm):

- **IFF.** The defence challenges the track with the doctrine's ``iff`` mode (a catalog
  ``iff`` type: ``reliability`` r, ``time_to_answer`` T), one challenge every T, up to
  ``iff_challenges`` k. A friendly aircraft whose transponder is on answers each challenge
  correctly with probability r, independently; nothing else answers. The track is a
  **friend** from its first correct answer on: after k challenges, with probability
  1 - (1 - r)^k, the closed form ``iff-friendlies-engaged-tight`` verifies.
- **Flight profile.** A track that is no friend yet and flies inside a safe-passage
  corridor (``corridors``: within half its width of its centre line, in the plane tangent
  at its first point, and inside its altitude and speed bands) is an **assumed friend**
  while it stays there.
- Otherwise a track is **hostile** once its k challenges have gone unanswered, and
  **unknown** before.

Weapons control acts on identity (:func:`identification_masks`): ``tight`` clears hostile
tracks only; ``free`` and ``hold`` clear every track but friends (under ``hold`` only
self-defence fires). A friend is never engaged. Events: ``identify`` when a track's
identity becomes friend, assumed friend or hostile (``reason``; ``track_id``, ``threat_id``).

Built only when it can matter (friendly aircraft, corridors or weapons tight); otherwise
the decide stage clears every firm track, as before.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.c2.doctrine import FREE, HOLD, TIGHT, WEAPONS_CONTROL
from iadsim.events import NO_EVENTS, EventColumns, events, reason_codes
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.schema import Corridor
from iadsim.world import Tracks

F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]

IDENTITIES = ("unknown", "friend", "assumed_friend", "hostile")
"""Codes of a track's identity (their names are the ``identify`` events' reasons)."""
UNKNOWN, FRIEND, ASSUMED_FRIEND, HOSTILE = range(len(IDENTITIES))
_REASON = reason_codes(IDENTITIES)


def answered_after(reliability: float, challenges: int) -> float:
    """Probability that a friendly transponder of ``reliability`` r answers at least one of ``challenges`` k
    challenges correctly: 1 - (1 - r)^k (each answer independent)."""
    return 1.0 - (1.0 - reliability) ** challenges


def identification_masks(identity: NDArray[np.int8], weapons_control: int) -> Bool:
    """(N,) the tracks weapons control clears for engagement, by identity: hostile ones under ``tight``, every
    one but friends under ``free`` and ``hold`` (where only self-defence fires)."""
    if weapons_control == TIGHT:
        return identity == HOSTILE
    assert weapons_control in (FREE, HOLD)
    return identity != FRIEND


class Corridors:
    """Safe-passage corridors as arrays: each segment's ends in the plane tangent at its corridor's first point
    (m), the corridor's half width (m) and its altitude and speed bands (m, m/s)."""

    def __init__(self, corridors: list[Corridor]) -> None:
        self.count = len(corridors)
        origin, rotation, start, end, owner = [], [], [], [], []
        for c, corridor in enumerate(corridors):
            lat, lon = np.deg2rad([p.lat for p in corridor.route]), np.deg2rad([p.lon for p in corridor.route])
            first = geo.geodetic_to_ecef(lat[0], lon[0], 0.0)
            frame = geo.enu_rotation(lat[0], lon[0]).reshape(3, 3)
            plane = geo.ecef_to_enu(geo.geodetic_to_ecef(lat, lon, np.zeros(len(lat))), first, frame)[:, :2]
            origin.append(first)
            rotation.append(frame)
            start.append(plane[:-1])
            end.append(plane[1:])
            owner.extend([c] * (len(plane) - 1))
        self.origin, self.rotation = np.array(origin).reshape(-1, 3), np.array(rotation).reshape(-1, 3, 3)
        self.start, self.end = np.vstack(start) if start else np.zeros((0, 2)), np.vstack(end) if end else \
            np.zeros((0, 2))
        self.owner = np.array(owner, dtype=np.int64)
        self.half_width_m = np.array([c.width / 2.0 for c in corridors])
        self.altitude_m = np.array([[c.min_altitude, c.max_altitude] for c in corridors]).reshape(-1, 2)
        self.speed_mps = np.array([[c.min_speed, c.max_speed] for c in corridors]).reshape(-1, 2)

    def inside(self, pos_ecef_m: F64, vel_ecef_mps: F64) -> Bool:
        """(n,) points inside some corridor, their altitude and speed within its bands."""
        inside = np.zeros(len(pos_ecef_m), dtype=bool)
        if self.count == 0 or len(pos_ecef_m) == 0:
            return inside
        _, _, alt = geo.ecef_to_geodetic(pos_ecef_m)
        speed = np.linalg.norm(vel_ecef_mps, axis=1)
        for c in range(self.count):  # one pass per corridor, vectorised over the tracks
            in_band = ((alt >= self.altitude_m[c, 0]) & (alt <= self.altitude_m[c, 1])
                       & (speed >= self.speed_mps[c, 0]) & (speed <= self.speed_mps[c, 1]))
            if not in_band.any():
                continue
            plane = geo.ecef_to_enu(pos_ecef_m[in_band], self.origin[c], self.rotation[c])[:, :2]
            seg = self.owner == c
            a, b = self.start[seg], self.end[seg]  # (G, 2)
            ab = b - a
            t = np.clip(np.einsum("ngk,gk->ng", plane[:, None, :] - a[None], ab) / np.maximum(
                np.einsum("gk,gk->g", ab, ab), 1e-9), 0.0, 1.0)
            nearest = a[None] + t[..., None] * ab[None]
            distance = np.linalg.norm(plane[:, None, :] - nearest, axis=2).min(axis=1)
            inside[np.flatnonzero(in_band)[distance <= self.half_width_m[c]]] = True
        return inside


class Identification:
    """Each track's identity, kept by track row (see the module doc)."""

    def __init__(self, compiled: CompiledScenario) -> None:
        scenario = compiled.scenario
        doctrine = scenario.doctrine
        mode = compiled.catalog.iff(doctrine.iff)
        self.reliability, self.period_s, self.challenges = mode.reliability, mode.time_to_answer, \
            doctrine.iff_challenges
        self.weapons_control = WEAPONS_CONTROL.index(doctrine.weapons_control)
        transponder = np.array([True] * (len(scenario.flights) - len(scenario.friendlies))
                               + [f.iff for f in scenario.friendlies], dtype=bool)
        threats = compiled.world.threats
        self.answers = compiled.tables.threat_friendly & transponder[threats.raid_index]  # (N,) by threat
        self.corridors = Corridors(scenario.corridors)
        rows = len(compiled.world.tracks.id)
        self.first_firm_t_s = np.full(rows, np.nan)
        self.friend_t_s = np.full(rows, np.inf)
        self.hostile_t_s = np.full(rows, np.inf)
        self.identity = np.zeros(rows, dtype=np.int8)
        self.random: np.random.Generator | None = None

    @classmethod
    def of(cls, compiled: CompiledScenario) -> Identification | None:
        """Identification where it can matter (friendlies, corridors or weapons tight), else ``None``."""
        scenario = compiled.scenario
        needed = scenario.friendlies or scenario.corridors or scenario.doctrine.weapons_control == "tight"
        return cls(compiled) if needed else None

    def cleared(self, tracks: Tracks, firm: Bool, t_s: float, rng: np.random.Generator) -> tuple[EventColumns, Bool]:
        """Challenge the tracks firm for the first time, identify every live one; return the ``identify`` events
        and the tracks (by row) fire control may take and weapons control clears."""
        if self.random is None:  # a child of the stage's stream: the stage's own draws are unchanged
            self.random = rng.spawn(1)[0]
        self._grow(len(tracks.id))
        n = tracks.count
        live = np.flatnonzero(tracks.active[:n])
        new = live[firm[live] & np.isnan(self.first_firm_t_s[live])]
        if len(new):
            self._challenge(new, tracks.threat_index[new], t_s)
        identity = np.where(t_s >= self.friend_t_s[live], FRIEND,
                            np.where(t_s >= self.hostile_t_s[live], HOSTILE, UNKNOWN)).astype(np.int8)
        if self.corridors.count:
            elapsed = (t_s - tracks.last_update_t_s[live])[:, None]
            pos = tracks.pos_ecef_m[live] + tracks.vel_ecef_mps[live] * elapsed
            profile = (identity != FRIEND) & self.corridors.inside(pos, tracks.vel_ecef_mps[live])
            identity[profile] = ASSUMED_FRIEND
        changed = identity != self.identity[live]
        self.identity[live] = identity
        cleared = firm.copy()
        cleared[live] &= identification_masks(identity, self.weapons_control)
        rows = live[changed & (identity != UNKNOWN)]
        if len(rows) == 0:
            return NO_EVENTS, cleared
        return events("identify", t_s, len(rows), tracks.pos_ecef_m[rows], track_id=tracks.id[rows],
                      threat_id=tracks.threat_index[rows], reason=_REASON[self.identity[rows]],
                      detail=np.array(IDENTITIES, dtype=object)[self.identity[rows]]), cleared

    def _challenge(self, rows: NDArray[np.int64], threat: NDArray[np.int32], t_s: float) -> None:
        """Tracks ``rows`` are challenged from ``t_s``: when a friend answers (its first correct answer) and
        when the last challenge goes unanswered."""
        assert self.random is not None
        self.first_firm_t_s[rows] = t_s
        answers = (threat >= 0) & self.answers[np.maximum(threat, 0)]
        correct = self.random.random((len(rows), self.challenges)) < self.reliability
        correct &= answers[:, None]
        first = np.argmax(correct, axis=1)
        self.friend_t_s[rows] = np.where(correct.any(axis=1), t_s + (first + 1) * self.period_s, np.inf)
        self.hostile_t_s[rows] = t_s + self.challenges * self.period_s

    def _grow(self, rows: int) -> None:
        more = rows - len(self.identity)
        if more > 0:
            self.first_firm_t_s = np.concatenate([self.first_firm_t_s, np.full(more, np.nan)])
            self.friend_t_s = np.concatenate([self.friend_t_s, np.full(more, np.inf)])
            self.hostile_t_s = np.concatenate([self.hostile_t_s, np.full(more, np.inf)])
            self.identity = np.concatenate([self.identity, np.zeros(more, np.int8)])
