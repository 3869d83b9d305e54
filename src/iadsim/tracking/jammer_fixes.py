"""Jammers located by triangulation: the strobes of two or more radars of one air picture crossed into a fix.

Each radar's strobes (:mod:`iadsim.sensors.strobes`) reach the air pictures it feeds
after its link's latency, like its detections. A picture keeps each radar's latest
strobe of each jammer; a strobe is *current* while it is at most 1.5 of its radar's
scan periods old (the radar still sees the jammer at its next look). Whenever a new
strobe of a jammer arrives and two or more radars hold current strobes of it, the
picture locates the jammer (:func:`iadsim.sensors.strobes.fix_of`: least squares of
the bearing lines, height from the 3-D radars' elevations), provided the fix's expected
ground error from the bearings' noise and geometry is at most :data:`FIX_ACCURACY` of
its distance from the nearest radar. The first fix of each
jammer in each picture is a ``jammer_located`` event, placed at the fix, its value the
distance (m) from the jammer's true position at that tick (the strobes may be up to
1.5 scan periods old: a moving jammer's error includes the ground it covered since).

One numpy pass files the tick's strobes and one compiled pass makes the fixes of the
(picture, jammer) pairs that got a new strobe; a run without jammers builds nothing.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.events import NO_EVENTS, EventColumns, events
from iadsim.jit import kernel
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.tables import SCAN_PERIOD, SIGMA
from iadsim.sensors.jamming import Jamming
from iadsim.sensors.strobes import fix_of
from iadsim.world import World

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

CURRENT_SCANS = 1.5
"""A strobe counts toward a fix until this many of its radar's scan periods after it arrived."""
FIX_ACCURACY = 0.1
"""A fix counts when its expected ground error (1 sigma) is at most this share of its distance from the nearest
radar: crossings of nearly parallel bearings (radars close together, seen from afar) wait for better ones."""


class JammerFixes:
    """Every air picture's strobes and the jammer fixes they give (see the module doc)."""

    def __init__(self, compiled: CompiledScenario, latency_s: F64) -> None:
        self.jamming = jamming = Jamming.of(compiled)
        self.active = jamming.active
        world = compiled.world
        radars, pictures = latency_s.shape
        self.standoff = len(jamming.standoff_names)
        sources = self.standoff + len(world.threats.id)
        self.latency_s = latency_s
        limits = compiled.tables.radar_limits
        self.max_age_s = np.ascontiguousarray(CURRENT_SCANS * limits[:, SCAN_PERIOD])
        self.azimuth_sigma = np.ascontiguousarray(limits[:, SIGMA + 1])
        shape = (pictures, sources, radars) if self.active else (0, 0, 0)
        self.arrived_t_s = np.full(shape, -np.inf)
        self.az_el = np.zeros((*shape, 2))
        self.located = np.zeros(shape[:2], bool)
        self.pending = _no_pending()
        carried = [jamming.types[k].name if k >= 0 else "" for k in jamming.threat_jammer.tolist()]
        self.source_name = np.array([*jamming.standoff_names, *carried], dtype=object)
        self.picture_name = np.array([f"picture {p}" for p in range(pictures)], dtype=object)

    def step(self, world: World, t_s: float) -> EventColumns:
        """File this tick's strobes, locate the jammers that got a new one, log each picture's first fix."""
        if not self.active:
            return NO_EVENTS
        self._file(world, t_s)
        due = self.pending["arrive_t_s"] <= t_s + 1e-9
        if not due.any():
            return NO_EVENTS
        arrived = {name: column[due] for name, column in self.pending.items()}
        self.pending = {name: column[~due] for name, column in self.pending.items()}
        picture, source, sensor = arrived["picture"], arrived["source"], arrived["sensor"]
        self.arrived_t_s[picture, source, sensor] = arrived["arrive_t_s"]
        self.az_el[picture, source, sensor] = arrived["az_el"]
        pairs = np.unique(np.stack((picture, source), axis=1), axis=0)
        pairs = pairs[~self.located[pairs[:, 0], pairs[:, 1]]]  # located already: its first fix was logged
        if not len(pairs):
            return NO_EVENTS
        sensors = world.sensors
        found, fix, nearest = _fixes_of(pairs, self.arrived_t_s, self.az_el, self.max_age_s, self.azimuth_sigma,
                                        t_s, sensors.pos_ecef_m, sensors.rotation)
        if not found.any():
            return NO_EVENTS
        pairs, fix, nearest = pairs[found], fix[found], nearest[found]
        self.located[pairs[:, 0], pairs[:, 1]] = True
        error = np.linalg.norm(fix - self._truth(world, t_s, pairs[:, 1]), axis=1)
        carrier = pairs[:, 1] - self.standoff
        return events("jammer_located", t_s, len(pairs), fix, sensor_id=sensors.id[nearest],
                      threat_id=np.where(carrier >= 0, carrier, -1), value=error,
                      detail=self.source_name[pairs[:, 1]] + ", " + self.picture_name[pairs[:, 0]])

    def _file(self, world: World, t_s: float) -> None:
        """Queue this tick's strobes for every picture their radar feeds, due after the link's latency."""
        detections = world.detections
        if not len(detections.strobe_sensor):
            return
        latency = self.latency_s[detections.strobe_sensor]
        strobe, picture = np.nonzero(np.isfinite(latency))
        new = {"picture": picture, "source": detections.strobe_source[strobe],
               "sensor": detections.strobe_sensor[strobe].astype(np.int64),
               "arrive_t_s": t_s + latency[strobe, picture], "t_s": np.full(len(strobe), t_s),
               "az_el": detections.strobe_az_el[strobe]}
        self.pending = {name: np.concatenate((self.pending[name], column)) for name, column in new.items()}

    def _truth(self, world: World, t_s: float, source: I64) -> F64:
        """True ECEF positions (n, 3) of jammer sources now (a carrier's position, a stand-off jammer's route)."""
        pos, _, _, _, radiating = self.jamming.states(world.threats, t_s)
        row_of = np.full(len(self.source_name), -1)
        row_of[radiating] = np.arange(len(radiating))
        row = row_of[source]
        carried = world.threats.pos_ecef_m[np.maximum(source - self.standoff, 0)]
        return np.where((row >= 0)[:, None], pos[np.maximum(row, 0)] if len(pos) else carried, carried)


def _no_pending() -> dict[str, np.ndarray]:
    empty = np.empty(0, np.int64)
    return {"picture": empty, "source": empty, "sensor": empty, "arrive_t_s": np.empty(0), "t_s": np.empty(0),
            "az_el": np.empty((0, 2))}


@kernel
def _fixes_of(pairs: I64, arrived_t_s: F64, az_el: F64, max_age_s: F64, azimuth_sigma: F64, t_s: float,
              radar_ecef_m: F64, rotation: F64) -> tuple[NDArray[np.bool_], F64, I64]:
    """For each (picture, source) pair: whether two or more radars hold current strobes that cross into a fix
    accurate to :data:`FIX_ACCURACY`, the fix (:func:`fix_of`) and the radar nearest it."""
    count = len(pairs)
    found, fix, nearest = np.zeros(count, np.bool_), np.full((count, 3), np.nan), np.zeros(count, np.int64)
    radars = arrived_t_s.shape[2]
    chosen = np.empty(radars, np.int64)
    for k in range(count):
        p, q = pairs[k, 0], pairs[k, 1]
        used = 0
        for s in range(radars):
            if t_s - arrived_t_s[p, q, s] <= max_age_s[s]:
                chosen[used] = s
                used += 1
        if used < 2:
            continue
        rows = chosen[:used]
        azimuth, elevation = np.empty(used), np.empty(used)
        for u in range(used):
            azimuth[u], elevation[u] = az_el[p, q, rows[u], 0], az_el[p, q, rows[u], 1]
        expected = fix_of(radar_ecef_m[rows], rotation[rows], azimuth, elevation, azimuth_sigma[rows], fix[k])
        best = np.inf
        for s in rows:
            d = 0.0
            for i in range(3):
                d += (fix[k, i] - radar_ecef_m[s, i]) ** 2
            if d < best:
                best, nearest[k] = d, s
        found[k] = expected <= FIX_ACCURACY * np.sqrt(best)
    return found, fix, nearest
