"""Replication seeds: one study seed, one independent stream per replication.

Replication ``r`` runs with the integer seed drawn from the ``r``-th child of
``numpy.random.SeedSequence(study_seed)`` (the child that ``.spawn()`` hands out
``r``-th): its first 64-bit word of state, shifted right by one bit so that it
fits a signed 64-bit Parquet column. A replication's seed therefore depends on
the study seed and its number only, never on the number of workers, the
batching or the order in which runs finish. Every sweep point uses the same
replication seeds (common random numbers): two points differ by the swept
value, not by luck, which sharpens comparisons between points.
"""

from __future__ import annotations

import numpy as np

SEED_RULE = ("seed of replication r = first uint64 word of "
             "numpy.random.SeedSequence(study_seed).spawn(r + 1)[r].generate_state(1, numpy.uint64), "
             "shifted right by 1 bit; the same at every sweep point")


def replication_seed(study_seed: int, replication: int) -> int:
    """The ``simulate`` seed of replication ``replication`` (0-based) of a study seeded ``study_seed``."""
    child = np.random.SeedSequence(study_seed, spawn_key=(replication,))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


def replication_seeds(study_seed: int, first: int, stop: int) -> list[int]:
    """Seeds of replications ``first`` to ``stop - 1``."""
    return [replication_seed(study_seed, replication) for replication in range(first, stop)]
