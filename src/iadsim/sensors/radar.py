"""The radar model: detection as the radar equation allows, for fluctuating targets, over terrain.

Each radar looks once per scan period. For every radar × threat pair it checks,
vectorised:

1. **coverage**: within the instrumented range, inside the 4/3-Earth radar
   horizon d = √(2kRh_r) + √(2kRh_t) (Skolnik 2001 §8.2), between the beam's
   minimum and maximum elevation (apparent elevation under standard refraction)
   and, for a sector-scanning radar, within its azimuth sector centred on its
   unit's heading;
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
4. **terrain**: with a terrain file, a ridge between radar and target masks it;
5. **capacity**: a radar reports at most its track capacity of targets per look,
   the nearest first.

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

from iadsim import geo
from iadsim.catalog.schema import RadarType
from iadsim.events import EventColumns, events
from iadsim.registry import columns, group_columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.sensors.detection import DetectionTable, required_snr
from iadsim.terrain import Terrain, line_of_sight_clear, load_terrain
from iadsim.world import FLYING, Detections, World
from iadsim.yamlio import read_yaml_file


Array = NDArray[np.float64]


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


def aspect_rcs_db(nose_db: Array, beam_db: Array, tail_db: Array, cos_aspect: Array) -> Array:
    """RCS (dBsm) at an aspect angle (0 nose-on, π tail-on), linear in dB between nose, beam and tail."""
    angle = np.arccos(np.clip(cos_aspect, -1.0, 1.0))
    front = angle <= np.pi / 2
    fraction = np.where(front, angle, angle - np.pi / 2) / (np.pi / 2)
    return np.where(front, nose_db + (beam_db - nose_db) * fraction, beam_db + (tail_db - beam_db) * fraction)


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


def rank_within(key: NDArray[np.int64], order_by: Array) -> NDArray[np.int64]:
    """For each row, its rank among rows of the same ``key`` when sorted by ``order_by`` (0 = smallest)."""
    order = np.lexsort((order_by, key))
    sorted_key = key[order]
    first = np.searchsorted(sorted_key, sorted_key, side="left")
    rank = np.empty(len(key), dtype=np.int64)
    rank[order] = np.arange(len(key)) - first
    return rank


@register("sense", "radar")
class RadarSensor:
    """Detections of every radar that looks this tick, from the radar equation and Swerling statistics."""

    requires = (columns("threats", "status", "pos_ecef_m", "alt_m", "vel_ecef_mps", "type_index")
                | columns("sensors", "id", "type_index", "pos_ecef_m", "antenna_alt_m", "heading_rad", "emitting"))
    provides = group_columns("detections")

    def __init__(self, compiled: CompiledScenario) -> None:
        sensors = compiled.world.sensors
        radar = [compiled.radar_types[i] for i in sensors.type_index]
        count = len(radar)
        self.reference_range_m = np.array([r.detection_range for r in radar])
        self.reference_rcs_db = 10.0 * np.log10([r.reference_rcs for r in radar])
        self.reference_snr_db = np.array([reference_snr_db(r) for r in radar])
        self.max_range_m = np.array([r.max_range for r in radar])
        self.min_elevation_rad = np.array([r.min_elevation for r in radar])
        self.max_elevation_rad = np.array([r.max_elevation or np.pi / 2 for r in radar])
        self.half_sector_rad = np.array([(r.sector_width or 2.0 * np.pi) / 2.0 for r in radar])
        self.heading_rad = sensors.heading_rad if len(sensors.heading_rad) == count else np.zeros(count)
        self.scan_period_s = np.array([r.scan_period for r in radar])
        self.capacity = np.array([r.track_capacity for r in radar], dtype=np.int64)
        self.false_alarm_rate = np.array([false_alarms_per_look(r) for r in radar])
        self.sigma = np.array([[r.range_sigma, r.azimuth_sigma, r.elevation_sigma] for r in radar]).reshape(-1, 3)
        self.rotation = geo.enu_rotation(sensors.lat_rad, sensors.lon_rad)  # (S, 3, 3)
        self.next_look_s = np.zeros(count)
        threats = compiled.world.threats
        self.seen = np.zeros((count, len(threats.id)), dtype=bool)
        self.log_all = compiled.scenario.log_all_detections
        kinds = compiled.threat_types
        nose = np.array([10.0 * np.log10(t.rcs) for t in kinds])
        beam = np.array([10.0 * np.log10(t.rcs_beam) if t.rcs_beam else n for t, n in zip(kinds, nose, strict=True)])
        tail = np.array([10.0 * np.log10(t.rcs_tail) if t.rcs_tail else b for t, b in zip(kinds, beam, strict=True)])
        self.nose_db, self.beam_db, self.tail_db = nose, beam, tail
        self.aspect_dependent = bool(np.any(beam != nose) or np.any(tail != nose))
        # One Pd-versus-SNR table per (radar, Swerling case of the threat type), stacked for indexing.
        references = [radar_reference(r) for r in radar]
        keys = sorted({(pfa, pulses, t.swerling) for _, pfa, pulses in references for t in kinds})
        self.tables = np.stack([_table(*key).pd for key in keys]) if keys else np.zeros((0, 1))
        self.table_of = np.array([[keys.index((pfa, pulses, t.swerling)) for t in kinds]
                                  for _, pfa, pulses in references], dtype=np.int64).reshape(count, len(kinds))
        self.pfa = np.array([pfa for _, pfa, _ in references])
        terrain = compiled.scenario.terrain
        self.terrain: Terrain | None = load_terrain(terrain.file) if terrain is not None else None

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        looking = np.flatnonzero(self.next_look_s <= t_s + 1e-9)
        self._advance(looking, t_s)
        looking = looking[world.sensors.emitting[looking]]  # a marching unit's radars are silent
        threat_rows = np.flatnonzero(world.threats.status == FLYING)
        world.detections = Detections.empty()
        world.detections.looked = looking.astype(np.int32)
        if len(looking) == 0:
            return {}
        sensor_index, threat_index, measured, range_m = self._detect(world, looking, threat_rows, rng)
        false_sensor, false_measured = self._false_alarms(looking, rng)
        all_sensor = np.concatenate((sensor_index, false_sensor)).astype(np.int32)
        all_measured = np.concatenate((measured, false_measured))
        local = from_spherical(all_measured)
        world.detections = Detections(
            sensor_index=all_sensor,
            threat_index=np.concatenate((threat_index, np.full(len(false_sensor), -1))).astype(np.int32),
            pos_ecef_m=geo.enu_to_ecef(local, world.sensors.pos_ecef_m[all_sensor], self.rotation[all_sensor]),
            range_az_el=all_measured, t_s=np.full(len(all_sensor), t_s), looked=looking.astype(np.int32),
        )
        return self._events(world, t_s, sensor_index, threat_index, range_m)

    def _advance(self, looking: np.ndarray, t_s: float) -> None:
        period = self.scan_period_s[looking]
        self.next_look_s[looking] += period * np.maximum(np.ceil((t_s - self.next_look_s[looking]) / period), 1.0)

    def _detect(self, world: World, looking: NDArray[np.int64], rows: NDArray[np.int64],
                rng: np.random.Generator) -> tuple[NDArray[np.int64], NDArray[np.int64], Array, Array]:
        """Which looking radars detect which flying threats: measured (range, az, el) and true range (m)."""
        sensors, threats = world.sensors, world.threats
        enu, ground, slant, apparent = geo.radar_look(  # (looking radars, threats)
            self.rotation[looking, None], sensors.pos_ecef_m[looking, None], threats.pos_ecef_m[rows])
        azimuth = np.arctan2(enu[..., 0], enu[..., 1])
        horizon = geo.radar_horizon_m(sensors.antenna_alt_m[looking][:, None], threats.alt_m[rows][None, :])
        covered = ((slant <= self.max_range_m[looking][:, None]) & (ground <= horizon)
                   & (apparent >= self.min_elevation_rad[looking][:, None])
                   & (apparent <= self.max_elevation_rad[looking][:, None])
                   & (np.abs(wrap_angle(azimuth - self.heading_rad[looking][:, None]))
                      <= self.half_sector_rad[looking][:, None]))
        s_local, n_local = np.nonzero(covered)
        sensor, threat = looking[s_local], rows[n_local]
        kind = threats.type_index[threat]
        line = enu[s_local, n_local]
        range_m = slant[s_local, n_local]
        rcs_db = self.nose_db[kind]
        if self.aspect_dependent:
            velocity = np.einsum("kij,kj->ki", self.rotation[sensor], threats.vel_ecef_mps[threat])
            speed = np.maximum(np.linalg.norm(velocity, axis=1), 1e-9)
            cos_aspect = -np.einsum("ki,ki->k", velocity, line) / (speed * np.maximum(range_m, 1e-9))
            rcs_db = aspect_rcs_db(rcs_db, self.beam_db[kind], self.tail_db[kind], cos_aspect)
        snr_db = (self.reference_snr_db[sensor] + rcs_db - self.reference_rcs_db[sensor]
                  + 40.0 * np.log10(self.reference_range_m[sensor] / np.maximum(range_m, 1.0)))
        detected = rng.random(len(sensor)) < self._pd(self.table_of[sensor, threats.type_index[threat]], snr_db,
                                                      self.pfa[sensor])
        if self.terrain is not None and detected.any():
            candidates = np.flatnonzero(detected)
            detected[candidates] = line_of_sight_clear(self.terrain, sensors.pos_ecef_m[sensor[candidates]],
                                                       threats.pos_ecef_m[threat[candidates]])
        sensor, threat, line, range_m = sensor[detected], threat[detected], line[detected], range_m[detected]
        within = rank_within(sensor, range_m) < self.capacity[sensor]
        sensor, threat, line, range_m = sensor[within], threat[within], line[within], range_m[within]
        measured = spherical(line) + rng.standard_normal((len(sensor), 3)) * self.sigma[sensor]
        return sensor, threat, measured, range_m

    def _pd(self, table: NDArray[np.int64], snr_db: Array, pfa: Array) -> Array:
        """Pd from the stacked tables, interpolated linearly in dB."""
        position = (snr_db - DetectionTable.MIN_DB) / DetectionTable.STEP_DB
        last = self.tables.shape[1] - 1
        index = np.clip(np.floor(position).astype(np.int64), 0, last - 1)
        fraction = np.clip(position - index, 0.0, 1.0)
        pd = self.tables[table, index] * (1.0 - fraction) + self.tables[table, index + 1] * fraction
        return np.where(position < 0, pfa, np.where(position > last, 1.0, pd))

    def _false_alarms(self, looking: NDArray[np.int64], rng: np.random.Generator) -> tuple[NDArray[np.int64], Array]:
        """False alarms of this look: Poisson in number, uniform over each radar's coverage."""
        counts = rng.poisson(self.false_alarm_rate[looking])
        sensor = np.repeat(looking, counts)
        draws = rng.random((len(sensor), 3))
        low_el, high_el = self.min_elevation_rad[sensor], self.max_elevation_rad[sensor]
        measured = np.stack((
            self.max_range_m[sensor] * draws[:, 0],
            wrap_angle(self.heading_rad[sensor] + self.half_sector_rad[sensor] * (2.0 * draws[:, 1] - 1.0)),
            low_el + (high_el - low_el) * draws[:, 2],
        ), axis=1)
        return sensor, measured

    def _events(self, world: World, t_s: float, sensor: NDArray[np.int64], threat: NDArray[np.int64],
                range_m: Array) -> EventColumns:
        """A ``detect`` event (value: slant range, m) for each radar's first detection of each threat, or all."""
        log = np.ones(len(sensor), bool) if self.log_all else ~self.seen[sensor, threat]
        self.seen[sensor, threat] = True
        return events("detect", t_s, int(log.sum()), world.threats.pos_ecef_m[threat[log]],
                      sensor_id=world.sensors.id[sensor[log]], threat_id=threat[log], value=range_m[log])
