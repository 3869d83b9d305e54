"""When a confirmed track is lost: a sequential test on its missed looks, each weighed by how often that radar sees it.

A track's score is the log-likelihood ratio of "the target is there" against
"it is not" (Blackman & Popoli, *Design and Analysis of Modern Tracking
Systems*, 1999, §6.2, the sequential probability ratio test). A look that
misses a target it detects with probability Pd changes the ratio by
ln(1 - Pd); deletion comes when the misses since the last update have cost
more than a threshold (Blackman & Popoli's deletion "when the score falls a
set amount below its peak", the peak taken at the last update). So a miss of
a radar that nearly always sees the target weighs heavily, and a look of a
radar that barely sees it (far, low RCS, a narrow beam that rarely falls on
it) weighs almost nothing: one radar cannot delete a track another one holds.

Pd is not known to the tracker (it would need the target's RCS): each track
estimates it for each radar from that radar's own looks at it, hits over
looks with a Jeffreys Beta(½, ½) prior, (hits + ½) / (looks + 1). A radar that
has never detected a track records no misses against it.

The threshold is ``coast_misses`` misses in a row of a radar with Pd 0.9
(:data:`REFERENCE_PD`): with the default 3, deletion once the misses are 1000
times less likely if the target is there than if it is gone, whatever their mix.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
I64 = NDArray[np.int64]

REFERENCE_PD = 0.9
"""Pd of the radar whose ``coast_misses`` missed looks in a row delete a track."""

LOST_TO_MISSES = "lost: missed looks"
"""The reason a track deleted by its score ends with (``track_drop`` events)."""


def detection_rate(hits: I64, looks: I64) -> Array:
    """Each track's estimated Pd by a radar: (hits + ½) / (looks + 1), the Jeffreys-prior posterior mean."""
    return (hits + 0.5) / (looks + 1.0)


def miss_cost(hits: I64, looks: I64) -> Array:
    """Score lost (-ln(1 - Pd), ≥ 0) by a missed look of a radar with ``hits`` of ``looks`` on the track so far.

    Zero for a radar that has never detected the track.
    """
    return np.where(hits > 0, -np.log1p(-detection_rate(hits, looks)), 0.0)


def deletion_threshold(coast_misses: int) -> float:
    """Score loss since the last update that deletes a track: ``coast_misses`` misses at Pd :data:`REFERENCE_PD`."""
    return -coast_misses * float(np.log1p(-REFERENCE_PD))
