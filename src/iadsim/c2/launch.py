"""Launchers and magazines: turn assignments into interceptors in flight, never below zero rounds."""

from __future__ import annotations

import numpy as np

from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.registry import register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import IN_FLIGHT, World


@register("launch", "default")
class Launcher:
    """Fires the assigned rounds, spends inventory, and reports units that run dry."""

    def __init__(self, compiled: CompiledScenario) -> None:
        types = compiled.interceptor_types
        self.cost_usd = np.array([m.cost_usd for m in types])
        self.weapon = np.array([m.name for m in types], dtype=object)
        self.layer = np.array([m.layer for m in types], dtype=object)
        unit_types = [compiled.unit_types[i] for i in compiled.world.units.type_index]
        self.interval_s = np.array([u.min_launch_interval for u in unit_types])

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        orders = world.assignments
        if len(orders.unit_index) == 0:
            return NO_EVENTS
        units, missiles, tracks = world.units, world.interceptors, world.tracks
        unit = np.repeat(orders.unit_index, orders.salvo)
        kind = np.repeat(orders.missile_index, orders.salvo)
        track = np.repeat(orders.track_row, orders.salvo)
        # Keep only as many rounds per (unit, type) as the magazine holds.
        pair = unit.astype(np.int64) * units.rounds.shape[1] + kind
        order = np.argsort(pair, kind="stable")
        rank = np.empty(len(pair), dtype=np.int64)
        first_of_pair = np.searchsorted(pair[order], pair[order])
        rank[order] = np.arange(len(pair)) - first_of_pair
        keep = rank < units.rounds[unit, kind]
        unit, kind, track = unit[keep], kind[keep], track[keep]
        before = units.rounds.copy()
        np.subtract.at(units.rounds, (unit, kind), 1)
        units.next_launch_t_s[unit] = t_s + self.interval_s[unit]
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
