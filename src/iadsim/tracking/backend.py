"""The tracker interface: what a tracking back end is given (scans) and what it gives back (confirmed tracks).

A back end runs one pipeline for every air picture at once: association with
gating and global nearest neighbour, a filter per track, M-of-N confirmation
and deletion after missed looks. The engine's track stage
(:mod:`iadsim.tracking.stage`) feeds it one :class:`Scan` per radar look and
reads :meth:`TrackerBackend.confirmed` back; the benchmark feeds the same scans
to two back ends (:mod:`iadsim.tracking.core` and the Stone Soup adapter,
:mod:`iadsim.tracking.stonesoup_backend`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from iadsim.scenario.schema import Tracking
from iadsim.scenario.tables import LIMIT_COLUMNS
from iadsim.tracking.deletion import DropReason

Array = NDArray[np.float64]
I64 = NDArray[np.int64]
UNBOUNDED = np.zeros((0, LIMIT_COLUMNS))
NO_RADARS = np.zeros(0)


@dataclass(frozen=True)
class TrackerParameters:
    """Numbers of one tracker: confirmation, deletion, gate, motion models.

    ``gate_distance`` is the Mahalanobis distance (not squared) of the gate;
    ``process_intensity`` the white-noise acceleration intensity q (m²/s³);
    ``ballistic_intensity`` that of the IMM's ballistic mode (free flight under
    gravity, the drag and the terminal manoeuvre as noise); ``max_target_speed_mps``
    the fastest target two detections may start a track on (two-point initiation,
    :mod:`iadsim.tracking.core`; the Stone Soup pipeline starts tracks on one).
    """

    confirm_hits: int = 3
    confirm_looks: int = 5
    coast_misses: int = 3
    max_position_sigma_m: float = 10_000.0
    gate_distance: float = float(np.sqrt(stats.chi2.ppf(0.9997, 3)))
    process_intensity: float = 25.0
    initial_speed_sigma_mps: float = 500.0
    interacting_models: bool = False
    turn_rate_rps: float = 0.0873
    mode_persistence: float = 0.95
    resume_within_s: float = 60.0
    ballistic_intensity: float = 25.0
    max_target_speed_mps: float = 5000.0

    @classmethod
    def from_settings(cls, settings: Tracking, interacting_models: bool = False) -> TrackerParameters:
        """From a scenario's ``tracking:`` section; q = acceleration_sigma² × 1 s."""
        return cls(
            confirm_hits=settings.confirm_hits, confirm_looks=settings.confirm_looks,
            coast_misses=settings.coast_misses, max_position_sigma_m=settings.max_position_sigma,
            gate_distance=float(np.sqrt(stats.chi2.ppf(settings.gate_probability, 3))),
            process_intensity=settings.acceleration_sigma**2, initial_speed_sigma_mps=settings.initial_speed_sigma,
            interacting_models=interacting_models, turn_rate_rps=settings.turn_rate,
            mode_persistence=settings.mode_persistence,
            resume_within_s=settings.resume_within,
            ballistic_intensity=settings.ballistic_acceleration_sigma**2,
            max_target_speed_mps=settings.max_target_speed,
        )


class SensorGeometry(NamedTuple):
    """The radars feeding the tracker: where they are, their frames, their measurement errors, their coverage.

    ``gravity`` is the gravity field of the tracker's frame
    (:data:`~iadsim.tracking.filters.CENTRAL_GRAVITY` for ECEF, the engine;
    :data:`~iadsim.tracking.filters.FLAT_GRAVITY` for a flat frame with z up, the
    synthetic scans): it gives the ballistic mode its acceleration and the
    coordinated turns their axis, the local vertical (against gravity). With
    ``limits`` (S, :data:`~iadsim.scenario.tables.LIMIT_COLUMNS`, from
    :func:`~iadsim.scenario.tables.radar_limits`), headings and antenna heights, a
    look covers only what the radar could detect (:mod:`iadsim.tracking.coverage`);
    without (no rows), a look covers everything.
    """

    pos: Array  # (S, 3) in the tracker's frame
    rotation: Array  # (S, 3, 3), rows east, north, up
    sigma: Array  # (S, 3) range (m), azimuth, elevation (rad)
    gravity: int  # of the frame: no default, a flat frame and ECEF need different ones
    limits: Array = UNBOUNDED
    heading_rad: Array = NO_RADARS
    antenna_alt_m: Array = NO_RADARS


@dataclass
class Scan:
    """One radar look as it reaches the air pictures: its time, its measurements, the pictures it feeds.

    ``z`` holds (range, azimuth, elevation) rows; each measurement goes to
    ``picture[i]`` (the same report reaching two pictures is two rows);
    ``truth`` is the threat it came from (-1 for a false alarm), used only to
    label tracks for scoring. A look counts as a miss for the tracks of
    ``look_pictures`` it covers and does not detect.
    """

    t_s: float
    sensor: int
    z: Array
    picture: I64
    truth: I64
    look_pictures: I64 = field(default_factory=lambda: np.zeros(1, np.int64))


@dataclass
class TrackTable:
    """Confirmed tracks: stable ids, picture, truth label, state (T, 6), covariance (T, 6, 6), time of the state."""

    id: I64
    picture: I64
    label: I64
    x: Array
    p: Array
    t_s: Array


@dataclass
class TrackEnd:
    """Confirmed tracks that ended in the last scans, and why (:class:`~iadsim.tracking.deletion.DropReason` codes)."""

    id: I64
    reason: NDArray[np.int8]


class TrackerBackend(Protocol):
    """A tracker for every air picture: fed scans in time order, asked for its confirmed tracks."""

    def process(self, scan: Scan) -> None:
        """Associate, filter, confirm and delete with one look's measurements."""
        ...

    def confirmed(self) -> TrackTable:
        """The confirmed tracks alive now."""
        ...

    def drop(self, track_id: I64, reason: DropReason) -> None:
        """End these confirmed tracks (their target is known destroyed or arrived)."""
        ...

    def ended(self) -> TrackEnd:
        """Confirmed tracks ended since the last call (deleted, or dropped), with the reason."""
        ...
