"""Anti-radiation missiles' seekers: home on the radar while it radiates, fly to its last known position
once it falls silent (docs/models.md, Anti-radiation missiles).

A threat type with ``anti_radiation`` is aimed at one radar of a unit (``raids[].target_part``). While that
radar radiates, the missile knows where it is: its aim point is the radar. From the tick its radar is
silent (its policy, a march, its loss) the missile flies on to the last known position, whose error grows
at the type's ``silent_drift_rate`` v: at impact, ``t`` seconds after the radar fell silent (before or
after the launch; a radar silent from the start, from time 0), the aim point
is off the radar by e = v·t in a uniformly random horizontal direction, and the warhead's circular-normal
scatter (catalog ``cep``) lands about that point. A radar that radiates again before impact is found again
(the error returns to 0). Verified in ``iadsim verify`` (``arm-shutdown-drift``).

The aim point stays where the radar stood when the missile was launched: a radar that moves and radiates
again elsewhere is not followed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.scenario.aim import aimed_parts
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import World

F64 = NDArray[np.float64]


class ArmSeekers:
    """When each radar an anti-radiation missile is aimed at last fell silent (NaN: radiating), and the error
    of the aim point that follows."""

    def __init__(self, compiled: CompiledScenario) -> None:
        world = compiled.world
        threats, parts = world.threats, world.units.parts
        kinds = compiled.threat_types
        arm = np.array([t.anti_radiation for t in kinds], dtype=bool)[threats.type_index]
        part = aimed_parts(compiled.scenario, threats, parts)
        self.sensor = np.where(arm, parts.sensor_index[np.maximum(part, 0)], -1)
        self.radars = np.unique(self.sensor[arm])
        self.drift_mps = np.where(arm, np.array([t.silent_drift_rate or 0.0 for t in kinds])[threats.type_index],
                                  0.0)
        self.silent_since_s = np.full(len(world.sensors.id), np.nan)

    @classmethod
    def of(cls, compiled: CompiledScenario) -> ArmSeekers | None:
        """The seekers of a scenario with anti-radiation missiles, else ``None``."""
        return cls(compiled) if any(t.anti_radiation for t in compiled.threat_types) else None

    def observe(self, world: World, t_s: float) -> None:
        """Note whether each radar aimed at radiates at ``t_s`` (after this tick's emission policies), and when
        it fell silent."""
        emitting = world.sensors.emitting[self.radars]
        self.silent_since_s[self.radars[emitting]] = np.nan
        newly = self.radars[~emitting & np.isnan(self.silent_since_s[self.radars])]
        self.silent_since_s[newly] = t_s

    def error_m(self, struck: NDArray[np.integer], t_s: float) -> F64:
        """(n,) the error of the aim points of threats ``struck`` landing at ``t_s``: v·(t − t_silent) for an
        anti-radiation missile whose radar is silent, else 0 (m)."""
        sensor = self.sensor[struck]
        since = np.where(sensor >= 0, self.silent_since_s[np.maximum(sensor, 0)], np.nan)
        return np.where(np.isnan(since), 0.0, self.drift_mps[struck] * (t_s - np.where(np.isnan(since), t_s, since)))

    def drift_east_north(self, struck: NDArray[np.integer], t_s: float, rng: np.random.Generator) -> F64:
        """(n, 2) east and north offsets (m) of the aim points of threats ``struck``: their error in a uniformly
        random direction, drawn only for those with an error."""
        error = self.error_m(struck, t_s)
        offset = np.zeros((len(struck), 2))
        off = np.flatnonzero(error > 0.0)
        if len(off):
            bearing = rng.uniform(0.0, 2.0 * np.pi, len(off))
            offset[off] = error[off, None] * np.column_stack((np.sin(bearing), np.cos(bearing)))
        return offset
