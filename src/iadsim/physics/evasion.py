"""An aircraft that turns away from a SAM round fired at it (catalog ``evasion_*`` figures of its type).

A simple reaction rule: an aircraft type with evasion figures is warned of every round fired at it (its radar
warning receiver sees the engagement); with probability q it turns away, ``reaction_time`` τ after the
round's launch. A round whose flight is longer than τ meets an aircraft that turned with that probability,
and its kill probability is multiplied by the type's ``evasion_pk_factor`` f (the round's energy and geometry
spent on the turn); a shorter flight meets it unturned. Over the endgames of rounds flying longer than τ the
kill probability is then

    P = p (1 − q (1 − f)),

p the round's own kill probability for its miss distance (:mod:`iadsim.physics.lethality`). The aircraft's
route is not changed: the turn is modelled by its effect on the endgame only (docs/models.md, Evasion). The
turn draws come from a stream of their own, seeded from the assess stage's on first use, so scenarios
without an evading type draw exactly what they drew before.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.scenario.compile import CompiledScenario

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


class Evasion:
    """Per threat row: the probability it turns away, its reaction time (s) and the factor on the kill chance."""

    def __init__(self, compiled: CompiledScenario) -> None:
        types, kind = compiled.threat_types, compiled.world.threats.type_index
        self.probability = np.array([t.evasion_probability or 0.0 for t in types])[kind]
        self.reaction_s = np.array([np.inf if t.evasion_reaction_time is None else t.evasion_reaction_time
                                    for t in types])[kind]
        self.pk_factor = np.array([1.0 if t.evasion_pk_factor is None else t.evasion_pk_factor for t in types])[kind]
        self.rng: np.random.Generator | None = None

    @classmethod
    def of(cls, compiled: CompiledScenario) -> Evasion | None:
        """The model for a scenario with an aircraft type that evades, else ``None``."""
        return cls(compiled) if any(t.evasion_probability is not None for t in compiled.threat_types) else None

    def kill_factor(self, target: I64, flight_s: F64, rng: np.random.Generator) -> F64:
        """(K,) the factor on the kill probability of endgames of rounds that flew ``flight_s`` (s) at threat rows
        ``target``: the type's pk factor where it turned away in time, else 1; one draw per endgame reacted to."""
        factor = np.ones(len(target))
        reacted = np.flatnonzero(flight_s > self.reaction_s[target])
        if len(reacted) == 0:
            return factor
        if self.rng is None:
            self.rng = np.random.default_rng(rng.integers(0, 2**63))
        turned = reacted[self.rng.random(len(reacted)) < self.probability[target[reacted]]]
        factor[turned] = self.pk_factor[target[turned]]
        return factor
