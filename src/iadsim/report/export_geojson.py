"""GeoJSON (RFC 7946) of a run: a LineString per threat and interceptor path, a Point per site and event.

Coordinates are [longitude, latitude, altitude above the WGS-84 ellipsoid in
metres]; a path's ``times_s`` property gives the simulated time of each of
its positions. Every feature has ``role`` (threat, interceptor, asset, unit,
radar, intercept, impact), ``name`` and ``colour`` properties.
"""

from __future__ import annotations

import json
from typing import Any

from iadsim.report.export_model import Flight, Place, flights, places
from iadsim.report.record import RunRecord


def to_geojson(record: RunRecord) -> str:
    """The GeoJSON FeatureCollection of a run, as JSON text."""
    collection = {
        "type": "FeatureCollection",
        "name": record.scenario.name,
        "features": [_path_feature(flight) for flight in flights(record)]
        + [_point_feature(place) for place in places(record)],
    }
    return json.dumps(collection, ensure_ascii=False, allow_nan=False)


def _path_feature(flight: Flight) -> dict[str, Any]:
    coordinates = [[lon, lat, alt] for lon, lat, alt in
                   zip(flight.lon_deg.tolist(), flight.lat_deg.tolist(), flight.alt_m.tolist(), strict=True)]
    times = flight.t_s.tolist()
    if len(coordinates) == 1:  # a LineString needs two positions: a path with one stays put
        coordinates, times = coordinates * 2, times * 2
    return {"type": "Feature", "id": flight.id, "geometry": {"type": "LineString", "coordinates": coordinates},
            "properties": {"role": flight.role, "name": flight.name, "colour": flight.colour,
                           "times_s": times, **flight.properties}}


def _point_feature(place: Place) -> dict[str, Any]:
    return {"type": "Feature", "id": place.id,
            "geometry": {"type": "Point", "coordinates": [place.lon_deg, place.lat_deg, place.alt_m]},
            "properties": {"role": place.role, "name": place.name, "colour": place.colour, "time_s": place.t_s,
                           **place.properties}}
