"""Study throughput: replications of the demo scenario, bare loop against the study executors.

Runs the same replications (the seeds a study derives from one study seed) four ways:

* a bare loop of ``iadsim.simulate`` in this process (the baseline);
* ``iadsim study`` machinery with 1 local worker process, then 2;
* Dask distributed, a LocalCluster of 2 single-threaded workers on loopback.

Each study writes a real results folder (Parquet per batch, summary, DuckDB views)
with the default batch sizing. Overhead per replication is the worker time an
executor spends per replication beyond the bare loop's:
``(wall_s * workers - bare_s) / bare_s``; it includes any loss of scaling, so on a
machine shared with other work it is an upper bound. The "framework" column
instead compares with the time spent inside ``simulate`` on the workers
themselves (``run_time_s``), which isolates the study's own costs (shipping
batches, writing files, idle workers) from contention for the cores.

Targets (issue 6): overhead < 5 % with local processes, < 10 % with Dask; scaling
efficiency ``(rate_2 / rate_1) / 2`` > 85 %. Last line: one JSON object with keys
reps_per_s_1, reps_per_s_2, reps_per_s_dask_2, overhead_local_pct, overhead_dask_pct,
scaling_efficiency.

    python benchmarks/bench_study.py [--replications 1000]

A demo replication takes about 0.45 s on one core (December 2026), so the default
1,000 replications, four ways, need about half an hour on 2 cores;
``--replications 100`` gives the same figures in a few minutes, with more noise.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import pyarrow.compute as pc

import iadsim
from iadsim.study.executors import available_cores, make_executor
from iadsim.study.runner import finish, run_study
from iadsim.study.seeds import replication_seed
from iadsim.study.spec import load_study
from iadsim.study.store import StudyStore

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.yaml"
STUDY_SEED = 20261125


def bare_loop(replications: int) -> float:
    """Wall time (s) of the study's replications run one after another in this process."""
    scenario = iadsim.load_scenario(DEMO)
    start = time.perf_counter()
    for replication in range(replications):
        iadsim.simulate(scenario, seed=replication_seed(STUDY_SEED, replication))
    return time.perf_counter() - start


def study(folder: Path, replications: int, kind: str, workers: int) -> tuple[float, float]:
    """Wall time (s) of a whole study run (executor start included) and the summed run time on the workers."""
    study_file = folder / "bench-study.yaml"
    study_file.write_text(f"name: bench\nscenario: {DEMO}\nreplications: {replications}\nseed: {STUDY_SEED}\n",
                          encoding="utf-8")
    plan = load_study(study_file)
    output = folder / f"{kind}-{workers}"
    start = time.perf_counter()
    with StudyStore.create_or_resume(output, plan) as store, make_executor(kind, workers) as executor:
        outcome = run_study(plan, store, executor, replications)
        finish(store)
    wall_s = time.perf_counter() - start
    assert outcome.ran == replications
    inside_s = pc.sum(StudyStore.open(output).metrics().column("run_time_s")).as_py()
    return wall_s, inside_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    arguments = parser.parse_args()
    n = arguments.replications
    print(f"{n} replications of {DEMO.name}; machine: {os.cpu_count()} cores, {available_cores()} usable, "
          f"load average {os.getloadavg()[0]:.2f} (shared with other work: figures are noisy)")
    bare_s = bare_loop(n)
    rows = {"bare loop": (bare_s, 1, bare_s)}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for label, kind, workers in (("local, 1 worker", "local", 1), ("local, 2 workers", "local", 2),
                                     ("dask, 2 workers", "dask", 2)):
            wall_s, inside_s = study(folder, n, kind, workers)
            rows[label] = (wall_s, workers, inside_s)
    print(f"{'how':<18}{'wall s':>10}{'reps/s':>10}{'overhead %':>12}{'framework %':>13}")
    figures = {}
    for label, (wall_s, workers, inside_s) in rows.items():
        overhead = (wall_s * workers - bare_s) / bare_s * 100
        framework = (wall_s * workers - inside_s) / inside_s * 100
        figures[label] = (n / wall_s, overhead)
        print(f"{label:<18}{wall_s:>10.1f}{n / wall_s:>10.3f}{overhead:>12.1f}{framework:>13.1f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    result = {
        "reps_per_s_1": round(figures["local, 1 worker"][0], 4),
        "reps_per_s_2": round(figures["local, 2 workers"][0], 4),
        "reps_per_s_dask_2": round(figures["dask, 2 workers"][0], 4),
        "overhead_local_pct": round(figures["local, 1 worker"][1], 2),
        "overhead_dask_pct": round(figures["dask, 2 workers"][1], 2),
        "scaling_efficiency": round(figures["local, 2 workers"][0] / figures["local, 1 worker"][0] / 2, 4),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
