"""The state of one run: one structure of arrays per kind of entity.

Every group has an ``id`` array; entities are rows. Stages read any group and
write only their own (see DESIGN.md, "Contracts between the parts"):

============  ==========================================
group         written by
============  ==========================================
threats       move (position, velocity, arrival; the launch time and point of
              weapons aircraft release, once, when it is built); assess (status)
detections    sense (replaced every tick)
tracks        track
assignments   decide (replaced every command cycle)
units         launch (rounds, launch times, launchers and reloads)
interceptors  launch (new rows), fly (motion, endgame), assess (status)
============  ==========================================

Assets and pictures are fixed after compilation; sensors too, except that the
launch stage, which owns the units, moves a fire unit's radars with it (position,
latitude, longitude and ENU ``rotation`` change together) and switches their
``emitting`` mask while it marches and sets up. Stages read positions and
rotations from these arrays every tick, never from copies of their own. Positions are ECEF
metres, velocities ECEF metres per second, times seconds from the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import kernel

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
Bool = NDArray[np.bool_]

# Threat status codes; NOT_RELEASED: a weapon whose aircraft was lost (or ended its flight) before releasing it.
PENDING, FLYING, KILLED, LEAKED, NOT_RELEASED = 0, 1, 2, 3, 4
# Interceptor status codes.
IN_FLIGHT, DONE = 1, 2
# Fire unit states (``Units.state``): only a deployed unit emits and fires.
DEPLOYED, MARCHING, SETTING_UP, DESTROYED = 0, 1, 2, 3
UNIT_STATES: tuple[str, ...] = ("deployed", "marching", "setting_up", "destroyed")


def _grow(array: np.ndarray, capacity: int, fill: object) -> np.ndarray:
    grown = np.full((capacity, *array.shape[1:]), fill, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


@dataclass
class Assets:
    """Defended assets: position and relative value."""

    id: I32
    pos_ecef_m: F64  # (A, 3)
    value: F64


@dataclass
class Threats:
    """Every threat of the scenario, including those not yet launched (status PENDING)."""

    id: I32
    type_index: I32  # into CompiledScenario.threat_types
    raid_index: I32
    launch_t_s: F64
    target_pos_ecef_m: F64  # (N, 3) aim point
    target_value: F64  # value of the asset aimed at (NaN when the aim is a unit or a route's end)
    pos_ecef_m: F64  # (N, 3)
    alt_m: F64  # height above the ellipsoid, kept by move beside the ECEF position
    vel_ecef_mps: F64  # (N, 3)
    status: NDArray[np.int8]
    arrived: Bool  # set by move when a threat reaches its aim point this tick
    rcs_m2: F64
    cost_usd: F64
    speed_mps: F64  # true speed over its last tick of flight, kept by move (the velocity is the chord over the
    # whole tick, shorter at the tick it arrives)

    @property
    def flying(self) -> Bool:
        return self.status == FLYING


@dataclass
class Sensors:
    """Radars: stand-alone ones and those of fire units (``unit_index`` >= 0)."""

    id: I32
    type_index: I32  # into CompiledScenario.radar_types
    unit_index: I32  # -1 for a stand-alone radar
    pos_ecef_m: F64  # (S, 3), antenna phase centre
    lat_rad: F64
    lon_rad: F64
    rotation: F64  # (S, 3, 3) ECEF -> the radar's local east, north, up (rows), kept with its position
    antenna_alt_m: F64  # height of the antenna above the ellipsoid
    ground_alt_m: F64  # height of the ground under it above the ellipsoid
    feeds_picture: Bool  # (S, P): the radar's reports reach picture p
    emitting: Bool  # (S,) radiating now: a fire unit's radars fall silent while it marches or sets up
    heading_rad: F64 = field(default_factory=lambda: np.empty(0))  # (S,) centre of its azimuth sector
    feed_latency_s: F64 = field(default_factory=lambda: np.empty((0, 0)))  # (S, P) delay to picture p, inf if none
    feed_loss: F64 = field(default_factory=lambda: np.empty((0, 0)))  # (S, P) probability a look never reaches p


@dataclass
class Detections:
    """This tick's detections: which radar saw which threat, and where it measured it."""

    sensor_index: I32
    threat_index: I32  # truth label, -1 for a false alarm
    pos_ecef_m: F64  # (D, 3) measured position
    range_az_el: F64 = field(default_factory=lambda: np.empty((0, 3)))  # (D, 3) measured in the radar's ENU frame
    t_s: F64 = field(default_factory=lambda: np.empty(0))  # (D,) time of the measurement
    looked: I32 = field(default_factory=lambda: np.empty(0, np.int32))  # radars that looked this tick
    # Jam strobes of this tick's looks (angle-only reports of jammers, sense model `radar`), at ``t_s`` of the look:
    strobe_sensor: I32 = field(default_factory=lambda: np.empty(0, np.int32))  # (B,) the radar
    strobe_source: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))  # (B,) the jammer:
    # j for stand-off jammer j of the scenario, J + n for the one threat row n carries (J stand-off jammers)
    strobe_az_el: F64 = field(default_factory=lambda: np.empty((0, 2)))  # (B, 2) measured (rad); el NaN: fan beam

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.empty(0, np.int32), np.empty(0, np.int32), np.empty((0, 3)))


@dataclass
class Tracks:
    """Tracks of every air picture. Rows are appended and never reused; ``active`` marks live ones."""

    id: I32
    picture: I32
    threat_index: I32  # the threat the track follows (truth label for scoring), -1 if false
    pos_ecef_m: F64  # (T, 3) estimate at last_update_t_s
    vel_ecef_mps: F64  # (T, 3)
    last_update_t_s: F64
    active: Bool
    count: int = 0
    covariance: F64 = field(default_factory=lambda: np.zeros((0, 6, 6)))  # (T, 6, 6) of (pos, vel), m and m/s
    firm: Bool = field(default_factory=lambda: np.zeros(0, bool))  # good enough to fire at (the tracker says)
    # A track jammer fixes started (tracking/fix_tracks.py): the jammer's strobe source (as Detections'), -1 if not;
    # angle-only while no radar has ranged it (fired at only by rounds that home on jam).
    jammer_source: I32 = field(default_factory=lambda: np.zeros(0, np.int32))
    angle_only: Bool = field(default_factory=lambda: np.zeros(0, bool))

    @classmethod
    def empty(cls, capacity: int = 64) -> Tracks:
        return cls(
            id=np.full(capacity, -1, np.int32), picture=np.full(capacity, -1, np.int32),
            threat_index=np.full(capacity, -1, np.int32), pos_ecef_m=np.zeros((capacity, 3)),
            vel_ecef_mps=np.zeros((capacity, 3)), last_update_t_s=np.zeros(capacity),
            active=np.zeros(capacity, bool), covariance=np.zeros((capacity, 6, 6)), firm=np.zeros(capacity, bool),
            jammer_source=np.full(capacity, -1, np.int32), angle_only=np.zeros(capacity, bool),
        )

    def append(self, picture: I32, threat_index: I32, pos: F64, vel: F64, t_s: float | F64,
               covariance: F64 | None = None) -> NDArray[np.int64]:
        """Add tracks; return their row numbers (also their ids). ``covariance`` (n, 6, 6) defaults to zeros."""
        rows = np.arange(self.count, self.count + len(picture))
        self.reserve(self.count + len(picture))
        self.id[rows] = rows
        self.picture[rows] = picture
        self.threat_index[rows] = threat_index
        self.pos_ecef_m[rows] = pos
        self.vel_ecef_mps[rows] = vel
        self.last_update_t_s[rows] = t_s
        self.covariance[rows] = 0.0 if covariance is None else covariance
        self.active[rows] = True
        self.firm[rows] = True
        self.count += len(picture)
        return rows

    def reserve(self, size: int) -> None:
        if size <= len(self.id):
            return
        capacity = max(size, 2 * len(self.id))
        for column in fields(self):
            if column.name != "count":
                old = getattr(self, column.name)
                setattr(self, column.name, _grow(old, capacity, -1 if old.dtype == np.int32 else 0))


@dataclass
class Assignments:
    """Decisions of the last command cycle: fire ``salvo`` rounds of a missile type from a unit at a track."""

    unit_index: I32
    missile_index: I32  # into CompiledScenario.interceptor_types
    track_row: I32
    salvo: I32

    @classmethod
    def empty(cls) -> Assignments:
        return cls(*(np.empty(0, np.int32) for _ in range(4)))


@dataclass
class Launchers:
    """Every fire unit's launchers: the missile type each holds, its ready rounds, its reload.

    A unit's inventory (``Units.rounds``) counts every round it has, ready on a
    launcher or in its magazine; a launcher holds at most ``capacity`` ready
    rounds of one type and, once empty, is reloaded from the magazine by
    ``reload_done_t_s``, when the ``loading`` rounds become ready.
    """

    unit_index: I32
    missile_index: I32
    capacity: I32
    ready: I32
    loading: I32  # rounds on their way from the magazine
    reload_done_t_s: F64  # inf when not reloading

    @classmethod
    def empty(cls) -> Launchers:
        return cls(*(np.empty(0, np.int32) for _ in range(5)), np.empty(0))

    @classmethod
    def loaded(cls, rounds: I32, launchers_per_unit: I32, capacity_per_unit: I32) -> Launchers:
        """Launchers of every unit, shared among its missile types and filled from its ``rounds`` (U, M).

        Each type with rounds gets at least one launcher and the rest in proportion
        to its rounds (largest remainders first); a capacity of 0 means the unit's
        launchers hold all its rounds (one launcher per type, never reloaded).
        """
        unit, missile, capacity = [], [], []
        for u, stock in enumerate(rounds):
            carried = np.flatnonzero(stock > 0)
            if len(carried) == 0:
                continue
            unlimited = capacity_per_unit[u] <= 0
            total = len(carried) if unlimited else max(int(launchers_per_unit[u]), len(carried))
            share = stock[carried] / stock[carried].sum() * (total - len(carried))
            count = 1 + np.floor(share).astype(int)
            count[np.argsort(-(share - np.floor(share)), kind="stable")[: total - count.sum()]] += 1
            for m, n in zip(carried, count, strict=True):
                unit += [u] * n
                missile += [m] * n
                capacity += [int(stock[m]) if unlimited else int(capacity_per_unit[u])] * n
        unit_a, missile_a, capacity_a = (np.array(a, dtype=np.int32) for a in (unit, missile, capacity))
        # Fill launchers in order from each (unit, type) stock.
        stock = rounds[unit_a, missile_a] if len(unit_a) else np.empty(0, np.int32)
        before = cumulative_within(capacity_a, unit_a.astype(np.int64) * max(rounds.shape[1], 1) + missile_a)
        ready = np.clip(stock - before, 0, capacity_a).astype(np.int32)
        return cls(unit_a, missile_a, capacity_a, ready, np.zeros_like(ready), np.full(len(ready), np.inf))

    def ready_rounds(self, shape: tuple[int, int]) -> I32:
        """(U, M) rounds ready to fire per unit and missile type."""
        ready = np.zeros(shape, dtype=np.int32)
        np.add.at(ready, (self.unit_index, self.missile_index), self.ready)
        return ready

    def in_hand(self, shape: tuple[int, int]) -> I32:
        """(U, M) rounds on launchers or being loaded onto them (the rest of the inventory is in the magazine)."""
        held = np.zeros(shape, dtype=np.int32)
        np.add.at(held, (self.unit_index, self.missile_index), self.ready + self.loading)
        return held


def cumulative_within(amount: np.ndarray, key: np.ndarray) -> np.ndarray:
    """For each row, the sum of ``amount`` over the earlier rows with the same ``key`` (rows in any order)."""
    order = np.argsort(key, kind="stable")
    running = np.cumsum(amount[order]) - amount[order]
    first = np.searchsorted(key[order], key[order])
    start = running[first]
    out = np.empty_like(running)
    out[order] = running - start
    return out


PART_KINDS: tuple[str, ...] = ("command_post", "search_radar", "engagement_radar", "launcher")
"""Kinds of a fire unit's parts (``Parts.kind`` codes): an engagement radar is one of its type's fire_control
radars (every radar of a type that has none); its other radars are search radars."""
COMMAND_POST, SEARCH_RADAR, ENGAGEMENT_RADAR, LAUNCHER = range(len(PART_KINDS))


@dataclass
class Parts:
    """Every fire unit's parts, each where it stands, and which are left (:mod:`iadsim.c2.components`).

    Per part (P,): its unit, kind (:data:`PART_KINDS`), radar row in ``Sensors`` (-1 for others), offset from
    its unit's position in the unit's east, north, up frame, and whether it still stands. Per unit (U,) and
    per radar (S,), what is left, for the stages that depend on it (c2 reads them; posture and launch keep
    them): ``command_post_up``, ``engagement_radar_up`` (some engagement radar stands), ``launchers_up``
    (launchers standing) and ``sensor_up`` (a unit's radar stands; stand-alone radars always do).
    """

    unit_index: I32
    kind: NDArray[np.int8]
    sensor_index: I32
    offset_enu_m: F64  # (P, 3)
    alive: Bool
    command_post_up: Bool  # (U,)
    engagement_radar_up: Bool  # (U,)
    launchers_up: I32  # (U,)
    sensor_up: Bool  # (S,)

    @classmethod
    def empty(cls) -> Parts:
        ints, flags = np.empty(0, np.int32), np.empty(0, bool)
        return cls(ints, np.empty(0, np.int8), ints, np.empty((0, 3)), flags, flags, flags, ints, flags)


@dataclass
class Units:
    """Fire units: where they are, which picture they fight from, their rounds."""

    id: I32
    type_index: I32  # into CompiledScenario.unit_types
    pos_ecef_m: F64  # (U, 3) launcher position
    lat_rad: F64
    lon_rad: F64
    rotation: F64  # (U, 3, 3) ECEF -> the unit's local east, north, up (rows), kept with its position
    alt_m: F64
    heading_rad: F64
    picture: I32  # the air picture its command post sees
    rounds: I32  # (U, M) rounds left per interceptor type
    next_launch_t_s: F64  # earliest time of the next launch
    launchers: Launchers = field(default_factory=Launchers.empty)
    state: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))  # UNIT_STATES code per unit
    parts: Parts = field(default_factory=Parts.empty)  # command posts, radars, launchers where they stand

    @property
    def deployed(self) -> Bool:
        """(U,) units able to fire now."""
        return self.state == DEPLOYED

    def ready_rounds(self) -> I32:
        """(U, M) rounds ready on launchers now."""
        return self.launchers.ready_rounds(self.rounds.shape)


def part_positions(units: Units, parts: Parts, rows: NDArray[np.integer]) -> F64:
    """(len(rows), 3) ECEF positions (m) of parts ``rows``: their unit's position plus their offset."""
    unit = parts.unit_index[rows]
    return units.pos_ecef_m[unit] + np.einsum("pk,pkj->pj", parts.offset_enu_m[rows], units.rotation[unit])


@dataclass
class Interceptors:
    """Interceptors launched so far. Preallocated to the total inventory; ``count`` rows are used."""

    id: I32
    unit_index: I32
    missile_index: I32
    track_row: I32  # the track that guides it
    threat_index: I32  # the threat its seeker homes on (truth)
    launch_t_s: F64
    pos_ecef_m: F64  # (K, 3)
    vel_ecef_mps: F64  # (K, 3)
    status: NDArray[np.int8]
    endgame: Bool  # reached its target this tick: assess decides the outcome
    miss_distance_m: F64
    count: int = 0

    @classmethod
    def with_capacity(cls, capacity: int) -> Interceptors:
        def ints() -> I32:
            return np.full(capacity, -1, np.int32)

        return cls(
            id=ints(), unit_index=ints(), missile_index=ints(), track_row=ints(), threat_index=ints(),
            launch_t_s=np.zeros(capacity), pos_ecef_m=np.zeros((capacity, 3)), vel_ecef_mps=np.zeros((capacity, 3)),
            status=np.zeros(capacity, np.int8), endgame=np.zeros(capacity, bool),
            miss_distance_m=np.full(capacity, np.nan),
        )

    @property
    def in_flight(self) -> Bool:
        return self.status[: self.count] == IN_FLIGHT


@dataclass
class World:
    """All state of one run."""

    assets: Assets
    threats: Threats
    sensors: Sensors
    units: Units
    interceptors: Interceptors
    n_pictures: int
    tracks: Tracks = field(default_factory=Tracks.empty)
    detections: Detections = field(default_factory=Detections.empty)
    assignments: Assignments = field(default_factory=Assignments.empty)

    def activity(self) -> tuple[bool, bool]:
        """(finished, quiet): nothing can happen any more (no threat pending or flying, no interceptor in
        flight); nothing is in the air (no threat flying, no interceptor in flight). One compiled pass."""
        return _activity(self.threats.status, self.interceptors.status[: self.interceptors.count])

    def next_launch_s(self) -> float:
        """Launch time of the next threat still on the ground (inf when none is left)."""
        pending = self.threats.status == PENDING
        return float(self.threats.launch_t_s[pending].min()) if pending.any() else np.inf


@kernel
def _activity(threat_status: NDArray[np.int8], interceptor_status: NDArray[np.int8]) -> tuple[bool, bool]:
    flying = pending = False
    for status in threat_status:
        flying |= status == FLYING
        pending |= status == PENDING
    for status in interceptor_status:
        flying |= status == IN_FLIGHT
    return not (flying or pending), not flying
