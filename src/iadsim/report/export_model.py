"""What every export holds, independent of format: flights with time-tagged positions, and places.

A *flight* is one threat's or interceptor's path (from the event log, see
:mod:`iadsim.report.paths`) with its name, colour and properties; a *place*
is a fixed point (a defended asset, a fire unit, a stand-alone radar) or an
event's point (an intercept, an impact) with the time it happened. The CZML,
GeoJSON and KML writers turn these into their formats. Text here is plain,
not escaped: each writer escapes for its own format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iadsim.report.outcome import INTERCEPTOR_COLOUR, outcome_colour, outcome_key
from iadsim.report.paths import Paths
from iadsim.report.record import RunRecord

F64 = NDArray[np.float64]
DEFAULT_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""Simulated time zero in exports with calendar times, when the user gives no epoch (a scenario has no date)."""
ASSET_COLOUR = "#8c2d04"
UNIT_COLOUR = "#2166ac"
RADAR_COLOUR = "#3f007d"
INTERCEPT_COLOUR = "#111111"


@dataclass
class Flight:
    """A path in time: seconds from the start, degrees, metres above the ellipsoid (to 1 cm)."""

    id: str
    name: str
    role: str  # "threat" or "interceptor"
    colour: str  # "#rrggbb"
    t_s: F64
    lat_deg: F64
    lon_deg: F64
    alt_m: F64
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class Place:
    """A point: a site (``t_s`` None, there all the time) or an event's point at ``t_s``."""

    id: str
    name: str
    role: str  # "asset", "unit", "radar", "intercept" or "impact"
    colour: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    t_s: float | None = None
    properties: dict[str, Any] = field(default_factory=dict)


def at_epoch(epoch: dt.datetime, t_s: float) -> dt.datetime:
    """The calendar time of ``t_s`` simulated seconds after ``epoch``."""
    return epoch + dt.timedelta(seconds=float(t_s))


def end_s(record: RunRecord) -> float:
    """Time of the last event (s)."""
    return float(np.nanmax(record.events.column("t_s").to_numpy(), initial=0.0))


def flights(record: RunRecord) -> list[Flight]:
    """Every threat's and interceptor's path, threats first, each in id order."""
    by_id = {outcome["threat_id"]: outcome for outcome in record.outcomes}
    out = []
    paths = record.threat_paths
    for index, threat_id in enumerate(paths.ids.tolist()):
        outcome = by_id[threat_id]
        key = outcome_key(outcome)
        out.append(_flight(paths, index, f"threat-{threat_id}", record.threat_label(outcome), "threat",
                           outcome_colour(key), {
                               "threat_id": threat_id, "raid": outcome["raid"], "type": outcome["type"],
                               "fate": outcome["fate"], "outcome": key, "killed_by": outcome["killed_by"],
                               "layer": outcome["layer"],
                           }))
    launch = record.launches
    launched = {int(i): row for row, i in enumerate(launch["interceptor_id"].tolist())}
    paths = record.interceptor_paths
    for index, interceptor_id in enumerate(paths.ids.tolist()):
        row = launched.get(interceptor_id)
        weapon = str(launch["weapon"][row]) if row is not None else "?"
        unit = record.unit_name(int(launch["unit_id"][row])) if row is not None else "?"
        target = int(launch["threat_id"][row]) if row is not None else -1
        out.append(_flight(paths, index, f"interceptor-{interceptor_id}",
                           f"interceptor #{interceptor_id} ({weapon}) from {unit}", "interceptor",
                           INTERCEPTOR_COLOUR, {
                               "interceptor_id": interceptor_id, "weapon": weapon, "unit": unit,
                               "layer": str(launch["layer"][row]) if row is not None else None,
                               "target_threat_id": target,
                           }))
    return out


def _flight(paths: Paths, index: int, flight_id: str, name: str, role: str, colour: str,
            properties: dict[str, Any]) -> Flight:
    rows = paths.rows(index)
    return Flight(flight_id, name, role, colour, np.round(paths.t_s[rows], 3), np.round(paths.lat_deg[rows], 7),
                  np.round(paths.lon_deg[rows], 7), np.round(paths.alt_m[rows], 2), properties)


def places(record: RunRecord) -> list[Place]:
    """Assets, fire units, stand-alone radars, then every intercept and impact."""
    scenario = record.scenario
    out = [Place(f"asset-{i}", asset.name, "asset", ASSET_COLOUR, asset.position.lat, asset.position.lon,
                 asset.position.alt, properties={"value": asset.value})
           for i, asset in enumerate(scenario.assets)]
    out += [Place(f"unit-{i}", unit.name, "unit", UNIT_COLOUR, unit.position.lat, unit.position.lon,
                  unit.position.alt, properties={"type": unit.type, "inventory": dict(unit.inventory)})
            for i, unit in enumerate(scenario.units)]
    out += [Place(f"radar-{i}", sensor.name, "radar", RADAR_COLOUR, sensor.position.lat, sensor.position.lon,
                  sensor.position.alt, properties={"type": sensor.type})
            for i, sensor in enumerate(scenario.sensors)]
    events = record.events
    kind = events.column("kind").cast("string").to_numpy(zero_copy_only=False)
    columns = {name: events.column(name).to_numpy() for name in ("t_s", "lat_deg", "lon_deg", "alt_m", "threat_id")}
    labels = {outcome["threat_id"]: record.threat_label(outcome) for outcome in record.outcomes}
    for event, colour in (("intercept", INTERCEPT_COLOUR), ("impact", outcome_colour("leaked"))):
        for row in np.flatnonzero(kind == event).tolist():
            threat = int(columns["threat_id"][row])
            out.append(Place(f"{event}-{row}", f"{event} of {labels.get(threat, f'#{threat}')}", event, colour,
                             float(columns["lat_deg"][row]), float(columns["lon_deg"][row]),
                             float(columns["alt_m"][row]), float(columns["t_s"][row]), {"threat_id": threat}))
    return out
