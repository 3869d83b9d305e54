"""Quiet time costs nothing: a week of nightly waves against the same waves run alone.

The scenario is examples/case5_magazine_depth.yaml (seven nightly drone waves, a
resupply convoy every noon) with a magazine ten times deeper, so that every night
is the same fight, and a battalion that relocates after firing (so deliveries,
marches and set-ups all wake the engine). ``week_s`` is the wall time of
simulating the whole week; ``waves_only_s`` is the wall time of simulating each
night's wave as its own one-night scenario, one after another (the work the
waves themselves need). The engine jumps over the quiet days, waking
only for launches and for timed unit events (a delivery, a move, the end of a
set-up), so the ratio should stay near 1; a loop that ticked through every
quiet second would make it about 20 (a week of 2 s ticks against seven nights).
Kill draws make some nights longer than others, so both are averaged over
``--seeds`` weeks (each single night with its own seed). The last line is one JSON object:
{"week_s": ..., "waves_only_s": ..., "ratio": ..., "week_ticks": ..., "waves_only_ticks": ...}.

    python benchmarks/bench_waves.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import iadsim

CASE = Path(__file__).resolve().parents[1] / "examples" / "case5_magazine_depth.yaml"
DAY_S = 86400.0


def deep_magazine_week() -> dict:
    """The case's week with ten times the rounds and relocation after each night's firing."""
    data = iadsim.load_scenario(CASE).model_dump(mode="json")
    unit = data["units"][0]
    unit["inventory"] = {name: 10 * n for name, n in unit["inventory"].items()}
    unit["relocate_after_firing"] = {"distance": 3000.0, "bearing": 1.5708, "speed": 30 / 3.6, "delay": 600.0}
    return data


def one_night(week: dict, night: int, seed: int) -> dict:
    """The week's scenario cut to one night's wave, launched at the same time of night."""
    data = copy.deepcopy(week)
    raid = data["raids"][0]
    raid["launch_time"] = raid["launch_time"] - DAY_S * int(raid["launch_time"] // DAY_S)
    raid["waves"], raid["wave_interval"] = 1, 0.0
    data["duration"] = DAY_S
    data["seed"] = seed * 1000 + night
    return data


def timed(scenarios: list) -> tuple[float, int]:
    """Wall time (s) of simulating every scenario in turn, and the ticks run."""
    start = time.perf_counter()
    ticks = sum(iadsim.simulate(scenario).ticks for scenario in scenarios)
    return time.perf_counter() - start, ticks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="weeks (and their nights) simulated, with these seeds")
    args = parser.parse_args()
    data = deep_magazine_week()
    waves = data["raids"][0]["waves"]
    print(f"{'seed':>4} {'week s':>8} {'ticks':>6} {'waves alone s':>14} {'ticks':>6}")
    totals = [0.0, 0, 0.0, 0]
    for seed in range(args.seeds):
        week = iadsim.load_scenario({**data, "seed": seed})
        nights = [iadsim.load_scenario(one_night(data, n, seed)) for n in range(waves)]
        week_s, week_ticks = timed([week])
        waves_s, waves_ticks = timed(nights)
        print(f"{seed:>4} {week_s:>8.2f} {week_ticks:>6} {waves_s:>14.2f} {waves_ticks:>6}")
        for i, value in enumerate((week_s, week_ticks, waves_s, waves_ticks)):
            totals[i] += value
    week_s, week_ticks, waves_s, waves_ticks = (value / args.seeds for value in totals)
    ticks_in_a_week = int(data["duration"] / data["time_step"])
    print(f"mean: week {week_s:.2f} s ({week_ticks:.0f} ticks of {ticks_in_a_week} in a week), "
          f"waves alone {waves_s:.2f} s ({waves_ticks:.0f} ticks); ratio {week_s / waves_s:.2f}")
    print(json.dumps({"week_s": round(week_s, 3), "waves_only_s": round(waves_s, 3),
                      "ratio": round(week_s / waves_s, 3), "week_ticks": round(week_ticks),
                      "waves_only_ticks": round(waves_ticks)}))


if __name__ == "__main__":
    main()
