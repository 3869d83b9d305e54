"""CZML for Cesium viewers: time-tagged positions of every threat and interceptor, sites, intercepts, impacts.

Built with czml3's models, which check every packet. A scenario has no
calendar date, so simulated seconds count from an epoch the caller chooses
(by default :data:`~iadsim.report.export_model.DEFAULT_EPOCH`); positions are cartographic degrees and
metres above the WGS-84 ellipsoid, interpolated linearly between samples.
"""

from __future__ import annotations

import datetime as dt
import html

from czml3 import CZML_VERSION, Clock, Color, Document, Label, Packet, Path, Point, Position, PolylineMaterial
from czml3.properties import SolidColorMaterial
from czml3.types import TimeInterval

from iadsim.report.export_model import DEFAULT_EPOCH, Flight, Place, at_epoch, end_s, flights, places
from iadsim.report.record import RunRecord

REPLAY_MULTIPLIER = 60.0
"""Simulated seconds per second of the viewer's clock when it opens."""


def to_czml(record: RunRecord, epoch: dt.datetime = DEFAULT_EPOCH) -> str:
    """The CZML document of a run, as JSON text."""
    end = at_epoch(epoch, end_s(record))
    preamble = Packet(
        id="document", name=record.scenario.name, version=CZML_VERSION,
        clock=Clock(interval=TimeInterval(start=epoch, end=end), currentTime=epoch, multiplier=REPLAY_MULTIPLIER),
    )
    packets = [preamble]
    packets += [_flight_packet(flight, epoch) for flight in flights(record)]
    packets += [_place_packet(place, epoch, end) for place in places(record)]
    return Document(packets=packets).dumps()


def _rgba(colour: str, alpha: int = 255) -> Color:
    return Color(rgba=[int(colour[i:i + 2], 16) for i in (1, 3, 5)] + [alpha])


def _flight_packet(flight: Flight, epoch: dt.datetime) -> Packet:
    samples = [value for row in zip(flight.t_s.tolist(), flight.lon_deg.tolist(), flight.lat_deg.tolist(),
                                    flight.alt_m.tolist(), strict=True) for value in row]
    threat = flight.role == "threat"
    return Packet(
        id=flight.id, name=flight.name, description=_description(flight.properties),
        availability=TimeInterval(start=at_epoch(epoch, flight.t_s[0]), end=at_epoch(epoch, flight.t_s[-1])),
        position=Position(epoch=epoch, cartographicDegrees=samples, interpolationAlgorithm="LINEAR"),
        point=Point(color=_rgba(flight.colour), pixelSize=9 if threat else 5, outlineColor=_rgba("#000000"),
                    outlineWidth=1),
        path=Path(material=PolylineMaterial(solidColor=SolidColorMaterial(color=_rgba(flight.colour, 200))),
                  width=2 if threat else 1, leadTime=0, trailTime=float(flight.t_s[-1] - flight.t_s[0]) + 1.0),
    )


def _place_packet(place: Place, epoch: dt.datetime, end: dt.datetime) -> Packet:
    site = place.t_s is None
    return Packet(
        id=place.id, name=place.name, description=_description(place.properties),
        availability=None if site else TimeInterval(start=at_epoch(epoch, place.t_s), end=end),
        position=Position(cartographicDegrees=[place.lon_deg, place.lat_deg, place.alt_m]),
        point=Point(color=_rgba(place.colour), pixelSize=10 if site else 7),
        label=Label(text=place.name, font="12px sans-serif", fillColor=_rgba("#ffffff"), show=site),
    )


def _description(properties: dict[str, object]) -> str:
    """An HTML table of properties for the viewer's info box; every value escaped."""
    rows = "".join(f"<tr><th>{html.escape(str(key))}</th><td>{html.escape(str(value))}</td></tr>"
                   for key, value in properties.items())
    return f"<table>{rows}</table>"
