"""Results do not depend on where replications run: in this process, 1 or 2 local worker processes,
or a real Dask LocalCluster on loopback; nor on batch sizes or finishing order."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from iadsim.study.executors import make_executor
from iadsim.study.runner import finish, run_study
from iadsim.study.seeds import replication_seed
from iadsim.study.spec import load_study
from iadsim.study.store import StudyStore


def run(study_file: Path, folder: Path, kind: str, workers: int | None = None, batch: int | None = None) -> pa.Table:
    """Run the study into ``folder``; return its metrics without the wall-time column."""
    plan = load_study(study_file)
    with StudyStore.create_or_resume(folder, plan) as store, make_executor(kind, workers) as executor:
        outcome = run_study(plan, store, executor, plan.study.replications, batch_size=batch)
        finish(store)
    assert outcome.ran == plan.study.replications * len(plan.points) and not outcome.interrupted
    return StudyStore.open(folder).metrics().drop_columns(["run_time_s"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pa.Table]:
    from tests.study.conftest import write_study

    folder = tmp_path_factory.mktemp("reference")
    study_file = write_study(folder)
    return study_file, run(study_file, folder / "out", "inprocess", batch=4)


def test_reference_varies_between_replications_and_points(reference):
    _, metrics = reference
    leak = metrics.column("leak_fraction").to_pylist()
    assert metrics.num_rows == 12 and len(set(leak)) > 2, "the tiny study must exercise chance and the sweep"
    assert metrics.column("seed").to_pylist()[:6] == [replication_seed(5, r) for r in range(6)]


@pytest.mark.parametrize(("kind", "workers"), [("local", 1), ("local", 2), ("dask", 2)])
def test_results_identical_whatever_the_executor(reference, tmp_path, kind, workers):
    study_file, expected = reference
    got = run(study_file, tmp_path / "out", kind, workers)
    assert got.equals(expected)


def test_dask_cluster_address(reference, tmp_path):
    """--cluster tcp://...: a scheduler started elsewhere (here a LocalCluster on loopback) is used."""
    from distributed import LocalCluster

    study_file, expected = reference
    with LocalCluster(n_workers=1, threads_per_worker=2, host="127.0.0.1", dashboard_address=None) as cluster:
        plan = load_study(study_file)
        with StudyStore.create_or_resume(tmp_path / "out", plan) as store, \
                make_executor(None, None, cluster.scheduler_address) as executor:
            assert executor.workers == 2 and cluster.scheduler_address in executor.describe()
            run_study(plan, store, executor, plan.study.replications)
    assert StudyStore.open(tmp_path / "out").metrics().drop_columns(["run_time_s"]).equals(expected)


def test_batches_without_event_logs_skip_paths_and_keep_every_metric(tmp_path):
    """A batch that keeps no logs runs without path points (worker.without_paths): every metric is the
    same, bit for bit, as the run with them, and the log it would have kept has no path_point rows."""
    import math

    from iadsim.engine import simulate
    from iadsim.scenario.load import load_scenario
    from iadsim.study.worker import Batch, run_batch, without_paths
    from tests.study.conftest import write_study

    write_study(tmp_path)
    scenario = load_scenario(tmp_path / "tiny.yaml")
    seeds = (11, 12)
    quiet = run_batch(Batch(0, 0, 2, seeds, scenario, events=False)).metrics.drop_columns(["run_time_s"])
    logged = run_batch(Batch(0, 0, 2, seeds, scenario, events=True))
    assert quiet.equals(logged.metrics.drop_columns(["run_time_s"]))
    assert "path_point" in set(logged.events.column("kind").cast(pa.string()).to_pylist())
    for seed in seeds:
        with_paths, without = simulate(scenario, seed=seed), simulate(without_paths(scenario), seed=seed)
        assert "path_point" not in set(without.events.column("kind").cast(pa.string()).to_pylist())
        assert with_paths.metrics.keys() == without.metrics.keys()
        for name, value in with_paths.metrics.items():
            assert value == without.metrics[name] or (math.isnan(value) and math.isnan(without.metrics[name])), name
