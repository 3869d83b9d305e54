"""KML 2.2 for Google Earth-style viewers: a time-tagged track per threat and interceptor, sites and events.

Paths are ``gx:Track`` elements (the Google extension to KML 2.2 that pairs
each position with a ``when``), so a viewer's time slider replays the run;
sites are points; intercepts and impacts are points with a time stamp.
Altitudes are absolute (above the ellipsoid, metres). A scenario has no
calendar date: simulated seconds count from an epoch (see
:data:`~iadsim.report.export_model.DEFAULT_EPOCH`). Written with the standard
library's XML writer, which escapes every text.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from iadsim.report.export_model import DEFAULT_EPOCH, Flight, Place, at_epoch, flights, places
from iadsim.report.record import RunRecord

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"
FOLDERS = (("threat", "Threats"), ("interceptor", "Interceptors"), ("asset", "Defended assets"),
           ("unit", "Fire units"), ("radar", "Stand-alone radars"), ("intercept", "Intercepts"),
           ("impact", "Impacts"))


def to_kml(record: RunRecord, epoch: dt.datetime = DEFAULT_EPOCH) -> str:
    """The KML document of a run, as XML text."""
    ET.register_namespace("", KML_NS)
    ET.register_namespace("gx", GX_NS)
    root = ET.Element(_kml("kml"))
    document = ET.SubElement(root, _kml("Document"))
    _text(document, "name", record.scenario.name)
    all_flights, all_places = flights(record), places(record)
    colours = sorted({item.colour for item in [*all_flights, *all_places]})
    for colour in colours:
        _style(document, colour)
    folders = {role: ET.SubElement(document, _kml("Folder")) for role, _ in FOLDERS}
    for role, title in FOLDERS:
        _text(folders[role], "name", title)
    for flight in all_flights:
        _track(folders[flight.role], flight, epoch)
    for place in all_places:
        _point(folders[place.role], place, epoch)
    for role, folder in folders.items():
        if len(folder) == 1:  # only its name: nothing of that kind in the run
            document.remove(folder)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _kml(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str, namespace: str = KML_NS) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{tag}")
    element.text = text
    return element


def _style_id(colour: str) -> str:
    return f"c{colour.lstrip('#')}"


def _style(document: ET.Element, colour: str) -> None:
    """A style for lines and icons of one colour (KML writes colours as aabbggrr)."""
    red, green, blue = colour[1:3], colour[3:5], colour[5:7]
    kml_colour = f"ff{blue}{green}{red}"
    style = ET.SubElement(document, _kml("Style"), id=_style_id(colour))
    line = ET.SubElement(style, _kml("LineStyle"))
    _text(line, "color", kml_colour)
    _text(line, "width", "2")
    icon = ET.SubElement(style, _kml("IconStyle"))
    _text(icon, "color", kml_colour)


def _placemark(folder: ET.Element, name: str, colour: str, element_id: str, when: str | None = None) -> ET.Element:
    """A placemark with its name, time stamp and style, in the order the KML schema wants them."""
    placemark = ET.SubElement(folder, _kml("Placemark"), id=element_id)
    _text(placemark, "name", name)
    if when is not None:
        _text(ET.SubElement(placemark, _kml("TimeStamp")), "when", when)
    _text(placemark, "styleUrl", f"#{_style_id(colour)}")
    return placemark


def _track(folder: ET.Element, flight: Flight, epoch: dt.datetime) -> None:
    placemark = _placemark(folder, flight.name, flight.colour, flight.id)
    track = ET.SubElement(placemark, f"{{{GX_NS}}}Track")
    _text(track, "altitudeMode", "absolute")
    for t_s in flight.t_s.tolist():
        _text(track, "when", _iso(at_epoch(epoch, t_s)))
    for lon, lat, alt in zip(flight.lon_deg.tolist(), flight.lat_deg.tolist(), flight.alt_m.tolist(), strict=True):
        _text(track, "coord", f"{lon} {lat} {alt}", GX_NS)


def _point(folder: ET.Element, place: Place, epoch: dt.datetime) -> None:
    when = None if place.t_s is None else _iso(at_epoch(epoch, place.t_s))
    placemark = _placemark(folder, place.name, place.colour, place.id, when)
    point = ET.SubElement(placemark, _kml("Point"))
    _text(point, "altitudeMode", "absolute")
    _text(point, "coordinates", f"{place.lon_deg},{place.lat_deg},{place.alt_m}")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
