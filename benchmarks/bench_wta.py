"""Weapon-target assignment solvers on the random instances of Ahuja, Kumar, Jha & Orlin (2007).

Instances: target values uniform in [25, 100], kill probabilities uniform in
[0.60, 0.90], one round per weapon (Operations Research 55(6), section 6), at
10 × 10, 50 × 50, 100 × 100, 200 × 200 and 1000 × 1000 (weapons × targets).

For each size and solver: the mean objective (expected surviving value), the
mean gap to the exact optimum (HiGHS, proven optimal) or, where the exact
solver stops at its node limit, to its best lower bound; and the mean wall time.
``local_search`` includes the greedy it starts from. The exact solver is not run
at 1000 × 1000 (a million integer variables), so no gap is known there.

Targets (issue 5): local search within 0.5 % of the optimum on average up to
50 × 50; 200 × 200 under 50 ms; 1000 × 1000 under 1 s. The last line is one JSON
object keyed by size and solver:
{"200x200": {"greedy": {"mean_objective": ..., "mean_gap_pct": ..., "mean_seconds": ...}, ...}, ...}

    python benchmarks/bench_wta.py [--sizes 10 50 100 200 1000] [--exact-node-limit 20000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from iadsim.c2.wta import exact, local_search, marginal_return, objective
from iadsim.c2.wta.exact import EXACT_NODE_LIMIT
from iadsim.c2.wta.instances import ahuja_instance

T = TypeVar("T")
INSTANCES = {10: 20, 50: 10, 100: 5, 200: 3, 1000: 3}
EXACT_UP_TO = 200


def timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    """``function(*args)`` and its wall time (s)."""
    start = time.perf_counter()
    out = function(*args)
    return out, time.perf_counter() - start


def run_size(size: int, count: int, exact_node_limit: int, rng: np.random.Generator) -> dict[str, dict]:
    rows: dict[str, list[tuple[float, float, float | None]]] = {"greedy": [], "local_search": [], "exact": []}
    proven = 0
    for _ in range(count):
        problem = ahuja_instance(size, size, rng)
        greedy, greedy_s = timed(marginal_return, problem)
        local, local_s = timed(lambda p: local_search(p, marginal_return(p)), problem)
        bound = None
        if size <= EXACT_UP_TO:
            result, exact_s = timed(lambda p: exact(p, node_limit=exact_node_limit), problem)
            bound = result.objective if result.optimal else result.lower_bound
            proven += result.optimal
            rows["exact"].append((result.objective, exact_s, bound))
        rows["greedy"].append((objective(problem, greedy), greedy_s, bound))
        rows["local_search"].append((objective(problem, local), local_s, bound))
    summary = {}
    for solver, values in rows.items():
        if not values:
            continue
        objectives, seconds, bounds = zip(*values, strict=True)
        gaps = [100.0 * (v - b) / b for v, b in zip(objectives, bounds, strict=True) if b is not None]
        summary[solver] = {
            "mean_objective": round(float(np.mean(objectives)), 4),
            "mean_gap_pct": round(float(np.mean(gaps)), 4) if gaps else None,
            "mean_seconds": round(float(np.mean(seconds)), 5),
        }
    summary["exact_proven"] = proven if size <= EXACT_UP_TO else None  # type: ignore[assignment]
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(INSTANCES))
    parser.add_argument("--exact-node-limit", type=int, default=EXACT_NODE_LIMIT,
                        help="branch-and-bound nodes per MILP of the exact solver")
    parser.add_argument("--quick", action="store_true", help="two instances per size")
    args = parser.parse_args()
    rng = np.random.default_rng(2007)
    warm = ahuja_instance(3, 3, np.random.default_rng(0))  # load the compiled solvers before timing them
    local_search(warm, marginal_return(warm))
    exact(warm)
    results = {}
    print(f"{'size':>10} {'solver':>13} {'instances':>9} {'mean objective':>15} {'mean gap %':>11} {'mean time':>12}")
    for size in args.sizes:
        count = 2 if args.quick else INSTANCES.get(size, 3)
        summary = run_size(size, count, args.exact_node_limit, rng)
        proven = summary.pop("exact_proven")
        key = f"{size}x{size}"
        results[key] = summary
        for solver, row in summary.items():
            gap = "-" if row["mean_gap_pct"] is None else f"{row['mean_gap_pct']:.3f}"
            note = f"  (proven optimal {proven}/{count})" if solver == "exact" else ""
            print(f"{key:>10} {solver:>13} {count:>9} {row['mean_objective']:>15.3f} {gap:>11} "
                  f"{1e3 * row['mean_seconds']:>9.1f} ms{note}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
