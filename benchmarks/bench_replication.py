"""Seconds per replication of the demo and of every case scenario, with each stage's share.

Each scenario runs ``--replications`` times (seeds: the scenario's own, then +1,
+2, ...) after one warm-up replication that is not counted (it pays for loading
the catalog, compiling kernels the first time and building flyout tables).
Reported per scenario: the mean wall time of ``iadsim.simulate`` per replication
on this one core, the ticks run, and where the time went (``RunResult.stage_s``:
setup = compile and build the stages, one share per stage role, events = the event
table and metrics).

``--baseline REV`` measures the same replications, in the same run, on the code
of another git revision (a temporary worktree, this script run there as a
subprocess) and prints the speed-up of this checkout over it; the machines here
are shared, so a ratio measured side by side is the figure to trust.

Targets (issue 14): the demo at most 0.25 s per replication on one core, every
case scenario at least 30x faster than revision 337c8c9; (issue 17) demo_ew, the
demo with a stand-off jammer, and demo_ew_decoys, with four MALD-class decoys too, each at
most 20 % dearer than the demo (``"ew_cost"`` and ``"ew_decoys_cost"`` in the JSON line:
their seconds over the demo's).

Last line: one JSON object ``{"demo_s": ..., "case_s": {"case1": ..., ...},
"stage_share": {"setup": ..., "move": ..., ...}}`` (stage shares of the demo; with
``--baseline``, also ``"baseline": {...}`` and ``"speedup": {...}``).

    python benchmarks/bench_replication.py [--replications 5] [--only demo case1] [--baseline 337c8c9]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY / "examples"
SCENARIOS = {
    "demo": "demo.yaml",
    "case1": "case1_s400_city.yaml",
    "case2": "case2_networked.yaml",
    "case3": "case3_strike_on_battery.yaml",
    "case4a": "case4_two_s400.yaml",
    "case4b": "case4_steel_dome.yaml",
    "case4c": "case4_two_patriot.yaml",
    "case5": "case5_magazine_depth.yaml",
    "case6": "case6_low_observable.yaml",
    "demo_ew": "demo.yaml",
    "demo_ew_decoys": "demo.yaml",
}
STAND_OFF_JAMMER = {
    "name": "Growler", "type": "ea18g-alq99-class-jammer", "position": {"lat": 39.6, "lon": 28.9, "alt": "9000 m"},
    "route": [{"lat": 39.2, "lon": 28.3, "alt": "9000 m"}], "speed": "800 km/h", "heading": "225 deg"}
DECOYS = {
    "name": "Decoys", "type": "mald-class-decoy", "count": 4, "launch_time": "5 min", "launch_interval": "30 s",
    "launch_point": {"lat": 39.40, "lon": 28.60}, "spread": "5 km", "target": "Airbase"}
ADDED = {"demo_ew": {"jammers": [STAND_OFF_JAMMER]}, "demo_ew_decoys": {"jammers": [STAND_OFF_JAMMER],
                                                                         "raids": [DECOYS]}}
"""Variants: a scenario file with list items added. demo_ew is the demo with an EA-18G-class stand-off jammer
flying in behind the strike package and holding about 150 km from the defences; demo_ew_decoys adds four
MALD-class decoys flying with the strike package (issue 17's speed target: each at most 20 % dearer a
replication than the demo)."""


def measure(name: str, replications: int) -> dict:
    """Mean seconds per replication of one scenario, its ticks, and the summed time of each stage."""
    import iadsim
    from iadsim.catalog import load_catalog

    from iadsim.yamlio import read_yaml_file

    catalog = load_catalog()
    data = dict(read_yaml_file(EXAMPLES / SCENARIOS[name]).data)
    for key, items in ADDED.get(name, {}).items():
        data[key] = [*data.get(key, []), *items]
    scenario = iadsim.load_scenario(data, catalog)
    iadsim.simulate(scenario, catalog=catalog)  # warm-up: kernels, flyout tables, caches
    wall = 0.0
    stages: dict[str, float] = {}
    ticks = 0
    for offset in range(replications):
        started = time.perf_counter()
        result = iadsim.simulate(scenario, seed=scenario.seed + offset, catalog=catalog)
        wall += time.perf_counter() - started
        ticks += result.ticks
        for role, seconds in getattr(result, "stage_s", {}).items():  # older revisions do not time stages
            stages[role] = stages.get(role, 0.0) + seconds
    return {"s": wall / replications, "ticks": ticks / replications,
            "share": {role: seconds / wall for role, seconds in stages.items()}}


def measure_all(names: list[str], replications: int) -> dict[str, dict]:
    return {name: measure(name, replications) for name in names}


def baseline(revision: str, names: list[str], replications: int) -> dict[str, dict]:
    """The same measurement on another git revision, in a temporary worktree."""
    with tempfile.TemporaryDirectory(prefix="iadsim-baseline-") as folder:
        tree = Path(folder) / "tree"
        subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", "-q", str(tree), revision],
                       check=True)
        try:
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import bench_replication as b; "
                    "print(json.dumps(b.measure_all(sys.argv[2].split(','), int(sys.argv[3]))))")
            out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), ",".join(names),
                                  str(replications)], env=env, check=True, capture_output=True, text=True,
                                 cwd=tree)
            return json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(tree)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5, help="replications per scenario (after a warm-up)")
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision and print the speed-up")
    parser.add_argument("--baseline-replications", type=int, default=1)
    args = parser.parse_args()
    ours = measure_all(args.only, args.replications)
    older = [name for name in args.only if name not in ADDED]  # variants need fields older revisions lack
    theirs = baseline(args.baseline, older, args.baseline_replications) if args.baseline else {}
    roles = [role for role in next(iter(ours.values()))["share"]]
    header = f"{'scenario':<14} {'s/rep':>8} {'ticks':>6} " + " ".join(f"{role[:7]:>7}" for role in roles)
    if theirs:
        header += f" {'base s':>8} {'speed-up':>9}"
    print(header)
    for name, row in ours.items():
        line = f"{name:<14} {row['s']:>8.3f} {row['ticks']:>6.0f} " + " ".join(
            f"{100 * row['share'].get(role, 0.0):>6.1f}%" for role in roles)
        if name in theirs:
            line += f" {theirs[name]['s']:>8.2f} {theirs[name]['s'] / row['s']:>8.1f}x"
        print(line)
    figures = {
        "demo_s": round(ours["demo"]["s"], 4) if "demo" in ours else None,
        "case_s": {name: round(row["s"], 4) for name, row in ours.items() if name != "demo"},
        **{f"{variant.removeprefix('demo_')}_cost": round(ours[variant]["s"] / ours["demo"]["s"], 3)
           if {"demo", variant} <= set(ours) else None for variant in ADDED},
        "stage_share": {role: round(share, 4) for role, share in
                        (ours["demo"]["share"] if "demo" in ours else {}).items()},
    }
    if theirs:
        figures["baseline"] = {name: round(row["s"], 3) for name, row in theirs.items()}
        figures["speedup"] = {name: round(theirs[name]["s"] / ours[name]["s"], 1) for name in ours if name in theirs}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
