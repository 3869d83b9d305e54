"""Fates: which interceptors kill their target, which threats reach theirs.

An interceptor that reached its target (see the fly stage) kills it with the
probability its type's damage function gives for its miss distance
(:mod:`iadsim.physics.lethality`: the single-shot kill probability within the
lethal radius, a cookie-cutter, unless the type asks for the Carleton form), and
never when the target's true speed there is above the type's ``max_target_speed``:
the command post fires on the track's estimated speed (:mod:`iadsim.c2.feasibility`),
which noise may put below the limit, but the round meets the real target. An aircraft
that turned away from the round in time lowers its kill chance
(:mod:`iadsim.physics.evasion`). A threat that reaches its aim point alive leaks, and
strikes there; a decoy or a friendly aircraft that reaches the end of its flight is
``expended`` and harms nothing (a friendly aircraft intercepted is also a
``fratricide``), and a threat whose satellite navigation was jammed so long that it
drifted beyond its aim tolerance is ``lost`` (:mod:`iadsim.physics.navigation`).
"""

from __future__ import annotations

import numpy as np

from iadsim.events import NO_EVENTS, EventColumns, events, merge, reason_codes
from iadsim.physics.evasion import Evasion
from iadsim.physics.lethality import kill_probability
from iadsim.physics.navigation import NavigationJamming, displaced
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import DONE, FLYING, KILLED, LEAKED, World

# Why a round missed, in the order of the tests of :meth:`Assessor._endgames`: its reason and its text. A target
# faster than the round engages is a ``gave_up`` (out of its envelope) with a text of its own: the reasons'
# dictionary, written in every event file, stays as it was.
MISS_REASONS = reason_codes(("target_gone", "gave_up", "gave_up", "outside_lethal_radius", "overkill",
                             "warhead_failed"))
MISS_DETAILS = np.array(["target gone", "gave up: out of range or energy",
                         "gave up: target faster than the round engages", "outside lethal radius",
                         "target destroyed by another interceptor", "warhead did not kill"], dtype=object)


@register("assess", "default")
class Assessor:
    """Draws kills for interceptors in their endgame and turns arrivals into leaks."""

    requires = (columns("interceptors", "id", "endgame", "miss_distance_m", "missile_index", "threat_index",
                        "unit_index", "track_row", "pos_ecef_m", "launch_t_s", "count")
                | columns("threats", "id", "status", "arrived", "pos_ecef_m", "speed_mps", "target_pos_ecef_m",
                          "target_value", "cost_usd"))
    provides = columns("threats", "status", "arrived") | columns("interceptors", "status", "endgame")

    def __init__(self, compiled: CompiledScenario) -> None:
        types = compiled.interceptor_types
        tables = compiled.tables
        self.pk = tables.weapon_pk
        self.lethal_radius_m = np.array([m.lethal_radius for m in types])
        self.max_target_speed_mps = np.array([m.max_target_speed for m in types])
        self.carleton = np.array([m.damage_function == "carleton" for m in types], dtype=bool)
        self.weapon, self.layer, self.threat_type = tables.weapon, tables.layer, tables.threat_type
        threats = compiled.world.threats
        targets = [raid.target or "end of route" for raid in compiled.scenario.flights]
        self.target_name = np.array(targets, dtype=object)[threats.raid_index]
        self.decoy = tables.threat_decoy | tables.threat_friendly  # harmless where they arrive
        self.friendly = tables.threat_friendly
        self.navigation = NavigationJamming.of(compiled)
        self.evasion = Evasion.of(compiled)

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        if self.navigation is not None:
            self.navigation.accumulate(world.threats, dt_s)
        return merge(self._endgames(world, t_s, rng), self._leaks(world, t_s, rng))

    def _endgames(self, world: World, t_s: float, rng: np.random.Generator) -> EventColumns:
        missiles, threats = world.interceptors, world.threats
        if not missiles.endgame[: missiles.count].any():
            return NO_EVENTS
        rows = np.flatnonzero(missiles.endgame[: missiles.count])
        draw = rng.random(len(rows))
        kind = missiles.missile_index[rows]
        target = missiles.threat_index[rows]
        miss = missiles.miss_distance_m[rows]
        alive = threats.status[target] == FLYING
        within = miss <= self.lethal_radius_m[kind]
        too_fast = threats.speed_mps[target] > self.max_target_speed_mps[kind]  # its true speed, at the intercept
        pk = kill_probability(miss, self.lethal_radius_m[kind], self.pk[kind], self.carleton[kind])
        if self.evasion is not None:  # aircraft that turned away from the round in time
            pk = pk * self.evasion.kill_factor(target, t_s - missiles.launch_t_s[rows], rng)
        kill = alive & ~too_fast & (draw < pk)
        # Two interceptors killing one threat in the same tick: the first one counts.
        first = np.zeros(len(rows), bool)
        _, index = np.unique(np.where(kill, target, -1), return_index=True)
        first[index] = True
        overkill = kill & ~first
        kill &= first
        threats.status[target[kill]] = KILLED
        missiles.status[rows] = DONE
        missiles.endgame[rows] = False
        why = np.select([~alive, np.isnan(miss), too_fast, ~within, overkill], [0, 1, 2, 3, 4], 5)
        columns = dict(threat_id=target, interceptor_id=missiles.id[rows], unit_id=missiles.unit_index[rows],
                       track_id=missiles.track_row[rows], weapon=self.weapon[kind], layer=self.layer[kind],
                       value=miss)
        pk_text = np.array([f"pk {p:.2f}" for p in self.pk], dtype=object)[kind]
        hit = {key: value[kill] for key, value in columns.items()}
        missed = {key: value[~kill] for key, value in columns.items()}
        shot_down = kill & self.friendly[target]  # fratricide: a friendly aircraft intercepted
        lost = {key: value[shot_down] for key, value in columns.items()}
        return merge(
            events("intercept", t_s, int(kill.sum()), missiles.pos_ecef_m[rows[kill]], detail=pk_text[kill], **hit),
            events("fratricide", t_s, int(shot_down.sum()), missiles.pos_ecef_m[rows[shot_down]],
                   detail="friendly aircraft shot down", **lost),
            events("miss", t_s, int((~kill).sum()), missiles.pos_ecef_m[rows[~kill]], detail=MISS_DETAILS[why[~kill]],
                   reason=MISS_REASONS[why[~kill]], **missed),
        )

    def _leaks(self, world: World, t_s: float, rng: np.random.Generator) -> EventColumns:
        threats = world.threats
        if not threats.arrived.any():
            return NO_EVENTS
        arrived = np.flatnonzero(threats.arrived & (threats.status == FLYING))
        threats.status[arrived] = LEAKED  # the end of its flight, whatever it struck
        threats.arrived[arrived] = False
        decoys = arrived[self.decoy[arrived]]
        rows = arrived[~self.decoy[arrived]] if len(decoys) else arrived
        lost = rows[self.navigation.lost(rows)] if self.navigation is not None else rows[:0]
        rows = np.setdiff1d(rows, lost) if len(lost) else rows
        common = dict(threat_id=threats.id[rows], weapon=self.threat_type[rows], detail=self.target_name[rows])
        return merge(
            events("leak", t_s, len(rows), threats.pos_ecef_m[rows], value=threats.target_value[rows], **common),
            events("impact", t_s, len(rows), threats.target_pos_ecef_m[rows], value=threats.cost_usd[rows], **common),
            events("expended", t_s, len(decoys), threats.pos_ecef_m[decoys], threat_id=threats.id[decoys],
                   weapon=self.threat_type[decoys], detail=self.target_name[decoys]),
            self._lost(world, t_s, lost, rng),
        )

    def _lost(self, world: World, t_s: float, rows: np.ndarray, rng: np.random.Generator) -> EventColumns:
        """``lost`` events of threats that drifted off their aim, where they came down (value: the error, m)."""
        if len(rows) == 0 or self.navigation is None:
            return NO_EVENTS
        threats, error = world.threats, self.navigation.error_m(rows)
        return events("lost", t_s, len(rows), displaced(threats.target_pos_ecef_m[rows], error, rng),
                      threat_id=threats.id[rows], weapon=self.threat_type[rows], value=error,
                      detail=self.target_name[rows])
