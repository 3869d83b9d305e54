"""What every sense model shares: the scan schedule, the coverage of a look, the measurement, the detection log.

- **Schedule**: each radar looks once per scan period, while it emits
  (``Sensors.emitting``: a marching unit's radars are silent) (:func:`due_looks`).
- **Coverage** (:func:`covers_of`): a radar covers a target within its
  instrumented range, inside the 4/3-Earth radar horizon d = √(2kRh_r) + √(2kRh_t)
  (Skolnik 2001 §8.2), between the beam's minimum and maximum elevation (apparent
  elevation under standard refraction) and, for a sector-scanning radar, within
  its azimuth sector centred on its heading. A tracker asks the same question
  of predicted positions through :func:`covers`.
- **Measurement** (:func:`measure_of`): range, azimuth and elevation in the
  radar's ENU frame with Gaussian errors from the catalog, and the ECEF point they give.
- **Log**: a ``detect`` event for each radar's first detection of each threat
  (every detection with ``log_all_detections``).

Radar positions, ENU rotations, antenna heights and headings are read from the
world's ``sensors`` group at every look (the launch stage moves a fire unit's
radars with it); a stage caches only what the catalog says about each radar
(:func:`iadsim.scenario.tables.radar_limits`, built once at compile). A tick's
looks are one compiled pass over radars × flying threats, with no radars ×
threats temporaries; a tick on which no radar is due costs one comparison.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.events import NO_EVENTS, EventColumns, events
from iadsim.geo import EFFECTIVE_EARTH_FACTOR, REFRACTION_BEND_PER_M, geodetic_of, radar_horizon_of
from iadsim.jit import KernelRandom, kernel, normal_of
from iadsim.registry import columns, group_columns
from iadsim.scenario.compile import CompiledScenario
from iadsim.scenario.tables import HALF_SECTOR, MAX_RANGE, SCAN_PERIOD, SIGMA, TAN_MAX_ELEVATION, TAN_MIN_ELEVATION
from iadsim.scenario.tables import radar_limits  # noqa: F401 (read from here by tracking/coverage.py)
from iadsim.world import FLYING, Detections, Sensors, World

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]

@kernel
def wrap_angle_of(angle: float) -> float:
    """An angle folded into [-π, π): (angle + π) mod 2π - π, the modulo taken only when it changes something
    (a float modulo is a library call; within [0, 2π) it returns its argument exactly)."""
    shifted = angle + np.pi
    return (shifted if 0.0 < shifted < 2.0 * np.pi else shifted % (2.0 * np.pi)) - np.pi


@kernel
def sighted_ground_sq_of(rotation: F64, radar_ecef_m: F64, heading_rad: float, limits: F64, target_ecef_m: F64,
                         enu: F64) -> float:
    """The squared ground range (m²) of a target within the radar's range, elevation limits and sector (the
    tests of :func:`covers_of` but the horizon), NaN when outside; the target's ENU offset into ``enu`` (3,)."""
    dx, dy, dz = (target_ecef_m[0] - radar_ecef_m[0], target_ecef_m[1] - radar_ecef_m[1],
                  target_ecef_m[2] - radar_ecef_m[2])
    if not dx * dx + dy * dy + dz * dz <= limits[MAX_RANGE] * limits[MAX_RANGE]:
        return np.nan
    for i in range(3):
        enu[i] = rotation[i, 0] * dx + rotation[i, 1] * dy + rotation[i, 2] * dz
    ground_sq = enu[0] * enu[0] + enu[1] * enu[1]
    ground = np.sqrt(ground_sq)
    rise = enu[2] + ground_sq * REFRACTION_BEND_PER_M
    top = limits[TAN_MAX_ELEVATION]
    if not (limits[TAN_MIN_ELEVATION] * ground <= rise and (top == np.inf or rise <= top * ground)):
        return np.nan
    half = limits[HALF_SECTOR]
    if half < np.pi and abs(wrap_angle_of(np.arctan2(enu[0], enu[1]) - heading_rad)) > half:
        return np.nan
    return ground_sq


@kernel
def covers_of(rotation: F64, radar_ecef_m: F64, antenna_alt_m: float, heading_rad: float, limits: F64,
              target_ecef_m: F64, target_alt_m: float, enu: F64) -> float:
    """Slant range (m) of a target a radar's look covers, NaN when it does not (see the module doc); the
    target's ENU offset from the radar into ``enu`` (3,).

    Positions are ECEF (m), ``rotation`` the radar's ECEF -> ENU rotation,
    ``limits`` its row of :func:`radar_limits`. The apparent elevation,
    atan2(up + ground² (1 − 1/k)/2R, ground), lies between the limits when its
    rise over the ground range lies between their tangents, which spares a
    trigonometric call per pair; the azimuth is computed for sector radars only.
    """
    ground_sq = sighted_ground_sq_of(rotation, radar_ecef_m, heading_rad, limits, target_ecef_m, enu)
    if not np.sqrt(ground_sq) <= radar_horizon_of(antenna_alt_m, target_alt_m, EFFECTIVE_EARTH_FACTOR):
        return np.nan
    return np.sqrt(ground_sq + enu[2] * enu[2])


def covers(sensors: Sensors, limits: F64, sensor: I64, position_ecef_m: F64) -> NDArray[np.bool_]:
    """Whether radar ``sensor[k]`` covers ECEF point ``position_ecef_m[k]`` (K, 3) now: the sense models' own
    test (:func:`covers_of`) for a tracker, with ``limits`` from :func:`radar_limits` (which can widen the
    elevation limits), altitudes from the exact geodetic conversion; NaN positions are not covered."""
    return _covers_rows(sensors.rotation, sensors.pos_ecef_m, sensors.antenna_alt_m, heading_of(sensors), limits,
                        np.asarray(sensor, np.int64), np.ascontiguousarray(position_ecef_m, dtype=float))


@kernel
def _covers_rows(rotation: F64, radar_ecef_m: F64, antenna_alt_m: F64, heading_rad: F64, limits: F64, sensor: I64,
                 position_ecef_m: F64) -> NDArray[np.bool_]:
    out = np.zeros(len(sensor), np.bool_)
    enu = np.empty(3)
    for k in range(len(sensor)):
        s, p = sensor[k], position_ecef_m[k]
        alt = geodetic_of(p[0], p[1], p[2])[2]
        out[k] = not np.isnan(covers_of(rotation[s], radar_ecef_m[s], antenna_alt_m[s], heading_rad[s], limits[s],
                                        p, alt, enu))
    return out


def heading_of(sensors: Sensors) -> F64:
    """Each radar's heading (rad), the centre of its azimuth sector (0 where the group holds none)."""
    return sensors.heading_rad if len(sensors.heading_rad) == len(sensors.id) else np.zeros(len(sensors.id))


@kernel
def due_looks(next_look_s: F64, limits: F64, emitting: NDArray[np.bool_], t_s: float, next_due_s: F64) -> I32:
    """The radars that look at ``t_s``: those whose look is due, among the emitting ones; every due radar's
    next look moves on by whole scan periods past ``t_s`` (a silent radar's scans pass unseen), and
    ``next_due_s[0]`` becomes the earliest next look of any radar."""
    looking = np.empty(len(next_look_s), np.int32)
    count = 0
    next_due_s[0] = np.inf
    for s in range(len(next_look_s)):
        if next_look_s[s] <= t_s + 1e-9:
            period = limits[s, SCAN_PERIOD]
            next_look_s[s] += period * max(np.ceil((t_s - next_look_s[s]) / period), 1.0)
            if emitting[s]:
                looking[count] = s
                count += 1
        next_due_s[0] = min(next_due_s[0], next_look_s[s])
    return looking[:count].copy()


@kernel
def flying_rows(status: NDArray[np.int8]) -> I64:
    """Rows of the threats in flight."""
    rows = np.empty(len(status), np.int64)
    count = 0
    for i in range(len(status)):
        if status[i] == FLYING:
            rows[count] = i
            count += 1
    return rows[:count].copy()


@kernel
def measure_of(enu: F64, limits: F64, rotation: F64, radar_ecef_m: F64, draws: NDArray[np.uint64],
               range_az_el: F64, pos_ecef_m: F64) -> None:
    """Measured (range m, azimuth rad clockwise from north, elevation rad) of a target at ``enu`` (3,) from a
    radar into ``range_az_el`` (3,), with Gaussian errors (the sigmas of the radar's ``limits`` row) drawn from
    ``draws`` (a :class:`~iadsim.jit.KernelRandom` state), and the ECEF point they give into
    ``pos_ecef_m`` (3,)."""
    ground = np.hypot(enu[0], enu[1])
    range_az_el[0] = np.sqrt(ground * ground + enu[2] ** 2) + normal_of(draws) * limits[SIGMA]
    range_az_el[1] = np.arctan2(enu[0], enu[1]) + normal_of(draws) * limits[SIGMA + 1]
    range_az_el[2] = np.arctan2(enu[2], ground) + normal_of(draws) * limits[SIGMA + 2]
    to_ecef_of(range_az_el, rotation, radar_ecef_m, pos_ecef_m)


@kernel
def to_ecef_of(range_az_el: F64, rotation: F64, radar_ecef_m: F64, pos_ecef_m: F64) -> None:
    """ECEF point (3,) into ``pos_ecef_m`` of a (range, azimuth, elevation) measured by a radar."""
    r, az, el = range_az_el[0], range_az_el[1], range_az_el[2]
    east, north, up = r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)
    for i in range(3):
        pos_ecef_m[i] = radar_ecef_m[i] + rotation[0, i] * east + rotation[1, i] * north + rotation[2, i] * up


@kernel
def grown(array: np.ndarray, size: int) -> np.ndarray:
    """``array`` with room for ``size`` rows (its rows first): buffers of detections whose number a look finds."""
    out = np.empty((size,) + array.shape[1:], array.dtype)
    out[: len(array)] = array
    return out


@kernel
def first_detections(seen: NDArray[np.bool_], sensor: I32, threat: I32, count: int, log_all: bool
                     ) -> NDArray[np.bool_]:
    """Which of the first ``count`` detections to log: each radar's first of each threat, or all; marks them seen."""
    log = np.zeros(count, np.bool_)
    for d in range(count):
        log[d] = log_all or not seen[sensor[d], threat[d]]
        seen[sensor[d], threat[d]] = True
    return log


SENSOR_GEOMETRY = columns("sensors", "id", "type_index", "pos_ecef_m", "rotation", "antenna_alt_m", "heading_rad",
                          "emitting")
"""What every sense model reads of the radars: where they are and look, and whether they emit."""


class ScanningSensor:
    """The part of a sense stage every model shares (see the module doc); a model adds :meth:`_look`.

    Every sense model provides the whole ``detections`` group (what the trackers read).
    """

    provides = group_columns("detections")

    def __init__(self, compiled: CompiledScenario) -> None:
        sensors = compiled.world.sensors
        self.limits = compiled.tables.radar_limits
        self.next_look_s = np.zeros(len(sensors.id))
        self.next_due_s = np.array([0.0 if len(sensors.id) else np.inf])  # the earliest next look of any radar
        self.seen = np.zeros((len(sensors.id), len(compiled.world.threats.id)), dtype=bool)
        self.log_all = compiled.scenario.log_all_detections
        self.quiet = Detections.empty()  # no look this tick (shared: never changed)
        self.random = KernelRandom()  # the draws of the kernels, from the stage's stream

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        if t_s + 1e-9 < self.next_due_s[0]:
            world.detections = self.quiet
            return NO_EVENTS
        draws = self.random.state(rng)
        looking, sensor, threat, range_az_el, pos, true_range, log = self._look(world, t_s, draws)
        if len(looking) == 0:
            world.detections = self.quiet
            return NO_EVENTS
        world.detections = Detections(sensor_index=sensor, threat_index=threat, pos_ecef_m=pos,
                                      range_az_el=range_az_el, t_s=np.full(len(sensor), t_s), looked=looking)
        if not log.any():
            return NO_EVENTS
        logged = np.flatnonzero(log)
        return events("detect", t_s, len(logged), world.threats.pos_ecef_m[threat[logged]],
                      sensor_id=world.sensors.id[sensor[logged]], threat_id=threat[logged], value=true_range[logged])

    def _look(self, world: World, t_s: float, draws: NDArray[np.uint64]
              ) -> tuple[I32, I32, I32, F64, F64, F64, NDArray[np.bool_]]:
        """The looks due at ``t_s`` (:func:`due_looks`, in one compiled pass): the radars that looked; their
        detections (radar, threat or -1 for a false alarm, measured range/azimuth/elevation, measured ECEF
        point); the true slant range of the real ones and which of those to log (:func:`first_detections`)."""
        raise NotImplementedError
