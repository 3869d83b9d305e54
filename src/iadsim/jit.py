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

Function = TypeVar("Function", bound=Callable)


def kernel(function: Function) -> Function:
    """Compile ``function`` with iadsim's settings (see the module doc)."""
    return numba.njit(cache=True, nogil=True, error_model="numpy")(function)


def inlined(function: Function) -> Function:
    """Compile a small function of a kernel's inner loop with iadsim's settings, inlined where it is called.

    A call of a compiled function that passes arrays costs a few reference-count updates per array
    (atomic operations that numba cannot prune across a call it does not inline), more than the few
    dozen operations of a filter step on one track; inlined (``inline="always"``, at numba's IR level)
    it costs none. For helpers of a few lines called per track or per pair, not for big functions
    (each call site is compiled anew).
    """
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(function)

