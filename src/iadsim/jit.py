"""Compiled kernels: numba's ``njit`` with iadsim's settings, for the hot paths of a tick.

A tick of the demo has a budget of about a tenth of a millisecond for every stage
together, less than the cost of fifty small numpy calls; stages therefore do the
work of a tick in compiled loops (docs/design.md, "Speed"). Every kernel is
compiled with:

- ``cache=True``: compiled once per machine into ``__pycache__`` and reused by
  every later process (study workers included), so a run pays for compilation
  only the first time;
- ``error_model="numpy"``: a division by zero gives inf or NaN as in numpy,
  never an exception from inside a loop;
- no ``fastmath``: IEEE arithmetic, so results do not depend on how the
  compiler reorders sums.

Random draws inside kernels come from a :class:`KernelRandom`: a xoshiro256**
generator (Blackman and Vigna 2018) whose four-word state is a plain ``uint64``
array, seeded once from the stage's own ``numpy.random.Generator`` (so it derives
from the run's seed and the stage's role like every other draw of the stage).
numba can take a ``Generator`` as an argument, but unboxing it costs about 13 µs
a call against 0.4 µs for an array (``benchmarks/bench_random.py``), more than a
whole stage's budget per tick. ``NUMBA_DISABLE_JIT=1`` runs every kernel as
plain Python, for debugging.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numba
import numpy as np
from numpy.typing import NDArray

Function = TypeVar("Function", bound=Callable)


def kernel(function: Function) -> Function:
    """Compile ``function`` with iadsim's settings (see the module doc)."""
    return numba.njit(cache=True, nogil=True, error_model="numpy")(function)


def inline_kernel(function: Function) -> Function:
    """As :func:`kernel`, for a small helper of kernels' inner loops: compiled into each kernel that calls it
    (numba's IR inlining). A call of a compiled function that passes arrays counts their references on the way
    in and out; for a named tuple of a dozen arrays that is about half a microsecond, more than the work of a
    look-up or a test."""
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(function)


def kernel_calling_python(function: Function) -> Function:
    """As :func:`kernel`, for a kernel that calls back into Python in a ``numba.objmode`` block (the exact WTA
    solver calls HiGHS): compiled without ``nogil``, which a block that holds the GIL cannot honour."""
    return numba.njit(cache=True, error_model="numpy")(function)


@kernel
def grown(array: np.ndarray, size: int) -> np.ndarray:
    """``array`` itself if it holds ``size`` rows, else a copy with at least twice the room (for kernels that
    collect an unknown number of rows, such as the feasible pairs of a command cycle)."""
    if size <= len(array):
        return array
    bigger = np.empty((max(2 * len(array), size, 16),) + array.shape[1:], dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


_MASK = (1 << 64) - 1


class KernelRandom:
    """A stage's random stream for kernels: the xoshiro256** state, seeded from the stage's generator on first use.

    Pass :meth:`state` to a kernel, which draws with :func:`uniform_of`, :func:`normal_of` and
    :func:`poisson_of` and advances the state in place.
    """

    def __init__(self) -> None:
        self._state: NDArray[np.uint64] | None = None

    def state(self, rng: np.random.Generator) -> NDArray[np.uint64]:
        if self._state is None:
            state = rng.integers(0, _MASK, size=4, dtype=np.uint64, endpoint=True)
            state[0] |= np.uint64(state.sum() == 0)  # the one state xoshiro cannot leave
            self._state = state
        return self._state


@kernel
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@kernel
def next_word_of(state: NDArray[np.uint64]) -> np.uint64:
    """The next 64-bit output of xoshiro256** (the reference algorithm of Blackman and Vigna 2018)."""
    result = _rotl(state[1] * np.uint64(5), 7) * np.uint64(9)
    shifted = state[1] << np.uint64(17)
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= shifted
    state[3] = _rotl(state[3], 45)
    return result


@kernel
def uniform_of(state: NDArray[np.uint64]) -> float:
    """A uniform draw on [0, 1): the top 53 bits of the next word."""
    return float(next_word_of(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@kernel
def normal_of(state: NDArray[np.uint64]) -> float:
    """A standard normal draw (Marsaglia's polar method; the second value of each pair is not kept)."""
    while True:
        u = 2.0 * uniform_of(state) - 1.0
        v = 2.0 * uniform_of(state) - 1.0
        radius_sq = u * u + v * v
        if 0.0 < radius_sq < 1.0:
            return u * np.sqrt(-2.0 * np.log(radius_sq) / radius_sq)


POISSON_CHUNK = 500.0
"""Largest mean drawn by inversion in one piece; larger means are sums of pieces (e^-500 is still a normal float)."""


@kernel
def poisson_of(state: NDArray[np.uint64], mean: float) -> int:
    """A Poisson draw of ``mean`` by inversion of its distribution, in pieces of at most :data:`POISSON_CHUNK`."""
    count = 0
    left = mean
    while left > 0.0:
        piece = min(left, POISSON_CHUNK)
        left -= piece
        k, probability = 0, np.exp(-piece)
        cumulative, u = probability, uniform_of(state)
        while u > cumulative and probability > 0.0:
            k += 1
            probability *= piece / k
            cumulative += probability
        count += k
    return count
