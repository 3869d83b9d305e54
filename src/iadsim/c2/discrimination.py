"""Decoy discrimination: what each air picture has learnt about which of its tracks are decoys.

A decoy (a catalog threat type with ``decoy``) is a threat like any other to the
radars, the trackers and threat evaluation, until an air picture learns what it
is. Each detection of a decoy by a radar shows it a decoy to every picture that
radar feeds:

- with the decoy type's per-look probability for the radar's role
  (``discrimination_search``, ``_fire_control``, ``_low_altitude``), drawn once per
  detection;
- for certain once the radar is within the type's ``distinguishable_range`` (slant
  range), or once the decoy has flown ``distinguishable_after`` since its launch.

So over ``k`` looks by radars of per-look probability ``p`` a decoy stays unknown
with probability ``(1 - p)^k`` until range or time give it away (tested against
that closed form in ``tests/c2/test_discrimination.py``). A picture that knows a
track's threat is a decoy no longer offers the track to fire control: the
command post stops spending rounds on it (rounds already flying fly on). Before
that it evaluates, assigns and fires at the decoy as at the threat it mimics.

The truth label of a detection (its ``threat_index``) decides which detections are
of decoys: the model says *when* a picture learns, not *how* (no echo features are
simulated). The decide stage owns this state; it reads the sense stage's detections
of the tick.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.catalog.schema import RADAR_ROLES
from iadsim.events import NO_EVENTS, EventColumns, events
from iadsim.jit import KernelRandom, kernel, uniform_of
from iadsim.registry import columns
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import Tracks, World

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

BY_LOOK, BY_RANGE, BY_TIME = range(3)
HOW = np.array(["by look", "by range", "by time since launch"], dtype=object)
"""The ``detail`` of a ``discriminate`` event, by the rule that gave the decoy away."""

REQUIRES = (columns("detections", "sensor_index", "threat_index", "t_s")
            | columns("threats", "pos_ecef_m", "launch_t_s") | columns("sensors", "pos_ecef_m", "feeds_picture"))
"""What discrimination reads of the world, beyond the air picture (added to every decide model's ``requires``)."""


class Discrimination:
    """Each air picture's knowledge of the decoys among the threats (see the module doc).

    ``known[p, n]``: picture ``p`` knows threat ``n`` is a decoy. Built only for a
    scenario with decoys (:meth:`of` returns ``None`` otherwise, and the decide stage
    does nothing more than before).
    """

    def __init__(self, compiled: CompiledScenario) -> None:
        world, tables = compiled.world, compiled.tables
        types = compiled.threat_types
        kind = world.threats.type_index
        role = np.array([RADAR_ROLES.index(r.role) for r in tables.radar_type], dtype=np.int64)
        by_role = np.array([[t.discrimination(name) for name in RADAR_ROLES] for t in types], dtype=float)
        self.look_p = np.ascontiguousarray(by_role[kind][:, role].reshape(len(kind), len(role)))  # (N, S)
        self.decoy = tables.threat_decoy
        self.range_m = np.array([t.distinguishable_range or 0.0 for t in types])[kind]
        self.after_s = np.array([t.distinguishable_after or np.inf for t in types])[kind]
        self.known = np.zeros((world.n_pictures, len(kind)), dtype=bool)
        self.any_known = False
        self.random = KernelRandom()

    @classmethod
    def of(cls, compiled: CompiledScenario) -> Discrimination | None:
        """Discrimination for a scenario with decoys, else ``None``."""
        return cls(compiled) if compiled.tables.threat_decoy.any() else None

    def update(self, world: World, rng: np.random.Generator) -> EventColumns:
        """Learn from this tick's detections; a ``discriminate`` event per look that showed a decoy to a picture
    that did not know it (``sensor_id``: the radar; every picture it feeds learns)."""
        found = world.detections
        if len(found.threat_index) == 0:
            return NO_EVENTS
        t_s, threat, sensor, range_m, how = _learn(
            found.sensor_index, found.threat_index, found.t_s, self.decoy, self.look_p, self.range_m, self.after_s,
            world.threats.launch_t_s, world.threats.pos_ecef_m, world.sensors.pos_ecef_m,
            world.sensors.feeds_picture, self.known, self.random.state(rng))
        if len(threat) == 0:
            return NO_EVENTS
        self.any_known = True
        return events("discriminate", t_s, len(threat), world.threats.pos_ecef_m[threat],
                      threat_id=world.threats.id[threat], sensor_id=world.sensors.id[sensor], value=range_m,
                      detail=HOW[how])

    def firm(self, tracks: Tracks) -> Bool:
        """The tracks fire control may take: the tracker's firm ones, less those its picture knows are decoys."""
        if not self.any_known:
            return tracks.firm
        return _firm_of(tracks.firm, tracks.picture, tracks.threat_index, tracks.count, self.known)


def fire_control_tracks(discrimination: Discrimination | None, world: World, rng: np.random.Generator
                        ) -> tuple[EventColumns, Bool]:
    """A decide stage's first step each tick: what its pictures learnt of decoys from this tick's detections,
    and the tracks (by row) fire control may take. Without decoys, nothing and the tracker's firm tracks."""
    if discrimination is None:
        return NO_EVENTS, world.tracks.firm
    return discrimination.update(world, rng), discrimination.firm(world.tracks)


@kernel
def _learn(sensor_index: I32, threat_index: I32, look_t_s: F64, decoy: Bool, look_p: F64, range_m: F64,
           after_s: F64, launch_t_s: F64, threat_pos: F64, sensor_pos: F64, feeds: Bool, known: Bool,
           draws: NDArray[np.uint64]) -> tuple[F64, I64, I64, F64, I64]:
    """Update ``known`` (P, N) from detections (sensor, threat, time); return what was newly learnt, once per
    decoy and look that showed it to some picture: the look's time (s), threat, radar, slant range (m) and the
    rule (``BY_*``)."""
    n_det, n_pictures = len(threat_index), known.shape[0]
    out_t, out_threat = np.empty(n_det), np.empty(n_det, np.int64)
    out_sensor, out_how, out_range = np.empty(n_det, np.int64), np.empty(n_det, np.int64), np.empty(n_det)
    count = 0
    for d in range(n_det):
        n = threat_index[d]
        if n < 0 or not decoy[n]:
            continue
        s = sensor_index[d]
        unknown = False
        for p in range(n_pictures):
            unknown |= feeds[s, p] and not known[p, n]
        if not unknown:
            continue
        dx = threat_pos[n, 0] - sensor_pos[s, 0]
        dy = threat_pos[n, 1] - sensor_pos[s, 1]
        dz = threat_pos[n, 2] - sensor_pos[s, 2]
        slant = np.sqrt(dx * dx + dy * dy + dz * dz)
        how = -1
        if look_t_s[d] - launch_t_s[n] >= after_s[n]:
            how = BY_TIME
        elif slant <= range_m[n]:
            how = BY_RANGE
        elif look_p[n, s] > 0.0 and uniform_of(draws) < look_p[n, s]:
            how = BY_LOOK
        if how < 0:
            continue
        for p in range(n_pictures):
            if feeds[s, p]:
                known[p, n] = True
        out_t[count], out_threat[count], out_sensor[count] = look_t_s[d], n, s
        out_range[count], out_how[count] = slant, how
        count += 1
    return out_t[:count], out_threat[:count], out_sensor[:count], out_range[:count], out_how[:count]


@kernel
def _firm_of(firm: Bool, picture: I32, threat_index: I32, count: int, known: Bool) -> Bool:
    out = firm.copy()
    for row in range(count):
        n, p = threat_index[row], picture[row]
        if out[row] and n >= 0 and p >= 0 and known[p, n]:
            out[row] = False
    return out
