"""The kernels' random stream (iadsim.jit): xoshiro256** against its reference, and its distributions.

References: the reference implementation of xoshiro256** (Blackman and Vigna, "Scrambled
linear pseudorandom number generators", 2018; xoshiro256starstar.c), whose first outputs
from the state (1, 2, 3, 4) are 11520, 0, 1509978240, 1215971899390074240; the uniform,
normal and Poisson laws through scipy.stats, at a significance of 0.001.
"""

import numpy as np
import pytest
from scipy import stats

from iadsim.jit import KernelRandom, kernel, next_word_of, normal_of, poisson_of, uniform_of

DRAWS = 50_000


@kernel
def _many(state, kind, mean, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform_of(state) if kind == 0 else normal_of(state) if kind == 1 else poisson_of(state, mean)
    return out


def test_xoshiro_gives_the_reference_outputs():
    state = np.array([1, 2, 3, 4], np.uint64)
    assert [int(next_word_of(state)) for _ in range(4)] == [11520, 0, 1509978240, 1215971899390074240]


def test_the_stream_derives_from_the_stage_generator_and_is_reproducible():
    first = KernelRandom().state(np.random.default_rng(7))
    again = KernelRandom().state(np.random.default_rng(7))
    other = KernelRandom().state(np.random.default_rng(8))
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert np.array_equal(_many(first, 0, 0.0, 10), _many(again, 0, 0.0, 10))


def test_uniform_and_normal_draws_follow_their_laws():
    state = KernelRandom().state(np.random.default_rng(1))
    uniform = _many(state, 0, 0.0, DRAWS)
    assert uniform.min() >= 0.0 and uniform.max() < 1.0
    assert stats.kstest(uniform, "uniform").pvalue > 1e-3
    assert stats.kstest(_many(state, 1, 0.0, DRAWS), "norm").pvalue > 1e-3


@pytest.mark.parametrize("mean", [1e-4, 0.7, 12.0, 1_234.5])
def test_poisson_draws_follow_the_poisson_law(mean):
    """Chi-square of the counts against the Poisson pmf, cells of expected count >= 5 (the tails pooled)."""
    state = KernelRandom().state(np.random.default_rng(2))
    counts = _many(state, 2, mean, DRAWS).astype(int)
    low, high = int(stats.poisson.ppf(1e-4, mean)), int(stats.poisson.ppf(1 - 1e-4, mean))
    edges = np.arange(low, high + 2)
    observed = np.histogram(np.clip(counts, low, high), bins=edges)[0]
    expected = np.diff(stats.poisson.cdf(edges - 1, mean))
    expected[0], expected[-1] = stats.poisson.cdf(low, mean), stats.poisson.sf(high - 1, mean)
    expected *= DRAWS / expected.sum()
    keep = expected >= 5
    if keep.sum() < 2:  # a tiny mean: nearly every draw is 0
        assert abs(counts.mean() - mean) < 5 * np.sqrt(mean / DRAWS) + 1e-9
        return
    observed = np.append(observed[keep], observed[~keep].sum())
    expected = np.append(expected[keep], expected[~keep].sum())
    nonzero = expected > 0
    assert stats.chisquare(observed[nonzero], expected[nonzero] * observed.sum() / expected[nonzero].sum()
                           ).pvalue > 1e-3
