"""The simplest radar: sees a target inside its detection range and its coverage.

The detection range for a target scales from the catalog's reference figure by
the radar equation, R = R_ref (σ / σ_ref)^¼ (Skolnik 2001, eq. 1.6), capped at
the instrumented range; the target must lie within the radar's coverage, the
test every sense model shares (:func:`iadsim.sensors.scan.covers_of`: the
4/3-Earth radar horizon, the minimum and maximum elevation as apparent
elevation under standard refraction, and the azimuth sector of a sector-scanning
radar). Each radar looks once per scan period. Measurements carry Gaussian
range, azimuth and elevation errors from the catalog, and the detections fill
the whole ``Detections`` contract that the trackers read. Detection is certain
inside the range, and terrain does not mask: the `radar` model (Swerling
fluctuation, terrain, capacity, false alarms) replaces this where fidelity matters.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim.jit import kernel
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.sensors.scan import (
    SENSOR_GEOMETRY, ScanningSensor, covers_of, due_looks, first_detections, flying_rows, grown, heading_of, measure_of,
)
from iadsim.world import World

Array = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]


@register("sense", "range_horizon")
class RangeHorizonSensor(ScanningSensor):
    """Certain detection inside the radar-equation range and the radar's coverage (horizon, elevation, sector)."""

    requires = columns("threats", "status", "pos_ecef_m", "alt_m", "rcs_m2") | SENSOR_GEOMETRY

    def __init__(self, compiled: CompiledScenario) -> None:
        super().__init__(compiled)
        radar = compiled.tables.radar_type
        self.reference_range_m = np.array([r.detection_range for r in radar], dtype=float)
        self.reference_rcs_m2 = np.array([r.reference_rcs for r in radar], dtype=float)

    def _look(self, world: World, t_s: float, draws: NDArray[np.uint64]
              ) -> tuple[I32, I32, I32, Array, Array, Array, NDArray[np.bool_]]:
        sensors, threats = world.sensors, world.threats
        return _range_horizon_looks(
            t_s, self.next_look_s, self.next_due_s, self.limits, sensors.emitting, sensors.rotation,
            sensors.pos_ecef_m, sensors.antenna_alt_m, heading_of(sensors), threats.status, threats.pos_ecef_m,
            threats.alt_m, threats.rcs_m2, self.reference_range_m, self.reference_rcs_m2, self.seen, self.log_all,
            draws)


@kernel
def _range_horizon_looks(t_s: float, next_look_s: Array, next_due_s: Array, limits: Array,
                         emitting: NDArray[np.bool_], rotation: Array, radar_ecef_m: Array, antenna_alt_m: Array,
                         heading_rad: Array, status: NDArray[np.int8], threat_ecef_m: Array, threat_alt_m: Array,
                         rcs_m2: Array, reference_range_m: Array, reference_rcs_m2: Array, seen: NDArray[np.bool_],
                         log_all: bool, draws: NDArray[np.uint64]
                         ) -> tuple[I32, I32, I32, Array, Array, Array, NDArray[np.bool_]]:
    """Every look due at ``t_s``: detections in (radar, threat) order, their measurements (three normals each,
    in order) and true slant ranges."""
    looking = due_looks(next_look_s, limits, emitting, t_s, next_due_s)
    rows = flying_rows(status)
    room = max(len(rows), 16)
    sensor, threat = np.empty(room, np.int32), np.empty(room, np.int32)
    line, true_range = np.empty((room, 3)), np.empty(room)
    found = 0
    for s in looking:
        for n in rows:
            if found == room:
                room *= 2
                sensor, threat, line, true_range = (grown(sensor, room), grown(threat, room), grown(line, room),
                                                    grown(true_range, room))
            slant = covers_of(rotation[s], radar_ecef_m[s], antenna_alt_m[s], heading_rad[s], limits[s],
                              threat_ecef_m[n], threat_alt_m[n], line[found])
            if not np.isnan(slant) and slant <= reference_range_m[s] * (rcs_m2[n] / reference_rcs_m2[s]) ** 0.25:
                sensor[found], threat[found], true_range[found] = s, n, slant
                found += 1
    range_az_el, pos = np.empty((found, 3)), np.empty((found, 3))
    for d in range(found):
        s = sensor[d]
        measure_of(line[d], limits[s], rotation[s], radar_ecef_m[s], draws, range_az_el[d], pos[d])
    log = first_detections(seen, sensor, threat, found, log_all)
    return looking, sensor[:found].copy(), threat[:found].copy(), range_az_el, pos, true_range[:found].copy(), log
