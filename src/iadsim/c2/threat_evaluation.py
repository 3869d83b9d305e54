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
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from iadsim.catalog.schema import THREAT_CLASSES
from iadsim.geo import geodetic_of
from iadsim.jit import inline_kernel, kernel
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


class EvaluationTables(NamedTuple):
    """The parameters as numbers for kernels (classes in the order of :data:`THREAT_CLASSES`)."""

    speed_band_mps: F64  # (C, 2) low, high
    altitude_band_m: F64  # (C, 2)
    lethality: F64  # (C,)
    edge_softness: float
    altitude_edge_floor_m: float
    aim_radius_m: float
    gravity_mps2: float

    @classmethod
    def of(cls, parameters: ThreatEvaluationParameters, lethality: F64 | None = None) -> EvaluationTables:
        """The tables of ``parameters``; ``lethality`` (C,) overrides the class lethalities."""
        bands = parameters.arrays()
        return cls(bands["speed"], bands["altitude"], bands["lethality"] if lethality is None
                   else np.asarray(lethality, dtype=float), float(parameters.edge_softness),
                   float(parameters.altitude_edge_floor), float(parameters.aim_radius), float(parameters.gravity))


BALLISTIC = THREAT_CLASSES.index("ballistic_missile")


def class_probabilities(speed_mps: F64, altitude_m: F64, parameters: ThreatEvaluationParameters) -> F64:
    """(T, C) probability of each class in :data:`THREAT_CLASSES`, from speed and altitude bands."""
    tables = EvaluationTables.of(parameters)
    speed, altitude = np.asarray(speed_mps, dtype=float), np.asarray(altitude_m, dtype=float)
    probability, speed_part = np.empty((len(speed), len(THREAT_CLASSES))), np.empty(len(THREAT_CLASSES))
    for k in range(len(speed)):
        speed_membership(tables.speed_band_mps, tables.edge_softness, float(speed[k]), speed_part)
        class_probability(tables.altitude_band_m, tables.edge_softness, tables.altitude_edge_floor_m, speed_part,
                          float(altitude[k]), probability[k])
    return probability


@inline_kernel
def _logistic(z: float) -> float:
    """1 / (1 + e^−z), written with tanh (no overflow)."""
    return 0.5 + 0.5 * np.tanh(0.5 * z)


@inline_kernel
def _band(x: float, low: float, high: float, softness: float, floor: float) -> float:
    """Soft membership of x in [low, high]: a product of two logistic edges."""
    low_width = max(softness * abs(low), floor)
    high_width = max(softness * abs(high), floor)
    return _logistic((x - low) / low_width) * _logistic((high - x) / high_width)


@inline_kernel
def speed_membership(speed_band_mps: F64, softness: float, speed_mps: float, out: F64) -> None:
    """Write into ``out`` (C,) each class's membership of a track at this speed (a function of the speed only:
    the decide stage keeps it while a track's velocity is unchanged)."""
    for c in range(len(out)):
        out[c] = _band(speed_mps, speed_band_mps[c, 0], speed_band_mps[c, 1], softness, 1.0)


@inline_kernel
def class_probability(altitude_band_m: F64, softness: float, altitude_floor_m: float, speed_part: F64,
                      altitude_m: float, out: F64) -> None:
    """Write into ``out`` (C,) the probability of each class of a track with the speed memberships
    ``speed_part`` (C,) at this altitude.

    Each class scores the product of its speed and altitude memberships; the
    scores normalised to one are the probabilities (uniform when none scores).
    """
    n = len(out)
    total = 0.0
    for c in range(n):
        out[c] = speed_part[c] * _band(altitude_m, altitude_band_m[c, 0], altitude_band_m[c, 1], softness,
                                       altitude_floor_m)
        total += out[c]
    for c in range(n):
        out[c] = out[c] / total if total > 1e-12 else 1.0 / n


def evaluate(
    pos_ecef_m: F64, vel_ecef_mps: F64, defended: DefendedPoints,
    lethality: F64 | None = None, parameters: ThreatEvaluationParameters | None = None,
) -> ThreatAssessment:
    """Evaluate tracks at ``pos_ecef_m`` moving at ``vel_ecef_mps`` (T, 3) against the defended points.

    ``lethality`` (C,) overrides the parameters' class lethalities.
    """
    tables = EvaluationTables.of(parameters or default_parameters(), lethality)
    return ThreatAssessment(*assess(tables, np.ascontiguousarray(pos_ecef_m, dtype=float),
                                    np.ascontiguousarray(vel_ecef_mps, dtype=float),
                                    np.ascontiguousarray(defended.pos_ecef_m, dtype=float),
                                    np.asarray(defended.value, dtype=float),
                                    np.asarray(defended.unit_index, dtype=np.int64)))


@kernel
def assess(
    tables: EvaluationTables, pos: F64, vel: F64, points: F64, point_value: F64, point_unit: NDArray[np.int64],
) -> tuple[NDArray[np.int64], F64, NDArray[np.int64], NDArray[np.bool_], F64, F64, NDArray[np.int64]]:
    """The fields of :class:`ThreatAssessment` for tracks at ``pos`` moving at ``vel`` (T, 3), defended
    ``points`` (D, 3) of ``point_value`` (D,), ``point_unit`` (D,) the fire unit a point is (-1: an asset)."""
    n = len(pos)
    class_index, aim_index, threatened = np.zeros(n, np.int64), np.zeros(n, np.int64), np.full(n, -1, np.int64)
    confidence, t_go, value, aimed = np.empty(n), np.empty(n), np.empty(n), np.zeros(n, np.bool_)
    speed_part, probability = np.empty(len(tables.lethality)), np.empty(len(tables.lethality))
    for k in range(n):
        speed = np.sqrt(vel[k, 0] * vel[k, 0] + vel[k, 1] * vel[k, 1] + vel[k, 2] * vel[k, 2])
        speed_membership(tables.speed_band_mps, tables.edge_softness, speed, speed_part)
        kind = classify(tables.altitude_band_m, tables.lethality, tables.edge_softness, tables.altitude_edge_floor_m,
                        pos[k, 0], pos[k, 1], pos[k, 2], speed, speed_part, probability)
        class_index[k], confidence[k] = kind.class_index, kind.confidence
        aim_index[k], aimed[k], t_go[k] = approach(tables, pos[k], vel[k], kind, points)
        value[k] = point_value[aim_index[k]] * kind.expected_lethality
        if aimed[k]:
            threatened[k] = point_unit[aim_index[k]]
    return class_index, confidence, aim_index, aimed, t_go, value, threatened


class TrackKind(NamedTuple):
    """What a track's speed and altitude say (:func:`classify`), and where it is for :func:`approach`."""

    class_index: int
    confidence: float
    ballistic: bool  # a ballistic missile with probability at least 0.5
    expected_lethality: float  # over the class probabilities
    altitude_m: float
    speed_mps: float
    lat_rad: float
    lon_rad: float


@inline_kernel
def classify(altitude_band_m: F64, lethality: F64, softness: float, altitude_floor_m: float, x: float, y: float,
             z: float, speed_mps: float, speed_part: F64, probability: F64) -> TrackKind:
    """Class, confidence and expected lethality of a track at (x, y, z) ECEF with the speed memberships
    ``speed_part`` (:func:`speed_membership`); ``probability`` (C,) is work space. The tables are
    :class:`EvaluationTables`' fields (passed as arrays: a named tuple costs a call its reference counts)."""
    lat, lon, alt = geodetic_of(x, y, z)
    class_probability(altitude_band_m, softness, altitude_floor_m, speed_part, alt, probability)
    best = 0
    expected = 0.0
    for c in range(len(probability)):
        if probability[c] > probability[best]:
            best = c
        expected += probability[c] * lethality[c]
    return TrackKind(best, probability[best], probability[BALLISTIC] >= 0.5, expected, alt, speed_mps, lat, lon)


@inline_kernel
def up_of(lat_rad: float, lon_rad: float) -> tuple[float, float, float]:
    """The local vertical (n-vector, ECEF) at a latitude and longitude."""
    return np.cos(lat_rad) * np.cos(lon_rad), np.cos(lat_rad) * np.sin(lon_rad), np.sin(lat_rad)


@inline_kernel
def approach(tables: EvaluationTables, pos: F64, vel: F64, kind: TrackKind, points: F64) -> tuple[int, bool, float]:
    """The defended point a track heads for, whether it is aimed at it, and the time to go (s).

    Closest approach to each point, horizontal in the plane normal to the local
    vertical at the track: ballistic tracks come down at t = (v_up + √(v_up² + 2 g
    h)) / g and miss by their horizontal distance from the point at that time, the
    others at t = d·v_h / |v_h|². With d the offset to a point and d_h its
    horizontal part, |d_h − v_h t|² = |d|² − (d·up)² − 2 t d·v_h + t² |v_h|². The
    aim is the point missed by least if within the aim radius, else the nearest
    point, reached at the track's speed.
    """
    x, y, z = pos[0], pos[1], pos[2]
    ux, uy, uz = up_of(kind.lat_rad, kind.lon_rad)
    v_up = vel[0] * ux + vel[1] * uy + vel[2] * uz
    hx, hy, hz = vel[0] - v_up * ux, vel[1] - v_up * uy, vel[2] - v_up * uz
    g = tables.gravity_mps2
    pos_dot_up = x * ux + y * uy + z * uz
    pos_dot_h = x * hx + y * hy + z * hz
    pos_sq = x * x + y * y + z * z
    speed_h_sq = max(hx * hx + hy * hy + hz * hz, 1e-9)
    t_fall = (v_up + np.sqrt(v_up * v_up + 2.0 * g * max(kind.altitude_m, 0.0))) / g
    aim, nearest = 0, 0
    aim_miss = nearest_distance = aim_t_go = np.inf
    for d in range(len(points)):
        px, py, pz = points[d, 0], points[d, 1], points[d, 2]
        offset_up = (ux * px + uy * py + uz * pz) - pos_dot_up
        offset_along = (hx * px + hy * py + hz * pz) - pos_dot_h
        distance_sq = max((px * px + py * py + pz * pz) + pos_sq - 2.0 * (x * px + y * py + z * pz), 0.0)
        t = t_fall if kind.ballistic else max(offset_along / speed_h_sq, 0.0)
        miss = np.sqrt(max(distance_sq - offset_up * offset_up - 2.0 * t * offset_along + t * t * speed_h_sq, 0.0))
        distance = np.sqrt(distance_sq)
        if miss < aim_miss or d == 0:
            aim, aim_miss, aim_t_go = d, miss, t
        if distance < nearest_distance or d == 0:
            nearest, nearest_distance = d, distance
    if aim_miss <= tables.aim_radius_m:
        return aim, True, aim_t_go
    return nearest, False, nearest_distance / max(kind.speed_mps, 1.0)
