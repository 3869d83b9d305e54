"""Seconds per replication of the demo and of every case scenario, with each stage's share.

Each scenario runs ``--replications`` times (seeds: the scenario's own, then +1,
+2, ...) after one warm-up replication that is not counted (it pays for loading
the catalog, compiling kernels the first time and building flyout tables).
Reported per scenario: the mean wall time of ``iadsim.simulate`` per replication
on this one core, the ticks run, and where the time went (``RunResult.stage_s``:
setup = compile and build the stages, one share per stage role, events = the event
table and metrics).

``--baseline REV`` measures the same replications, in the same run, on the code
of another git revision (a temporary worktree, this script's :func:`serve` run
there as a subprocess) and prints the speed-up of this checkout over it. The two
alternate replication by replication: the machines here are shared and their
speed drifts by a third over minutes, so only a ratio measured side by side is a
figure to trust.

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
    "case7": "case7_ew_strike.yaml",
    "case7b": "case7b_jammer_fixes.yaml",
    "case8": "case8_sead.yaml",
    "case9": "case9_himars_s400.yaml",
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


class Replications:
    """Times one replication at a time of any scenario in :data:`SCENARIOS`, on the iadsim importable here.

    Each scenario is loaded and run once uncounted the first time it is asked for (the warm-up)."""

    def __init__(self) -> None:
        from iadsim.catalog import load_catalog

        self.catalog = load_catalog()
        self.scenarios: dict = {}

    def scenario(self, name: str):
        import iadsim
        from iadsim.yamlio import read_yaml_file

        if name not in self.scenarios:
            data = dict(read_yaml_file(EXAMPLES / SCENARIOS[name]).data)
            for key, items in ADDED.get(name, {}).items():
                data[key] = [*data.get(key, []), *items]
            self.scenarios[name] = iadsim.load_scenario(data, self.catalog)
            iadsim.simulate(self.scenarios[name], catalog=self.catalog)  # warm-up: kernels, flyout tables, caches
        return self.scenarios[name]

    def time(self, name: str, offset: int) -> dict:
        """Wall seconds of one replication (seed: the scenario's own + ``offset``), its ticks and stage seconds."""
        import iadsim

        scenario = self.scenario(name)
        started = time.perf_counter()
        result = iadsim.simulate(scenario, seed=scenario.seed + offset, catalog=self.catalog)
        return {"s": time.perf_counter() - started, "ticks": result.ticks,
                "stage_s": dict(getattr(result, "stage_s", {}))}  # older revisions do not time stages


def serve() -> None:
    """The baseline side: answer each stdin line ``NAME OFFSET`` with one JSON line of :meth:`Replications.time`,
    or ``{"error": ...}`` where that revision cannot run the scenario (fields it does not know yet)."""
    replications = Replications()
    for line in sys.stdin:
        name, offset = line.split()
        try:
            answer = replications.time(name, int(offset))
        except Exception as error:  # noqa: BLE001 - any failure of an older revision means "not comparable"
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


class Baseline:
    """Another git revision in a temporary worktree, timing replications on request in a subprocess (:func:`serve`)."""

    def __init__(self, revision: str) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="iadsim-baseline-")
        self.tree = Path(self.folder.name) / "tree"
        subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", "-q", str(self.tree), revision],
                       check=True)
        code = "import sys; sys.path.insert(0, sys.argv[1]); import bench_replication; bench_replication.serve()"
        self.process = subprocess.Popen([sys.executable, "-c", code, str(Path(__file__).parent)],
                                        env={**os.environ, "PYTHONPATH": str(self.tree / "src")}, cwd=self.tree,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def time(self, name: str, offset: int) -> dict:
        self.process.stdin.write(f"{name} {offset}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()
        subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(self.tree)], check=False)
        self.folder.cleanup()


def summary(runs: list[dict]) -> dict:
    """Mean seconds and ticks per replication of some timed replications, and each stage's share of the time."""
    wall = sum(run["s"] for run in runs)
    stages: dict[str, float] = {}
    for run in runs:
        for role, seconds in run["stage_s"].items():
            stages[role] = stages.get(role, 0.0) + seconds
    return {"s": wall / len(runs), "ticks": sum(run["ticks"] for run in runs) / len(runs),
            "share": {role: seconds / wall for role, seconds in stages.items()}}


def measure(names: list[str], replications: int, revision: str | None) -> tuple[dict, dict]:
    """Per scenario, the :func:`summary` of this checkout and (with ``revision``) of that revision's code.

    The two alternate replication by replication, same seeds, so that drift in a shared machine's speed over
    minutes falls on both alike."""
    ours = Replications()
    theirs = Baseline(revision) if revision else None
    runs: dict[str, dict[str, list]] = {}
    try:
        for name in names:
            compared = theirs is not None and name not in ADDED  # variants need fields older revisions lack
            for offset in range(replications):
                runs.setdefault(name, {}).setdefault("ours", []).append(ours.time(name, offset))
                if compared:
                    answer = theirs.time(name, offset)
                    compared = "error" not in answer
                    if compared:
                        runs[name].setdefault("theirs", []).append(answer)
                    else:
                        print(f"{name}: not compared, {revision} cannot run it ({answer['error'][:200]})",
                              file=sys.stderr)
    finally:
        if theirs is not None:
            theirs.close()
    return ({name: summary(row["ours"]) for name, row in runs.items()},
            {name: summary(row["theirs"]) for name, row in runs.items() if "theirs" in row})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5, help="replications per scenario (after a warm-up)")
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision and print the speed-up")
    args = parser.parse_args()
    ours, theirs = measure(args.only, args.replications, args.baseline)
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
