"""Home-on-jam: which rounds may be fired at a jammer the radars hold only by its strobes.

A self-screening jammer the radars cannot range is still tracked, from the fixes of
its strobes (:mod:`iadsim.tracking.fix_tracks`): such a track is *angle-only*
(``world.tracks.angle_only``: no radar has ranged it). A round whose seeker can home
on the jammer's emission (catalog ``home_on_jam``) may be fired at it; any other
round may not, for nothing would guide it to a target whose range no radar measures.

Under the kill chain (:mod:`iadsim.c2.kill_chain`) a unit fires a home-on-jam round
at a firm track of a jamming threat (a fix track, or a track other radars range)
also when its engagement radar holds no firm track of it, as long as that radar has a
current strobe of the threat's jammer (it has the jammer's angle, which is what the
round needs at launch: at most 1.5 of the radar's scan periods old, as for the fixes);
a unit fires other rounds only at what its engagement radar holds, and never at an
angle-only track. The strobe is matched to the track by the threat it comes from, the
kill chain's own abstraction of an engagement radar's association (it stands for
matching the strobe's azimuth to the track's).

This is a table of holds, one row per unit for the rounds without the flag and one per
unit for the rounds with it (:meth:`HomeOnJam.holds`, (2U, R)); each weapon's pairs
are held by its row (:meth:`HomeOnJam.hold_rows`). Without a threat that carries a
jammer nothing changes: the kill chain's own holds (or none) and each weapon its unit's
row. The flyout is unchanged: mid-course on the track, the terminal homing on the
target itself (:mod:`iadsim.physics.flyout`), which for a home-on-jam round stands for
homing on the jammer; the seeker of a round without the flag is not jammed in the
terminal phase (left out).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.c2.kill_chain import KillChain, engagement_radars
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.tables import SCAN_PERIOD
from iadsim.sensors.jamming import Jamming
from iadsim.tracking.jammer_fixes import CURRENT_SCANS
from iadsim.world import World

I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

TRACKERS_WITH_FIXES = ("ekf", "imm")
"""The track models whose pictures hold jammers' fix tracks (angle-only tracks)."""


class HomeOnJam:
    """The holds of rounds with and without ``home_on_jam`` (see the module doc)."""

    def __init__(self, compiled: CompiledScenario, kill_chain: KillChain | None) -> None:
        world = compiled.world
        self.flag = np.array([bool(t.home_on_jam) for t in compiled.interceptor_types], bool)
        jamming = Jamming.of(compiled)
        self.active = (compiled.scenario.models.track in TRACKERS_WITH_FIXES
                       and bool((jamming.threat_jammer >= 0).any()))
        self.units = len(world.units.id)
        self.kill_chain = kill_chain is not None
        self.sensor = kill_chain.sensor if kill_chain is not None else engagement_radars(compiled)
        self.unit = world.sensors.unit_index[self.sensor].astype(np.int64)
        self.engagement_of = np.full(len(world.sensors.id), -1, np.int64)
        self.engagement_of[self.sensor] = np.arange(len(self.sensor))
        self.max_age_s = CURRENT_SCANS * compiled.tables.radar_limits[self.sensor, SCAN_PERIOD]
        self.standoff = len(jamming.standoff_names)
        self.carries = jamming.threat_jammer >= 0  # (N,) the threats that carry a jammer
        sources = self.standoff + len(world.threats.id)
        self.strobed_t_s = np.full((len(self.sensor), sources if self.active else 0), -np.inf)

    def hold_rows(self, weapon_unit: I64, weapon_missile: I64) -> I64:
        """(W,) the row of :meth:`holds` that holds each weapon's pairs: its unit's, or, for a round that homes
        on jam, the unit's in the second half."""
        if not self.active:
            return weapon_unit
        return weapon_unit + self.units * self.flag[weapon_missile].astype(np.int64)

    def holds(self, world: World, t_s: float, firm: Bool, holds: Bool) -> Bool:
        """The holds of this tick (module doc) from the kill chain's (``holds``, (U, R), or none) and the tracks
        fire control may take (``firm``); the kill chain's own when no threat carries a jammer."""
        if not self.active:
            return holds
        detections, tracks = world.detections, world.tracks
        radar = self.engagement_of[detections.strobe_sensor]
        seen = radar >= 0
        self.strobed_t_s[radar[seen], detections.strobe_source[seen]] = t_s
        rows = len(tracks.id)
        base = holds if self.kill_chain else np.broadcast_to(firm[:rows], (self.units, rows))
        plain = base & ~tracks.angle_only[:rows]
        homing = base.copy()
        if self.kill_chain:
            label = tracks.threat_index[:tracks.count]
            jam = np.flatnonzero(tracks.active[:tracks.count] & firm[:tracks.count] & (label >= 0)
                                 & self.carries[np.maximum(label, 0)])
            if len(jam):
                source = self.standoff + label[jam]
                current = t_s - self.strobed_t_s[:, source] <= self.max_age_s[:, None]  # (E, J)
                strobed = np.zeros((self.units, len(jam)), bool)
                np.logical_or.at(strobed, self.unit, current)
                homing[:, jam] |= strobed
        return np.concatenate([plain, homing])

    def homing(self, unit: I64, missile: I64, row: I64, holds: Bool) -> Bool:
        """(n,) which orders (unit, missile type, track row) only a round that homes on jam could be given: the
        row is not held for the unit's other rounds (angle-only, or its engagement radar strobes the jammer
        without holding a track of it)."""
        if not self.active:
            return np.zeros(len(unit), bool)
        return self.flag[missile] & ~holds[unit, row]
