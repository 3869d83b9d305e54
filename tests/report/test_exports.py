"""Exports validated by independent readers: czml3's models, a GeoJSON schema (geojson-pydantic), fastkml."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from czml3 import Document, Packet
from fastkml import kml
from geojson_pydantic import FeatureCollection

from iadsim.report.export_czml import to_czml
from iadsim.report.export_geojson import to_geojson
from iadsim.report.export_kml import to_kml
from iadsim.report.record import RunRecord
from iadsim.results import summary_of


@pytest.fixture(scope="module")
def record(demo_result):
    return RunRecord.of_result(demo_result, summary_of(demo_result))


def expected_counts(record) -> dict[str, int]:
    metrics = record.metrics
    scenario = record.scenario
    return {"threat": metrics["threats"], "interceptor": metrics["interceptors_fired"],
            "asset": len(scenario.assets), "unit": len(scenario.units), "radar": len(scenario.sensors),
            "intercept": metrics["killed"], "impact": metrics["leaked"]}


def test_czml_passes_czml3_validation_with_time_tagged_positions(record):
    epoch = dt.datetime(2024, 4, 13, 22, 0, tzinfo=dt.UTC)
    packets = json.loads(to_czml(record, epoch))
    document = Document(packets=[Packet(**packet) for packet in packets])  # every packet re-validated
    assert document.packets[0].id == "document" and packets[0]["clock"]["currentTime"].startswith("2024-04-13T22:00")
    threats = [p for p in packets if p["id"].startswith("threat-")]
    assert len(threats) == record.metrics["threats"]
    first = threats[0]["position"]
    samples = np.array(first["cartographicDegrees"]).reshape(-1, 4)
    assert first["epoch"].startswith("2024-04-13T22:00") and np.all(np.diff(samples[:, 0]) > 0)
    rows = record.threat_paths.rows(0)
    assert np.allclose(samples[:, 1], record.threat_paths.lon_deg[rows], atol=1e-7)
    assert np.allclose(samples[:, 3], record.threat_paths.alt_m[rows], atol=0.01)


def test_geojson_passes_the_schema_and_keeps_paths_and_times(record):
    text = to_geojson(record)
    collection = FeatureCollection.model_validate_json(text)
    roles = [feature.properties["role"] for feature in collection.features]
    assert {role: roles.count(role) for role in set(roles)} == {k: v for k, v in expected_counts(record).items() if v}
    threat = next(f for f in json.loads(text)["features"] if f["properties"]["role"] == "threat")
    coordinates = np.array(threat["geometry"]["coordinates"])
    assert coordinates.shape[1] == 3 and len(threat["properties"]["times_s"]) == len(coordinates)
    assert threat["properties"]["fate"] in ("killed", "leaked", "flying")


def test_kml_parses_back_with_every_placemark_and_track(record):
    text = to_kml(record)
    document = next(iter(kml.KML.from_string(text.encode()).features))
    folders = {folder.name: list(folder.features) for folder in document.features}
    counts = expected_counts(record)
    assert len(folders["Threats"]) == counts["threat"] and len(folders["Interceptors"]) == counts["interceptor"]
    assert len(folders["Intercepts"]) == counts["intercept"] and len(folders["Impacts"]) == counts["impact"]
    assert len(folders["Defended assets"]) == counts["asset"]
    track = folders["Threats"][0]
    rows = record.threat_paths.rows(0)
    coordinates = np.array(track.geometry.coords)
    assert np.allclose(coordinates[:, 0], record.threat_paths.lon_deg[rows], atol=1e-7)
    assert np.allclose(coordinates[:, 1], record.threat_paths.lat_deg[rows], atol=1e-7)
    intercept = folders["Intercepts"][0]
    assert intercept.times is not None


def test_exports_escape_names(tmp_path):
    import iadsim
    from tests.helpers import BASE, raid

    hostile = "<b>&\"'</b>"
    result = iadsim.simulate(iadsim.load_scenario(dict(BASE, raids=[raid(name=hostile)], duration="5 min")))
    record = RunRecord.of_result(result, summary_of(result))
    placemark = next(iter(next(iter(kml.KML.from_string(to_kml(record).encode()).features)).features))
    assert next(iter(placemark.features)).name == f"#0 {hostile} (generic-drone)"
    assert json.loads(to_geojson(record))["features"][0]["properties"]["raid"] == hostile
    packet = next(p for p in json.loads(to_czml(record)) if p["id"] == "threat-0")
    assert packet["name"] == f"#0 {hostile} (generic-drone)" and "&lt;b&gt;" in packet["description"]
