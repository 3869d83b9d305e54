"""Doctrine as array rules: which tracks may be engaged, with how many rounds, by which layer.

Pure functions of the command post's picture (tracks, their evaluation, the
rounds in flight) and the scenario's ``doctrine:`` section; the decide stage
turns their output into the limits of the weapon-target assignment.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.c2.threat_evaluation import ThreatAssessment
from iadsim.scenario.schema import Doctrine

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]


def rounds_allowed(doctrine: Doctrine, in_flight: I64, fired: I64) -> I64:
    """(T,) new rounds each track may get this cycle.

    Shoot-look-shoot: a track with rounds in flight waits for the look; otherwise
    it gets up to a salvo. Shoot-shoot: rounds until a salvo is in the air. Never
    more than ``max_interceptors_per_threat`` over the track's whole flight.
    """
    salvo = doctrine.rounds_in_the_air
    if doctrine.mode == "shoot_look_shoot":
        now = np.where(in_flight > 0, 0, salvo)
    else:
        now = np.maximum(salvo - in_flight, 0)
    return np.minimum(now, np.maximum(doctrine.max_interceptors_per_threat - fired, 0))


def engageable(doctrine: Doctrine, assessment: ThreatAssessment) -> Bool:
    """(T,) tracks the weapons control status allows to engage outside self-defence."""
    if doctrine.weapons_control == "hold":
        return np.zeros(len(assessment.value), dtype=bool)
    if doctrine.weapons_control == "tight":
        return (assessment.confidence >= doctrine.identification_confidence) & assessment.aimed
    return np.ones(len(assessment.value), dtype=bool)


def layer_holds(
    now: Bool, cover: Bool, layer_rank: I64, rounds_left: I64, pk: F64, t_go_s: F64,
) -> Bool:
    """(W, T) rounds held back because a shorter layer will take the track (``save_long_range``).

    ``layer_rank`` is larger for shorter layers; ``cover`` says which weapons can
    engage which tracks now or later. Each track is left to the shortest layer
    covering it, but a weapon is counted on for only as many threats as its
    rounds can be expected to kill (rounds × pk, most urgent threats first):
    beyond that, the longer layers engage.
    """
    n_weapons, n_tracks = now.shape
    if n_weapons == 0 or n_tracks == 0:
        return np.zeros_like(now)
    covering = cover & (rounds_left > 0)[:, None]
    rank = np.where(covering, layer_rank[:, None], -1)
    cover_weapon = np.argmax(rank, axis=0)
    cover_rank = rank[cover_weapon, np.arange(n_tracks)]
    covered = cover_rank >= 0
    # Most urgent first within each covering weapon: each track's rank by time to go.
    key = np.where(covered, cover_weapon, n_weapons)
    order = np.lexsort((t_go_s, key))
    sorted_key = key[order]
    urgency = np.empty(n_tracks, dtype=np.int64)
    urgency[order] = np.arange(n_tracks) - np.searchsorted(sorted_key, sorted_key)
    budget = np.floor(rounds_left[cover_weapon] * pk[cover_weapon]).astype(np.int64)
    counted_on = covered & (urgency < budget)
    return now & (layer_rank[:, None] < cover_rank[None, :]) & counted_on[None, :]

