"""A run as DIS PDUs (IEEE 1278.1): what ``iadsim export --format dis`` writes and ``iadsim replay`` streams.

From the event log alone, in time order:

- an Entity State PDU for every threat and interceptor at each point of its path
  (its launch, every ``path_interval`` sample, where it ended), with its ECEF
  velocity from the next sample (the last: from the one before) and a body
  pointing along it; a threat's last one after its kill says "destroyed";
- an Entity State PDU for every fire unit at time 0 and every ``path_interval``
  (and when its state changes): at rest, where it last deployed, "destroyed" once
  struck;
- a Fire PDU at each launch (shooter the unit, target the threat, munition the
  interceptor; range the distance to the threat then);
- a Detonation PDU at each intercept (entity proximate detonation), miss
  (detonation without a target, or a dud when the warhead failed) and impact
  (ground impact, the threat itself the munition), with the Fire's event id.

Entity ids: site ``1 + id // 65534``, application 1 threats, 2 interceptors,
3 fire units, entity ``1 + id % 65534``; events are application 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from iadsim.geo import geodetic_to_ecef
from iadsim.report import dis_pdu as pdu
from iadsim.report.dis_types import entity_type
from iadsim.report.paths import Paths
from iadsim.report.record import RunRecord

EXERCISE_ID = 1
THREAT_APPLICATION, INTERCEPTOR_APPLICATION, UNIT_APPLICATION, EVENT_APPLICATION = 1, 2, 3, 4
ENTITIES_PER_SITE = 65534


@dataclass(frozen=True)
class TimedPdu:
    """One PDU and the simulated time it belongs to (s)."""

    t_s: float
    data: bytes


def entity_id(application: int, index: int) -> pdu.EntityId:
    """The DIS entity id of the ``index``-th entity (its iadsim id) of an application."""
    return (1 + index // ENTITIES_PER_SITE, application, 1 + index % ENTITIES_PER_SITE)


def to_dis(record: RunRecord) -> list[TimedPdu]:
    """Every PDU of a run, in time order (entity states before the fires and detonations of their time)."""
    writer = _Writer(record)
    out = writer.threats() + writer.interceptors() + writer.units() + writer.fires() + writer.detonations()
    order = np.argsort([item.t_s for item in out], kind="stable")
    return [out[i] for i in order.tolist()]


def to_dis_log(record: RunRecord) -> bytes:
    """The PDU log: every PDU as sent on the wire, back to back (each header gives its length)."""
    return b"".join(item.data for item in to_dis(record))


def _ecef(lat_deg: np.ndarray, lon_deg: np.ndarray, alt_m: np.ndarray) -> np.ndarray:
    return geodetic_to_ecef(np.radians(lat_deg), np.radians(lon_deg), alt_m)


def _velocities(t_s: np.ndarray, xyz: np.ndarray) -> np.ndarray:
    """ECEF velocity (m/s) at each sample of one path: towards the next sample (the last: from the one
    before); zero for a single sample."""
    if len(t_s) < 2:
        return np.zeros_like(xyz)
    step = np.diff(xyz, axis=0) / np.diff(t_s)[:, None]
    return np.vstack((step, step[-1:]))


def _vector(row: np.ndarray) -> pdu.Vector:
    return (float(row[0]), float(row[1]), float(row[2]))


class _Writer:
    """Builds the PDUs of one run; entity ids and event ids shared between its kinds of PDU."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.events = record.events
        self.kind = self.events.column("kind").cast(pa.string()).to_numpy(zero_copy_only=False)
        self.launches = record.launches
        self.launch_row = {int(i): row for row, i in enumerate(self.launches["interceptor_id"].tolist())}
        self.fate = {outcome["threat_id"]: outcome for outcome in record.outcomes}

    def column(self, name: str) -> np.ndarray:
        return self.events.column(name).to_numpy()

    def rows(self, kind: str) -> np.ndarray:
        return np.flatnonzero(self.kind == kind)

    def threat_type(self, threat_id: int) -> pdu.EntityType:
        return entity_type(self.record.catalog, self.fate[threat_id]["type"])

    def threats(self) -> list[TimedPdu]:
        paths = self.record.threat_paths
        out = []
        for index, threat_id in enumerate(paths.ids.tolist()):
            outcome = self.fate[threat_id]
            destroyed = outcome["fate"] == "killed"
            out += self._path_states(paths, index, entity_id(THREAT_APPLICATION, threat_id), pdu.FORCE_OPPOSING,
                                     self.threat_type(threat_id), f"T{threat_id} {outcome['raid']}", destroyed)
        return out

    def interceptors(self) -> list[TimedPdu]:
        paths = self.record.interceptor_paths
        out = []
        for index, interceptor_id in enumerate(paths.ids.tolist()):
            weapon = str(self.launches["weapon"][self.launch_row[interceptor_id]])
            out += self._path_states(paths, index, entity_id(INTERCEPTOR_APPLICATION, interceptor_id),
                                     pdu.FORCE_FRIENDLY, entity_type(self.record.catalog, weapon),
                                     f"I{interceptor_id} {weapon}", destroyed=False)
        return out

    def _path_states(self, paths: Paths, index: int, entity: pdu.EntityId, force: int, kind: pdu.EntityType,
                     marking: str, destroyed: bool) -> list[TimedPdu]:
        rows = paths.rows(index)
        t_s = paths.t_s[rows]
        xyz = _ecef(paths.lat_deg[rows], paths.lon_deg[rows], paths.alt_m[rows])
        velocity = _velocities(t_s, xyz)
        up = _ecef(paths.lat_deg[rows], paths.lon_deg[rows], np.zeros(len(t_s)))
        up /= np.linalg.norm(up, axis=1, keepdims=True)
        out = []
        for k in range(len(t_s)):
            last = k == len(t_s) - 1
            out.append(TimedPdu(float(t_s[k]), pdu.entity_state(
                float(t_s[k]), EXERCISE_ID, entity, force, kind, _vector(xyz[k]),
                (0.0, 0.0, 0.0) if last else _vector(velocity[k]),
                pdu.orientation_of(_vector(velocity[k]), _vector(up[k])), marking,
                pdu.APPEARANCE_DESTROYED if destroyed and last else 0)))
        return out

    def units(self) -> list[TimedPdu]:
        scenario = self.record.scenario
        interval = scenario.path_interval or scenario.duration
        end = max(float(np.nanmax(self.column("t_s"), initial=0.0)), 0.0)
        ticks = np.arange(0.0, end + interval / 2, interval)
        states = self.rows("unit_state")
        unit_ids, times = self.column("unit_id")[states], self.column("t_s")[states]
        reasons = self.events.column("reason").cast(pa.string()).to_numpy(zero_copy_only=False)[states]
        lat, lon, alt = (self.column(name)[states] for name in ("lat_deg", "lon_deg", "alt_m"))
        out = []
        for unit_id, unit in enumerate(scenario.units):
            mine = np.flatnonzero(unit_ids == unit_id)
            kind = entity_type(self.record.catalog, unit.type)
            position = _ecef(np.array([unit.position.lat]), np.array([unit.position.lon]),
                             np.array([unit.position.alt]))[0]
            appearance = 0
            moments = sorted({*ticks.tolist(), *times[mine].tolist()})
            changes = iter(mine.tolist())
            change = next(changes, None)
            for t in moments:
                while change is not None and times[change] <= t:
                    if np.isfinite(lat[change]):
                        position = _ecef(lat[change:change + 1], lon[change:change + 1], alt[change:change + 1])[0]
                    if reasons[change] == "destroyed":
                        appearance = pdu.APPEARANCE_DESTROYED
                    change = next(changes, None)
                out.append(TimedPdu(t, pdu.entity_state(
                    t, EXERCISE_ID, entity_id(UNIT_APPLICATION, unit_id), pdu.FORCE_FRIENDLY, kind,
                    _vector(position), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), unit.name, appearance)))
        return out

    def _event_id(self, interceptor_id: int) -> pdu.EntityId:
        """The event id of an interceptor's Fire, which its Detonation repeats."""
        return entity_id(EVENT_APPLICATION, interceptor_id)

    def fires(self) -> list[TimedPdu]:
        launch, record = self.launches, self.record
        rows = self.rows("launch")
        position = _ecef(self.column("lat_deg")[rows], self.column("lon_deg")[rows], self.column("alt_m")[rows])
        paths = record.interceptor_paths
        first_velocity = {}
        for index, interceptor_id in enumerate(paths.ids.tolist()):
            path = paths.rows(index)
            xyz = _ecef(paths.lat_deg[path], paths.lon_deg[path], paths.alt_m[path])
            first_velocity[interceptor_id] = _vector(_velocities(paths.t_s[path], xyz)[0])
        out = []
        for k in range(len(rows)):
            interceptor_id, threat_id = int(launch["interceptor_id"][k]), int(launch["threat_id"][k])
            t = float(launch["t_s"][k])
            out.append(TimedPdu(t, pdu.fire(
                t, EXERCISE_ID, entity_id(UNIT_APPLICATION, int(launch["unit_id"][k])),
                entity_id(THREAT_APPLICATION, threat_id), entity_id(INTERCEPTOR_APPLICATION, interceptor_id),
                self._event_id(interceptor_id), _vector(position[k]),
                entity_type(record.catalog, str(launch["weapon"][k])),
                first_velocity.get(interceptor_id, (0.0, 0.0, 0.0)),
                self._range_to(threat_id, t, position[k]))))
        return out

    def _range_to(self, threat_id: int, t_s: float, origin: np.ndarray) -> float:
        """Distance (m) from ``origin`` (ECEF) to a threat at ``t_s``, along its path interpolated linearly."""
        paths = self.record.threat_paths
        index = int(np.searchsorted(paths.ids, threat_id))
        if index >= len(paths) or paths.ids[index] != threat_id:
            return 0.0
        rows = paths.rows(index)
        xyz = _ecef(paths.lat_deg[rows], paths.lon_deg[rows], paths.alt_m[rows])
        at = np.array([np.interp(t_s, paths.t_s[rows], xyz[:, axis]) for axis in range(3)])
        return float(np.linalg.norm(at - origin))

    def detonations(self) -> list[TimedPdu]:
        out = []
        t_s, threat, interceptor = self.column("t_s"), self.column("threat_id"), self.column("interceptor_id")
        reasons = self.events.column("reason").cast(pa.string()).to_numpy(zero_copy_only=False)
        position = _ecef(self.column("lat_deg"), self.column("lon_deg"), self.column("alt_m"))
        last = self._last_points()
        for kind in ("intercept", "miss"):
            for row in self.rows(kind).tolist():
                interceptor_id = int(interceptor[row])
                launch_row = self.launch_row[interceptor_id]
                weapon = str(self.launches["weapon"][launch_row])
                if kind == "intercept":
                    result = pdu.ENTITY_PROXIMATE_DETONATION
                else:
                    result = pdu.DUD if reasons[row] == "warhead_failed" else pdu.DETONATION_NO_TARGET
                where, velocity = last.get(interceptor_id, (position[row], np.zeros(3)))
                if np.all(np.isfinite(position[row])):
                    where = position[row]
                shooter = entity_id(UNIT_APPLICATION, int(self.launches["unit_id"][launch_row]))
                out.append(TimedPdu(float(t_s[row]), pdu.detonation(
                    float(t_s[row]), EXERCISE_ID, shooter,
                    entity_id(THREAT_APPLICATION, int(self.launches["threat_id"][launch_row])),
                    entity_id(INTERCEPTOR_APPLICATION, interceptor_id), self._event_id(interceptor_id),
                    _vector(velocity), _vector(where), entity_type(self.record.catalog, weapon), result)))
        impact_events = len(self.launches["interceptor_id"])
        for number, row in enumerate(self.rows("impact").tolist()):
            threat_id = int(threat[row])
            out.append(TimedPdu(float(t_s[row]), pdu.detonation(
                float(t_s[row]), EXERCISE_ID, pdu.NO_ENTITY, pdu.NO_ENTITY, entity_id(THREAT_APPLICATION, threat_id),
                entity_id(EVENT_APPLICATION, impact_events + number), (0.0, 0.0, 0.0), _vector(position[row]),
                self.threat_type(threat_id), pdu.GROUND_IMPACT)))
        return out

    def _last_points(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Each interceptor's last position and velocity along its path (ECEF)."""
        paths = self.record.interceptor_paths
        out = {}
        for index, interceptor_id in enumerate(paths.ids.tolist()):
            rows = paths.rows(index)
            xyz = _ecef(paths.lat_deg[rows], paths.lon_deg[rows], paths.alt_m[rows])
            out[interceptor_id] = (xyz[-1], _velocities(paths.t_s[rows], xyz)[-1])
        return out
