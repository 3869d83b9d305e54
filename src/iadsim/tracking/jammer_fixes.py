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

A jammer a threat carries (a self-screening fighter) is fixed again whenever two or more
radars hold current strobes of it that arrived after its last fix (so no strobe counts
in two fixes and the fixes' errors are independent): every such fix, the first
included, goes to the picture's track of that jammer (:mod:`iadsim.tracking.fix_tracks`).
A stand-off jammer is located once (it is no threat: no track follows it).

A tick is one compiled pass (:func:`_locate_of`): it queues the tick's strobes, files
those that arrived and fixes the (picture, jammer) pairs that got a new one; a tick
with no strobe queued costs two comparisons, and a run without jammers builds nothing.
"""

from __future__ import annotations

from typing import NamedTuple

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
UNKNOWN_HEIGHT_SIGMA_M = 5000.0
"""Height error (1 sigma, m) of a fix no 3-D radar's elevation measured (fan beams only: the fix lies in the first
radar's horizontal plane): an estimate, the spread of the heights aircraft fly at."""


class Fixes(NamedTuple):
    """One tick's fixes of carried jammers: picture (n,), strobe source (n,), ECEF position (n, 3), errors (n, 2:
    ground, 1 sigma as :func:`~iadsim.sensors.strobes.fix_of` expects it, and height; m), nearest radar (n,) and
    time (n,: the mean of its strobes' measurement times, s)."""

    picture: I64
    source: I64
    pos_ecef_m: F64
    sigma_m: F64
    nearest: I64
    t_s: F64


NO_FIXES = Fixes(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 2)),
                 np.zeros(0, np.int64), np.zeros(0))


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
        self.fixed_t_s = np.full(shape[:2], -np.inf)  # when each (picture, source) was last fixed
        self.elevation_sigma = np.ascontiguousarray(limits[:, SIGMA + 2])
        self.fixes = NO_FIXES
        self.pending_rows = np.zeros((0, 3), np.int64)  # picture, source, sensor of strobes on their way
        self.pending_values = np.zeros((0, 3))  # arrival time (s), azimuth, elevation (rad)
        self.pending = np.zeros(1, np.int64)
        carried = [jamming.types[k].name if k >= 0 else "" for k in jamming.threat_jammer.tolist()]
        self.source_name = np.array([*jamming.standoff_names, *carried], dtype=object)
        self.picture_name = np.array([f"picture {p}" for p in range(pictures)], dtype=object)

    def step(self, world: World, t_s: float) -> EventColumns:
        """Queue and file the strobes, locate the jammers that got a new one, log each picture's first fix; the
        fixes of carried jammers made this tick are left in ``fixes`` for their tracks."""
        detections = world.detections
        self.fixes = NO_FIXES
        if not self.active or (not len(detections.strobe_sensor) and not self.pending[0]):
            return NO_EVENTS
        room = int(self.pending[0]) + len(detections.strobe_sensor) * self.latency_s.shape[1]
        if len(self.pending_rows) < room:
            self.pending_rows, self.pending_values = grown(self.pending_rows, 2 * room), grown(self.pending_values,
                                                                                                 2 * room)
        sensors = world.sensors
        found, picture, source, fix, nearest, first, sigma_m, fix_t_s = _locate_of(
            t_s, detections.strobe_sensor, detections.strobe_source, detections.strobe_az_el, self.latency_s,
            self.pending_rows, self.pending_values, self.pending, self.arrived_t_s, self.az_el, self.located,
            self.touched, self.fixed_t_s, self.standoff, self.max_age_s, self.azimuth_sigma, self.elevation_sigma,
            sensors.pos_ecef_m, sensors.rotation)
        if not found:
            return NO_EVENTS
        carried = source >= self.standoff
        self.fixes = Fixes(picture[carried], source[carried], fix[carried], sigma_m[carried], nearest[carried],
                           fix_t_s[carried])
        found = int(first.sum())
        if not found:
            return NO_EVENTS
        picture, source, fix, nearest = picture[first], source[first], fix[first], nearest[first]
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
               located: NDArray[np.bool_], touched: NDArray[np.bool_], fixed_t_s: F64, standoff: int,
               max_age_s: F64, azimuth_sigma: F64, elevation_sigma: F64, radar_ecef_m: F64,
               rotation: F64) -> tuple[int, I64, I64, F64, I64, NDArray[np.bool_], F64, F64]:
    """One tick (module doc): queue the tick's strobes for every picture their radar feeds (room for them in
    the pending buffers, ``pending[0]`` of them in use), file those due, and fix each (picture, source) pair
    that got a new strobe, not yet located or carried by a threat (source ``standoff`` on), from the current
    strobes that arrived after its last fix (``fixed_t_s``). Returns the number of fixes, their pictures,
    sources, ECEF positions, nearest radars, whether each is the pair's first, and their errors (n, 2: ground
    as :func:`~iadsim.sensors.strobes.fix_of` expects it, height from the 3-D radars' elevation sigmas at
    their distances, or :data:`UNKNOWN_HEIGHT_SIGMA_M`; m, 1 sigma) and times (s: the mean time the strobes
    were measured, their arrival less their link's latency)."""
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
        if (q >= standoff or not located[p, q]) and not touched[p, q]:
            touched[p, q] = True
            pairs[touches, 0], pairs[touches, 1] = p, q
            touches += 1
    pending[0] = kept
    found = 0
    out_picture, out_source = np.empty(touches, np.int64), np.empty(touches, np.int64)
    out_fix, out_nearest = np.empty((touches, 3)), np.empty(touches, np.int64)
    out_first, out_sigma, out_t = np.empty(touches, np.bool_), np.empty((touches, 2)), np.empty(touches)
    radars = arrived_t_s.shape[2]
    chosen = np.empty(radars, np.int64)
    for k in range(touches):
        p, q = pairs[k, 0], pairs[k, 1]
        touched[p, q] = False
        used = 0
        for s in range(radars):
            if t_s - arrived_t_s[p, q, s] <= max_age_s[s] and arrived_t_s[p, q, s] > fixed_t_s[p, q]:
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
            out_first[found] = not located[p, q]
            located[p, q] = True
            fixed_t_s[p, q] = t_s
            out_picture[found], out_source[found], out_nearest[found] = p, q, nearest
            height_variance, heights = 0.0, 0
            for u in range(used):
                if not np.isnan(elevation[u]):
                    ground = 0.0
                    for i in range(3):
                        ground += (out_fix[found, i] - radar_ecef_m[rows[u], i]) ** 2
                    height_variance += ground * elevation_sigma[rows[u]] ** 2
                    heights += 1
            out_sigma[found, 0] = expected
            out_sigma[found, 1] = np.sqrt(height_variance) / heights if heights else UNKNOWN_HEIGHT_SIGMA_M
            measured = 0.0
            for u in range(used):
                measured += arrived_t_s[p, q, rows[u]] - latency_s[rows[u], p]
            out_t[found] = measured / used
            found += 1
    return found, out_picture[:found].copy(), out_source[:found].copy(), out_fix[:found].copy(), \
        out_nearest[:found].copy(), out_first[:found].copy(), out_sigma[:found].copy(), out_t[:found].copy()
