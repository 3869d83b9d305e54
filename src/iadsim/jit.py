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

Random draws inside kernels take the stage's own ``numpy.random.Generator``
as an argument (numba draws the same numbers as numpy and advances the same
state), so a stage's stream stays one stream whether it draws in Python or in a
kernel. ``NUMBA_DISABLE_JIT=1`` runs every kernel as plain Python, for
debugging.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numba
import numpy as np

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
