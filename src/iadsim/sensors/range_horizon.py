"""The simplest radar: sees a target inside its detection range and above its horizon.

The detection range for a target scales from the catalog's reference figure by
the radar equation, R = R_ref (σ / σ_ref)^¼ (Skolnik 2001, eq. 1.6), capped at
the instrumented range; the target must lie within the 4/3-Earth radar horizon
and above the minimum elevation (apparent elevation, bent by standard refraction). Each radar looks once per scan period.
Measurements carry Gaussian range, azimuth and elevation errors from the
catalog. Detection is certain inside the range: the Swerling model replaces
this where fidelity matters.
"""

from __future__ import annotations

import numpy as np

from iadsim import geo
from iadsim.events import NO_EVENTS, EventColumns, events
from iadsim.registry import columns, register
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import FLYING, Detections, World



@register("sense", "range_horizon")
class RangeHorizonSensor:
    """Certain detection inside the radar-equation range and the 4/3-Earth horizon, vectorised over radars × threats."""

    requires = (columns("threats", "status", "pos_ecef_m", "alt_m", "rcs_m2")
                | columns("sensors", "id", "type_index", "pos_ecef_m", "antenna_alt_m", "emitting"))
    provides = columns("detections", "sensor_index", "threat_index", "pos_ecef_m")

    def __init__(self, compiled: CompiledScenario) -> None:
        sensors = compiled.world.sensors
        radar = [compiled.radar_types[i] for i in sensors.type_index]
        self.reference_range_m = np.array([r.detection_range for r in radar])
        self.reference_rcs_m2 = np.array([r.reference_rcs for r in radar])
        self.max_range_m = np.array([r.max_range for r in radar])
        self.min_elevation_rad = np.array([r.min_elevation for r in radar])
        self.scan_period_s = np.array([r.scan_period for r in radar])
        self.sigma = np.array([[r.range_sigma, r.azimuth_sigma, r.elevation_sigma] for r in radar]).reshape(-1, 3)
        self.rotation = geo.enu_rotation(sensors.lat_rad, sensors.lon_rad)  # (S, 3, 3)
        self.position_m = sensors.pos_ecef_m
        self.next_look_s = np.zeros(len(radar))
        self.seen = np.zeros((len(radar), len(compiled.world.threats.id)), dtype=bool)
        self.log_all = compiled.scenario.log_all_detections

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        world.detections = Detections.empty()
        looking = np.flatnonzero(self.next_look_s <= t_s + 1e-9)
        self._advance(looking, t_s)
        looking = looking[world.sensors.emitting[looking]]  # a marching unit's radars are silent
        threat_rows = np.flatnonzero(world.threats.status == FLYING)
        if len(looking) == 0 or len(threat_rows) == 0:
            return NO_EVENTS
        sensors, threats = world.sensors, world.threats
        enu, ground_m, slant_m, elevation = geo.radar_look(  # (looking radars, threats)
            self.rotation[looking, None], sensors.pos_ecef_m[looking, None], threats.pos_ecef_m[threat_rows])
        rcs_factor = (threats.rcs_m2[threat_rows][None, :] / self.reference_rcs_m2[looking][:, None]) ** 0.25
        detection_range = np.minimum(self.reference_range_m[looking][:, None] * rcs_factor,
                                     self.max_range_m[looking][:, None])
        horizon = geo.radar_horizon_m(sensors.antenna_alt_m[looking][:, None], threats.alt_m[threat_rows][None, :])
        seen = ((slant_m <= detection_range) & (ground_m <= horizon)
                & (elevation >= self.min_elevation_rad[looking][:, None]))
        s_local, n_local = np.nonzero(seen)
        sensor_index, threat_index = looking[s_local], threat_rows[n_local]
        measured = self._measure(enu[s_local, n_local], sensor_index, rng)
        world.detections = Detections(sensor_index.astype(np.int32), threat_index.astype(np.int32), measured)
        log = np.ones(len(sensor_index), bool) if self.log_all else ~self.seen[sensor_index, threat_index]
        self.seen[sensor_index, threat_index] = True
        return events("detect", t_s, int(log.sum()), threats.pos_ecef_m[threat_index[log]],
                      sensor_id=world.sensors.id[sensor_index[log]], threat_id=threat_index[log],
                      value=slant_m[s_local[log], n_local[log]])

    def _advance(self, looking: np.ndarray, t_s: float) -> None:
        period = self.scan_period_s[looking]
        self.next_look_s[looking] += period * np.maximum(np.ceil((t_s - self.next_look_s[looking]) / period), 1.0)

    def _measure(self, enu: np.ndarray, sensor_index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Measured ECEF positions: true range, azimuth and elevation plus Gaussian errors."""
        ground = np.hypot(enu[:, 0], enu[:, 1])
        spherical = np.stack((np.linalg.norm(enu, axis=1), np.arctan2(enu[:, 0], enu[:, 1]),
                              np.arctan2(enu[:, 2], ground)), axis=1)
        spherical += rng.standard_normal(spherical.shape) * self.sigma[sensor_index]
        r, az, el = spherical.T
        local = np.stack((r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)), axis=1)
        return geo.enu_to_ecef(local, self.position_m[sensor_index], self.rotation[sensor_index])

