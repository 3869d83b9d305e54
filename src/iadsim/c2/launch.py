"""Launchers and magazines: turn assignments into interceptors in flight, reload emptied launchers.

Each tick, in order:

0. the units' posture (:mod:`iadsim.c2.posture`): strikes on units, resupply,
   marches and set-ups, new moves;
1. reloads that are done put their rounds on their launcher (a ``reload`` event);
2. assigned rounds are fired from ready rounds only, launcher by launcher, never
   more than a unit's launchers hold, and only by deployed units with an engagement radar standing
   (:mod:`iadsim.c2.components`) and radiating (:mod:`iadsim.c2.emission`; ``launch`` events; ``out_of_rounds`` when a
   unit fires its last round of a type);
3. every launcher that is now empty starts a reload from the unit's magazine if
   the magazine still holds rounds of its type: they are ready ``reload_time``
   later (the catalog figure of the unit's type).

Inventories never go below zero: a unit's rounds (ready plus magazine) and each
launcher's ready rounds only fall by what is fired, and fire is clamped to what is ready.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.posture import Posture
from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.registry import columns, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import IN_FLIGHT, World, cumulative_within


@register("launch", "default")
class Launcher:
    """Fires the assigned rounds from ready launchers, spends inventory, reloads, and reports units that run dry."""

    requires = (group_columns("assignments") | columns("tracks", "id", "threat_index")
                | columns("threats", "status", "arrived", "target_pos_ecef_m") | columns("interceptors", "status"))
    provides = (columns("units", "rounds", "next_launch_t_s", "launchers", "state", "pos_ecef_m", "lat_rad", "lon_rad",
                        "alt_m", "rotation", "parts")
                | columns("sensors", "pos_ecef_m", "lat_rad", "lon_rad", "rotation", "antenna_alt_m", "ground_alt_m",
                          "emitting")
                | group_columns("interceptors", leave_out=("endgame", "miss_distance_m")))

    def __init__(self, compiled: CompiledScenario) -> None:
        tables = compiled.tables
        self.cost_usd, self.weapon, self.layer = tables.weapon_cost_usd, tables.weapon, tables.layer
        self.interval_s, self.reload_s = tables.unit_launch_interval_s, tables.unit_reload_s
        self.posture = Posture(compiled)
        self.next_reload_done_s = np.inf  # earliest end of a reload under way
        self.magazines_changed = True  # rounds fired or delivered since empty launchers last took from magazines

    def wake_s(self, world: World) -> float:
        """The next time a reload is done or a unit's posture changes (inf when none): the engine wakes for it."""
        return min(self.next_reload_done_s, self.posture.wake_s(world))

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        self.magazines_changed |= self.posture.delivery_due(t_s)
        parts = [self.posture.step(world, t_s, rng), self._finish_reloads(world, t_s)]
        if len(world.assignments.unit_index):
            parts.append(self._fire(world, t_s))
        if self.magazines_changed:
            parts.append(self._start_reloads(world, t_s))
        return merge(*parts)

    def _fire(self, world: World, t_s: float) -> EventColumns:
        orders = world.assignments
        units, missiles, tracks = world.units, world.interceptors, world.tracks
        launchers = units.launchers
        unit = np.repeat(orders.unit_index, orders.salvo)
        kind = np.repeat(orders.missile_index, orders.salvo)
        track = np.repeat(orders.track_row, orders.salvo)
        # Keep only as many rounds per (unit, type) as its launchers hold ready.
        n_types = units.rounds.shape[1]
        pair = unit.astype(np.int64) * n_types + kind
        rank = cumulative_within(np.ones(len(pair), dtype=np.int64), pair)
        keep = ((rank < units.ready_rounds()[unit, kind]) & units.deployed[unit]
                & units.parts.engagement_radar_up[unit])  # no engagement radar left: no guided round
        if self.posture.emission is not None:  # nor with every engagement radar silent by its emission policy
            keep &= self.posture.emission.guiding(world)[unit]
        unit, kind, track = unit[keep], kind[keep], track[keep]
        fired = np.zeros(units.rounds.shape, dtype=np.int32)
        np.add.at(fired, (unit, kind), 1)
        # Take them from the launchers of each (unit, type) in turn.
        key = launchers.unit_index.astype(np.int64) * n_types + launchers.missile_index
        earlier = cumulative_within(launchers.ready, key)
        taken = np.clip(fired[launchers.unit_index, launchers.missile_index] - earlier, 0, launchers.ready)
        launchers.ready -= taken.astype(np.int32)
        before = units.rounds.copy()
        units.rounds -= fired
        self.magazines_changed |= len(unit) > 0
        units.next_launch_t_s[unit] = t_s + self.interval_s[unit]
        self.posture.launched(unit, t_s)
        rows = np.arange(missiles.count, missiles.count + len(unit))
        missiles.count += len(unit)
        missiles.id[rows] = rows
        missiles.unit_index[rows] = unit
        missiles.missile_index[rows] = kind
        missiles.track_row[rows] = track
        missiles.threat_index[rows] = tracks.threat_index[track]
        missiles.launch_t_s[rows] = t_s
        missiles.pos_ecef_m[rows] = units.pos_ecef_m[unit]
        missiles.vel_ecef_mps[rows] = 0.0
        missiles.status[rows] = IN_FLIGHT
        dry_unit, dry_kind = np.nonzero((before > 0) & (units.rounds == 0))
        return merge(
            events("launch", t_s, len(rows), missiles.pos_ecef_m[rows], interceptor_id=rows, unit_id=unit,
                   track_id=tracks.id[track], threat_id=missiles.threat_index[rows], weapon=self.weapon[kind],
                   layer=self.layer[kind], value=self.cost_usd[kind]),
            events("out_of_rounds", t_s, len(dry_unit), units.pos_ecef_m[dry_unit], unit_id=dry_unit,
                   weapon=self.weapon[dry_kind], layer=self.layer[dry_kind]),
        )

    def _start_reloads(self, world: World, t_s: float) -> EventColumns:
        """Empty launchers take rounds from the magazine; instant when the type's reload time is 0."""
        units = world.units
        launchers = units.launchers
        self.magazines_changed = False
        empty = (launchers.ready == 0) & (launchers.loading == 0)
        if not empty.any():
            return NO_EVENTS
        magazine = units.rounds - launchers.in_hand(units.rounds.shape)
        n_types = units.rounds.shape[1]
        key = np.where(empty, launchers.unit_index.astype(np.int64) * n_types + launchers.missile_index, -1)
        earlier = cumulative_within(np.where(empty, launchers.capacity, 0), key)
        stock = magazine[launchers.unit_index, launchers.missile_index]
        load = np.where(empty, np.clip(stock - earlier, 0, launchers.capacity), 0).astype(np.int32)
        starting = load > 0
        launchers.loading[starting] = load[starting]
        launchers.reload_done_t_s[starting] = t_s + self.reload_s[launchers.unit_index[starting]]
        self.next_reload_done_s = float(launchers.reload_done_t_s.min(initial=np.inf))
        return self._finish_reloads(world, t_s)

    def _finish_reloads(self, world: World, t_s: float) -> EventColumns:
        if self.next_reload_done_s > t_s:
            return NO_EVENTS
        units = world.units
        launchers = units.launchers
        done = np.flatnonzero(launchers.reload_done_t_s <= t_s)
        loaded = launchers.loading[done].copy()
        launchers.ready[done] += loaded
        launchers.loading[done] = 0
        launchers.reload_done_t_s[done] = np.inf
        self.next_reload_done_s = float(launchers.reload_done_t_s.min(initial=np.inf))
        unit, kind = launchers.unit_index[done], launchers.missile_index[done]
        return events("reload", t_s, len(done), units.pos_ecef_m[unit], unit_id=unit, weapon=self.weapon[kind],
                      layer=self.layer[kind], value=loaded,
                      detail=np.array([f"launcher {i}" for i in done], dtype=object))
