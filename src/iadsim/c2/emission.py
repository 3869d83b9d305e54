"""Emission control: a fire unit's radars radiate only when its policy says so (docs/doctrine.md).

Each tick, after the units' posture, every governed radar's policy is evaluated for all units at once:

- ``always``: on;
- ``in_range``: on while an active track of the unit's air picture is within ``range`` (3-D distance from
  the unit's position);
- ``blinking``: on for the first ``on_for`` seconds of every ``on_for + off_for`` cycle counted from ``phase``;
- ``arm_warning``: on, until an anti-radiation missile (a threat type with ``anti_radiation``) is tracked
  in the unit's air picture (any, with ``network_warning``; else only one aimed at the unit). At the start
  of each warning one draw decides, with ``reaction_probability``, whether the crew shuts down; if so the
  radars fall silent ``reaction_time`` later and stay silent until ``resume_after`` seconds have passed
  without an anti-radiation missile in the picture. The warning assumes the track's class is known (its
  truth label): an identification model would make it later.

A radar radiates when it stands, its unit is deployed and its policy is on (``Sensors.emitting``); a
silent radar detects nothing (the sense stage skips it), a unit with every engagement radar silent takes
no assignment and fires no guided round (its ``next_launch_t_s`` waits at inf; rounds already in flight
fly on), a silent engagement radar is down for the kill chain (:mod:`iadsim.c2.kill_chain` reads the
same ``Sensors.emitting``: it drops the engagement tracks the radar held, which are handed over afresh
once it radiates again), and a silent radar gives an anti-radiation missile nothing to home
on (:mod:`iadsim.c2.seekers`). Changes of the policy are events ``emission_on`` and ``emission_off``
(``sensor_id``, ``unit_id``; ``detail``: the policy). A scenario whose units all radiate always builds no
model (:meth:`EmissionControl.of`): no work per tick and no random draw.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.scenario.aim import aimed_parts
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.emission import unit_emissions
from iadsim.world import DEPLOYED, ENGAGEMENT_RADAR, World

POLICIES = ("always", "in_range", "blinking", "arm_warning")
ALWAYS, IN_RANGE, BLINKING, ARM_WARNING = range(len(POLICIES))


class EmissionControl:
    """Each governed radar's emission policy, evaluated every tick for all units at once."""

    def __init__(self, compiled: CompiledScenario) -> None:
        world, scenario = compiled.world, compiled.scenario
        units, sensors, parts = world.units, world.sensors, world.units.parts
        emissions = unit_emissions(scenario)
        self.policy = np.array([POLICIES.index(e.policy) for e in emissions], dtype=np.int64)
        self.range_m = np.array([e.range or 0.0 for e in emissions])
        self.on_s = np.array([e.on_for or 0.0 for e in emissions])
        self.period_s = np.array([(e.on_for or 0.0) + (e.off_for or 0.0) for e in emissions])
        self.phase_s = np.array([e.phase for e in emissions])
        self.reaction_s = np.array([e.reaction_time for e in emissions])
        self.reaction_p = np.array([e.reaction_probability for e in emissions])
        self.resume_s = np.array([e.resume_after for e in emissions])
        self.network_warning = np.array([e.network_warning for e in emissions], dtype=bool)
        engagement_only = np.array([e.radars == "engagement" for e in emissions], dtype=bool)
        radar_kind = np.full(len(sensors.id), -1, np.int64)
        radar_kind[parts.sensor_index[parts.sensor_index >= 0]] = parts.kind[parts.sensor_index >= 0]
        unit = np.maximum(sensors.unit_index, 0)
        self.governed = ((sensors.unit_index >= 0) & (self.policy[unit] != ALWAYS)
                         & (~engagement_only[unit] | (radar_kind == ENGAGEMENT_RADAR))) if len(units.id) else \
            np.zeros(len(sensors.id), bool)
        self.radar_unit = unit
        self.engagement_parts = np.flatnonzero(parts.kind == ENGAGEMENT_RADAR)
        self.on = np.ones(len(sensors.id), dtype=bool)  # each radar's policy, as last evaluated
        kinds = compiled.threat_types
        self.is_arm = np.array([t.anti_radiation for t in kinds], dtype=bool)[world.threats.type_index]
        part = aimed_parts(scenario, world.threats, parts)
        self.aimed_unit = np.where(part >= 0, parts.unit_index[np.maximum(part, 0)], -1)
        count = len(units.id)
        self.was_warned = np.zeros(count, dtype=bool)
        self.last_warned_s = np.full(count, -np.inf)
        self.shut_at_s = np.full(count, np.inf)
        self.warned_by = np.full(count, -1, np.int32)
        self.held = np.zeros(count, dtype=bool)  # units whose next launch waits for an engagement radar
        self.saved_next_launch_s = np.zeros(count)
        self.policy_name = np.array(POLICIES, dtype=object)

    @classmethod
    def of(cls, compiled: CompiledScenario) -> EmissionControl | None:
        """The model for a scenario with a unit whose policy is not ``always``, else ``None``."""
        return cls(compiled) if any(e.policy != "always" for e in unit_emissions(compiled.scenario)) else None

    def guiding(self, world: World) -> NDArray[np.bool_]:
        """(U,) units with an engagement radar radiating now: only they fire guided rounds (the launch stage)."""
        parts = world.units.parts
        radar = parts.sensor_index[self.engagement_parts]
        unit = parts.unit_index[self.engagement_parts]
        return np.bincount(unit[world.sensors.emitting[radar]], minlength=len(world.units.id)) > 0

    def _hold_fire(self, world: World) -> None:
        """Units with no engagement radar radiating take no assignment: their next launch waits (inf) until one
        radiates again, when it gets back its own time."""
        units = world.units
        guiding = self.guiding(world)
        hold = ~guiding & ~self.held & (units.state == DEPLOYED)
        self.saved_next_launch_s[hold] = units.next_launch_t_s[hold]
        units.next_launch_t_s[hold] = np.inf
        self.held |= hold
        release = self.held & guiding
        units.next_launch_t_s[release] = self.saved_next_launch_s[release]
        self.held &= ~release

    def wake_s(self, t_s: float) -> float:
        """The next switch of a blinking unit after ``t_s`` (inf without one): its event falls on time even while
        nothing flies."""
        blinking = self.policy == BLINKING
        if not blinking.any():
            return np.inf
        into = np.mod(t_s - self.phase_s[blinking], self.period_s[blinking])
        on = self.on_s[blinking]
        return float(t_s + np.where(into < on, on - into, self.period_s[blinking] - into).min())

    def step(self, world: World, t_s: float, rng: np.random.Generator) -> EventColumns:
        """Evaluate every policy at ``t_s``, set ``Sensors.emitting`` of the governed radars; return changes."""
        units, sensors = world.units, world.sensors
        on_unit = np.ones(len(units.id), dtype=bool)
        blinking = self.policy == BLINKING
        on_unit[blinking] = np.mod(t_s - self.phase_s[blinking], self.period_s[blinking]) < self.on_s[blinking]
        tracks = world.tracks
        live = np.flatnonzero(tracks.active[:tracks.count])
        ranged = np.flatnonzero(self.policy == IN_RANGE)
        if len(ranged):
            near = ((tracks.picture[live][None, :] == units.picture[ranged][:, None])
                    & (np.linalg.norm(tracks.pos_ecef_m[live][None, :, :] - units.pos_ecef_m[ranged][:, None, :],
                                      axis=2) < self.range_m[ranged][:, None]))
            on_unit[ranged] = near.any(axis=1)
        warning = np.flatnonzero(self.policy == ARM_WARNING)
        if len(warning):
            on_unit[warning] = self._warning(world, live, warning, t_s, rng)
        on = np.where(self.governed, on_unit[self.radar_unit], True)
        standing = units.parts.sensor_up & (units.state[self.radar_unit] == DEPLOYED)
        changed = np.flatnonzero((on != self.on) & units.parts.sensor_up)  # a lost radar's policy goes unlogged
        self.on = on
        sensors.emitting[self.governed] = (standing & on)[self.governed]
        self._hold_fire(world)
        if len(changed) == 0:
            return NO_EVENTS
        rising = changed[on[changed]]
        falling = changed[~on[changed]]
        return merge(
            events("emission_off", t_s, len(falling), sensors.pos_ecef_m[falling], sensor_id=falling,
                   unit_id=units.id[self.radar_unit[falling]], threat_id=self.warned_by[self.radar_unit[falling]],
                   detail=self.policy_name[self.policy[self.radar_unit[falling]]]),
            events("emission_on", t_s, len(rising), sensors.pos_ecef_m[rising], sensor_id=rising,
                   unit_id=units.id[self.radar_unit[rising]],
                   detail=self.policy_name[self.policy[self.radar_unit[rising]]]),
        )

    def _warning(self, world: World, live: NDArray[np.int64], warning: NDArray[np.int64], t_s: float,
                 rng: np.random.Generator) -> NDArray[np.bool_]:
        """(len(warning),) whether the ``arm_warning`` units ``warning`` radiate at ``t_s``."""
        tracks, units = world.tracks, world.units
        threat = tracks.threat_index[live]
        arm = live[(threat >= 0) & self.is_arm[np.maximum(threat, 0)]]
        seen = tracks.picture[arm][None, :] == units.picture[warning][:, None]
        aimed = self.aimed_unit[tracks.threat_index[arm]][None, :] == warning[:, None]
        warns = seen & (self.network_warning[warning][:, None] | aimed)
        warned = warns.any(axis=1)
        onset = warning[warned & ~self.was_warned[warning]]
        if len(onset):
            react = rng.random(len(onset)) < self.reaction_p[onset]
            self.shut_at_s[onset[react]] = t_s + self.reaction_s[onset[react]]
            first = np.argmax(warns[warned & ~self.was_warned[warning]], axis=1)
            self.warned_by[onset] = tracks.threat_index[arm[first]]
        self.was_warned[warning] = warned
        self.last_warned_s[warning[warned]] = t_s
        quiet_long = t_s - self.last_warned_s[warning] >= self.resume_s[warning]
        over = warning[quiet_long & np.isfinite(self.shut_at_s[warning])]
        self.shut_at_s[over] = np.inf
        return ~((self.shut_at_s[warning] <= t_s + 1e-9) & ~quiet_long)
