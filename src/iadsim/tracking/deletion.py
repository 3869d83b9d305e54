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

from enum import IntEnum

import numpy as np

from iadsim.jit import kernel

REFERENCE_PD = 0.9
"""Pd of the radar whose ``coast_misses`` missed looks in a row delete a track."""


class DropReason(IntEnum):
    """Why a confirmed track ended: a code in the tracker; in ``track_drop`` events, its ``reason``
    (:data:`DROP_REASONS`) and its text (:data:`DROP_DETAILS`)."""

    LOST_TO_MISSES = 0
    """Its missed looks cost more than the threshold (resumable)."""
    LOST_UNCERTAIN = 1
    """Its position uncertainty passed ``max_position_sigma`` (resumable)."""
    TARGET_DESTROYED = 2
    TARGET_LEAKED = 3


DROP_DETAILS: tuple[str, ...] = ("lost: missed looks", "lost: position uncertainty too large", "target destroyed",
                                 "target leaked")
"""The ``detail`` text of a ``track_drop`` event, by :class:`DropReason`."""
DROP_REASONS: tuple[str, ...] = ("lost_missed_looks", "lost_uncertain", "target_destroyed", "target_leaked")
"""The ``reason`` of a ``track_drop`` event (:data:`iadsim.events.REASONS`), by :class:`DropReason`."""


@kernel
def resumable(reason: int) -> bool:
    """Whether a track ended for ``reason`` may be resumed by a new track (it was lost, its target is not over)."""
    return reason == DropReason.LOST_TO_MISSES or reason == DropReason.LOST_UNCERTAIN


@kernel
def detection_rate(hits: int, looks: int) -> float:
    """A track's estimated Pd by a radar: (hits + ½) / (looks + 1), the Jeffreys-prior posterior mean."""
    return (hits + 0.5) / (looks + 1.0)


@kernel
def miss_cost(hits: int, looks: int) -> float:
    """Score lost (-ln(1 - Pd), ≥ 0) by a missed look of a radar with ``hits`` of ``looks`` on the track so far.

    Zero for a radar that has never detected the track.
    """
    return -np.log1p(-detection_rate(hits, looks)) if hits > 0 else 0.0


def deletion_threshold(coast_misses: int) -> float:
    """Score loss since the last update that deletes a track: ``coast_misses`` misses at Pd :data:`REFERENCE_PD`."""
    return -coast_misses * float(np.log1p(-REFERENCE_PD))
