"""DIS output decoded PDU by PDU and held against the event log; streamed to a receiver on loopback.

The decoder here is written from the field tables of IEEE 1278.1-2012 (5.3 PDU
header, 7.2.2 Entity State, 7.3.2 Fire, 7.3.3 Detonation), byte offsets and
all, independently of :mod:`iadsim.report.dis_pdu`. ECEF positions are checked
against pymap3d's geodetic-to-ECEF conversion of the event log's latitude,
longitude and altitude (to 1 mm).
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pymap3d
import pytest

from iadsim.report.dis_stream import parse_address, stream
from iadsim.report.export_dis import to_dis, to_dis_log
from iadsim.report.record import RunRecord
from iadsim.results import summary_of

ENTITY_STATE, FIRE, DETONATION = 1, 2, 3
ECEF_TOLERANCE_M = 1e-3


@dataclass
class Pdu:
    version: int
    exercise: int
    type: int
    family: int
    timestamp: int
    length: int
    fields: dict


def entity_id(data: bytes, offset: int) -> tuple[int, int, int]:
    return struct.unpack_from(">3H", data, offset)


def entity_type(data: bytes, offset: int) -> tuple[int, ...]:
    return struct.unpack_from(">BBHBBBB", data, offset)


def decode(data: bytes) -> Pdu:
    """One PDU from its bytes, by the offsets of the standard."""
    version, exercise, pdu_type, family, stamp, length, _status, _pad = struct.unpack_from(">BBBBIHBB", data, 0)
    assert length == len(data)
    if pdu_type == ENTITY_STATE:
        fields = {
            "entity": entity_id(data, 12), "force": data[18], "articulations": data[19],
            "type": entity_type(data, 20), "velocity": struct.unpack_from(">3f", data, 36),
            "location": struct.unpack_from(">3d", data, 48), "orientation": struct.unpack_from(">3f", data, 72),
            "appearance": struct.unpack_from(">I", data, 84)[0], "dead_reckoning": data[88],
            "marking": data[129:140].rstrip(b"\0").decode("ascii"), "charset": data[128],
        }
        assert length == 144
    elif pdu_type == FIRE:
        fields = {
            "shooter": entity_id(data, 12), "target": entity_id(data, 18), "munition": entity_id(data, 24),
            "event": entity_id(data, 30), "location": struct.unpack_from(">3d", data, 40),
            "munition_type": entity_type(data, 64), "quantity": struct.unpack_from(">H", data, 76)[0],
            "velocity": struct.unpack_from(">3f", data, 80), "range": struct.unpack_from(">f", data, 92)[0],
        }
        assert length == 96
    elif pdu_type == DETONATION:
        fields = {
            "shooter": entity_id(data, 12), "target": entity_id(data, 18), "munition": entity_id(data, 24),
            "event": entity_id(data, 30), "velocity": struct.unpack_from(">3f", data, 36),
            "location": struct.unpack_from(">3d", data, 48), "munition_type": entity_type(data, 72),
            "result": data[100], "parameters": data[101],
        }
        assert length == 104
    else:
        raise AssertionError(f"unexpected PDU type {pdu_type}")
    return Pdu(version, exercise, pdu_type, family, stamp, length, fields)


def split_log(log: bytes) -> list[bytes]:
    """The PDUs of a log written back to back, each by the length in its header."""
    out, offset = [], 0
    while offset < len(log):
        length = struct.unpack_from(">H", log, offset + 8)[0]
        out.append(log[offset:offset + length])
        offset += length
    return out


@pytest.fixture(scope="module")
def record(demo_result) -> RunRecord:
    return RunRecord.of_result(demo_result, summary_of(demo_result))


@pytest.fixture(scope="module")
def decoded(record) -> list[Pdu]:
    return [decode(data) for data in split_log(to_dis_log(record))]


def events_of(record: RunRecord, kind: str) -> dict[str, np.ndarray]:
    events = record.events
    rows = events.filter(pa.compute.equal(events.column("kind").cast(pa.string()), kind))
    return {name: rows.column(name).to_numpy() for name in
            ("t_s", "threat_id", "interceptor_id", "unit_id", "lat_deg", "lon_deg", "alt_m")}


def ecef(lat_deg, lon_deg, alt_m) -> np.ndarray:
    return np.column_stack(pymap3d.geodetic2ecef(lat_deg, lon_deg, alt_m))


def test_every_pdu_decodes_as_dis_7_with_the_counts_of_the_event_log(record, decoded):
    assert {(p.version, p.exercise) for p in decoded} == {(7, 1)}
    assert {(p.type, p.family) for p in decoded} == {(1, 1), (2, 2), (3, 2)}
    counts = Counter(p.type for p in decoded)
    metrics = record.metrics
    path_points = len(record.threat_paths.t_s) + len(record.interceptor_paths.t_s)
    unit_states = sum(1 for p in decoded if p.type == ENTITY_STATE and p.fields["entity"][1] == 3)
    assert counts[ENTITY_STATE] == path_points + unit_states
    assert counts[FIRE] == metrics["interceptors_fired"] == len(events_of(record, "launch")["t_s"])
    detonations = sum(len(events_of(record, kind)["t_s"]) for kind in ("intercept", "miss", "impact"))
    assert counts[DETONATION] == detonations
    # every fire unit reports at 0 s and every path interval to the end
    interval = record.scenario.path_interval
    end = float(np.nanmax(record.events.column("t_s").to_numpy()))
    assert unit_states >= len(record.scenario.units) * int(end // interval)


def test_entity_states_are_at_the_paths_ecef_positions_and_times(record, decoded):
    states = [p for p in decoded if p.type == ENTITY_STATE]
    for application, paths in ((1, record.threat_paths), (2, record.interceptor_paths)):
        mine = {}
        for p in states:
            site, app, number = p.fields["entity"]
            if app == application:
                mine.setdefault((site - 1) * 65534 + number - 1, []).append(p)
        assert sorted(mine) == sorted(paths.ids.tolist())
        for index, entity in enumerate(paths.ids.tolist()):
            rows = paths.rows(index)
            expected = ecef(paths.lat_deg[rows], paths.lon_deg[rows], paths.alt_m[rows])
            got = np.array([p.fields["location"] for p in mine[entity]])
            assert np.abs(got - expected).max() < ECEF_TOLERANCE_M
            # relative timestamps: time past the hour in units of 3600 s / 2^31, bit 0 clear
            stamps = np.array([p.timestamp for p in mine[entity]])
            assert np.all(stamps & 1 == 0)
            assert np.allclose((stamps >> 1) * 3600.0 / 2**31, paths.t_s[rows] % 3600.0, atol=2e-6)


def test_a_threat_flies_nose_first_at_the_speed_of_its_path_and_is_destroyed_when_killed(record, decoded):
    threats = [p for p in decoded if p.type == ENTITY_STATE and p.fields["entity"][1] == 1]
    moving = [p for p in threats if any(p.fields["velocity"])]
    assert moving and all(p.fields["dead_reckoning"] == 2 and p.fields["force"] == 2 for p in moving)
    for p in moving[:200]:
        psi, theta, _phi = p.fields["orientation"]
        nose = np.array([np.cos(theta) * np.cos(psi), np.cos(theta) * np.sin(psi), -np.sin(theta)])
        velocity = np.array(p.fields["velocity"])
        assert np.dot(nose, velocity) / np.linalg.norm(velocity) > 1 - 1e-5
    killed = {o["threat_id"] for o in record.outcomes if o["fate"] == "killed"}
    destroyed = {p.fields["entity"][2] - 1 for p in threats if (p.fields["appearance"] >> 3) & 3 == 3}
    assert destroyed == killed


def test_fires_and_detonations_are_where_and_when_the_log_says(record, decoded):
    launch = events_of(record, "launch")
    fires = [p for p in decoded if p.type == FIRE]
    got = np.array([p.fields["location"] for p in fires])
    assert np.abs(got - ecef(launch["lat_deg"], launch["lon_deg"], launch["alt_m"])).max() < ECEF_TOLERANCE_M
    assert [p.fields["munition"][2] - 1 for p in fires] == launch["interceptor_id"].tolist()
    assert [p.fields["target"][2] - 1 for p in fires] == launch["threat_id"].tolist()
    assert [p.fields["shooter"] for p in fires] == [(1, 3, int(u) + 1) for u in launch["unit_id"]]
    assert all(p.fields["quantity"] == 1 and p.fields["munition_type"][:2] == (2, 1) for p in fires)
    detonations = [p for p in decoded if p.type == DETONATION]
    fired_event = {p.fields["munition"]: p.fields["event"] for p in fires}
    intercept = events_of(record, "intercept")
    by_munition = {p.fields["munition"]: p for p in detonations if p.fields["result"] == 2}
    assert len(by_munition) == len(intercept["t_s"])
    for k, interceptor_id in enumerate(intercept["interceptor_id"].tolist()):
        p = by_munition[(1, 2, interceptor_id + 1)]
        assert p.fields["event"] == fired_event[(1, 2, interceptor_id + 1)]
        assert p.fields["target"] == (1, 1, int(intercept["threat_id"][k]) + 1)
        expected = ecef(intercept["lat_deg"][k:k + 1], intercept["lon_deg"][k:k + 1], intercept["alt_m"][k:k + 1])
        assert np.abs(np.array(p.fields["location"]) - expected[0]).max() < ECEF_TOLERANCE_M
    impact = events_of(record, "impact")
    impacts = [p for p in detonations if p.fields["result"] == 3]
    assert [p.fields["munition"][2] - 1 for p in impacts] == impact["threat_id"].tolist()
    got = np.array([p.fields["location"] for p in impacts])
    assert np.abs(got - ecef(impact["lat_deg"], impact["lon_deg"], impact["alt_m"])).max() < ECEF_TOLERANCE_M
    misses = [p for p in detonations if p.fields["result"] in (5, 6)]
    assert len(misses) == len(events_of(record, "miss")["t_s"])


def test_entity_types_come_from_the_table_beside_the_catalog(record, decoded):
    types = {p.fields["marking"]: p.fields["type"] for p in decoded if p.type == ENTITY_STATE}
    units = {unit.name[:11]: unit.type for unit in record.scenario.units}
    assert {types[name][:4] for name in units} == {(1, 1, 0, 28)}  # land platform, air defence unit equipment
    threats = {types[m] for m in types if m.startswith("T")}
    assert (1, 2, 0, 1, 0, 0, 0) in threats  # the demo's fighters: air platform, fighter
    assert all(t[0] == 2 for t in threats if t[:2] != (1, 2))  # missiles and drones: munitions


def test_a_replay_streams_the_same_pdus_to_a_receiver_on_loopback(record):
    pdus = to_dis(record)
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10.0)
    received: list[bytes] = []

    def listen() -> None:
        while len(received) < len(pdus):
            received.append(receiver.recv(2048))

    listener = threading.Thread(target=listen)
    listener.start()
    speed = (pdus[-1].t_s - pdus[0].t_s) / 0.5  # the whole run in about half a second
    sent = stream(pdus, parse_address(f"udp://127.0.0.1:{receiver.getsockname()[1]}"), speed)
    listener.join(timeout=15.0)
    receiver.close()
    assert sent == len(pdus) and received == [item.data for item in pdus]
    assert b"".join(received) == to_dis_log(record)


def test_every_catalog_type_has_an_entity_type_and_the_table_names_only_known_types():
    from iadsim.catalog import load_catalog
    from iadsim.report.dis_types import entity_type as dis_type, entity_type_table

    catalog = load_catalog()
    kinds = ("fire_unit", "interceptor", "threat")
    resolved = {entry.name: dis_type(catalog, entry.name) for entry in catalog if entry.kind in kinds}
    assert all(t.kind in (1, 2) for t in resolved.values())
    assert set(entity_type_table()["types"]) <= set(resolved)
    assert resolved["patriot-battery"].country == 225 and resolved["s400-battalion"].country == 260
