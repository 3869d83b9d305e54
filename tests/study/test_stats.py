"""Study statistics: the Wilson interval against Newcombe (1998), the bootstrap's coverage, sample sizes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from iadsim.study.stats import interval_of, replications_needed, summarize, wilson_interval
from iadsim.verify.study import NEWCOMBE_1998_WILSON


@pytest.mark.parametrize(("counts", "expected"), list(NEWCOMBE_1998_WILSON.items()))
def test_wilson_matches_newcombe_table_ii(counts, expected):
    """Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score, no correction)."""
    assert wilson_interval(*counts) == pytest.approx(expected, abs=5e-5)


def test_wilson_is_the_closed_form_and_stays_in_bounds():
    """Wilson (1927): the limits solve |p - pi| = z sqrt(pi (1 - pi) / n) for pi."""
    for successes, trials in [(0, 5), (5, 5), (3, 10), (499, 1000)]:
        p = successes / trials
        for limit in wilson_interval(successes, trials):
            assert 0 <= limit <= 1
            assert abs(p - limit) == pytest.approx(1.959964 * np.sqrt(limit * (1 - limit) / trials), abs=1e-6)


def test_intervals_by_kind_of_metric():
    assert interval_of(np.array([3.0, 3.0, 3.0])).method == "constant"
    yes_no = interval_of(np.array([0.0, 1.0, 1.0, 0.0, 1.0]))
    assert yes_no.method == "wilson" and (yes_no.low, yes_no.high) == pytest.approx(wilson_interval(3, 5))
    counts = interval_of(np.arange(50, dtype=float))
    assert counts.method == "bootstrap" and counts.low < 24.5 < counts.high


def test_bootstrap_coverage_near_95_percent():
    """Over 200 samples of 40 exponential draws, the interval holds the true mean about 95 % of the time
    (BCa on a skewed law; 200 trials give +-3 % at 2 sigma, so 88 % is the floor)."""
    rng = np.random.default_rng(11)
    hits = sum(interval.low <= 2.0 <= interval.high
               for interval in (interval_of(rng.exponential(2.0, 40)) for _ in range(200)))
    assert hits / 200 >= 0.88


def test_replications_needed():
    values = np.random.default_rng(3).normal(10.0, 2.0, 400)
    needed = replications_needed(values, "bootstrap", 0.1)
    assert needed == pytest.approx((1.959964 * 2.0 / 0.1) ** 2, rel=0.1)
    assert replications_needed(np.zeros(20), "constant", 0.05) > 1, "nothing seen yet still asks for runs"
    assert replications_needed(np.array([0.0, 1.0] * 50), "wilson", 0.05) == pytest.approx(385, abs=10)


def test_summarize_skips_metrics_a_point_lacks():
    table = pa.table({"point": pa.array([0, 0, 1, 1], pa.int32()), "a": [1.0, 2.0, 3.0, 5.0],
                      "b": [None, None, 1.0, 0.0]})
    summary = summarize(table, {"a": 0.5}, ["a", "b"]).to_pylist()
    assert [(row["point"], row["metric"]) for row in summary] == [(0, "a"), (1, "a"), (1, "b")]
    assert summary[0]["replications_needed"] >= 1 and summary[2]["target_half_width"] is None
