"""Threat evaluation and weapon assignment (TEWA): the command posts' decision each command cycle.

Every tick (one command cycle), from the tracks of every air picture, never the truth:

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
   threats aimed at itself, with all its rounds, then everyone against the rest.

The models differ only in the solver: ``wta`` (local search; exact when tiny),
``wta_greedy`` (maximum marginal return) and ``wta_exact`` (HiGHS, the
reference, for small raids).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.c2 import doctrine as rules
from iadsim.c2.engagement import Envelope
from iadsim.physics.flyout_table import tables_for
from iadsim.c2.feasibility import UnitGeometry, Weapons, feasible_now, reachable_later
from iadsim.c2.threat_evaluation import (
    DefendedPoints,
    ThreatAssessment,
    default_parameters,
    evaluate,
)
from iadsim.c2.wta import WTAProblem, remaining, solve
from iadsim.catalog.schema import LAYERS, THREAT_CLASSES
from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.registry import AIR_PICTURE, FIRE_UNITS, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import Assignments, World

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

SOLVER_BUDGET_S = 0.01
"""Planning budget of one command cycle for ``wta``: the exact solver is chosen only for problems this small."""
EXACT_TIME_LIMIT_S = 30.0
"""Time limit of the exact solver per cycle in ``wta_exact`` (it ends far sooner on the problems it suits)."""


@dataclass(frozen=True)
class _Picture:
    """The live tracks of every air picture, predicted to now, and their evaluation."""

    rows: I64  # track rows
    pos_m: F64
    vel_mps: F64
    assessment: ThreatAssessment


@dataclass(frozen=True)
class _FireControl:
    """What is in the air now and what each unit may still do this cycle."""

    in_flight: I64  # (T,) rounds flying at each live track
    fired: I64  # (T,) rounds fired at each live track so far
    survival: F64  # (T,) probability each track survives the rounds in flight
    engaged: NDArray[np.bool_]  # (U, T) units guiding rounds at tracks
    channels_free: I64  # (U,) fire-control channels free
    launches: I64  # (U,) rounds a unit may launch this cycle


@register("decide", "wta")
class WTADecider:
    """Threat evaluation, doctrine, feasibility and the weapon-target assignment, every command cycle."""

    requires = AIR_PICTURE | FIRE_UNITS
    provides = group_columns("assignments")

    solver = "auto"

    def __init__(self, compiled: CompiledScenario) -> None:
        world, scenario = compiled.world, compiled.scenario
        self.doctrine = scenario.doctrine
        types = compiled.interceptor_types
        self.envelope = Envelope.of(types, tables_for(types, compiled.scenario.models.fly))
        self.weapon_name = np.array([m.name for m in types], dtype=object)
        self.layer_name = np.array([m.layer for m in types], dtype=object)
        self.pk_of_type = np.array([m.single_shot_pk for m in types])
        units = world.units
        unit, missile = np.nonzero(units.rounds > 0)
        self.weapons = Weapons(unit.astype(np.int64), missile.astype(np.int64))
        self.pk = self.pk_of_type[missile]
        self.cost = np.array([m.cost_usd for m in types])[missile] / 1e6 * self.doctrine.cost_weight
        self.layer_rank = np.array([LAYERS.index(m.layer) for m in types], dtype=np.int64)[missile]
        unit_types = [compiled.unit_types[i] for i in units.type_index]
        self.channels = np.array([u.fire_control_channels for u in unit_types], dtype=np.int64)
        self.guided = np.array([u.guided_missiles for u in unit_types], dtype=np.int64)
        interval = np.array([u.min_launch_interval for u in unit_types])
        self.launches_per_cycle = np.where(
            interval > 0.0, np.maximum(1, np.floor(scenario.time_step / np.maximum(interval, 1e-9))), self.guided
        ).astype(np.int64)
        sector = np.array([u.engagement_sector or 2.0 * np.pi for u in unit_types])
        self.geometry = UnitGeometry(units.pos_ecef_m, geo.enu_rotation(units.lat_rad, units.lon_rad),
                                     units.heading_rad, sector / 2.0, units.picture.astype(np.int64))
        asset_values = world.assets.value
        unit_value = self.doctrine.unit_value or (float(asset_values.max()) if len(asset_values) else 1.0)
        self.defended = DefendedPoints(
            np.vstack([world.assets.pos_ecef_m, units.pos_ecef_m]),
            np.concatenate([asset_values, np.full(len(units.id), unit_value)]),
            np.concatenate([np.full(len(asset_values), -1), np.arange(len(units.id))]).astype(np.int64))
        self.parameters = default_parameters()
        self.class_name = np.array(THREAT_CLASSES, dtype=object)
        self.last_class = np.full(0, -1, dtype=np.int64)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        world.assignments = Assignments.empty()
        tracks = world.tracks
        live = np.flatnonzero(tracks.active[: tracks.count])
        if len(live) == 0:
            return NO_EVENTS
        pos = tracks.pos_ecef_m[live] + tracks.vel_ecef_mps[live] * (t_s - tracks.last_update_t_s[live])[:, None]
        vel = tracks.vel_ecef_mps[live]
        picture = _Picture(live, pos, vel, evaluate(pos, vel, self.defended, parameters=self.parameters))
        classified = self._classify_events(world, t_s, picture)
        if len(self.weapons.unit) == 0:
            return classified
        return merge(classified, self._assign(world, t_s, picture))

    def _classify_events(self, world: World, t_s: float, picture: _Picture) -> EventColumns:
        """A ``classify`` event for every track whose class is new or has changed."""
        tracks = world.tracks
        if len(self.last_class) < tracks.count:
            self.last_class = np.concatenate([self.last_class, np.full(len(tracks.id) - len(self.last_class), -1)])
        assessment = picture.assessment
        changed = self.last_class[picture.rows] != assessment.class_index
        rows = picture.rows[changed]
        if len(rows) == 0:
            return NO_EVENTS
        self.last_class[rows] = assessment.class_index[changed]
        return events("classify", t_s, len(rows), picture.pos_m[changed], track_id=tracks.id[rows],
                      threat_id=tracks.threat_index[rows], value=assessment.confidence[changed],
                      detail=self.class_name[assessment.class_index[changed]])

    def _fire_control(self, world: World, t_s: float, live: I64) -> _FireControl:
        units, missiles, tracks = world.units, world.interceptors, world.tracks
        n_units = len(units.id)
        row_of = np.full(tracks.count, -1, dtype=np.int64)
        row_of[live] = np.arange(len(live))
        flying = np.flatnonzero(missiles.in_flight)
        unit, row = missiles.unit_index[flying], row_of[missiles.track_row[flying]]
        on_live = row >= 0
        fired_rows = row_of[missiles.track_row[: missiles.count]]
        log_survival = np.zeros(len(live))
        np.add.at(log_survival, row[on_live], np.log1p(-self.pk_of_type[missiles.missile_index[flying[on_live]]]))
        engaged = np.zeros((n_units, len(live)), dtype=bool)
        engaged[unit[on_live], row[on_live]] = True
        pairs = np.unique(unit.astype(np.int64) * max(tracks.count, 1) + missiles.track_row[flying])
        engaged_count = np.bincount(pairs // max(tracks.count, 1), minlength=n_units)
        guiding = np.bincount(unit, minlength=n_units)
        launches = np.where((units.next_launch_t_s <= t_s) & units.deployed,
                            np.minimum(self.launches_per_cycle, self.guided - guiding), 0)
        return _FireControl(
            in_flight=np.bincount(row[on_live], minlength=len(live)),
            fired=np.bincount(fired_rows[fired_rows >= 0], minlength=len(live)),
            survival=np.exp(log_survival), engaged=engaged,
            channels_free=np.maximum(self.channels - engaged_count, 0), launches=np.maximum(launches, 0),
        )

    def _assign(self, world: World, t_s: float, picture: _Picture) -> EventColumns:
        units, tracks, doctrine = world.units, world.tracks, self.doctrine
        w_unit, w_missile = self.weapons.unit, self.weapons.missile
        control = self._fire_control(world, t_s, picture.rows)
        ready = units.ready_rounds()[w_unit, w_missile].astype(np.int64)
        left = units.rounds[w_unit, w_missile].astype(np.int64)
        limit = rules.rounds_allowed(doctrine, control.in_flight, control.fired) * tracks.firm[picture.rows]
        usable = (ready > 0) & (control.launches[w_unit] > 0)
        columns = np.flatnonzero(limit > 0)
        if not usable.any() or len(columns) == 0:
            return NO_EVENTS
        assessment = picture.assessment
        track_picture = tracks.picture[picture.rows].astype(np.int64)
        feasible = feasible_now(self.envelope, self.weapons, self.geometry, track_picture[columns],
                                picture.pos_m[columns], picture.vel_mps[columns], assessment.t_go_s[columns], usable)
        reachable = feasible.now.any(axis=0)
        if not reachable.any():
            return NO_EVENTS
        columns, now = columns[reachable], feasible.now[:, reachable]
        pk = np.where(now, self.pk[:, None], 0.0)
        problem = WTAProblem.build(
            assessment.value[columns], pk, ready, cost=self.cost, survival=control.survival[columns],
            target_limit=limit[columns], group=w_unit, group_capacity=control.launches,
            group_channels=control.channels_free, group_engaged=control.engaged[:, columns])
        # Self-defence first: each unit against the threats aimed at itself, every round and layer allowed.
        x = problem.empty_assignment()
        if doctrine.self_defence:
            own = assessment.threatened_unit[columns][None, :] == w_unit[:, None]
            x = solve(replace(problem, pk=np.where(own, pk, 0.0)), self.solver, self._budget())
        # Then everyone against the rest, under weapons control, layer policy and reserves.
        allowed = rules.engageable(doctrine, assessment)[columns][None, :] & (pk > 0.0)
        available = np.maximum(left - doctrine.reserve_rounds, 0)
        if doctrine.layer_policy == "save_long_range":
            allowed &= ~self._held(picture, columns, track_picture[columns], now, available)
        rest = remaining(problem, x)
        beyond_reserve = np.maximum(np.minimum(ready, available) - x.sum(axis=1), 0)
        rest = replace(rest, pk=np.where(allowed, pk, 0.0), capacity=np.minimum(rest.capacity, beyond_reserve))
        x += solve(rest, self.solver, self._budget())
        return self._orders(world, t_s, picture, columns, x, feasible.time_of_flight_s[:, reachable])

    def _held(self, picture: _Picture, columns: I64, track_picture: I64, now: NDArray[np.bool_],
              rounds: I64) -> NDArray[np.bool_]:
        """(W, C) rounds of longer layers held for the tracks a shorter layer will reach (``save_long_range``).

        ``rounds`` (W,) are each weapon's rounds beyond its reserve: what a shorter
        layer can be counted on for.
        """
        assessment = picture.assessment
        pos, vel = picture.pos_m[columns], picture.vel_mps[columns]
        lat, lon, alt = geo.ecef_to_geodetic(pos)
        ballistic = assessment.class_index[columns] == THREAT_CLASSES.index("ballistic_missile")
        climb = np.where(ballistic, np.einsum("ti,ti->t", vel, geo.n_vector(lat, lon)), 0.0)
        destination = self.defended.pos_ecef_m[assessment.aim_index[columns]]
        cover = now | reachable_later(self.envelope, self.weapons, self.geometry, track_picture, pos,
                                      np.linalg.norm(vel, axis=1), alt, climb, destination,
                                      (rounds > 0)[:, None] & ~now)
        return rules.layer_holds(now, cover, self.layer_rank, rounds, self.pk, assessment.t_go_s[columns])

    def _orders(self, world: World, t_s: float, picture: _Picture, columns: I64, x: I64, tof: F64) -> EventColumns:
        """Turn the assignment into orders for the launch stage and ``assign`` events at the intercept points."""
        weapon, column = np.nonzero(x)
        if len(weapon) == 0:
            return NO_EVENTS
        tracks = world.tracks
        row = columns[column]
        track_row = picture.rows[row]
        unit, missile = self.weapons.unit[weapon], self.weapons.missile[weapon]
        rounds = x[weapon, column].astype(np.int32)
        world.assignments = Assignments(unit.astype(np.int32), missile.astype(np.int32),
                                        track_row.astype(np.int32), rounds)
        flight_s = tof[weapon, column]
        intercept = picture.pos_m[row] + picture.vel_mps[row] * flight_s[:, None]
        a = picture.assessment
        detail = np.array([
            f"{self.class_name[c]} ({conf:.2f}), value {v:.3g}, t_go {tg:.0f} s, pk {p:.2f}, flight {f:.0f} s"
            for c, conf, v, tg, p, f in zip(a.class_index[row], a.confidence[row], a.value[row], a.t_go_s[row],
                                            self.pk[weapon], flight_s, strict=True)], dtype=object)
        return events("assign", t_s, len(weapon), intercept, unit_id=world.units.id[unit],
                      track_id=tracks.id[track_row], threat_id=tracks.threat_index[track_row],
                      weapon=self.weapon_name[missile],
                      layer=self.layer_name[missile], value=rounds, detail=detail)

    def _budget(self) -> float:
        return EXACT_TIME_LIMIT_S if self.solver == "exact" else SOLVER_BUDGET_S


@register("decide", "wta_greedy")
class GreedyWTADecider(WTADecider):
    """As ``wta``, with the maximum-marginal-return greedy only (fast, a few per cent from optimal)."""

    solver = "greedy"


@register("decide", "wta_exact")
class ExactWTADecider(WTADecider):
    """As ``wta``, with the exact solver (HiGHS) every cycle: the reference, for small raids."""

    solver = "exact"
