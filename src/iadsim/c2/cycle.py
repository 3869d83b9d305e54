"""One command cycle of threat evaluation and weapon assignment, in one kernel.

:func:`command_cycle` does the whole decision of a tick (see :mod:`iadsim.c2.tewa`
for the steps and their reasons) over the world's arrays, so the decide stage's
``step`` is one kernel call and the events it turns the answer into:

1. the live tracks, predicted to now, evaluated against the defended points
   (assets, then the units where they stand now) and the tracks whose class is new;
2. fire control: rounds in flight and fired at each track, the survival they
   leave, the channels and launches each unit has free;
3. the doctrine's rounds per track, the weapons able to fire, the feasible
   (weapon, track) pairs (:func:`~iadsim.c2.feasibility.feasible_pairs`) of units whose
   engagement radar holds the track (:mod:`iadsim.c2.kill_chain`), the rounds ``reserve_for``
   keeps for other classes and, under ``save_long_range``, the rounds held for a shorter layer;
4. the assignment over those pairs, self-defence first, then the rest
   (:func:`~iadsim.c2.wta.solve_pairs`), and its orders.

Nothing to decide (no live track, no weapon able to fire, no track allowed more
rounds, no feasible pair) returns after the first step's loop over the tracks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from iadsim.c2.doctrine import DoctrineRules, engageable_of, held_pairs, reserved_of, rounds_allowed_of
from iadsim.c2.feasibility import UnitGeometry, feasible_pairs, reachable_later
from iadsim.c2.kill_chain import radar_held_pairs
from iadsim.c2.threat_evaluation import EvaluationTables, TrackKind, approach, classify, speed_membership, up_of
from iadsim.c2.wta import solve_pairs
from iadsim.c2.wta.problem import PairProblem, pair_problem, remaining_of, with_pk
from iadsim.catalog.schema import THREAT_CLASSES
from iadsim.jit import grown, kernel
from iadsim.physics.flyout_table import FlyoutGrids
from iadsim.world import DEPLOYED, IN_FLIGHT

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
Bool = NDArray[np.bool_]

BALLISTIC_CLASS = THREAT_CLASSES.index("ballistic_missile")
ORDER_UNIT, ORDER_MISSILE, ORDER_TRACK, ORDER_ROUNDS, ORDER_CLASS = range(5)
"""Columns of the integer order table :func:`command_cycle` returns."""
ORDER_X, ORDER_Y, ORDER_Z, ORDER_FLIGHT, ORDER_CONFIDENCE, ORDER_VALUE, ORDER_T_GO, ORDER_PK = range(8)
"""Columns of its float order table: intercept point (ECEF m), time of flight (s), class confidence, value,
time to go (s), kill probability."""


class DecideTables(NamedTuple):
    """What the decide stage knows from the catalog and the scenario, built once per run."""

    weapon_unit: I64  # (W,) each weapon is one unit's stock of one missile type
    weapon_missile: I64  # (W,)
    weapon_hold: I64  # (W,) the row of the holds its pairs need: its unit's, or U + its unit's (home on jam)
    weapon_pk: F64  # (W,) single-shot kill probability
    weapon_cost: F64  # (W,) price of a round in value units
    weapon_layer_rank: I64  # (W,) larger for shorter layers
    pk_of_type: F64  # (M,)
    unit_channels: I64  # (U,) fire-control channels (targets engaged at once)
    unit_guided: I64  # (U,) rounds guided at once
    unit_launches: I64  # (U,) launches per command cycle
    unit_half_sector_rad: F64  # (U,) pi when all round
    asset_pos_ecef_m: F64  # (A, 3)
    point_value: F64  # (A + U,) value of each defended point: assets, then units
    point_unit: I64  # (A + U,) -1 for an asset, else the unit
    unit_defends: Bool  # (U, U) [u, v]: u takes threats aimed at v as its own (the diagonal, and ``defends``)


_TABLES = len(DecideTables._fields)
_RULES = _TABLES + len(DoctrineRules._fields)
_EVALUATION = _RULES + len(EvaluationTables._fields)
_FIGURES = _EVALUATION + 1
_GRIDS = _FIGURES + len(FlyoutGrids._fields)


def cycle_tables(tables: DecideTables, rules: DoctrineRules, evaluation: EvaluationTables, figures: F64,
                 grids: FlyoutGrids) -> tuple:
    """The run's tables field by field: the first arguments of :func:`run_cycle`."""
    return (*tables, *rules, *evaluation, figures, *grids)


@kernel
def run_cycle(*args: object) -> tuple[I64, I64, F64, F64, I64, F64]:
    """:func:`command_cycle` on :func:`cycle_tables` and then its other arguments.

    Passing a named tuple into a kernel from Python costs about a microsecond and a
    half (numba types it field by field in Python), an array a tenth of that: the
    stage passes its tables flat, and they are put together again here.
    """
    return command_cycle(DecideTables(*args[:_TABLES]), DoctrineRules(*args[_TABLES:_RULES]),
                         EvaluationTables(*args[_RULES:_EVALUATION]), args[_EVALUATION],
                         FlyoutGrids(*args[_FIGURES:_GRIDS]), *args[_GRIDS:])


@kernel
def command_cycle(
    tables: DecideTables, rules: DoctrineRules, evaluation: EvaluationTables, figures: F64, grids: FlyoutGrids,
    solver: int, t_s: float, last_class: I64, speed_seen: F64, speed_part: F64,
    track_count: int, track_active: Bool, track_pos: F64, track_vel: F64, track_t_s: F64,
    track_picture: I32, track_firm: Bool, unit_holds: Bool,
    unit_pos: F64, unit_rotation: F64, unit_heading: F64, unit_picture: I32, unit_next_launch_s: F64,
    unit_state: NDArray[np.int8], unit_rounds: I32,
    launcher_unit: I32, launcher_missile: I32, launcher_ready: I32,
    missile_count: int, missile_status: NDArray[np.int8], missile_unit: I32, missile_type: I32,
    missile_track: I32,
) -> tuple[I64, I64, F64, F64, I64, F64]:
    """One command cycle at ``t_s`` over the world's arrays.

    ``last_class`` (N,) is each track row's class at the last cycle; ``speed_seen`` (N,) and
    ``speed_part`` (N, C) each row's speed and the class memberships of that speed: the stage's
    own records, updated in place. ``unit_holds`` (U, N) are the rows each unit's engagement radar holds
    firm (:mod:`iadsim.c2.kill_chain`; (0, 0) under ``kill_chain: air_picture``), or (2U, N) with jammer
    tracks in play, the second half for the rounds that home on jam (:mod:`iadsim.c2.home_on_jam`): a
    weapon is paired only with the rows of its ``weapon_hold`` row.

    Returns the tracks newly classified (rows, class, confidence, predicted
    position (k, 3)) and the orders: an integer table (n, 5) of unit, missile type,
    track row, rounds and class, and a float table (n, 8) (``ORDER_*`` columns).
    """
    no_orders, no_details = np.zeros((0, 5), np.int64), np.zeros((0, 8))
    live = np.flatnonzero(track_active[:track_count])
    n_live = len(live)
    pos, vel = np.empty((n_live, 3)), np.empty((n_live, 3))
    for i in range(n_live):
        row = live[i]
        for k in range(3):
            pos[i, k] = track_pos[row, k] + track_vel[row, k] * (t_s - track_t_s[row])
            vel[i, k] = track_vel[row, k]
    n_units, n_assets = len(unit_pos), len(tables.asset_pos_ecef_m)
    class_index, confidence = np.empty(n_live, np.int64), np.empty(n_live)
    ballistic, lethality = np.zeros(n_live, np.bool_), np.empty(n_live)
    altitude, speed, lat, lon = np.empty(n_live), np.empty(n_live), np.empty(n_live), np.empty(n_live)
    changed = np.zeros(n_live, np.bool_)
    speed_band, altitude_band, class_lethality = evaluation.speed_band_mps, evaluation.altitude_band_m, \
        evaluation.lethality
    softness, floor = evaluation.edge_softness, evaluation.altitude_edge_floor_m
    probability = np.empty(len(class_lethality))
    for i in range(n_live):
        row = live[i]
        speed[i] = np.sqrt(vel[i, 0] * vel[i, 0] + vel[i, 1] * vel[i, 1] + vel[i, 2] * vel[i, 2])
        if speed[i] != speed_seen[row]:  # the speed memberships are kept while the track's speed is unchanged
            speed_seen[row] = speed[i]
            speed_membership(speed_band, softness, speed[i], speed_part[row])
        kind = classify(altitude_band, class_lethality, softness, floor, pos[i, 0], pos[i, 1], pos[i, 2], speed[i],
                        speed_part[row], probability)
        class_index[i], confidence[i], ballistic[i], lethality[i] = (kind.class_index, kind.confidence,
                                                                     kind.ballistic, kind.expected_lethality)
        altitude[i], lat[i], lon[i] = kind.altitude_m, kind.lat_rad, kind.lon_rad
        changed[i] = last_class[row] != kind.class_index
        last_class[row] = kind.class_index
    changed = np.flatnonzero(changed)
    classified = (live[changed], class_index[changed], confidence[changed], pos[changed])
    n_weapons = len(tables.weapon_unit)
    if n_live == 0 or n_weapons == 0:
        return classified[0], classified[1], classified[2], classified[3], no_orders, no_details

    # Fire control: what is in the air, and what each unit may still do this cycle.
    row_of = np.full(track_count, -1, np.int64)
    row_of[live] = np.arange(n_live)
    in_flight, fired, guiding = np.zeros(n_live, np.int64), np.zeros(n_live, np.int64), np.zeros(n_units, np.int64)
    log_survival = np.zeros(n_live)
    flying_key = np.empty(missile_count, np.int64)
    n_flying = 0
    for k in range(missile_count):
        r = row_of[missile_track[k]]
        if r >= 0:
            fired[r] += 1
        if missile_status[k] == IN_FLIGHT:
            guiding[missile_unit[k]] += 1
            flying_key[n_flying] = missile_unit[k] * track_count + missile_track[k]
            n_flying += 1
            if r >= 0:
                in_flight[r] += 1
                log_survival[r] += np.log1p(-tables.pk_of_type[missile_type[k]])
    engagements = np.unique(flying_key[:n_flying])  # (unit, track) pairs guided now
    channels_free, launches = np.zeros(n_units, np.int64), np.zeros(n_units, np.int64)
    for key in engagements:
        channels_free[key // track_count] += 1
    for u in range(n_units):
        channels_free[u] = max(tables.unit_channels[u] - channels_free[u], 0)
        if unit_next_launch_s[u] <= t_s and unit_state[u] == DEPLOYED:
            launches[u] = max(min(tables.unit_launches[u], tables.unit_guided[u] - guiding[u]), 0)
    n_types = unit_rounds.shape[1]
    ready_by_type = np.zeros((n_units, n_types), np.int64)
    for k in range(len(launcher_unit)):
        ready_by_type[launcher_unit[k], launcher_missile[k]] += launcher_ready[k]
    ready, left = np.empty(n_weapons, np.int64), np.empty(n_weapons, np.int64)
    usable = np.zeros(n_weapons, np.bool_)
    for w in range(n_weapons):
        u, m = tables.weapon_unit[w], tables.weapon_missile[w]
        ready[w], left[w] = ready_by_type[u, m], unit_rounds[u, m]
        usable[w] = ready[w] > 0 and launches[u] > 0
    limit = np.zeros(n_live, np.int64)
    for i in range(n_live):
        if track_firm[live[i]]:
            limit[i] = rounds_allowed_of(rules, in_flight[i], fired[i])
    columns = np.flatnonzero(limit > 0)
    if unit_holds.shape[0] > 0:  # under the kill chain, rounds go only to rows some engagement radar holds
        held = np.zeros(len(columns), np.bool_)
        for j in range(len(columns)):
            held[j] = unit_holds[:, live[columns[j]]].any()
        columns = columns[held]
    if not usable.any() or len(columns) == 0:
        return classified[0], classified[1], classified[2], classified[3], no_orders, no_details
    # Aim, time to go, value and self-threat of the tracks that may get rounds.
    points = np.empty((n_assets + n_units, 3))
    points[:n_assets], points[n_assets:] = tables.asset_pos_ecef_m, unit_pos
    aim, aimed, t_go = np.zeros(n_live, np.int64), np.zeros(n_live, np.bool_), np.zeros(n_live)
    value, threatened = np.zeros(n_live), np.full(n_live, -1, np.int64)
    for i in columns:
        kind = TrackKind(class_index[i], confidence[i], ballistic[i], lethality[i], altitude[i], speed[i], lat[i],
                         lon[i])
        aim[i], aimed[i], t_go[i] = approach(evaluation, pos[i], vel[i], kind, points)
        value[i] = tables.point_value[aim[i]] * lethality[i]
        if aimed[i]:
            threatened[i] = tables.point_unit[aim[i]]

    # Feasible pairs; the targets of the assignment are the columns some weapon can engage now. Those where a
    # round gains anything (V q p − c > 0) first: without one no solver fires, and there is nothing to decide.
    units = UnitGeometry(unit_pos, unit_rotation, unit_heading, tables.unit_half_sector_rad, unit_picture)
    column_picture, at_risk = track_picture[live[columns]], value[columns] * np.exp(log_survival[columns])
    worth = feasible_pairs(figures, grids, tables.weapon_unit, tables.weapon_missile, usable, units, column_picture,
                           pos[columns], vel[columns], t_go[columns], True, at_risk, tables.weapon_pk,
                           tables.weapon_cost)
    worth = radar_held_pairs(unit_holds, tables.weapon_hold, live[columns], worth[0], worth[1], worth[2])
    if len(worth[0]) == 0:
        return classified[0], classified[1], classified[2], classified[3], no_orders, no_details
    pair_weapon, pair_column, pair_tof = feasible_pairs(
        figures, grids, tables.weapon_unit, tables.weapon_missile, usable, units, column_picture, pos[columns],
        vel[columns], t_go[columns], False, at_risk, tables.weapon_pk, tables.weapon_cost)
    pair_weapon, pair_column, pair_tof = radar_held_pairs(unit_holds, tables.weapon_hold, live[columns],
                                                          pair_weapon, pair_column, pair_tof)
    target_of = np.full(len(columns), -1, np.int64)
    for c in pair_column:
        target_of[c] = 0
    target = np.flatnonzero(target_of == 0)  # the columns in the problem, in order
    if len(target) == 0:
        return classified[0], classified[1], classified[2], classified[3], no_orders, no_details
    target_of[target] = np.arange(len(target))
    track = columns[target]  # live index of each target
    pair_target = target_of[pair_column]
    target_of_live = np.full(n_live, -1, np.int64)
    target_of_live[track] = np.arange(len(track))
    engaged_unit, engaged_target = np.empty(len(engagements), np.int64), np.empty(len(engagements), np.int64)
    n_engaged = 0
    for key in engagements:
        r = row_of[key % track_count]
        if r >= 0 and target_of_live[r] >= 0:
            engaged_unit[n_engaged], engaged_target[n_engaged] = key // track_count, target_of_live[r]
            n_engaged += 1
    survival = np.exp(log_survival[track])
    problem = pair_problem(
        value[track], survival, limit[track], ready, tables.weapon_cost, tables.weapon_unit, launches,
        channels_free, pair_weapon, pair_target, tables.weapon_pk[pair_weapon], engaged_unit[:n_engaged],
        engaged_target[:n_engaged])

    # Self-defence first: each unit against the threats aimed at itself and at the units it defends, every round
    # and layer allowed.
    rounds = np.zeros(len(pair_weapon), np.int64)
    kept = np.zeros(len(pair_weapon), np.bool_)  # rounds reserve_for keeps for other classes
    for q in range(len(pair_weapon)):
        w = pair_weapon[q]
        kept[q] = reserved_of(rules, tables.weapon_layer_rank[w], class_index[track[pair_target[q]]], left[w])
    if rules.self_defence:
        own = np.zeros(len(pair_weapon))
        for q in range(len(pair_weapon)):
            aimed_at = threatened[track[pair_target[q]]]
            if aimed_at >= 0 and tables.unit_defends[tables.weapon_unit[pair_weapon[q]], aimed_at] and not kept[q]:
                own[q] = problem.pk[q]
        if _gains(problem, own):
            rounds = solve_pairs(with_pk(problem, own, ready), solver)
    # Then everyone against the rest, under weapons control, layer policy and reserves.
    available = np.maximum(left - rules.reserve_rounds, 0)
    engageable = np.zeros(len(pair_weapon))
    for q in range(len(pair_weapon)):
        i = track[pair_target[q]]
        if engageable_of(rules, confidence[i], aimed[i]) and not kept[q]:
            engageable[q] = problem.pk[q]
    if not _gains(problem, engageable):  # nothing worth a round: no holds to work out, nothing to solve
        orders, details = _orders(tables, live, track, pair_weapon, pair_target, pair_tof, rounds, pos, vel,
                                  class_index, confidence, value, t_go)
        return classified[0], classified[1], classified[2], classified[3], orders, details
    if rules.save_long_range:
        climb = np.zeros(len(track))  # carried along for ballistic tracks only: level flight's is mostly noise
        for j in range(len(track)):
            i = track[j]
            if class_index[i] == BALLISTIC_CLASS:
                ux, uy, uz = up_of(lat[i], lon[i])
                climb[j] = vel[i, 0] * ux + vel[i, 1] * uy + vel[i, 2] * uz
        held = _held(tables, figures, units, problem, track_picture[live[track]], pos[track], vel[track],
                     altitude[track], speed[track], climb, points[aim[track]], t_go[track], available)
    else:
        held = np.zeros(len(pair_weapon), np.bool_)
    rest = remaining_of(problem, rounds)
    pk = np.where(held, 0.0, engageable)
    spent = np.zeros(n_weapons, np.int64)
    for q in range(len(pair_weapon)):
        spent[pair_weapon[q]] += rounds[q]
    capacity = np.minimum(rest.capacity, np.maximum(np.minimum(ready, available) - spent, 0))
    rounds += solve_pairs(with_pk(rest, pk, capacity), solver)
    orders, details = _orders(tables, live, track, pair_weapon, pair_target, pair_tof, rounds, pos, vel,
                              class_index, confidence, value, t_go)
    return classified[0], classified[1], classified[2], classified[3], orders, details


@kernel
def _orders(tables: DecideTables, live: I64, track: I64, pair_weapon: I64, pair_target: I64, pair_tof: F64,
            rounds: I64, pos: F64, vel: F64, class_index: I64, confidence: F64, value: F64,
            t_go: F64) -> tuple[I64, F64]:
    """The orders of the rounds per pair, by weapon then track (:func:`command_cycle`'s last two results)."""
    ordered = np.flatnonzero(rounds)
    orders, details = np.empty((len(ordered), 5), np.int64), np.empty((len(ordered), 8))
    for n in range(len(ordered)):
        q = ordered[n]
        w, i = pair_weapon[q], track[pair_target[q]]
        orders[n, ORDER_UNIT], orders[n, ORDER_MISSILE] = tables.weapon_unit[w], tables.weapon_missile[w]
        orders[n, ORDER_TRACK], orders[n, ORDER_ROUNDS], orders[n, ORDER_CLASS] = live[i], rounds[q], class_index[i]
        for k in range(3):
            details[n, ORDER_X + k] = pos[i, k] + vel[i, k] * pair_tof[q]
        details[n, ORDER_FLIGHT], details[n, ORDER_CONFIDENCE] = pair_tof[q], confidence[i]
        details[n, ORDER_VALUE], details[n, ORDER_T_GO], details[n, ORDER_PK] = value[i], t_go[i], tables.weapon_pk[w]
    return orders, details


@kernel
def _gains(p: PairProblem, pk: F64) -> bool:
    """Whether a round of some pair gains anything with kill probabilities ``pk`` (P,): V q p − c > 0."""
    for q in range(len(pk)):
        t = p.pair_target[q]
        if pk[q] > 0.0 and p.value[t] * p.survival[t] * pk[q] - p.cost[p.pair_weapon[q]] > 0.0:
            return True
    return False


@kernel
def _held(tables: DecideTables, figures: F64, units: UnitGeometry, problem: PairProblem, picture: I32, pos: F64,
          vel: F64, altitude: F64, speed: F64, climb: F64, destination: F64, t_go: F64, available: I64) -> Bool:
    """(P,) the pairs whose rounds a longer layer holds for a shorter one that will reach the track later.

    The targets' air ``picture``, position, velocity, altitude, speed, ``climb``
    rate (0 but for ballistic tracks: a track in level flight's measured climb is
    mostly noise over minutes), ``destination`` (the defended point each heads
    for) and time to go are given per target; ``available`` (W,) are each weapon's
    rounds beyond its reserve: what a shorter layer can be counted on for.
    """
    n_weapons, n_targets = len(tables.weapon_unit), len(pos)
    cover_weapon, cover_target = problem.pair_weapon.copy(), problem.pair_target.copy()
    n_cover = len(cover_weapon)
    weapon_start, pair_target = problem.weapon_start, problem.pair_target
    for w in range(n_weapons):
        if available[w] <= 0:
            continue
        u = tables.weapon_unit[w]
        origin, rotation, heading, half_sector = units.pos_ecef_m[u], units.rotation[u], units.heading_rad[u], \
            units.half_sector_rad[u]
        now, end = weapon_start[w], weapon_start[w + 1]
        for j in range(n_targets):
            while now < end and pair_target[now] < j:
                now += 1
            if (now < end and pair_target[now] == j) or units.picture[u] != picture[j]:
                continue  # engageable now already, or not in the unit's air picture
            if reachable_later(figures, tables.weapon_missile[w], origin, rotation, heading, half_sector, pos[j],
                               speed[j], altitude[j], climb[j], destination[j]):
                cover_weapon, cover_target = grown(cover_weapon, n_cover + 1), grown(cover_target, n_cover + 1)
                cover_weapon[n_cover], cover_target[n_cover] = w, j
                n_cover += 1
    return held_pairs(n_weapons, n_targets, problem.pair_weapon, problem.pair_target, cover_weapon[:n_cover],
                      cover_target[:n_cover], tables.weapon_layer_rank, available, tables.weapon_pk, t_go)
