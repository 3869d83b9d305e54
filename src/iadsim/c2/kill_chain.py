"""Engagement radars and the kill chain: a unit fires only at what its own engagement radar holds firm.

A fire unit guides its rounds with its engagement (fire-control) radar: the 92N6E-class radar of an
S-400-class battalion, the AN/MPQ-65-class radar of a Patriot-class battery (catalog role
``fire_control``; a unit type with no radar of that role counts all its radars). The air picture does
not guide anything: it *cues* the engagement radar, which must then find the target and hold its own
firm track. Every tick, over dense arrays radar × track row, in one kernel (:func:`kill_chain_step`):

1. **cue**: each firm track of the unit's air picture that its engagement radar does not hold yet is
   handed over if the radar is up (standing and emitting), has room (at most ``track_capacity`` engagement
   tracks) and the track's predicted position lies within the radar's instrumented range and azimuth
   sector widened by the cue's error, ``cue_accuracy`` (m; an angle of cue_accuracy / range in azimuth);
2. **acquisition**: for ``acquisition_time`` (s) after the cue the radar searches the cue's error basket
   and reports nothing of its own;
3. **confirmation**: then each look of the radar counts, a hit when the radar detects the target, and
   the engagement track is firm at the M-th hit of N looks, M and N the scenario's tracking
   ``confirm_hits`` and ``confirm_looks``; a window that can no longer reach M hits drops the cue (it is
   handed over again from scratch); a ``fire_control_track`` event marks each firm track, its value the
   hand-over time (s) from the cue;
4. **drop**: a firm engagement track is dropped after ``coast_misses`` missed looks in a row, when the
   radar goes down, or when the air-picture track ends.

With a radar that detects on every look (Pd 1) and looks every scan period T, the hand-over time is
therefore ``acquisition_time + (M − 1) T``, each term rounded up to the look times (verify row
``kill-chain-hand-over-time``).

*Abstraction*: a radar's own detections are matched to the tracks it was cued on by their truth label
(the threat they come from), in place of a second tracker per engagement radar: it stands for the radar's
own association, which at an engagement radar's accuracy (metres, tenths of a degree) rarely errs. A false
air-picture track (no threat) is therefore never confirmed.

With doctrine ``launch_on_remote``, units whose catalog type has ``engage_on_remote`` hold every firm
track of their air picture (another sensor's, over the network link that feeds the picture). Doctrine
``kill_chain: air_picture`` turns the whole model off (:meth:`KillChain.of` returns ``None``): any firm
track of the picture may be engaged, as before this model.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from iadsim.events import NO_EVENTS, EventColumns, events
from iadsim.jit import grown, kernel
from iadsim.registry import columns
from iadsim.scenario.tables import HALF_SECTOR, MAX_RANGE
from iadsim.units import Duration, Length
from iadsim.validation import StrictModel, validate_model
from iadsim.yamlio import read_yaml_file

if TYPE_CHECKING:
    from iadsim.scenario.compile import CompiledScenario
    from iadsim.world import World

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

DEFAULTS_FILE = "kill_chain.yaml"

REQUIRES = (columns("detections", "sensor_index", "threat_index", "looked")
            | columns("sensors", "id", "unit_index", "pos_ecef_m", "rotation", "heading_rad", "emitting"))
"""What the kill chain reads of the world, beyond the air picture and the units (every decide model)."""


class _Estimate(StrictModel):
    source: str
    note: str


class _DurationEstimate(_Estimate):
    value: Duration = Field(ge=0.0)


class _LengthEstimate(_Estimate):
    value: Length = Field(gt=0.0)


class KillChainDefaults(StrictModel):
    """The contents of ``c2/data/kill_chain.yaml``: an engagement radar's figures where its entry gives none."""

    acquisition_time: _DurationEstimate
    cue_accuracy: _LengthEstimate


def default_figures() -> KillChainDefaults:
    """The bundled defaults (``c2/data/kill_chain.yaml``)."""
    path = Path(str(resources.files("iadsim.c2") / "data" / DEFAULTS_FILE))
    document = read_yaml_file(path)
    return validate_model(KillChainDefaults, document.data, document)


def engagement_radars(compiled: CompiledScenario) -> I64:
    """(E,) the sensors that are engagement radars of units: role ``fire_control``, or every radar of a unit
    whose type has none of that role (as :mod:`iadsim.scenario.layout` counts its parts)."""
    unit_of = compiled.world.sensors.unit_index
    role = np.array([r.role for r in compiled.tables.radar_type], dtype=object)
    fire_control = role == "fire_control"
    has_fire_control = np.zeros(len(compiled.world.units.id) + 1, bool)
    has_fire_control[unit_of[fire_control]] = True  # index -1 (stand-alone radars) lands in the spare last cell
    engagement = (unit_of >= 0) & (fire_control | ~has_fire_control[unit_of])
    return np.flatnonzero(engagement).astype(np.int64)


class KillChain:
    """The engagement radars of the fire units and their engagement tracks (see the module doc)."""

    def __init__(self, compiled: CompiledScenario) -> None:
        world, scenario = compiled.world, compiled.scenario
        defaults = default_figures()
        self.sensor = engagement_radars(compiled)
        radar = [compiled.tables.radar_type[s] for s in self.sensor]
        self.unit = world.sensors.unit_index[self.sensor].astype(np.int64)
        self.capacity = np.array([r.track_capacity for r in radar], np.int64)
        self.acquisition_s = np.array([defaults.acquisition_time.value if r.acquisition_time is None
                                       else r.acquisition_time for r in radar], float)
        self.cue_m = np.array([defaults.cue_accuracy.value if r.cue_accuracy is None else r.cue_accuracy
                               for r in radar], float)
        limits = compiled.tables.radar_limits[self.sensor]
        self.max_range_m, self.half_sector_rad = limits[:, MAX_RANGE].copy(), limits[:, HALF_SECTOR].copy()
        self.engagement_of = np.full(len(world.sensors.id), -1, np.int64)
        self.engagement_of[self.sensor] = np.arange(len(self.sensor))
        tracking = scenario.tracking
        self.confirm = np.array([tracking.confirm_hits, tracking.confirm_looks, tracking.coast_misses], np.int64)
        remote = np.array([u.engage_on_remote for u in compiled.tables.unit_type], bool)
        self.remote = remote & bool(scenario.doctrine.launch_on_remote)
        n_radars = len(self.sensor)
        self.cue_t_s = np.full((n_radars, 0), np.nan)
        self.counts = np.zeros((n_radars, 0, 3), np.int64)  # looks, hits, misses in a row
        self.firm = np.zeros((n_radars, 0), bool)
        self.seen_tick = np.full((n_radars, len(world.threats.id)), -1, np.int64)
        self.tick = 0
        self.watched = np.empty(0, np.int64)  # rows live at the last update: every row a radar may hold

    @classmethod
    def of(cls, compiled: CompiledScenario) -> KillChain | None:
        """The kill chain of a scenario whose doctrine asks for it (``kill_chain: engagement_radar``)."""
        return cls(compiled) if compiled.scenario.doctrine.kill_chain == "engagement_radar" else None

    def update(self, world: World, t_s: float, firm: Bool) -> tuple[EventColumns, Bool]:
        """This tick's cues, looks and drops over the tracks fire control may take (``firm``, by track row).

        Returns the ``fire_control_track`` events of the tracks that became firm and ``holds`` (U, R): unit
        u's engagement radar (or, on remote, its air picture) holds track row r firm.
        """
        tracks, sensors, detections = world.tracks, world.sensors, world.detections
        rows = len(tracks.id)
        if self.firm.shape[1] < rows:  # the track store grew: so do the engagement tracks
            more = rows - self.firm.shape[1]
            self.cue_t_s = np.concatenate([self.cue_t_s, np.full((len(self.sensor), more), np.nan)], axis=1)
            self.counts = np.concatenate([self.counts, np.zeros((len(self.sensor), more, 3), np.int64)], axis=1)
            self.firm = np.concatenate([self.firm, np.zeros((len(self.sensor), more), bool)], axis=1)
        self.tick += 1
        radar, row, handover_s, holds, self.watched = kill_chain_step(
            float(t_s), self.tick, self.sensor, self.unit, self.capacity, self.acquisition_s, self.cue_m,
            self.max_range_m, self.half_sector_rad, self.engagement_of, self.confirm, self.remote,
            self.cue_t_s, self.counts, self.firm, self.seen_tick, world.units.parts.sensor_up, sensors.emitting,
            sensors.pos_ecef_m, sensors.rotation, sensors.heading_rad, detections.sensor_index,
            detections.threat_index, detections.looked, self.watched, tracks.count, tracks.active, firm,
            tracks.picture, tracks.threat_index, tracks.pos_ecef_m, tracks.vel_ecef_mps, tracks.last_update_t_s,
            world.units.picture)
        if len(row) == 0:
            return NO_EVENTS, holds
        sensor = self.sensor[radar]
        return events("fire_control_track", t_s, len(row), tracks.pos_ecef_m[row],
                      unit_id=world.units.id[self.unit[radar]], sensor_id=sensors.id[sensor],
                      track_id=tracks.id[row], threat_id=tracks.threat_index[row], value=handover_s), holds


NO_KILL_CHAIN = np.zeros((0, 0), bool)
"""The ``holds`` of a scenario without the kill chain (``kill_chain: air_picture``): every pair stands."""


def engagement_tracks(kill_chain: KillChain | None, world: World, t_s: float, firm: Bool
                      ) -> tuple[EventColumns, Bool]:
    """The decide stage's hook: :meth:`KillChain.update`, or nothing and :data:`NO_KILL_CHAIN` without one."""
    if kill_chain is None:
        return NO_EVENTS, NO_KILL_CHAIN
    return kill_chain.update(world, t_s, firm)


@kernel
def radar_held_pairs(holds: Bool, weapon_hold: I64, column_row: I64, pair_weapon: I64, pair_column: I64,
                     pair_tof: F64) -> tuple[I64, I64, F64]:
    """The (weapon, column) pairs whose row of ``holds`` (``weapon_hold``: its unit's, or with home-on-jam
    rounds in play :mod:`iadsim.c2.home_on_jam`'s) holds the column's track row (``column_row``); all of
    them when ``holds`` is :data:`NO_KILL_CHAIN`."""
    if holds.shape[0] == 0:
        return pair_weapon, pair_column, pair_tof
    keep = np.empty(len(pair_weapon), np.bool_)
    for q in range(len(pair_weapon)):
        keep[q] = holds[weapon_hold[pair_weapon[q]], column_row[pair_column[q]]]
    return pair_weapon[keep], pair_column[keep], pair_tof[keep]


LOOKS, HITS, MISSES = range(3)
"""Columns of :attr:`KillChain.counts`: looks since acquisition, hits among them, misses in a row."""


@kernel
def kill_chain_step(
    t_s: float, tick: int, radar_sensor: I64, radar_unit: I64, capacity: I64, acquisition_s: F64, cue_m: F64,
    max_range_m: F64, half_sector_rad: F64, engagement_of: I64, confirm: I64, remote: Bool,
    cue_t_s: F64, counts: I64, held_firm: Bool, seen_tick: I64, part_up: Bool, emitting: Bool,
    sensor_pos: F64, sensor_rotation: F64, sensor_heading: F64, detection_sensor: I32, detection_threat: I32,
    looked: I32, watched: I64, track_count: int, track_active: Bool, track_firm: Bool, track_picture: I32,
    track_threat: I32, track_pos: F64, track_vel: F64, track_t_s: F64, unit_picture: I32,
) -> tuple[I64, I64, F64, Bool, I64]:
    """One tick of every engagement radar (E) over the track rows (R) (see the module doc), visiting only
    the rows of ``watched`` (live at the last tick) that have ended since (their cues are dropped first,
    freeing room), then the rows live now (among the first ``track_count``), in order; a radar can hold no
    other row. A radar is up when its part stands (``part_up``) and it is ``emitting``.

    ``cue_t_s`` (E, R, NaN: no cue), ``counts`` (E, R, 3: looks, hits, misses in a row), ``held_firm``
    (E, R) and ``seen_tick`` (E, threats: the last tick the radar detected each threat) are the stage's
    state, updated in place. Returns the radars and rows of the engagement tracks that became firm, their
    hand-over times (s), (U, R) the rows each unit holds firm, and the rows live now (the next ``watched``).
    """
    confirm_hits, confirm_looks, coast_misses = confirm[0], confirm[1], confirm[2]
    live = np.flatnonzero(track_active[:track_count])
    rows = np.concatenate((watched[~track_active[watched]], live))  # rows are never reused: ended stays ended
    n_radars, n_units = len(radar_sensor), len(unit_picture)
    for d in range(len(detection_sensor)):
        e = engagement_of[detection_sensor[d]]
        if e >= 0 and detection_threat[d] >= 0:
            seen_tick[e, detection_threat[d]] = tick
    looking = np.zeros(n_radars, np.bool_)
    for k in range(len(looked)):
        e = engagement_of[looked[k]]
        if e >= 0:
            looking[e] = True
    new_radar, new_row = np.empty(0, np.int64), np.empty(0, np.int64)
    new_time = np.empty(0)
    holds = np.zeros((n_units, len(track_active)), np.bool_)
    n_new = 0
    for e in range(n_radars):
        s, u = radar_sensor[e], radar_unit[e]
        up = part_up[s] and emitting[s]
        held = 0
        for r in rows:
            if not np.isnan(cue_t_s[e, r]):
                held += 1
        for r in rows:
            cued = not np.isnan(cue_t_s[e, r])
            wanted = up and track_active[r] and track_firm[r] and track_picture[r] == unit_picture[u]
            if cued and not (up and track_active[r] and track_picture[r] == unit_picture[u]):
                cued = _drop(e, r, cue_t_s, counts, held_firm)
                held -= 1
            if not cued:
                if wanted and held < capacity[e] and _in_cue(e, s, r, t_s, cue_m, max_range_m, half_sector_rad,
                                                             sensor_pos, sensor_rotation, sensor_heading,
                                                             track_pos, track_vel, track_t_s):
                    cue_t_s[e, r] = t_s
                    held += 1
                continue
            if not looking[e] or t_s + 1e-9 < cue_t_s[e, r] + acquisition_s[e]:
                holds[u, r] |= held_firm[e, r]
                continue
            hit = track_threat[r] >= 0 and seen_tick[e, track_threat[r]] == tick
            counts[e, r, LOOKS] += 1
            if hit:
                counts[e, r, HITS] += 1
                counts[e, r, MISSES] = 0
            else:
                counts[e, r, MISSES] += 1
            if held_firm[e, r]:
                if counts[e, r, MISSES] >= coast_misses:
                    _drop(e, r, cue_t_s, counts, held_firm)
                    held -= 1
                    continue
            elif counts[e, r, HITS] >= confirm_hits:
                held_firm[e, r] = True
                new_radar, new_row, new_time = grown(new_radar, n_new + 1), grown(new_row, n_new + 1), \
                    grown(new_time, n_new + 1)
                new_radar[n_new], new_row[n_new], new_time[n_new] = e, r, t_s - cue_t_s[e, r]
                n_new += 1
            elif counts[e, r, LOOKS] - counts[e, r, HITS] > confirm_looks - confirm_hits:
                _drop(e, r, cue_t_s, counts, held_firm)  # M hits in N looks out of reach: hand over again
                held -= 1
                continue
            holds[u, r] |= held_firm[e, r]
    for r in rows:
        if track_active[r] and track_firm[r]:
            for u in range(n_units):
                if remote[u] and track_picture[r] == unit_picture[u]:
                    holds[u, r] = True
    return new_radar[:n_new], new_row[:n_new], new_time[:n_new], holds, live


@kernel
def _drop(e: int, r: int, cue_t_s: F64, counts: I64, held_firm: Bool) -> bool:
    """Forget radar ``e``'s engagement track on row ``r``; returns False (no longer cued)."""
    cue_t_s[e, r] = np.nan
    counts[e, r, LOOKS], counts[e, r, HITS], counts[e, r, MISSES] = 0, 0, 0
    held_firm[e, r] = False
    return False


@kernel
def _in_cue(e: int, s: int, r: int, t_s: float, cue_m: F64, max_range_m: F64, half_sector_rad: F64,
            sensor_pos: F64, sensor_rotation: F64, sensor_heading: F64, track_pos: F64, track_vel: F64,
            track_t_s: F64) -> bool:
    """Whether track row ``r``, predicted to ``t_s``, lies within radar ``e``'s (sensor ``s``) range and sector
    widened by its cue accuracy."""
    rotation = sensor_rotation[s]
    d = np.empty(3)
    for k in range(3):
        d[k] = track_pos[r, k] + track_vel[r, k] * (t_s - track_t_s[r]) - sensor_pos[s, k]
    slant = np.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    if slant > max_range_m[e] + cue_m[e]:
        return False
    if half_sector_rad[e] >= np.pi:
        return True
    east = rotation[0, 0] * d[0] + rotation[0, 1] * d[1] + rotation[0, 2] * d[2]
    north = rotation[1, 0] * d[0] + rotation[1, 1] * d[1] + rotation[1, 2] * d[2]
    ground = np.sqrt(east * east + north * north)
    widen = np.pi if ground <= cue_m[e] else np.arcsin(cue_m[e] / ground)
    off = abs((np.arctan2(east, north) - sensor_heading[s] + np.pi) % (2.0 * np.pi) - np.pi)
    return off <= half_sector_rad[e] + widen
