"""Doctrine as rules for kernels: which tracks may be engaged, with how many rounds, by which layer.

Pure functions of the command post's picture (tracks, their evaluation, the
rounds in flight) and the scenario's ``doctrine:`` section, held as numbers in
:class:`DoctrineRules` (built once per run); the decide stage turns their output
into the limits of the weapon-target assignment. The array functions
(:func:`rounds_allowed`, :func:`engageable`, :func:`layer_holds`) apply the same
kernels to whole arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from iadsim.c2.threat_evaluation import ThreatAssessment
from iadsim.catalog.schema import LAYERS, THREAT_CLASSES
from iadsim.jit import inline_kernel, kernel
from iadsim.scenario.schema import Doctrine

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]

WEAPONS_CONTROL = ("free", "tight", "hold")
"""Codes of :attr:`DoctrineRules.weapons_control`."""
FREE, TIGHT, HOLD = range(len(WEAPONS_CONTROL))


class DoctrineRules(NamedTuple):
    """The scenario's doctrine as numbers (see :class:`~iadsim.scenario.schema.Doctrine` for each field)."""

    shoot_look_shoot: bool
    salvo: int  # rounds in the air at one threat at once
    max_interceptors_per_threat: int
    weapons_control: int  # FREE, TIGHT or HOLD
    identification_confidence: float
    self_defence: bool
    reserve_rounds: int
    save_long_range: bool
    reserve_for_rounds: int  # 0: no reserve_for
    reserve_for_class: Bool  # (C,) the threat classes it is for, in THREAT_CLASSES order
    reserve_for_layer: Bool  # (L,) the layers that keep it, in LAYERS order

    @classmethod
    def of(cls, doctrine: Doctrine) -> DoctrineRules:
        reserve = doctrine.reserve_for
        return cls(doctrine.mode == "shoot_look_shoot", int(doctrine.rounds_in_the_air),
                   int(doctrine.max_interceptors_per_threat), WEAPONS_CONTROL.index(doctrine.weapons_control),
                   float(doctrine.identification_confidence), bool(doctrine.self_defence),
                   int(doctrine.reserve_rounds), doctrine.layer_policy == "save_long_range",
                   0 if reserve is None else int(reserve.rounds),
                   np.array([reserve is not None and name in reserve.classes for name in THREAT_CLASSES]),
                   np.array([reserve is not None and name in reserve.layers for name in LAYERS]))


@inline_kernel
def rounds_allowed_of(rules: DoctrineRules, in_flight: int, fired: int) -> int:
    """New rounds a track may get this cycle.

    Shoot-look-shoot: a track with rounds in flight waits for the look; otherwise
    it gets up to a salvo. Shoot-shoot: rounds until a salvo is in the air. Never
    more than ``max_interceptors_per_threat`` over the track's whole flight.
    """
    if rules.shoot_look_shoot:
        now = 0 if in_flight > 0 else rules.salvo
    else:
        now = max(rules.salvo - in_flight, 0)
    return min(now, max(rules.max_interceptors_per_threat - fired, 0))


@inline_kernel
def reserved_of(rules: DoctrineRules, layer_index: int, class_index: int, rounds_left: int) -> bool:
    """Whether ``reserve_for`` keeps a weapon's next round (its layer, its rounds left at the start of the
    cycle) from a track of class ``class_index``: the layer keeps a reserve, the class is not one it is for,
    and no round beyond the reserve is left. Self-defence included."""
    return (rules.reserve_for_rounds > 0 and rules.reserve_for_layer[layer_index]
            and not rules.reserve_for_class[class_index] and rounds_left <= rules.reserve_for_rounds)


@inline_kernel
def engageable_of(rules: DoctrineRules, confidence: float, aimed: bool) -> bool:
    """Whether the weapons control status allows engaging a track outside self-defence."""
    if rules.weapons_control == HOLD:
        return False
    if rules.weapons_control == TIGHT:
        return confidence >= rules.identification_confidence and aimed
    return True


def rounds_allowed(doctrine: Doctrine, in_flight: I64, fired: I64) -> I64:
    """(T,) new rounds each track may get this cycle (:func:`rounds_allowed_of`)."""
    rules = DoctrineRules.of(doctrine)
    return np.array([rounds_allowed_of(rules, int(a), int(b)) for a, b in zip(in_flight, fired, strict=True)],
                    dtype=np.int64)


def engageable(doctrine: Doctrine, assessment: ThreatAssessment) -> Bool:
    """(T,) tracks the weapons control status allows to engage outside self-defence (:func:`engageable_of`)."""
    rules = DoctrineRules.of(doctrine)
    return np.array([engageable_of(rules, float(c), bool(a))
                     for c, a in zip(assessment.confidence, assessment.aimed, strict=True)], dtype=bool)


@kernel
def held_pairs(
    n_weapons: int, n_tracks: int, now_weapon: I64, now_track: I64, cover_weapon: I64, cover_track: I64,
    layer_rank: I64, rounds_left: I64, pk: F64, t_go_s: F64,
) -> Bool:
    """For each pair (``now_weapon``, ``now_track``) that can engage now: is its round held back because a
    shorter layer will take the track (``save_long_range``)?

    ``cover_*`` lists the pairs that can engage now or later; ``layer_rank`` (W,) is
    larger for shorter layers. Each track is left to the shortest layer covering
    it (the first such weapon), but a weapon is counted on for only as many threats
    as its rounds beyond reserve (``rounds_left``) can be expected to kill (rounds ×
    pk, most urgent threats by ``t_go_s`` first, ties in track order): beyond that,
    the longer layers engage.
    """
    best_rank, best_weapon = np.full(n_tracks, -1, np.int64), np.full(n_tracks, n_weapons, np.int64)
    for k in range(len(cover_weapon)):
        w, t = cover_weapon[k], cover_track[k]
        if rounds_left[w] > 0 and (layer_rank[w] > best_rank[t] or (layer_rank[w] == best_rank[t]
                                                                       and w < best_weapon[t])):
            best_rank[t], best_weapon[t] = layer_rank[w], w
    order = np.argsort(t_go_s, kind="mergesort")
    taken = np.zeros(n_weapons, np.int64)
    counted_on = np.zeros(n_tracks, np.bool_)
    for t in order:
        w = best_weapon[t]
        if w < n_weapons:
            counted_on[t] = taken[w] < np.floor(rounds_left[w] * pk[w])
            taken[w] += 1
    held = np.zeros(len(now_weapon), np.bool_)
    for k in range(len(now_weapon)):
        t = now_track[k]
        held[k] = counted_on[t] and layer_rank[now_weapon[k]] < best_rank[t]
    return held


def layer_holds(now: Bool, cover: Bool, layer_rank: I64, rounds_left: I64, pk: F64, t_go_s: F64) -> Bool:
    """(W, T) rounds held back because a shorter layer will take the track (:func:`held_pairs` on dense arrays)."""
    now_weapon, now_track = np.nonzero(now)
    cover_weapon, cover_track = np.nonzero(cover)
    held = np.zeros(now.shape, dtype=bool)
    held[now_weapon, now_track] = held_pairs(
        now.shape[0], now.shape[1], now_weapon.astype(np.int64), now_track.astype(np.int64),
        cover_weapon.astype(np.int64), cover_track.astype(np.int64), np.asarray(layer_rank, dtype=np.int64),
        np.asarray(rounds_left, dtype=np.int64), np.asarray(pk, dtype=float), np.asarray(t_go_s, dtype=float))
    return held
