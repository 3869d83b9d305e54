"""DIS protocol data units (IEEE 1278.1-2012, DIS version 7), packed with :mod:`struct`.

Three PDUs, as the standard lays them out (big-endian, no articulation or
variable parameters): Entity State (type 1, 144 bytes), Fire (type 2, 96 bytes)
and Detonation (type 3, 104 bytes). Positions are ECEF metres (WGS-84),
velocities ECEF m/s, orientations the Euler angles psi, theta, phi (rad) of the
entity's body axes relative to the ECEF axes. The maintained Python DIS library
(``opendis``) is not used: its only release requires numpy < 2, which iadsim's
numba and pandas cannot run with.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

PROTOCOL_VERSION = 7  # IEEE 1278.1-2012
ENTITY_STATE, FIRE, DETONATION = 1, 2, 3  # PDU types
ENTITY_INFORMATION_FAMILY, WARFARE_FAMILY = 1, 2  # protocol families
FORCE_FRIENDLY, FORCE_OPPOSING = 1, 2
DEAD_RECKONING_STATIC, DEAD_RECKONING_FPW = 1, 2  # static; constant velocity in world coordinates
APPEARANCE_DESTROYED = 3 << 3  # damage bits 3-4 of a platform's appearance: destroyed
MARKING_ASCII = 1
MARKING_LENGTH = 11
# Detonation results (SISO-REF-010)
ENTITY_PROXIMATE_DETONATION, GROUND_IMPACT, DETONATION_NO_TARGET, DUD = 2, 3, 5, 6
TIMESTAMP_UNITS_PER_HOUR = 2**31

_HEADER = struct.Struct(">BBBBIHBB")  # 12
_ENTITY_ID = "HHH"
_ENTITY_TYPE = "BBHBBBB"
_ENTITY_STATE = struct.Struct(">" + _ENTITY_ID + "BB" + _ENTITY_TYPE + _ENTITY_TYPE
                              + "3f3d3fIB15s3f3fB11sI")  # 132
_FIRE = struct.Struct(">" + _ENTITY_ID * 3 + "HHHI3d" + _ENTITY_TYPE + "HHHH3ff")  # 84
_DETONATION = struct.Struct(">" + _ENTITY_ID * 3 + "HHH3f3d" + _ENTITY_TYPE + "HHHH3fBBH")  # 92
NO_ENTITY = (0, 0, 0)


@dataclass(frozen=True)
class EntityType:
    """The seven fields of a DIS Entity Type record (SISO-REF-010 enumerations)."""

    kind: int
    domain: int
    country: int = 0
    category: int = 0
    subcategory: int = 0
    specific: int = 0
    extra: int = 0

    def fields(self) -> tuple[int, ...]:
        return (self.kind, self.domain, self.country, self.category, self.subcategory, self.specific, self.extra)


Vector = tuple[float, float, float]
EntityId = tuple[int, int, int]


def timestamp(t_s: float) -> int:
    """A relative DIS timestamp: time past the hour in units of 3600 s / 2^31, shifted left, bit 0 clear."""
    units = int((t_s % 3600.0) / 3600.0 * TIMESTAMP_UNITS_PER_HOUR) % TIMESTAMP_UNITS_PER_HOUR
    return units << 1


def _header(pdu_type: int, family: int, exercise: int, t_s: float, length: int) -> bytes:
    return _HEADER.pack(PROTOCOL_VERSION, exercise, pdu_type, family, timestamp(t_s), length, 0, 0)


def entity_state(t_s: float, exercise: int, entity: EntityId, force: int, kind: EntityType, location: Vector,
                 velocity: Vector, orientation: Vector, marking: str, appearance: int = 0) -> bytes:
    """An Entity State PDU; ``marking`` is cut to 11 ASCII characters (others become '?')."""
    moving = any(velocity)
    body = _ENTITY_STATE.pack(
        *entity, force, 0, *kind.fields(), *kind.fields(), *velocity, *location, *orientation, appearance,
        DEAD_RECKONING_FPW if moving else DEAD_RECKONING_STATIC, b"", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        MARKING_ASCII, _marking(marking), 0)
    return _header(ENTITY_STATE, ENTITY_INFORMATION_FAMILY, exercise, t_s, _HEADER.size + len(body)) + body


def fire(t_s: float, exercise: int, shooter: EntityId, target: EntityId, munition: EntityId, event: EntityId,
         location: Vector, munition_type: EntityType, velocity: Vector, range_m: float) -> bytes:
    """A Fire PDU: one round (quantity 1), warhead and fuse 0 (other)."""
    body = _FIRE.pack(*shooter, *target, *munition, *event, 0, *location, *munition_type.fields(), 0, 0, 1, 0,
                      *velocity, range_m)
    return _header(FIRE, WARFARE_FAMILY, exercise, t_s, _HEADER.size + len(body)) + body


def detonation(t_s: float, exercise: int, shooter: EntityId, target: EntityId, munition: EntityId,
               event: EntityId, velocity: Vector, location: Vector, munition_type: EntityType, result: int) -> bytes:
    """A Detonation PDU with the result code; location in the target's coordinates 0."""
    body = _DETONATION.pack(*shooter, *target, *munition, *event, *velocity, *location, *munition_type.fields(),
                            0, 0, 1, 0, 0.0, 0.0, 0.0, result, 0, 0)
    return _header(DETONATION, WARFARE_FAMILY, exercise, t_s, _HEADER.size + len(body)) + body


def _marking(text: str) -> bytes:
    return text.encode("ascii", "replace")[:MARKING_LENGTH]


def pdu_length(buffer: bytes, offset: int) -> int:
    """The length (bytes) a PDU's header gives, for splitting a log of PDUs written back to back."""
    return _HEADER.unpack_from(buffer, offset)[5]


def orientation_of(velocity: Vector, up: Vector) -> Vector:
    """Euler angles (psi, theta, phi) of a body flying along ``velocity`` with its wings level about ``up``
    (both ECEF); (0, 0, 0) at rest."""
    vx, vy, vz = velocity
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    if speed == 0.0:
        return (0.0, 0.0, 0.0)
    psi = math.atan2(vy, vx)
    theta = math.atan2(-vz, math.hypot(vx, vy))
    # Body y and z axes before the roll; the roll keeps y horizontal and z pointing down.
    y_up = -math.sin(psi) * up[0] + math.cos(psi) * up[1]
    z_up = math.sin(theta) * (math.cos(psi) * up[0] + math.sin(psi) * up[1]) + math.cos(theta) * up[2]
    return (psi, theta, math.atan2(y_up, -z_up))
