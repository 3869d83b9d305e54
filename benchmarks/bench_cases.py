"""Time every case's full study (examples/case*-study.yaml) with 2 local workers: each must finish in
under 10 minutes on the 2-core machine (issue 8).

    python benchmarks/bench_cases.py                          # every case, into a temporary folder
    python benchmarks/bench_cases.py 1 4                      # cases 1 and 4
    python benchmarks/bench_cases.py --output results/cases   # keep the studies: then
                                                              # python examples/cases.py only reads them

Each case's studies run as `iadsim study STUDY -w 2` does (examples/cases.py's case list,
casebook.run_case_study). The table gives the replications, the wall time, replications per
second, and the parallel efficiency: the replications' own run time (summed over the
workers, from the study's `run_time_s` column) over wall time x workers. The last line is one
JSON object: {"case1_s": ..., ..., "case6_s": ..., "max_s": ...}.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

from iadsim import casebook

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 600.0


def _cases_module():
    spec = importlib.util.spec_from_file_location("cases", ROOT / "examples" / "cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["cases"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=int, nargs="*", help="case numbers (default: all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, help="keep the study folders here (default: a temporary folder)")
    args = parser.parse_args(argv)
    cases = _cases_module().CASES
    numbers = args.cases or sorted(cases)
    with tempfile.TemporaryDirectory(prefix="bench-cases-") as temporary:
        output = args.output or Path(temporary)
        rows, timings = [], {}
        for number in numbers:
            started = time.perf_counter()
            replications, work_s = 0, 0.0
            for name in cases[number].studies:
                found = casebook.run_case_study(ROOT / "examples" / name, output / Path(name).stem, None,
                                                args.workers)
                replications += len(found.metrics)
                work_s += float(found.metrics.run_time_s.sum())
            wall_s = time.perf_counter() - started
            timings[f"case{number}_s"] = round(wall_s, 1)
            rows.append((number, len(cases[number].studies), replications, wall_s, replications / wall_s,
                         work_s / (wall_s * args.workers), wall_s < LIMIT_S))
    print(f"\n{'case':>4} {'studies':>7} {'replications':>12} {'wall s':>8} {'rep/s':>7} {'efficiency':>10} "
          f"{'< 10 min':>8}")
    for number, studies, replications, wall_s, rate, efficiency, ok in rows:
        print(f"{number:>4} {studies:>7} {replications:>12} {wall_s:>8.1f} {rate:>7.3f} {efficiency:>10.0%} "
              f"{'yes' if ok else 'NO':>8}")
    print("(efficiency: the replications' own run time over wall time x workers; in a resumed --output "
          "folder, the stored replications count too)")
    print(json.dumps({**timings, "max_s": max(timings.values())}))


if __name__ == "__main__":
    main(sys.argv[1:])
