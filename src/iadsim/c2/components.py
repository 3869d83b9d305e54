"""A fire unit as its parts, and strikes that land with scatter and damage the parts they reach.

A fire unit is its command post, each radar of its type and each of its
launchers, every part where the scenario's ``layout`` puts it (offsets east and
north of the unit's position, kept as the unit moves; without a layout every part
stands at the unit's position). A threat whose type has a warhead (catalog
``warhead``, ``cep``, ``damage``) that reaches its aim point lands with
circular-normal scatter about it (:mod:`iadsim.physics.damage`) and kills each
standing part at distance d with the probability of its damage function against
the hardness of the unit's type, one draw per strike and part.

What a lost part takes with it:

- a radar: it never emits again (``Parts.sensor_up``; the sense stage reads ``Sensors.emitting``);
- an engagement radar: with none left the unit fires no more guided rounds (the launch stage);
- a launcher: its ready rounds and rounds being loaded are lost, and it is never reloaded; a type without
  ``rounds_per_launcher`` shares every ready round among its launchers, so each loss takes its share;
- the command post: recorded (``Parts.command_post_up``) for command and control to read.

A unit with no launcher or no radar left is destroyed (the posture's ``unit_state``). Events: ``strike``
(one per warhead landing, at its impact point; ``value``: distance from the aim point, m; for an
anti-radiation missile the aim point is its radar, and the distance includes the drift of
:mod:`iadsim.c2.seekers`) and ``part_lost``
(``detail``: which part; ``value``: its distance from the impact, m; ``sensor_id`` for a radar).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.catalog.schema import HARDNESS
from iadsim.c2.seekers import ArmSeekers
from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.physics.damage import scatter_east_north
from iadsim.physics.lethality import kill_probability
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.layout import summarise
from iadsim.world import (
    DESTROYED,
    LAUNCHER,
    PART_KINDS,
    Launchers,
    Parts,
    Units,
    World,
    part_positions,
)

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


class Components:
    """Strikes on fire units' parts: the warheads of the threats in play, and what each part takes with it."""

    def __init__(self, compiled: CompiledScenario) -> None:
        world, scenario = compiled.world, compiled.scenario
        threats, parts = world.threats, world.units.parts
        types = compiled.threat_types
        armed = np.array([t.damage is not None for t in types], dtype=bool)
        type_cep = np.array([t.cep if t.cep is not None else 0.0 for t in types], dtype=float)
        raid_cep = np.array([np.nan if raid.cep is None else raid.cep for raid in scenario.flights], dtype=float)
        kind, raid = threats.type_index, threats.raid_index
        self.armed = armed[kind]
        self.cep_m = np.where(np.isnan(raid_cep[raid]), type_cep[kind], raid_cep[raid])
        self.threat_type = kind
        shape = (len(types), len(HARDNESS))
        self.radius_m, self.pk, self.carleton = np.ones(shape), np.zeros(shape), np.zeros(shape, bool)
        for t, kind_of in enumerate(types):
            for row in kind_of.damage or []:
                h = HARDNESS.index(row.hardness)
                self.radius_m[t, h], self.pk[t, h] = row.lethal_radius, row.pk
                self.carleton[t, h] = row.damage_function == "carleton"
        unit_hardness = np.array([HARDNESS.index(u.hardness) for u in compiled.unit_types], dtype=np.int64)
        self.part_hardness = unit_hardness[world.units.type_index[parts.unit_index]]
        self.launcher_rows = _launcher_membership(world.units.launchers, parts)
        self.possible = bool(self.armed.any())
        self.seekers = ArmSeekers.of(compiled)
        # Per unit, the threat that took its latest part and that part's distance from the impact (m).
        self.last_threat_id = np.full(len(world.units.id), -1, np.int32)
        self.last_distance_m = np.full(len(world.units.id), np.nan)
        self.kind_name = np.array(PART_KINDS, dtype=object)

    def strike(self, world: World, struck: NDArray[np.integer], t_s: float, rng: np.random.Generator
               ) -> tuple[EventColumns, I64]:
        """Threats ``struck`` land (with scatter) and damage parts; returns their events and the units that lose
        parts. Unarmed threats and parts of destroyed units are left out; no draw is made without an armed one."""
        threats, units = world.threats, world.units
        parts = units.parts
        struck = np.asarray(struck)[self.armed[struck]]
        if len(struck) == 0:
            return NO_EVENTS, np.zeros(0, np.int64)
        aim = threats.target_pos_ecef_m[struck]
        lat, lon, _ = geo.ecef_to_geodetic(aim)
        frame = geo.enu_rotation(lat, lon).reshape(-1, 3, 3)
        east_north = scatter_east_north(rng, self.cep_m[struck])
        if self.seekers is not None:  # an anti-radiation missile's radar fell silent: its aim point drifted
            east_north = east_north + self.seekers.drift_east_north(struck, t_s, rng)
        impact = aim + np.einsum("sk,skj->sj", east_north, frame[:, :2, :])
        landed = events("strike", t_s, len(struck), impact, threat_id=threats.id[struck],
                        value=np.hypot(east_north[:, 0], east_north[:, 1]))
        exposed = np.flatnonzero(parts.alive & (units.state[parts.unit_index] != DESTROYED))
        if len(exposed) == 0:
            return landed, np.zeros(0, np.int64)
        distance = np.linalg.norm(impact[:, None, :] - part_positions(units, parts, exposed)[None, :, :], axis=2)
        kind, hardness = self.threat_type[struck][:, None], self.part_hardness[exposed][None, :]
        p_kill = kill_probability(distance, self.radius_m[kind, hardness], self.pk[kind, hardness],
                                  self.carleton[kind, hardness])
        killed = rng.random(p_kill.shape) < p_kill  # (strikes, parts)
        lost = killed.any(axis=0)
        if not lost.any():
            return landed, np.zeros(0, np.int64)
        column = np.flatnonzero(lost)
        by = np.argmax(killed[:, column], axis=0)
        rows = exposed[column]
        before = parts.alive.copy()
        parts.alive[rows] = False
        self._lose_launchers(units, before)
        summarise(parts)
        unit = parts.unit_index[rows]
        self.last_threat_id[unit] = threats.id[struck[by]]  # rows in part order: a unit's last part wins
        self.last_distance_m[unit] = distance[by, column]
        world.sensors.emitting[parts.sensor_index[rows][parts.sensor_index[rows] >= 0]] = False
        detail = np.array([f"{self.kind_name[k]}" + (f" {n + 1}" if k == LAUNCHER else "")
                           for k, n in zip(parts.kind[rows], _rank_in_unit(parts, rows), strict=True)], dtype=object)
        gone = events("part_lost", t_s, len(rows), part_positions(units, parts, rows), unit_id=units.id[unit],
                      threat_id=threats.id[struck[by]], sensor_id=parts.sensor_index[rows],
                      value=distance[by, column], detail=detail)
        return merge(landed, gone), np.unique(unit).astype(np.int64)

    def _lose_launchers(self, units: Units, before: NDArray[np.bool_]) -> None:
        """Each launcher row loses the share of its rounds held by the launcher parts just lost."""
        parts, launchers = units.parts, units.launchers
        newly = before & ~parts.alive
        lost = (self.launcher_rows & newly[None, :]).sum(axis=1)
        held = (self.launcher_rows & before[None, :]).sum(axis=1)
        rows = np.flatnonzero(lost > 0)
        if len(rows) == 0:
            return
        share = lost[rows] / held[rows]
        gone_ready = np.rint(launchers.ready[rows] * share).astype(np.int32)
        gone_loading = np.rint(launchers.loading[rows] * share).astype(np.int32)
        np.subtract.at(units.rounds, (launchers.unit_index[rows], launchers.missile_index[rows]),
                       gone_ready + gone_loading)
        launchers.ready[rows] -= gone_ready
        launchers.loading[rows] -= gone_loading
        launchers.capacity[rows] -= np.rint(launchers.capacity[rows] * share).astype(np.int32)
        idle = rows[launchers.loading[rows] == 0]
        launchers.reload_done_t_s[idle] = np.inf


def _launcher_membership(launchers: Launchers, parts: Parts) -> NDArray[np.bool_]:
    """(R, P): which launcher parts hold each launcher row's rounds.

    Rows of a unit with at least as many rows as launcher parts (a type with ``rounds_per_launcher``) belong
    to one part each, in turn; rows of a unit with fewer (every round ready, one row per missile type) are
    shared by all its launcher parts.
    """
    member = np.zeros((len(launchers.unit_index), len(parts.unit_index)), dtype=bool)
    for u in np.unique(launchers.unit_index):
        rows = np.flatnonzero(launchers.unit_index == u)
        owners = np.flatnonzero((parts.unit_index == u) & (parts.kind == LAUNCHER))
        if len(owners) == 0:
            continue
        if len(rows) >= len(owners):
            member[rows, owners[np.arange(len(rows)) % len(owners)]] = True
        else:
            member[np.ix_(rows, owners)] = True
    return member


def _rank_in_unit(parts: Parts, rows: NDArray[np.integer]) -> NDArray[np.int64]:
    """Each part's number among its unit's parts of its kind (0-based)."""
    first = {(u, k): i for i, (u, k) in reversed(list(enumerate(zip(parts.unit_index, parts.kind, strict=True))))}
    return np.array([r - first[(parts.unit_index[r], parts.kind[r])] for r in rows], dtype=np.int64)
