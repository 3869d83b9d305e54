"""Statistics of a study, per sweep point and metric: mean, 95 % confidence interval, replications needed.

* A metric whose every value is 0 or 1 (``leaked_any``, or any yes/no
  outcome) is a proportion of independent replications: its interval is the
  Wilson score interval (Wilson 1927, JASA 22:209-212; recommended by
  Newcombe 1998, Statistics in Medicine 17:857-872, and Agresti & Coull 1998),
  which stays inside [0, 1] and keeps its coverage near 0 and 1, where the
  textbook normal interval fails.
* Any other metric (counts, fractions, costs) gets a bias-corrected and
  accelerated bootstrap interval of the mean (``scipy.stats.bootstrap``,
  Efron & Tibshirani 1993, ch. 14), with a fixed resampling seed so that the
  summary is the same at every rerun; percentile when BCa is undefined.
* A metric with the same value in every replication has a zero-width interval
  (``constant``).

Replications needed for a wanted half-width ``h`` (at most ``MAX_REPLICATIONS_NEEDED``): ``n = z^2 p (1 - p) / h^2``
for a proportion (``p`` the Agresti-Coull adjusted estimate, so that a point
where nothing has happened yet still asks for replications), and
``n = (z s / h)^2`` otherwise (``s`` the sample standard deviation): the
normal-approximation sample size (e.g. Law, Simulation Modeling and Analysis,
5th ed., sec. 9.4.1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy import stats

CONFIDENCE = 0.95
Z_95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
"""Two-sided 95 % standard normal quantile, 1.95996..."""
MAX_REPLICATIONS_NEEDED = 10**15
"""Replications needed are reported up to this (a precision of 1e-300 asks for more than any study runs)."""
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20261125
SUMMARY_SCHEMA = pa.schema([
    ("point", pa.int32()), ("metric", pa.string()), ("n", pa.int64()), ("mean", pa.float64()),
    ("std", pa.float64()), ("ci_low", pa.float64()), ("ci_high", pa.float64()), ("half_width", pa.float64()),
    ("method", pa.string()), ("target_half_width", pa.float64()), ("replications_needed", pa.int64()),
])
"""Columns of ``summary.parquet`` (docs/studies.md)."""


@dataclass(frozen=True)
class Interval:
    """A mean and its 95 % confidence interval, and how it was computed."""

    mean: float
    low: float
    high: float
    method: str

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (Wilson 1927, eq. for the 'probable' limits).

    ``(p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``p = successes / trials``.
    """
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got {successes}/{trials}")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    spread = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


def interval_of(values: np.ndarray) -> Interval:
    """Mean and 95 % interval of one metric's values at one point (NaN-free)."""
    mean = float(np.mean(values))
    if np.all(values == values[0]):
        return Interval(mean, mean, mean, "constant")
    if np.all((values == 0) | (values == 1)):
        low, high = wilson_interval(int(np.sum(values)), len(values))
        return Interval(mean, low, high, "wilson")
    low, high = _bootstrap(values, "BCa")
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = _bootstrap(values, "percentile")
    return Interval(mean, low, high, "bootstrap")


def _bootstrap(values: np.ndarray, method: str) -> tuple[float, float]:
    result = stats.bootstrap((values,), np.mean, n_resamples=BOOTSTRAP_RESAMPLES, method=method,
                             confidence_level=CONFIDENCE, vectorized=True,
                             rng=np.random.default_rng(BOOTSTRAP_SEED))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def replications_needed(values: np.ndarray, method: str, half_width: float, z: float = Z_95) -> int:
    """Replications for a 95 % interval of half-width ``half_width`` (normal approximation, see module)."""
    if method == "wilson" or (method == "constant" and np.all((values == 0) | (values == 1))):
        adjusted = (float(np.sum(values)) + z * z / 2) / (len(values) + z * z)  # Agresti & Coull (1998)
        variance = adjusted * (1 - adjusted)
    else:
        variance = float(np.var(values, ddof=1)) if len(values) > 1 else 0.0
    ratio = z * math.sqrt(variance) / half_width  # not z² var / h²: h² underflows to 0 for h = 1e-300
    most = math.sqrt(MAX_REPLICATIONS_NEEDED)
    return max(1, math.ceil((ratio if ratio <= most else most) ** 2))  # NaN and inf: the most


def summarize(metrics: pa.Table, precision: Mapping[str, float], metric_names: Sequence[str]) -> pa.Table:
    """One row per point and metric (``SUMMARY_SCHEMA``), from the metrics of every stored replication.

    ``metrics`` holds a ``point`` column and the metric columns ``metric_names``;
    a metric that is null at a point (the point does not have it) gives no row.
    """
    rows: dict[str, list] = {field.name: [] for field in SUMMARY_SCHEMA}
    points = metrics.column("point").to_numpy()
    for point in np.unique(points):
        at_point = points == point
        for name in metric_names:
            column = metrics.column(name).to_numpy(zero_copy_only=False)[at_point].astype(float)
            values = column[~np.isnan(column)]
            if values.size == 0:
                continue
            interval = interval_of(values)
            target = precision.get(name)
            for key, value in (
                ("point", int(point)), ("metric", name), ("n", values.size), ("mean", interval.mean),
                ("std", float(np.std(values, ddof=1)) if values.size > 1 else 0.0), ("ci_low", interval.low),
                ("ci_high", interval.high), ("half_width", interval.half_width), ("method", interval.method),
                ("target_half_width", target),
                ("replications_needed", None if target is None else
                 replications_needed(values, interval.method, target)),
            ):
                rows[key].append(value)
    return pa.table(rows, schema=SUMMARY_SCHEMA)
