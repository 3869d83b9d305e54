"""scripts/same_events.py, the bit-identity check of event logs, on real runs' Parquet files."""

import importlib.util
import shutil

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPOSITORY
from tests.helpers import iadsim_command

SCENARIO = REPOSITORY / "tests" / "data" / "home_on_jam.yaml"


@pytest.fixture(scope="module")
def same_events():
    spec = importlib.util.spec_from_file_location("same_events", REPOSITORY / "scripts" / "same_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two trees of run folders: seed 0 twice (same code, same seed: the same log), and seed 1 in the second."""
    root = tmp_path_factory.mktemp("runs")
    for tree, seeds in (("a", (0, 1)), ("b", (0, 2))):
        for index, seed in enumerate(seeds):
            result = iadsim_command("run", SCENARIO, "-o", root / tree / f"run-{index}", "--seed", seed, "-q")
            assert result.returncode == 0, result.stderr
    return root


def test_a_log_with_nans_is_identical_to_itself_though_arrow_says_otherwise(same_events, runs):
    table = pq.read_table(runs / "a" / "run-0" / "events.parquet")
    assert np.isnan(table["value"].to_numpy(zero_copy_only=False)).any()  # why Table.equals cannot be used
    assert not table.equals(pq.read_table(runs / "a" / "run-0" / "events.parquet"))
    assert same_events.same_table(table, table)


def test_same_seed_is_identical_and_another_seed_differs(same_events, runs, capsys):
    assert same_events.main([str(runs / "a" / "run-0"), str(runs / "b" / "run-0")]) == 0
    assert same_events.main([str(runs / "a"), str(runs / "b")]) == 1  # run-1: seed 1 against seed 2
    out = capsys.readouterr().out
    assert "run-1" in out and "DIFFERENT" in out and "1 of 2 differ" in out


def test_one_changed_bit_a_missing_run_and_a_bad_call_are_reported(same_events, runs, tmp_path, capsys):
    table = pq.read_table(runs / "a" / "run-0" / "events.parquet")
    column = table.column_names.index("t_s")
    times = table["t_s"].to_numpy().copy()
    times[-1] = np.nextafter(times[-1], np.inf)  # one bit in the last place
    assert not same_events.same_table(table, table.set_column(column, "t_s", pa.array(times)))
    shutil.copytree(runs / "a", tmp_path / "a")
    shutil.rmtree(tmp_path / "a" / "run-1")
    assert same_events.main([str(runs / "a"), str(tmp_path / "a")]) == 1
    assert "missing" in capsys.readouterr().out
    assert same_events.main([str(runs / "a")]) == 2
