"""Threat evaluation: what each track is, what it heads for, how soon, and what it is worth stopping.

The command post sees tracks only (position and velocity), never the truth. For
every track, each command cycle:

- **class** (drone, cruise missile, aircraft, ballistic missile) from its speed
  and altitude: each class has a band of each with soft (logistic) edges, the
  product of the two memberships scores the class, and the scores normalised to
  one are the class probabilities; the class is the likeliest, the confidence
  its probability;
- **aim**: the defended point (asset or fire unit) its path passes closest to,
  if within the aim radius; a track of a likely ballistic missile is first
  extrapolated on a vacuum arc to where it comes down (t = (v_up + √(v_up² +
  2 g h)) / g), any other straight on at its velocity (closest approach). A
  track that heads for nothing yet (a cruise missile before its last turn) is
  given the nearest defended point, with the time it would take to fly there;
- **time to go** until it reaches its aim;
- **value**: the aim's value times the class lethality, expected over the class
  probabilities;
- whether it threatens a fire unit itself (a strike or an anti-radiation
  missile aimed at its radar).

The class bands, lethalities and aim radius are model parameters in
``c2/data/threat_evaluation.yaml`` (documented in docs/doctrine.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from iadsim import geo
from iadsim.catalog.schema import THREAT_CLASSES
from iadsim.units import Acceleration, Length, Speed
from iadsim.validation import validate_model
from iadsim.yamlio import read_yaml_file

F64 = NDArray[np.float64]
PARAMETERS_FILE = "threat_evaluation.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Lethality(_Strict):
    """Fraction of a defended point's value one threat of a class destroys, with where it comes from."""

    value: float = Field(ge=0.0, le=1.0)
    source: str
    note: str


class ClassBands(_Strict):
    """Speed and altitude bands of one threat class, and its lethality."""

    speed: tuple[Speed, Speed]
    altitude: tuple[Length, Length]
    lethality: Lethality


class ThreatEvaluationParameters(_Strict):
    """The contents of ``threat_evaluation.yaml``."""

    edge_softness: float = Field(gt=0.0, le=1.0)
    altitude_edge_floor: Length = Field(gt=0.0)
    aim_radius: Length = Field(gt=0.0)
    gravity: Acceleration = Field(gt=0.0)
    classes: dict[str, ClassBands]

    def arrays(self) -> dict[str, F64]:
        """Bands and lethalities as arrays in the order of :data:`THREAT_CLASSES`."""
        bands = [self.classes[name] for name in THREAT_CLASSES]
        return {
            "speed": np.array([b.speed for b in bands], dtype=float),
            "altitude": np.array([b.altitude for b in bands], dtype=float),
            "lethality": np.array([b.lethality.value for b in bands], dtype=float),
        }


@functools.cache
def default_parameters() -> ThreatEvaluationParameters:
    """The bundled parameters (``c2/data/threat_evaluation.yaml``)."""
    path = Path(str(resources.files("iadsim.c2") / "data" / PARAMETERS_FILE))
    document = read_yaml_file(path)
    parameters = validate_model(ThreatEvaluationParameters, document.data, document)
    missing = set(THREAT_CLASSES) - set(parameters.classes)
    if missing:
        raise ValueError(f"{path}: no bands for {', '.join(sorted(missing))}")
    return parameters


@dataclass(frozen=True)
class DefendedPoints:
    """What the command post defends: assets, then fire units, as one list of points."""

    pos_ecef_m: F64  # (D, 3)
    value: F64  # (D,)
    unit_index: NDArray[np.int64]  # (D,) the fire unit a point is, -1 for an asset


@dataclass(frozen=True)
class ThreatAssessment:
    """The evaluation of T tracks: one entry per track."""

    class_index: NDArray[np.int64]  # into THREAT_CLASSES
    confidence: F64  # probability of that class
    aim_index: NDArray[np.int64]  # into the defended points
    aimed: NDArray[np.bool_]  # its path passes within the aim radius of its aim
    t_go_s: F64  # until it reaches its aim
    value: F64  # aim value × expected lethality
    threatened_unit: NDArray[np.int64]  # the fire unit it is aimed at, -1 if none


def class_probabilities(speed_mps: F64, altitude_m: F64, parameters: ThreatEvaluationParameters) -> F64:
    """(T, C) probability of each class in :data:`THREAT_CLASSES`, from speed and altitude bands."""
    bands = parameters.arrays()
    softness = parameters.edge_softness
    membership = (_band(speed_mps, bands["speed"], softness, 1.0)
                  * _band(altitude_m, bands["altitude"], softness, parameters.altitude_edge_floor))
    total = membership.sum(axis=1, keepdims=True)
    uniform = np.full_like(membership, 1.0 / membership.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 1e-12, membership / total, uniform)


def _band(x: F64, band: F64, softness: float, floor: float) -> F64:
    """(T, C) soft membership of x in each class's [low, high]: a product of two logistic edges."""
    low, high = band[None, :, 0], band[None, :, 1]
    low_width = np.maximum(softness * np.abs(low), floor)
    high_width = np.maximum(softness * np.abs(high), floor)
    return _logistic((x[:, None] - low) / low_width) * _logistic((high - x[:, None]) / high_width)


def _logistic(z: F64) -> F64:
    """1 / (1 + e^−z), written with tanh (no overflow, and faster than scipy's expit here)."""
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def evaluate(
    pos_ecef_m: F64, vel_ecef_mps: F64, defended: DefendedPoints,
    lethality: F64 | None = None, parameters: ThreatEvaluationParameters | None = None,
) -> ThreatAssessment:
    """Evaluate tracks at ``pos_ecef_m`` moving at ``vel_ecef_mps`` (T, 3) against the defended points.

    ``lethality`` (C,) overrides the parameters' class lethalities.
    """
    parameters = parameters or default_parameters()
    lethality = parameters.arrays()["lethality"] if lethality is None else lethality
    lat, lon, alt = geo.ecef_to_geodetic(pos_ecef_m)
    up = geo.n_vector(lat, lon)  # (T, 3)
    v_up = np.einsum("ti,ti->t", vel_ecef_mps, up)
    v_h = vel_ecef_mps - v_up[:, None] * up
    speed = np.linalg.norm(vel_ecef_mps, axis=1)
    probability = class_probabilities(speed, alt, parameters)
    class_index = np.argmax(probability, axis=1)
    ballistic = probability[:, THREAT_CLASSES.index("ballistic_missile")] >= 0.5
    t_go, miss, distance = _approach(pos_ecef_m, up, v_h, v_up, np.maximum(alt, 0.0), ballistic,
                                     defended.pos_ecef_m, parameters.gravity)
    aim = np.argmin(miss, axis=1)
    rows = np.arange(len(aim))
    aimed = miss[rows, aim] <= parameters.aim_radius
    nearest = np.argmin(distance, axis=1)
    aim = np.where(aimed, aim, nearest)
    t_go = np.where(aimed, t_go[rows, aim], distance[rows, nearest] / np.maximum(speed, 1.0))
    return ThreatAssessment(
        class_index=class_index, confidence=probability[rows, class_index], aim_index=aim, aimed=aimed,
        t_go_s=t_go, value=defended.value[aim] * (probability @ lethality),
        threatened_unit=np.where(aimed, defended.unit_index[aim], -1),
    )


def _approach(
    pos: F64, up: F64, v_h: F64, v_up: F64, alt: F64, ballistic: NDArray[np.bool_], points: F64, gravity: float,
) -> tuple[F64, F64, F64]:
    """(T, D) time to the closest approach to each point, the horizontal miss there, and today's distance.

    Horizontal means in the plane normal to the local vertical at the track.
    Ballistic tracks come down at t = (v_up + √(v_up² + 2 g h)) / g and miss by
    their horizontal distance from the point at that time. Written with (T, 3) @
    (3, D) products, never a (T, D, 3) array: with d the offset to a point and
    d_h its horizontal part, |d_h − v_h t|² = |d|² − (d·up)² − 2 t d·v_h + t² |v_h|².
    """
    pos_dot_up = np.einsum("ti,ti->t", pos, up)
    offset_up = up @ points.T - pos_dot_up[:, None]  # d·up
    offset_along = v_h @ points.T - np.einsum("ti,ti->t", pos, v_h)[:, None]  # d·v_h
    distance_sq = np.maximum(
        np.einsum("di,di->d", points, points)[None, :] + np.einsum("ti,ti->t", pos, pos)[:, None]
        - 2.0 * pos @ points.T, 0.0)
    speed_h_sq = np.maximum(np.einsum("ti,ti->t", v_h, v_h), 1e-9)[:, None]
    t_closest = np.maximum(offset_along / speed_h_sq, 0.0)
    t_fall = (v_up + np.sqrt(v_up * v_up + 2.0 * gravity * alt)) / gravity
    t_go = np.where(ballistic[:, None], t_fall[:, None], t_closest)
    miss_sq = distance_sq - offset_up**2 - 2.0 * t_go * offset_along + t_go**2 * speed_h_sq
    return t_go, np.sqrt(np.maximum(miss_sq, 0.0)), np.sqrt(distance_sq)
