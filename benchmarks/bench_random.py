"""Cost of a kernel call that draws random numbers: numba's Generator argument against iadsim.jit's stream.

A stage draws from its own stream inside its kernels once or more per tick. numba accepts
a ``numpy.random.Generator`` as an argument, but unboxing it on every call costs more than
a stage's whole budget per tick; :class:`iadsim.jit.KernelRandom` passes a four-word
``uint64`` array instead. Prints microseconds per call of the same tiny kernel (one uniform
draw) both ways and the ratio; last line: {"generator_us": ..., "kernel_random_us": ..., "ratio": ...}.

    python benchmarks/bench_random.py [--calls 20000]
"""

from __future__ import annotations

import argparse
import json
import time

import numba
import numpy as np

from iadsim.jit import KernelRandom, kernel, uniform_of


@numba.njit(cache=True)
def _with_generator(rng: np.random.Generator) -> float:
    return rng.random()


@kernel
def _with_state(state: np.ndarray) -> float:
    return uniform_of(state)


def per_call_us(function, argument, calls: int) -> float:
    function(argument)
    started = time.perf_counter()
    for _ in range(calls):
        function(argument)
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    calls = parser.parse_args().calls
    rng = np.random.default_rng(1)
    generator_us = per_call_us(_with_generator, rng, calls)
    state_us = per_call_us(_with_state, KernelRandom().state(rng), calls)
    print(f"{'argument':<28}{'us per call':>12}")
    print(f"{'numpy Generator (numba)':<28}{generator_us:>12.2f}")
    print(f"{'KernelRandom state (uint64)':<28}{state_us:>12.2f}")
    print(json.dumps({"generator_us": round(generator_us, 3), "kernel_random_us": round(state_us, 3),
                      "ratio": round(generator_us / state_us, 1)}))


if __name__ == "__main__":
    main()
