"""Timetables a scenario writes compactly, expanded to arrays: raid waves and magazine deliveries.

Both compilation (how many threats, how many interceptors can ever be fired)
and the stages that act on them (threat launches, resupply) read the same
expansion, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim.scenario.schema import Raid, Resupply, Scenario


def raid_launch_times_s(raid: Raid) -> NDArray[np.float64]:
    """Launch time of every threat of ``raid`` (s): ``count`` per wave, ``waves`` waves ``wave_interval`` apart."""
    within_wave = raid.launch_interval * np.arange(raid.count)
    wave_start = raid.launch_time + raid.wave_interval * np.arange(raid.waves)
    return (wave_start[:, None] + within_wave[None, :]).reshape(-1)


def delivery_times_s(resupply: Resupply, duration_s: float) -> NDArray[np.float64]:
    """Times of the deliveries of one resupply schedule that fall within the scenario (s), in order."""
    times = [t for t in resupply.times if t <= duration_s]
    if resupply.every is not None and resupply.start <= duration_s:
        last = int(np.floor((duration_s - resupply.start) / resupply.every + 1e-9)) + 1
        n = last if resupply.count is None else min(last, resupply.count)
        times += list(resupply.start + resupply.every * np.arange(n))
    return np.sort(np.asarray(times, dtype=float))


@dataclass(frozen=True)
class Deliveries:
    """Every delivery of interceptors in a run, by time: rounds of one missile type to one unit."""

    t_s: NDArray[np.float64]
    unit: NDArray[np.int64]
    missile: NDArray[np.int64]  # into the compiled interceptor types
    rounds: NDArray[np.int64]

    @classmethod
    def of(cls, scenario: Scenario, missile_names: list[str]) -> Deliveries:
        t, unit, missile, rounds = [], [], [], []
        for u, spec in enumerate(scenario.units):
            for resupply in spec.resupply:
                times = delivery_times_s(resupply, scenario.duration)
                for name, n in resupply.rounds.items():
                    t.append(times)
                    unit.append(np.full(len(times), u))
                    missile.append(np.full(len(times), missile_names.index(name)))
                    rounds.append(np.full(len(times), n))
        if not t:
            return cls(np.empty(0), *(np.empty(0, np.int64) for _ in range(3)))
        t_all = np.concatenate(t)
        order = np.argsort(t_all, kind="stable")
        return cls(t_all[order], *(np.concatenate(a).astype(np.int64)[order] for a in (unit, missile, rounds)))
