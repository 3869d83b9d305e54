"""Engine throughput: the demo scenario scaled to 100, 1,000 and 10,000 threats.

Each raid of examples/demo.yaml is scaled to the target total (keeping the mix of
drones, cruise missiles, ballistic missiles and fighters, and each raid's launch
window), and the units' inventories with it. Prints threat-steps per second
(threats × ticks run / wall time of `iadsim.simulate`, compilation included) and
the cost of one threat-step; the last line is one JSON object:
{"threat_steps_per_s": {"100": ..., "1000": ..., "10000": ...}}.

Target (issue 2): at 10,000 threats, at least 1e6 threat-steps/s on one core, and a
cost per threat-step at 10,000 no worse than at 1,000.

    python benchmarks/bench_engine.py [--sizes 100 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import iadsim

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.yaml"


def scaled_demo(total_threats: int) -> iadsim.scenario.schema.Scenario:
    """The demo with every raid's count scaled so the raids sum to ``total_threats``."""
    base = iadsim.load_scenario(DEMO)
    data = copy.deepcopy(base.model_dump(mode="json"))
    counts = [raid["count"] for raid in data["raids"]]
    factor = total_threats / sum(counts)
    scaled = [max(1, round(count * factor)) for count in counts]
    scaled[0] += total_threats - sum(scaled)
    for raid, old, new in zip(data["raids"], counts, scaled, strict=True):
        raid["count"] = new
        raid["launch_interval"] = raid["launch_interval"] * old / new
    for unit in data["units"]:
        unit["inventory"] = {name: max(1, round(n * factor)) for name, n in unit["inventory"].items()}
    return iadsim.load_scenario(data)


def measure(threats: int, repeat: int) -> tuple[float, int, int]:
    """Best wall time (s) of `repeat` runs, the ticks run, and the threat count."""
    scenario = scaled_demo(threats)
    best = float("inf")
    ticks = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = iadsim.simulate(scenario)
        best = min(best, time.perf_counter() - start)
        ticks = result.ticks
    return best, int(ticks), threats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = {}
    print(f"{'threats':>8} {'ticks':>6} {'wall s':>8} {'threat-steps/s':>15} {'ns/threat-step':>15}")
    for size in args.sizes:
        seconds, ticks, threats = measure(size, args.repeat if size < 10000 else 1)
        rate = threats * ticks / seconds
        rows[str(size)] = rate
        print(f"{threats:>8} {ticks:>6} {seconds:>8.2f} {rate:>15,.0f} {1e9 / rate:>15.1f}")
    print(json.dumps({"threat_steps_per_s": {size: round(rate) for size, rate in rows.items()}}))


if __name__ == "__main__":
    main()
