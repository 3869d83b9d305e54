"""The simplest command and control: fire at the most urgent threats in reach, cheapest missile first.

Every tick each unit, in turn, takes the tracks of its air picture that no
interceptor is already flying at, ranks them by urgency (time for the threat
to reach the nearest defended asset, or unit when no asset is defined), and
assigns one round each to as many as its free fire-control channels, guidance
channels and launch rate allow, using the cheapest of its missile types whose
envelope holds the intercept. A threat is engaged again only after a miss
(shoot-look-shoot). The weapon-target assignment solvers replace this where
fidelity matters.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2 import discrimination
from iadsim.c2.command import Command
from iadsim.c2.discrimination import Discrimination
from iadsim.c2.engagement import Envelope
from iadsim.c2.identification import Identification
from iadsim.c2 import kill_chain
from iadsim.c2.home_on_jam import HomeOnJam
from iadsim.c2.kill_chain import KillChain, engagement_tracks
from iadsim.c2.tewa import cleared_tracks, launches_per_cycle
from iadsim.physics.flyout_table import tables_for
from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.registry import AIR_PICTURE, FIRE_UNITS, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import Assignments, World


@register("decide", "greedy")
class GreedyDecider:
    """Assigns units and missile types to tracks, most urgent first."""

    requires = AIR_PICTURE | FIRE_UNITS | discrimination.REQUIRES | kill_chain.REQUIRES
    provides = group_columns("assignments")

    def __init__(self, compiled: CompiledScenario) -> None:
        world = compiled.world
        types = compiled.interceptor_types
        self.envelope = Envelope.of(types, tables_for(types, compiled.scenario.models.fly))
        tables = compiled.tables
        self.cost_usd, self.weapon, self.layer = tables.weapon_cost_usd, tables.weapon, tables.layer
        self.channels, self.guided = tables.unit_channels, tables.unit_guided
        self.launches_per_tick = launches_per_cycle(compiled)
        self.defend_assets = len(world.assets.id) > 0
        self.discrimination = Discrimination.of(compiled)
        self.identification = Identification.of(compiled)
        self.command = Command.of(compiled)
        self.kill_chain = KillChain.of(compiled)
        self.home_on_jam = HomeOnJam(compiled, self.kill_chain)
        self.hold_row = self.home_on_jam.hold_rows(np.zeros(len(types), np.int64), np.arange(len(types)))

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        world.assignments = Assignments.empty()
        learnt, firm = cleared_tracks(self.command, self.discrimination, self.identification, world, t_s, rng)
        handed_over, holds = engagement_tracks(self.kill_chain, world, t_s, firm)
        holds = self.home_on_jam.holds(world, t_s, firm, holds)
        return merge(learnt, handed_over, self._orders(world, t_s, firm, holds))

    def _orders(self, world: World, t_s: float, firm: np.ndarray, holds: np.ndarray) -> EventColumns:
        """This tick's orders over the tracks fire control may take (``firm``, by track row) and each unit's
        engagement radar holds (``holds``, :mod:`iadsim.c2.kill_chain`)."""
        tracks, units, missiles = world.tracks, world.units, world.interceptors
        live = np.flatnonzero(tracks.active[: tracks.count])
        if len(live) == 0 or len(units.id) == 0:
            return NO_EVENTS
        flying = np.flatnonzero(missiles.in_flight)
        taken = np.zeros(tracks.count, dtype=bool)
        taken[missiles.track_row[flying]] = True
        in_flight = np.bincount(missiles.unit_index[flying], minlength=len(units.id))
        engaged_pairs = np.unique(missiles.unit_index[flying].astype(np.int64) * tracks.count + missiles.track_row[flying])
        engaging = np.bincount(engaged_pairs // max(tracks.count, 1), minlength=len(units.id))
        pos = tracks.pos_ecef_m[live] + tracks.vel_ecef_mps[live] * (t_s - tracks.last_update_t_s[live])[:, None]
        vel = tracks.vel_ecef_mps[live]
        speed = np.maximum(np.linalg.norm(vel, axis=1), 1.0)
        defended_m = world.assets.pos_ecef_m if self.defend_assets else units.pos_ecef_m  # units where they stand
        distance = np.linalg.norm(pos[:, None, :] - defended_m[None, :, :], axis=2).min(axis=1)
        t_go = distance / speed
        chosen_unit, chosen_missile, chosen_row = [], [], []
        for u in range(len(units.id)):
            capacity = min(self.channels[u] - engaging[u], self.guided[u] - in_flight[u], self.launches_per_tick[u])
            if capacity <= 0 or units.next_launch_t_s[u] > t_s or not units.deployed[u]:
                continue
            held = firm[live] if len(holds) == 0 else holds[u::len(units.id), live].any(axis=0)
            candidates = np.flatnonzero((tracks.picture[live] == units.picture[u]) & ~taken[live] & held)
            if len(candidates) == 0:
                continue
            best = np.full(len(candidates), -1)
            best_cost = np.full(len(candidates), np.inf)
            ready = units.ready_rounds()[u]
            for m in np.flatnonzero(ready > 0):
                feasible, _ = self.envelope.intercepts(m, units.pos_ecef_m[u], units.rotation[u], pos[candidates],
                                                       vel[candidates], t_go[candidates])
                if len(holds) > len(units.id):  # rounds with and without home-on-jam held apart
                    feasible &= holds[u + self.hold_row[m], live[candidates]]
                better = feasible & (self.cost_usd[m] < best_cost)
                best[better], best_cost[better] = m, self.cost_usd[m]
            rounds = ready.copy()
            for k in candidates[best >= 0][np.argsort(t_go[candidates[best >= 0]], kind="stable")]:
                m = best[np.searchsorted(candidates, k)]
                if rounds[m] == 0:
                    continue
                rounds[m] -= 1
                chosen_unit.append(u)
                chosen_missile.append(m)
                chosen_row.append(live[k])
                taken[live[k]] = True
                capacity -= 1
                if capacity == 0:
                    break
        if not chosen_row:
            return NO_EVENTS
        rows = np.array(chosen_row, dtype=np.int32)
        kinds = np.array(chosen_missile, dtype=np.int32)
        world.assignments = Assignments(np.array(chosen_unit, dtype=np.int32), kinds, rows, np.ones(len(rows), np.int32))
        return events("assign", t_s, len(rows), tracks.pos_ecef_m[rows], unit_id=units.id[chosen_unit],
                      track_id=tracks.id[rows], threat_id=tracks.threat_index[rows],
                      weapon=self.weapon[kinds], layer=self.layer[kinds], value=1.0)
