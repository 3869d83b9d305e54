"""Threat evaluation and weapon assignment (TEWA): the command posts' decision each command cycle.

Every tick (one command cycle), from the tracks of every air picture, never the truth, after
:func:`cleared_tracks` has set the picture each unit fights from (:mod:`iadsim.c2.command`: a unit cut
off from its command post has none, then its own radars') and cleared the firm tracks weapons control
allows by identity (:mod:`iadsim.c2.identification`); the cleared mask takes the firm mask's place, so the
kernel is unchanged:

1. **evaluate** each track (:mod:`iadsim.c2.threat_evaluation`): class and
   confidence, aim, time to go, value; a ``classify`` event when a track's
   class is first known or changes;
2. **limits** from the doctrine (:mod:`iadsim.c2.doctrine`): rounds each track
   may get this cycle (shoot-look-shoot or shoot-shoot, the cap per threat),
   weapons control; and from fire control: each unit's free fire-control
   channels (targets), free guidance channels (rounds in flight), launch rate
   and ready rounds, less its reserve; a unit not deployed (marching, setting
   up, destroyed: :mod:`iadsim.c2.posture`) launches nothing;
3. **feasibility** of every (weapon, track) pair (:mod:`iadsim.c2.feasibility`)
   and, under ``save_long_range``, the rounds of longer layers held back for
   threats a shorter layer will reach;
4. **assignment**: the static weapon-target assignment problem
   (:mod:`iadsim.c2.wta`), with the survival left by rounds already in flight,
   re-solved every cycle (the dynamic problem as a sequence of static ones).
   With ``self_defence`` it is solved twice: first each unit against the
   threats aimed at itself and at the units it defends (``units[].defends``,
   point defence), with all its rounds, then everyone against the rest.

The models differ only in the solver (:mod:`iadsim.c2.wta`): ``wta`` (``auto``:
the optimum by enumeration when the cycle's problem is tiny, else local search),
``wta_greedy`` (maximum marginal return) and ``wta_exact`` (HiGHS, the reference,
for small raids).

The whole cycle is one kernel (:func:`iadsim.c2.cycle.command_cycle`) over the
world's arrays: the stage reads the tracks, the units where they stand now (their
positions and ENU rotations, kept by the launch stage when a unit marches or
relocates), their launchers and the interceptors in flight every cycle, and turns
the kernel's answer into orders and events. Its constructor keeps only what the
catalog and the scenario fix (per-type and per-unit tables, the assets).
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.cycle import (
    ORDER_CLASS, ORDER_CONFIDENCE, ORDER_FLIGHT, ORDER_MISSILE, ORDER_PK, ORDER_ROUNDS, ORDER_T_GO, ORDER_TRACK,
    ORDER_UNIT, ORDER_VALUE, ORDER_X, DecideTables, cycle_tables, run_cycle,
)
from iadsim.c2 import discrimination
from iadsim.c2.command import Command
from iadsim.c2.discrimination import Discrimination, fire_control_tracks
from iadsim.c2.doctrine import DoctrineRules
from iadsim.c2.engagement import Envelope
from iadsim.c2.identification import Identification
from iadsim.c2 import kill_chain
from iadsim.c2.home_on_jam import HomeOnJam
from iadsim.c2.kill_chain import KillChain, engagement_tracks
from iadsim.c2.threat_evaluation import EvaluationTables, default_parameters
from iadsim.c2.wta import SOLVERS
from iadsim.catalog.schema import LAYERS, THREAT_CLASSES
from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.physics.flyout_table import tables_for
from iadsim.registry import AIR_PICTURE, FIRE_UNITS, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.point_defence import defended_units
from iadsim.world import Assignments, World


def launches_per_cycle(compiled: CompiledScenario) -> np.ndarray:
    """(U,) rounds each unit may launch in one command cycle (tick): its launch interval's share of the tick,
    at least one; all its guidance channels when it has no launch interval."""
    interval, guided = compiled.tables.unit_launch_interval_s, compiled.tables.unit_guided
    return np.where(interval > 0.0, np.maximum(1, np.floor(compiled.scenario.time_step / np.maximum(interval, 1e-9))),
                    guided).astype(np.int64)


def cleared_tracks(command: Command | None, discrimination: Discrimination | None,
                   identification: Identification | None, world: World, t_s: float, rng: np.random.Generator
                   ) -> tuple[EventColumns, np.ndarray]:
    """A decide stage's first steps each cycle: the units' command (who is cut off, who autonomous), what the
    pictures learnt of decoys, and identification; returns their events and the tracks (by row) fire control
    may take and weapons control clears. Without command posts, decoys or identification: the firm tracks."""
    command_events = NO_EVENTS if command is None else command.step(world, t_s)
    learnt, firm = fire_control_tracks(discrimination, world, rng)
    if identification is None:
        return merge(command_events, learnt), firm
    identified, cleared = identification.cleared(world.tracks, firm, t_s, rng)
    return merge(command_events, learnt, identified), cleared


@register("decide", "wta")
class WTADecider:
    """Threat evaluation, doctrine, feasibility and the weapon-target assignment, every command cycle."""

    requires = AIR_PICTURE | FIRE_UNITS | discrimination.REQUIRES | kill_chain.REQUIRES
    provides = group_columns("assignments")

    solver = "auto"

    def __init__(self, compiled: CompiledScenario) -> None:
        world, scenario = compiled.world, compiled.scenario
        doctrine = scenario.doctrine
        types = compiled.interceptor_types
        self.envelope = Envelope.of(types, tables_for(types, scenario.models.fly))
        tables = compiled.tables
        self.weapon_name, self.layer_name = tables.weapon, tables.layer
        units = world.units
        unit, missile = (index.astype(np.int64) for index in np.nonzero(units.rounds > 0))
        assets = world.assets
        unit_value = doctrine.unit_value or (float(assets.value.max()) if len(assets.value) else 1.0)
        self.kill_chain = KillChain.of(compiled)
        self.home_on_jam = HomeOnJam(compiled, self.kill_chain)
        self.tables = DecideTables(
            weapon_unit=unit, weapon_missile=missile, weapon_hold=self.home_on_jam.hold_rows(unit, missile),
            weapon_pk=tables.weapon_pk[missile],
            weapon_cost=tables.weapon_cost_usd[missile] / 1e6 * doctrine.cost_weight,
            weapon_layer_rank=np.array([LAYERS.index(layer) for layer in tables.layer], dtype=np.int64)[missile],
            pk_of_type=tables.weapon_pk,
            unit_channels=tables.unit_channels,
            unit_guided=tables.unit_guided,
            unit_launches=launches_per_cycle(compiled),
            unit_half_sector_rad=tables.unit_half_sector_rad,
            asset_pos_ecef_m=np.ascontiguousarray(assets.pos_ecef_m, dtype=float).reshape(-1, 3),
            point_value=np.concatenate([assets.value, np.full(len(units.id), unit_value)]).astype(float),
            point_unit=np.concatenate([np.full(len(assets.value), -1), np.arange(len(units.id))]).astype(np.int64),
            unit_defends=defended_units(scenario))
        self.static = (*cycle_tables(self.tables, DoctrineRules.of(doctrine), EvaluationTables.of(default_parameters()),
                                     self.envelope.figures, self.envelope.grids), SOLVERS.index(self.solver))
        self.class_name = np.array(THREAT_CLASSES, dtype=object)
        self.last_class = np.full(len(world.tracks.id), -1, dtype=np.int64)
        self.speed_seen = np.full(len(world.tracks.id), np.nan)
        self.speed_part = np.zeros((len(world.tracks.id), len(THREAT_CLASSES)))
        self.no_orders = Assignments.empty()
        self.discrimination = Discrimination.of(compiled)
        self.identification = Identification.of(compiled)
        self.command = Command.of(compiled)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        world.assignments = self.no_orders
        learnt, firm = cleared_tracks(self.command, self.discrimination, self.identification, world, t_s, rng)
        handed_over, holds = engagement_tracks(self.kill_chain, world, t_s, firm)
        holds = self.home_on_jam.holds(world, t_s, firm, holds)
        return merge(learnt, handed_over, self._cycle(world, t_s, firm, holds))

    def _cycle(self, world: World, t_s: float, firm: np.ndarray, holds: np.ndarray) -> EventColumns:
        """The command cycle over the tracks fire control may take (``firm``, by track row) and the rows each
        unit's engagement radar holds (``holds``, :mod:`iadsim.c2.kill_chain`)."""
        tracks = world.tracks
        if tracks.count == 0:  # no track yet; a cycle without a live one costs one kernel call
            return NO_EVENTS
        if len(self.last_class) < len(tracks.id):  # the track store grew: so do the stage's records of its rows
            more = len(tracks.id) - len(self.last_class)
            self.last_class = np.concatenate([self.last_class, np.full(more, -1)])
            self.speed_seen = np.concatenate([self.speed_seen, np.full(more, np.nan)])
            self.speed_part = np.concatenate([self.speed_part, np.zeros((more, len(THREAT_CLASSES)))])
        units, launchers, missiles = world.units, world.units.launchers, world.interceptors
        rows, classes, confidence, pos, orders, details = run_cycle(
            *self.static, float(t_s), self.last_class, self.speed_seen, self.speed_part, tracks.count, tracks.active, tracks.pos_ecef_m, tracks.vel_ecef_mps,
            tracks.last_update_t_s, tracks.picture, firm, holds, units.pos_ecef_m, units.rotation,
            units.heading_rad, units.picture, units.next_launch_t_s, units.state, units.rounds, launchers.unit_index,
            launchers.missile_index, launchers.ready, missiles.count, missiles.status, missiles.unit_index,
            missiles.missile_index, missiles.track_row)
        classified = NO_EVENTS if len(rows) == 0 else events(
            "classify", t_s, len(rows), pos, track_id=tracks.id[rows], threat_id=tracks.threat_index[rows],
            value=confidence, detail=self.class_name[classes])
        if len(orders) == 0:
            return classified
        return merge(classified, self._orders(world, t_s, orders, details, holds))

    def _orders(self, world: World, t_s: float, orders: np.ndarray, details: np.ndarray,
                holds: np.ndarray) -> EventColumns:
        """Hand the orders to the launch stage and write ``assign`` events at the intercept points (the detail
        says "home on jam" where only a round that homes on jam could be given: :mod:`iadsim.c2.home_on_jam`)."""
        tracks = world.tracks
        unit, missile, row = orders[:, ORDER_UNIT], orders[:, ORDER_MISSILE], orders[:, ORDER_TRACK]
        rounds = orders[:, ORDER_ROUNDS].astype(np.int32)
        world.assignments = Assignments(unit.astype(np.int32), missile.astype(np.int32), row.astype(np.int32), rounds)
        detail = np.array([
            f"{self.class_name[c]} ({conf:.2f}), value {v:.3g}, t_go {tg:.0f} s, pk {p:.2f}, flight {f:.0f} s"
            for c, conf, v, tg, p, f in zip(orders[:, ORDER_CLASS], details[:, ORDER_CONFIDENCE],
                                            details[:, ORDER_VALUE], details[:, ORDER_T_GO], details[:, ORDER_PK],
                                            details[:, ORDER_FLIGHT], strict=True)], dtype=object)
        homing = self.home_on_jam.homing(unit, missile, row, holds)
        if homing.any():
            detail[homing] += ", home on jam"
        return events("assign", t_s, len(orders), details[:, ORDER_X:ORDER_X + 3], unit_id=world.units.id[unit],
                      track_id=tracks.id[row], threat_id=tracks.threat_index[row], weapon=self.weapon_name[missile],
                      layer=self.layer_name[missile], value=rounds, detail=detail)


@register("decide", "wta_greedy")
class GreedyWTADecider(WTADecider):
    """As ``wta``, with the maximum-marginal-return greedy only (fast, a few per cent from optimal)."""

    solver = "greedy"


@register("decide", "wta_exact")
class ExactWTADecider(WTADecider):
    """As ``wta``, with the exact solver (HiGHS) every cycle: the reference, for small raids."""

    solver = "exact"
