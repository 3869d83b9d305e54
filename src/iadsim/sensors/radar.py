"""The radar model: detection as the radar equation allows, for fluctuating targets, over terrain.

Each radar looks once per scan period. For every radar × flying threat pair it
checks, in one compiled loop per tick:

1. **coverage** (:func:`iadsim.sensors.scan.covers_of`, shared with every sense
   model): within the instrumented range, inside the 4/3-Earth radar horizon
   d = √(2kRh_r) + √(2kRh_t) (Skolnik 2001 §8.2), between the beam's minimum and
   maximum elevation (apparent elevation under standard refraction) and, for a
   sector-scanning radar, within its azimuth sector centred on its unit's heading;
2. **signal**: the catalog quotes a detection range R_ref against a reference
   RCS σ_ref at a reference Pd and Pfa (by default the textbook single-look
   Pd 0.5 at Pfa 1e-6, Swerling 1: ``data/detection_conventions.yaml``). The
   per-pulse SNR that gives that Pd is solved once; a target of RCS σ at range
   R then has SNR = SNR_ref (σ/σ_ref) (R_ref/R)⁴ (the radar equation, Skolnik
   2001 eq. 1.6). σ depends on aspect when the threat type gives a nose / beam /
   tail table (interpolated in dB against the angle between the target's
   velocity and the line of sight);
3. **detection**: Pd for the target's Swerling case after non-coherent
   integration of the dwell's pulses (:mod:`iadsim.sensors.detection`), drawn
   independently each scan (Swerling 1 and 3 decorrelate from scan to scan);
4. **terrain**: with a terrain file (loaded once, ``CompiledScenario.terrain``),
   a ridge between radar and target masks it;
5. **capacity**: a radar reports at most its track capacity of targets per look,
   the nearest first.

With jammers in the scenario, step 3 reads the signal-to-interference ratio
SINR = SNR / (1 + Σ J/N) instead of the SNR, the jammer-to-noise ratio of every
jammer radiating at the radar, through the main lobe or the side lobes as the
geometry of radar, target and jammer has it (:mod:`iadsim.sensors.jamming`), and
each jammer strong enough to be seen is a jam strobe (:func:`strobes_of`,
:mod:`iadsim.sensors.strobes`).

Detections carry Gaussian range, azimuth and elevation errors from the catalog.
False alarms appear at the radar's Pfa in each of its resolution cells
(range cells × beam positions), uniformly over its coverage; they carry the
truth label -1 and are not logged as events (they are not threats).
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from iadsim.catalog.schema import RadarType
from iadsim.events import EventColumns, merge
from iadsim.jit import KernelRandom, kernel, normal_of, poisson_of, uniform_of
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.sensors.detection import DetectionTable, required_snr
from iadsim.sensors.strobes import Strobes
from iadsim.sensors.jamming import FAN_BEAM, Jamming, interference_of, radar_jamming_of
from iadsim.scenario.tables import HALF_SECTOR, MAX_ELEVATION, MAX_RANGE, MIN_ELEVATION, SIGMA
from iadsim.sensors.scan import (
    SENSOR_GEOMETRY, ScanningSensor, covers_of, due_looks, first_detections, flying_rows, grown, heading_of, measure_of,
    to_ecef_of, wrap_angle_of,
)
from iadsim.terrain import LINE_OF_SIGHT_SAMPLES, line_of_sight_clear_of
from iadsim.world import World
from iadsim.yamlio import read_yaml_file

Array = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
_MIN_DB, _STEP_DB = DetectionTable.MIN_DB, DetectionTable.STEP_DB
# Columns of RadarSensor.figures: one row per radar.
REFERENCE_RANGE, REFERENCE_RCS_DB, REFERENCE_SNR_DB, PFA, FALSE_ALARMS, CAPACITY = range(6)


@functools.cache
def detection_conventions() -> dict[str, float]:
    """How a quoted range is read when the radar type does not say (``data/detection_conventions.yaml``)."""
    path = resources.files("iadsim.sensors") / "data" / "detection_conventions.yaml"
    data = read_yaml_file(str(path)).data
    return {key: float(value["value"]) for key, value in data.items()}


@functools.cache
def _table(pfa: float, pulses: int, swerling: int) -> DetectionTable:
    return DetectionTable(pfa, pulses, swerling)


def radar_reference(radar: RadarType) -> tuple[float, float, int]:
    """(reference Pd, Pfa, pulses integrated) of a radar type, the convention filling what it does not state."""
    convention = detection_conventions()
    pd = radar.reference_pd if radar.reference_pd is not None else convention["reference_pd"]
    pfa = radar.reference_pfa if radar.reference_pfa is not None else convention["reference_pfa"]
    pulses = radar.pulses_integrated if radar.pulses_integrated is not None else int(convention["pulses_integrated"])
    return pd, pfa, pulses


def reference_snr_db(radar: RadarType) -> float:
    """Per-pulse SNR (dB) of the reference target at the quoted detection range."""
    pd, pfa, pulses = radar_reference(radar)
    swerling = int(detection_conventions()["reference_swerling"])
    return 10.0 * np.log10(required_snr(pd, pfa, pulses, swerling))


def false_alarms_per_look(radar: RadarType) -> float:
    """Expected false alarms in one look: Pfa × range cells × azimuth beams × elevation beams."""
    if radar.range_resolution is None or radar.beamwidth is None:
        return 0.0
    _, pfa, _ = radar_reference(radar)
    sector = radar.sector_width or 2.0 * np.pi
    elevation_beams = 1.0 if radar.max_elevation is None else np.ceil(
        (radar.max_elevation - radar.min_elevation) / radar.beamwidth)
    return pfa * (radar.max_range / radar.range_resolution) * (sector / radar.beamwidth) * elevation_beams


@kernel
def aspect_rcs_db_of(nose_db: float, beam_db: float, tail_db: float, cos_aspect: float) -> float:
    """RCS (dBsm) at an aspect angle (0 nose-on, π tail-on), linear in dB between nose, beam and tail."""
    angle = np.arccos(min(max(cos_aspect, -1.0), 1.0))
    if angle <= np.pi / 2:
        return nose_db + (beam_db - nose_db) * angle / (np.pi / 2)
    return beam_db + (tail_db - beam_db) * (angle - np.pi / 2) / (np.pi / 2)


def spherical(enu: Array) -> Array:
    """(range m, azimuth rad clockwise from north, elevation rad) of local ENU vectors (..., 3)."""
    ground = np.hypot(enu[..., 0], enu[..., 1])
    return np.stack((np.sqrt(ground * ground + enu[..., 2] ** 2), np.arctan2(enu[..., 0], enu[..., 1]),
                     np.arctan2(enu[..., 2], ground)), axis=-1)


def from_spherical(range_az_el: Array) -> Array:
    """Local ENU vectors of (range, azimuth, elevation) triples (..., 3)."""
    r, az, el = range_az_el[..., 0], range_az_el[..., 1], range_az_el[..., 2]
    return np.stack((r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)), axis=-1)


def wrap_angle(angle: Array) -> Array:
    """Angles folded into [-π, π)."""
    return (angle + np.pi) % (2.0 * np.pi) - np.pi


@register("sense", "radar")
class RadarSensor(ScanningSensor):
    """Detections of every radar that looks this tick, from the radar equation and Swerling statistics."""

    requires = columns("threats", "status", "pos_ecef_m", "alt_m", "vel_ecef_mps", "type_index") | SENSOR_GEOMETRY

    def __init__(self, compiled: CompiledScenario) -> None:
        super().__init__(compiled)
        radar = compiled.tables.radar_type
        references = [radar_reference(r) for r in radar]
        self.figures = np.array([[r.detection_range, 10.0 * np.log10(r.reference_rcs), reference_snr_db(r), pfa,
                                  false_alarms_per_look(r), r.track_capacity]
                                 for r, (_, pfa, _) in zip(radar, references, strict=True)], dtype=float).reshape(-1, 6)
        kinds = compiled.threat_types
        nose = np.array([10.0 * np.log10(t.rcs) for t in kinds], dtype=float)
        beam = np.array([10.0 * np.log10(t.rcs_beam) if t.rcs_beam else n for t, n in zip(kinds, nose, strict=True)])
        tail = np.array([10.0 * np.log10(t.rcs_tail) if t.rcs_tail else b for t, b in zip(kinds, beam, strict=True)])
        self.rcs_db = np.ascontiguousarray(np.stack((nose, beam, tail), axis=1).reshape(-1, 3))
        self.aspect_dependent = bool(np.any(beam != nose) or np.any(tail != nose))
        # One Pd-versus-SNR table per (radar, Swerling case of the threat type), stacked for indexing.
        keys = sorted({(pfa, pulses, t.swerling) for _, pfa, pulses in references for t in kinds})
        self.tables = np.stack([_table(*key).pd for key in keys]) if keys else np.zeros((0, 2))
        self.table_of = np.array([[keys.index((pfa, pulses, t.swerling)) for t in kinds]
                                  for _, pfa, pulses in references], dtype=np.int64).reshape(len(radar), len(kinds))
        self.terrain = compiled.terrain
        self.jamming = Jamming.of(compiled)
        # No jammer radiating: the kernel's jammer-free arithmetic. Passing these costs the dispatcher about
        # 0.4 us a look tick; a second entry kernel without them would cost about as much in its native call
        # and seconds of compilation.
        self.no_jammers = (np.zeros((0, 3)), np.zeros(0), np.zeros((0, 3)), np.zeros(0, np.int64))
        self.no_strobes = (np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros((0, 0), bool),
                           np.zeros(0, bool))
        self.strobes = Strobes(compiled, self.jamming)
        self.strobe_random = KernelRandom()  # the strobes' noise: seeded from the stage's stream after the looks'
        self.stream: np.random.Generator | None = None

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        self.stream = rng
        detected = super().step(world, t_s, dt_s, rng)
        if not self.jamming.active or world.detections is self.quiet:
            return detected
        return merge(detected, self.strobes.put(world, t_s))

    def _look(self, world: World, t_s: float, draws: NDArray[np.uint64]
              ) -> tuple[I32, I32, I32, Array, Array, Array, NDArray[np.bool_]]:
        sensors, threats, terrain, jamming = world.sensors, world.threats, self.terrain, self.jamming
        states = jamming.states(threats, t_s) if jamming.active else (*self.no_jammers, self.no_jammers[3])
        buffers = self.strobes.buffers(len(states[3])) if jamming.active else self.no_strobes
        strobe_draws = self.strobe_random.state(self.stream) if jamming.active else draws
        *looks, count, logged = _radar_looks(
            t_s, self.next_look_s, self.next_due_s, self.limits, sensors.emitting, sensors.rotation,
            sensors.pos_ecef_m, sensors.antenna_alt_m, heading_of(sensors), threats.status, threats.pos_ecef_m,
            threats.alt_m, threats.vel_ecef_mps, threats.type_index, self.rcs_db, self.aspect_dependent,
            self.figures, self.table_of, self.tables, terrain.lat_rad, terrain.lon_rad, terrain.height, self.seen,
            self.log_all, draws, jamming.figures, jamming.power_w, jamming.cover, *states, *buffers,
            strobe_draws)
        if jamming.active:
            self.strobes.found(count, logged)
        return tuple(looks)


@kernel
def _pd_of(table: Array, snr_db: float, pfa: float) -> float:
    """Pd from one Pd-versus-SNR table on the grid of :class:`DetectionTable`, linear in dB; below the grid a
    target adds nothing to the noise (Pd → Pfa), above it Pd = 1."""
    position = (snr_db - _MIN_DB) / _STEP_DB
    last = len(table) - 1
    if position < 0.0:
        return pfa
    if position > last:
        return 1.0
    index = min(max(int(np.floor(position)), 0), last - 1)
    fraction = min(max(position - index, 0.0), 1.0)
    return table[index] * (1.0 - fraction) + table[index + 1] * fraction


@kernel
def _radar_looks(t_s: float, next_look_s: Array, next_due_s: Array, limits: Array, emitting: NDArray[np.bool_],
                 rotation: Array, radar_ecef_m: Array, antenna_alt_m: Array, heading_rad: Array,
                 status: NDArray[np.int8], threat_ecef_m: Array, threat_alt_m: Array, threat_vel_mps: Array,
                 type_index: I32, rcs_db: Array, aspect_dependent: bool, figures: Array, table_of: I64,
                 tables: Array, lat_axis: Array, lon_axis: Array, height: Array, seen: NDArray[np.bool_],
                 log_all: bool, draws: NDArray[np.uint64], jam_figures: Array, jam_power_w: Array,
                 jam_cover: Array, jammer_ecef_m: Array, jammer_alt_m: Array, jammer_axis: Array, jammer_kind: I64,
                 jammer_source: I64, strobe_sensor: I32, strobe_source: I64, strobe_az_el: Array,
                 strobe_seen: NDArray[np.bool_], strobe_log: NDArray[np.bool_], strobe_draws: NDArray[np.uint64]
                 ) -> tuple[I32, I32, I32, Array, Array, Array, NDArray[np.bool_], int, int]:
    """Every look due at ``t_s`` (see the module doc and :meth:`ScanningSensor._look`): detections, the real
    ones first in (radar, threat) order, then the false alarms. Draws, in order: one uniform per covered pair,
    three normals per real detection, one Poisson count per radar, three uniforms per false alarm; the
    strobes' noise comes from ``strobe_draws`` (two normals each, one for a fan beam), so that strobes leave
    the detections' draws as they were. The jammers radiating now
    (:meth:`iadsim.sensors.jamming.Jamming.states`; none: the jammer-free arithmetic) lower each pair's SNR
    to its SINR, and each jammer a look sees (:func:`strobes_of`) is a strobe: its radar, its source (of
    ``jammer_source``) and its measured azimuth and elevation (NaN for a fan beam) into ``strobe_sensor``,
    ``strobe_source`` and ``strobe_az_el`` (room for looks × jammers), whether to log it into
    ``strobe_log`` (each radar's first of each source, marked in ``strobe_seen``, or all with ``log_all``);
    their number and the number to log are returned last."""
    looking = due_looks(next_look_s, limits, emitting, t_s, next_due_s)
    rows = flying_rows(status)
    flat = len(lat_axis) < 2  # no terrain to mask
    room = 0
    for s in looking:
        room += min(int(figures[s, CAPACITY]), len(rows))
    sensor, threat = np.empty(room, np.int32), np.empty(room, np.int32)
    line, true_range = np.empty((room, 3)), np.empty(room)
    candidate, distance, enu = np.empty(len(rows), np.int64), np.empty(len(rows)), np.empty((len(rows), 3))
    jammed = len(jammer_kind) > 0
    main_jn, jammer_direction = np.empty(len(jammer_kind)), np.empty((len(jammer_kind), 3))
    found = strobes = 0
    for s in looking:
        heard = 0
        if jammed:
            radar_jamming_of(rotation[s], radar_ecef_m[s], antenna_alt_m[s], jam_power_w[s], jam_figures[s],
                             jam_cover, jammer_ecef_m, jammer_alt_m, jammer_axis, jammer_kind, main_jn,
                             jammer_direction)
            strobes = strobes_of(s, 10.0 ** (figures[s, REFERENCE_SNR_DB] / 10.0), heading_rad[s], limits[s],
                                 main_jn, jammer_direction, strobes, strobe_sensor, strobe_source, strobe_az_el)
        for n in rows:
            slant = covers_of(rotation[s], radar_ecef_m[s], antenna_alt_m[s], heading_rad[s], limits[s],
                              threat_ecef_m[n], threat_alt_m[n], enu[heard])
            if np.isnan(slant):
                continue
            kind = type_index[n]
            target_rcs_db = rcs_db[kind, 0]
            if aspect_dependent:
                v = threat_vel_mps[n]
                speed = max(np.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2), 1e-9)
                along = 0.0
                for i in range(3):
                    along += (threat_ecef_m[n, i] - radar_ecef_m[s, i]) * v[i]
                target_rcs_db = aspect_rcs_db_of(rcs_db[kind, 0], rcs_db[kind, 1], rcs_db[kind, 2],
                                                 -along / (speed * max(slant, 1e-9)))
            snr_db = (figures[s, REFERENCE_SNR_DB] + target_rcs_db - figures[s, REFERENCE_RCS_DB]
                      + 40.0 * np.log10(figures[s, REFERENCE_RANGE] / max(slant, 1.0)))
            if jammed:
                snr_db -= 10.0 * np.log10(1.0 + interference_of(enu[heard], jam_figures[s], main_jn,
                                                                 jammer_direction))
            if uniform_of(draws) < _pd_of(tables[table_of[s, kind]], snr_db, figures[s, PFA]) and (
                    flat or line_of_sight_clear_of(lat_axis, lon_axis, height, radar_ecef_m[s], threat_ecef_m[n],
                                                   LINE_OF_SIGHT_SAMPLES)):
                candidate[heard], distance[heard] = n, slant
                heard += 1
        capacity = int(figures[s, CAPACITY])
        farthest, ties = np.inf, 0  # a full radar keeps the nearest: up to the capacity-th range, ties in order
        if heard > capacity:
            farthest = np.partition(distance[:heard], capacity - 1)[capacity - 1] if capacity > 0 else -np.inf
            ties = capacity - np.sum(distance[:heard] < farthest)
        for k in range(heard):
            tie = distance[k] == farthest and ties > 0
            if distance[k] < farthest or tie:
                ties -= tie
                sensor[found], threat[found], true_range[found] = s, candidate[k], distance[k]
                line[found] = enu[k]
                found += 1
    range_az_el, pos = np.empty((found, 3)), np.empty((found, 3))
    for d in range(found):
        s = sensor[d]
        measure_of(line[d], limits[s], rotation[s], radar_ecef_m[s], draws, range_az_el[d], pos[d])
    counts = np.zeros(len(looking), np.int64)
    for k in range(len(looking)):
        rate = figures[looking[k], FALSE_ALARMS]
        counts[k] = poisson_of(draws, rate) if rate > 0.0 else 0
    total = found + counts.sum()
    out_sensor, out_threat = np.full(total, -1, np.int32), np.full(total, -1, np.int32)
    out_sensor[:found], out_threat[:found] = sensor[:found], threat[:found]
    range_az_el, pos = grown(range_az_el, total), grown(pos, total)
    d = found
    for k in range(len(looking)):  # false alarms: uniform over the radar's coverage
        s = looking[k]
        for _ in range(counts[k]):
            out_sensor[d] = s
            range_az_el[d, 0] = limits[s, MAX_RANGE] * uniform_of(draws)
            range_az_el[d, 1] = wrap_angle_of(
                heading_rad[s] + limits[s, HALF_SECTOR] * (2.0 * uniform_of(draws) - 1.0))
            range_az_el[d, 2] = limits[s, MIN_ELEVATION] + (
                limits[s, MAX_ELEVATION] - limits[s, MIN_ELEVATION]) * uniform_of(draws)
            to_ecef_of(range_az_el[d], rotation[s], radar_ecef_m[s], pos[d])
            d += 1
    logged = 0
    for k in range(strobes):  # the strobes' sources, log and angle noise (from their own stream)
        s = strobe_sensor[k]
        source = strobe_source[k] = jammer_source[strobe_source[k]]
        strobe_log[k] = log_all or not strobe_seen[s, source]
        strobe_seen[s, source] = True
        logged += strobe_log[k]
        strobe_az_el[k, 0] = wrap_angle_of(strobe_az_el[k, 0] + normal_of(strobe_draws) * limits[s, SIGMA + 1])
        if jam_figures[s, FAN_BEAM] > 0.0:
            strobe_az_el[k, 1] = np.nan
        else:
            strobe_az_el[k, 1] += normal_of(strobe_draws) * limits[s, SIGMA + 2]
    log = first_detections(seen, out_sensor, out_threat, found, log_all)
    return looking, out_sensor, out_threat, range_az_el, pos, true_range[:found].copy(), log, strobes, logged


@kernel
def strobes_of(s: int, threshold: float, heading_rad: float, limits: Array, main_jn: Array, direction: Array,
               count: int, strobe_sensor: I32, strobe_row: I64, strobe_az_el: Array) -> int:
    """Append radar ``s``'s strobes to the strobe buffers from ``count`` on and return their new count: every
    jammer whose main-lobe J/N (:func:`iadsim.sensors.jamming.radar_jamming_of`, 0 when it does not radiate at
    the radar or is below its horizon) reaches ``threshold`` (the per-pulse SNR of the radar's reference
    detection, linear) and that lies within the radar's azimuth sector; the true azimuth and elevation of
    its direction (the noise is added by the caller)."""
    for k in range(len(main_jn)):
        if main_jn[k] < threshold or main_jn[k] <= 0.0:
            continue
        azimuth = np.arctan2(direction[k, 0], direction[k, 1])
        half = limits[HALF_SECTOR]
        if half < np.pi and abs(wrap_angle_of(azimuth - heading_rad)) > half:
            continue
        strobe_sensor[count], strobe_row[count] = s, k
        strobe_az_el[count, 0] = azimuth
        strobe_az_el[count, 1] = np.arctan2(direction[k, 2], np.hypot(direction[k, 0], direction[k, 1]))
        count += 1
    return count
