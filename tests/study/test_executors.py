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
