"""Engine throughput: the demo scaled to 100 ... 100,000 threats, and a 100,000-drone saturation raid.

Each raid of examples/demo.yaml is scaled to the target total (keeping the mix of
drones, cruise missiles, ballistic missiles and fighters, and each raid's launch
window), and the units' inventories with it. The demo's own models run by default
(`move: flight`, `sense: radar`, `track: ekf`, `fly: flyout`); `--models simple`
runs the skeleton models instead (`waypoint`, `range_horizon`, `truth_noise`,
`average_speed`). Prints threat-steps per second (threats x ticks run / wall time
of `iadsim.simulate`, compilation of the scenario included), the cost of one
threat-step and the peak memory of the process.

The swarm: the demo's defences, unchanged, against 100,000 drones launched over the
demo's drone window from its launch area (the other raids removed): wall time and
peak memory.

Every measurement runs in a fresh process (so that peak memory is its own), after a
warm-up replication of the plain demo in that process (kernels loaded, caches
built). Targets (issue 14): at 10,000 threats at least 1e6 threat-steps/s on one
core, and a cost per threat-step at 10,000 no worse than at 1,000; the swarm under
2 minutes on one core and under 4 GB. Last line, one JSON object:
{"threat_steps_per_s": {"100": ..., "1000": ..., "10000": ..., "100000": ...},
"swarm_100000_s": ..., "peak_rss_mb": ...} (peak_rss_mb: the largest of all runs).

    python benchmarks/bench_engine.py [--sizes 100 1000 10000 100000] [--models demo|simple] [--no-swarm]
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import iadsim
from iadsim.catalog import load_catalog

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.yaml"
SIMPLE_MODELS = {"move": "waypoint", "sense": "range_horizon", "track": "truth_noise", "fly": "average_speed"}
SWARM_DRONES = 100_000


def demo_data(models: str) -> dict:
    """The demo as a mapping, with the skeleton models when ``models`` is ``simple``."""
    data = copy.deepcopy(iadsim.load_scenario(DEMO).model_dump(mode="json"))
    if models == "simple":
        data["models"].update(SIMPLE_MODELS)
    return data


def scaled_demo(total_threats: int, models: str = "demo") -> iadsim.scenario.schema.Scenario:
    """The demo with every raid's count scaled so the raids sum to ``total_threats``."""
    data = demo_data(models)
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


def swarm(models: str = "demo") -> iadsim.scenario.schema.Scenario:
    """The demo's defences against 100,000 drones over the demo's drone launch window."""
    data = demo_data(models)
    drones = data["raids"][0]
    window_s = drones["launch_interval"] * (drones["count"] - 1)
    drones["count"] = SWARM_DRONES
    drones["launch_interval"] = window_s / (SWARM_DRONES - 1)
    data["raids"] = [drones]
    return iadsim.load_scenario(data)


def measure(scenario: iadsim.scenario.schema.Scenario) -> dict:
    """Wall time (s), ticks and threats of one run of ``scenario``, and this process's peak memory (MB)."""
    catalog = load_catalog()
    iadsim.simulate(iadsim.load_scenario(DEMO, catalog), catalog=catalog)  # warm-up
    started = time.perf_counter()
    result = iadsim.simulate(scenario, catalog=catalog)
    wall = time.perf_counter() - started
    return {"s": wall, "ticks": result.ticks, "threats": int(result.metrics["threats"]),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "stage_share": {role: seconds / wall for role, seconds in result.stage_s.items()}}


def in_fresh_process(kind: str, size: int, models: str) -> dict:
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import bench_engine as b; "
            "scenario = b.swarm(sys.argv[4]) if sys.argv[2] == 'swarm' else b.scaled_demo(int(sys.argv[3]), sys.argv[4]); "
            "print(json.dumps(b.measure(scenario)))")
    done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), kind, str(size), models],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 100000])
    parser.add_argument("--models", choices=["demo", "simple"], default="demo")
    parser.add_argument("--no-swarm", action="store_true", help="skip the 100,000-drone raid")
    args = parser.parse_args()
    rates: dict[str, float] = {}
    peak = 0.0
    print(f"models: {args.models}")
    print(f"{'run':>12} {'threats':>8} {'ticks':>6} {'wall s':>8} {'threat-steps/s':>15} {'ns/step':>8} "
          f"{'peak MB':>8}  largest stage shares")
    runs = [("scaled", size) for size in args.sizes] + ([] if args.no_swarm else [("swarm", SWARM_DRONES)])
    swarm_s = None
    for kind, size in runs:
        row = in_fresh_process(kind, size, args.models)
        rate = row["threats"] * row["ticks"] / row["s"]
        peak = max(peak, row["peak_rss_mb"])
        shares = sorted(row["stage_share"].items(), key=lambda item: -item[1])[:3]
        print(f"{kind + ' ' + str(size):>12} {row['threats']:>8} {row['ticks']:>6} {row['s']:>8.2f} {rate:>15,.0f} "
              f"{1e9 / rate:>8.1f} {row['peak_rss_mb']:>8.0f}  "
              + ", ".join(f"{role} {100 * share:.0f} %" for role, share in shares))
        if kind == "swarm":
            swarm_s = row["s"]
        else:
            rates[str(size)] = rate
    print(json.dumps({"threat_steps_per_s": {size: round(rate) for size, rate in rates.items()},
                      "swarm_100000_s": None if swarm_s is None else round(swarm_s, 2),
                      "peak_rss_mb": round(peak)}))


if __name__ == "__main__":
    main()
