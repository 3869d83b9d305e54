"""Cold start: what the first run on a new machine pays to compile iadsim's kernels.

Runs one replication of a scenario (the demo by default) in a fresh process with an
empty numba cache (a temporary ``NUMBA_CACHE_DIR``), as a clean clone or a new user's
first ``make demo`` does, then the same replication again in a second fresh process
on the cache the first one wrote (what every later process, study worker and test
pays). numba's compile events give the seconds spent compiling each function,
its own share (callees it compiled on the way excluded); the table sums them by package
(iadsim.c2, iadsim.tracking, ...) and lists the costliest functions.

Prints the table, then, as its last line, one JSON object:
``{"cold_s": ..., "compile_s": ..., "warm_s": ..., "functions": ..., "by_module_s": {...}}``
(cold_s and warm_s: wall time of load + simulate in the first and second process).

    python benchmarks/bench_compile.py [--scenario examples/demo.yaml] [--top 15]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.yaml"

MEASURE = """
import json, sys, time
from collections import defaultdict
from numba.core import event

own = defaultdict(float)
stack = []

class Compiles(event.Listener):
    def on_start(self, ev):
        stack.append([time.perf_counter(), 0.0])

    def on_end(self, ev):
        started, callees = stack.pop()
        spent = time.perf_counter() - started
        function = ev.data["dispatcher"].py_func
        own[f"{function.__module__}.{function.__qualname__}"] += spent - callees
        if stack:
            stack[-1][1] += spent

event.register("numba:compile", Compiles())
started = time.perf_counter()
import iadsim
iadsim.simulate(iadsim.load_scenario(sys.argv[1]))
print(json.dumps({"wall_s": time.perf_counter() - started, "own_s": own}))
"""


def run_once(scenario: Path, cache: str) -> dict:
    """Load and simulate ``scenario`` in a fresh process whose numba cache is ``cache``."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(scenario)], capture_output=True, text=True,
                          env={**os.environ, "NUMBA_CACHE_DIR": cache}, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=DEMO)
    parser.add_argument("--top", type=int, default=15, help="how many of the costliest functions to list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iadsim-numba-") as cache:
        cold, warm = run_once(args.scenario, cache), run_once(args.scenario, cache)
    own = cold["own_s"]
    by_module: dict[str, float] = {}
    for name, seconds in own.items():
        module = name.rsplit(".", 1)[0] if name.startswith("iadsim.") else "numba and numpy overloads"
        module = ".".join(module.split(".")[:2]) if module.startswith("iadsim.") else module
        by_module[module] = by_module.get(module, 0.0) + seconds
    compile_s = sum(own.values())
    print(f"{args.scenario.name}: first run {cold['wall_s']:.1f} s (compiling {compile_s:.1f} s, "
          f"{len(own)} functions), second run {warm['wall_s']:.1f} s\n")
    print(f"{'module':44s} {'compile s':>10s}")
    for module, seconds in sorted(by_module.items(), key=lambda item: -item[1]):
        print(f"{module:44s} {seconds:10.1f}")
    print(f"\n{'costliest functions (own share)':60s} {'s':>6s}")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1])[:args.top]:
        print(f"{name[:60]:60s} {seconds:6.2f}")
    print(json.dumps({"cold_s": round(cold["wall_s"], 1), "compile_s": round(compile_s, 1),
                      "warm_s": round(warm["wall_s"], 2), "functions": len(own),
                      "by_module_s": {module: round(seconds, 1) for module, seconds in by_module.items()}}))


if __name__ == "__main__":
    main()
