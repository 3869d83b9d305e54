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

A tick is one compiled pass (:func:`_locate_of`): it queues the tick's strobes, files
those that arrived and fixes the (picture, jammer) pairs that got a new one; a tick
with no strobe queued costs two comparisons, and a run without jammers builds nothing.
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
from iadsim.sensors.scan import grown
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
        self.touched = np.zeros(shape[:2], bool)
        self.pending_rows = np.zeros((0, 3), np.int64)  # picture, source, sensor of strobes on their way
        self.pending_values = np.zeros((0, 3))  # arrival time (s), azimuth, elevation (rad)
        self.pending = np.zeros(1, np.int64)
        carried = [jamming.types[k].name if k >= 0 else "" for k in jamming.threat_jammer.tolist()]
        self.source_name = np.array([*jamming.standoff_names, *carried], dtype=object)
        self.picture_name = np.array([f"picture {p}" for p in range(pictures)], dtype=object)

    def step(self, world: World, t_s: float) -> EventColumns:
        """Queue and file the strobes, locate the jammers that got a new one, log each picture's first fix."""
        detections = world.detections
        if not self.active or (not len(detections.strobe_sensor) and not self.pending[0]):
            return NO_EVENTS
        room = int(self.pending[0]) + len(detections.strobe_sensor) * self.latency_s.shape[1]
        if len(self.pending_rows) < room:
            self.pending_rows, self.pending_values = grown(self.pending_rows, 2 * room), grown(self.pending_values,
                                                                                                 2 * room)
        sensors = world.sensors
        found, picture, source, fix, nearest = _locate_of(
            t_s, detections.strobe_sensor, detections.strobe_source, detections.strobe_az_el, self.latency_s,
            self.pending_rows, self.pending_values, self.pending, self.arrived_t_s, self.az_el, self.located,
            self.touched, self.max_age_s, self.azimuth_sigma, sensors.pos_ecef_m, sensors.rotation)
        if not found:
            return NO_EVENTS
        error = np.linalg.norm(fix - self._truth(world, t_s, source), axis=1)
        carrier = source - self.standoff
        return events("jammer_located", t_s, found, fix, sensor_id=sensors.id[nearest],
                      threat_id=np.where(carrier >= 0, carrier, -1), value=error,
                      detail=self.source_name[source] + ", " + self.picture_name[picture])

    def _truth(self, world: World, t_s: float, source: I64) -> F64:
        """True ECEF positions (n, 3) of jammer sources now (a carrier's position, a stand-off jammer's route)."""
        pos, _, _, _, radiating = self.jamming.states(world.threats, t_s)
        row_of = np.full(len(self.source_name), -1)
        row_of[radiating] = np.arange(len(radiating))
        row = row_of[source]
        carried = world.threats.pos_ecef_m[np.maximum(source - self.standoff, 0)]
        return np.where((row >= 0)[:, None], pos[np.maximum(row, 0)] if len(pos) else carried, carried)


@kernel
def _locate_of(t_s: float, strobe_sensor: NDArray[np.int32], strobe_source: I64, strobe_az_el: F64, latency_s: F64,
               pending_rows: I64, pending_values: F64, pending: I64, arrived_t_s: F64, az_el: F64,
               located: NDArray[np.bool_], touched: NDArray[np.bool_], max_age_s: F64, azimuth_sigma: F64,
               radar_ecef_m: F64, rotation: F64) -> tuple[int, I64, I64, F64, I64]:
    """One tick (module doc): queue the tick's strobes for every picture their radar feeds (room for them in
    the pending buffers, ``pending[0]`` of them in use), file those due, and fix each (picture, source) pair
    not yet located that got a new strobe. Returns the number of first fixes, their pictures, sources,
    ECEF positions and nearest radars."""
    pictures = latency_s.shape[1]
    count = pending[0]
    for b in range(len(strobe_sensor)):
        s = strobe_sensor[b]
        for p in range(pictures):
            if np.isfinite(latency_s[s, p]):
                pending_rows[count, 0], pending_rows[count, 1], pending_rows[count, 2] = p, strobe_source[b], s
                pending_values[count, 0] = t_s + latency_s[s, p]
                pending_values[count, 1], pending_values[count, 2] = strobe_az_el[b, 0], strobe_az_el[b, 1]
                count += 1
    kept = touches = 0
    pairs = np.empty((count, 2), np.int64)
    for k in range(count):
        p, q, s = pending_rows[k, 0], pending_rows[k, 1], pending_rows[k, 2]
        if pending_values[k, 0] > t_s + 1e-9:  # still on its way: kept, in order
            for i in range(3):
                pending_rows[kept, i], pending_values[kept, i] = pending_rows[k, i], pending_values[k, i]
            kept += 1
            continue
        arrived_t_s[p, q, s] = pending_values[k, 0]
        az_el[p, q, s, 0], az_el[p, q, s, 1] = pending_values[k, 1], pending_values[k, 2]
        if not located[p, q] and not touched[p, q]:
            touched[p, q] = True
            pairs[touches, 0], pairs[touches, 1] = p, q
            touches += 1
    pending[0] = kept
    found = 0
    out_picture, out_source = np.empty(touches, np.int64), np.empty(touches, np.int64)
    out_fix, out_nearest = np.empty((touches, 3)), np.empty(touches, np.int64)
    radars = arrived_t_s.shape[2]
    chosen = np.empty(radars, np.int64)
    for k in range(touches):
        p, q = pairs[k, 0], pairs[k, 1]
        touched[p, q] = False
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
        expected = fix_of(radar_ecef_m[rows], rotation[rows], azimuth, elevation, azimuth_sigma[rows],
                          out_fix[found])
        best, nearest = np.inf, 0
        for s in rows:
            d = 0.0
            for i in range(3):
                d += (out_fix[found, i] - radar_ecef_m[s, i]) ** 2
            if d < best:
                best, nearest = d, s
        if expected <= FIX_ACCURACY * np.sqrt(best):
            located[p, q] = True
            out_picture[found], out_source[found], out_nearest[found] = p, q, nearest
            found += 1
    return found, out_picture[:found].copy(), out_source[:found].copy(), out_fix[:found].copy(), \
        out_nearest[:found].copy()
