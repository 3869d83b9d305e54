"""The report's maps: outline, defences, coverage, envelopes, and every path of the run.

Two views of the same content: the local map, in kilometres on the east-north
plane of :class:`~iadsim.report.geometry.MapFrame` with equal scales on both
axes, and the geographic map, in longitude and latitude on the equirectangular
projection of :class:`~iadsim.report.geometry.GeoFrame`, centred on the
scenario. Layers from bottom to top: coastline and
borders, radar coverage for chosen target altitudes (the horizon shrinks it
for low flyers), engagement envelopes per layer (each interceptor type's
maximum range around each unit), jam strobes (a bearing line from the radar
across the map), defended assets, units, radars and jammers, threat paths
coloured by outcome, interceptor paths, intercept and impact points, jammer
fixes, and last the two traces the replay moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from iadsim.report import escape
from iadsim.report.geometry import GeoFrame, MapFrame, bearing_lines_lat_lon, coverage_radius_m, ring_lat_lon
from iadsim.report.outcome import (
    INTERCEPTOR_COLOUR, LAYER_COLOURS, LAYER_NAMES, LEAKED_COLOUR, LOST_COLOUR, OUTCOME_KEYS, outcome_colour, outcome_key,
    outcome_name,
)
from iadsim.report.outline import outline
from iadsim.report.paths import Paths
from iadsim.report.record import RunRecord
from iadsim.units import display

F64 = NDArray[np.float64]
DEFAULT_COVERAGE_ALTITUDES_M: tuple[float, ...] = (30.0, 300.0, 3000.0, 10000.0)
"""Target altitudes whose radar coverage the map can show (toggled from its legend)."""
SHOWN_COVERAGE_ALTITUDES_M: tuple[float, ...] = (30.0, 10000.0)
"""Those shown when the page opens: a sea-skimmer's and a fighter's, the contrast of the radar horizon."""
COVERAGE_COLOURS = ("#1f78b4", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3")
MARGIN = 0.08
"""Fraction of the map's extent added on every side."""
OUTLINE_REACH = 3.0
"""Coastlines are drawn this many times the map's extent, for a user who zooms out."""
STROBE_PIECES = 8
"""Straight pieces of each drawn jam strobe (a great ellipse, slightly curved on both maps): 500 km east at
38° N, 8 pieces keep within 80 m of the curve on the geographic map."""
MAX_DRAWN_STROBES = 2000
"""Jam strobes a map draws, at most (a log with ``log_all_detections`` can hold many thousands): beyond, each
radar's first strobe of each jammer and every k-th of the others."""


@dataclass
class MapFigure:
    """The map, its projection, and the indexes of the traces the replay moves (-1 on the geographic map)."""

    figure: go.Figure
    frame: MapFrame | GeoFrame
    threats_now_trace: int
    interceptors_now_trace: int


@dataclass
class _Rings:
    """Several closed rings with a hover text each, as NaN-separated coordinates."""

    lat: list[F64]
    lon: list[F64]
    hover: list[str]

    def add(self, lat_deg: float, lon_deg: float, radius_m: float, hover: str) -> None:
        lat, lon = ring_lat_lon(lat_deg, lon_deg, radius_m)
        self.lat.append(lat)
        self.lon.append(lon)
        self.hover.append(hover)

    def xy_text(self, frame: MapFrame | GeoFrame) -> tuple[F64, F64, list[str]]:
        if not self.lat:
            return np.empty(0), np.empty(0), []
        lat = np.concatenate([np.append(ring, np.nan) for ring in self.lat])
        lon = np.concatenate([np.append(ring, np.nan) for ring in self.lon])
        x, y = frame.xy(lat, lon)
        hover = [text for ring, text in zip(self.lat, self.hover, strict=True) for _ in range(len(ring) + 1)]
        return x, y, hover


def build_map(record: RunRecord, coverage_altitudes_m: tuple[float, ...] = DEFAULT_COVERAGE_ALTITUDES_M,
              geographic: bool = False) -> MapFigure:
    """The map of one run: the local one in kilometres, or with ``geographic`` the one in longitude and latitude."""
    local = _frame(record)
    frame: MapFrame | GeoFrame = GeoFrame(local.lat0_deg, local.lon0_deg) if geographic else local
    envelopes = _envelopes(record)
    traces: list[go.Scatter] = []
    half_width, half_height = _half_extent(record, local, envelopes)
    coast, borders = outline(local, OUTLINE_REACH * half_width, OUTLINE_REACH * half_height, frame)
    traces.append(go.Scatter(x=coast.x, y=coast.y, mode="lines", name="coastline", hoverinfo="skip",
                             line=dict(color="#7a8ca3", width=1)))
    traces.append(go.Scatter(x=borders.x, y=borders.y, mode="lines", name="borders", hoverinfo="skip",
                             line=dict(color="#a0a0a0", width=1, dash="dot")))
    traces += _coverage_traces(record, frame, coverage_altitudes_m)
    for layer, rings in envelopes.items():
        x, y, hover = rings.xy_text(frame)
        traces.append(go.Scatter(x=x, y=y, mode="lines", name=f"{LAYER_NAMES[layer]} envelope",
                                 line=dict(color=LAYER_COLOURS[layer], width=1.5, dash="dash"),
                                 text=hover, hoverinfo="text"))
    kind = record.events.column("kind").cast("string").to_numpy(zero_copy_only=False)
    traces += _strobe_traces(record, kind, local, frame, half_width, half_height)
    traces += _site_traces(record, frame)
    traces += _path_traces(record, frame)
    traces += _point_traces(record, kind, frame)
    traces += _fix_traces(record, kind, frame)
    threats_now = len(traces) if not geographic else -1
    if not geographic:  # the replay moves the local map only
        traces.append(go.Scatter(x=[], y=[], mode="markers", name="threats (replay)", hoverinfo="text",
                                 marker=dict(size=9, line=dict(color="#222", width=1), symbol="circle")))
        traces.append(go.Scatter(x=[], y=[], mode="markers", name="interceptors (replay)", hoverinfo="text",
                                 marker=dict(size=6, color="#111", symbol="diamond")))
    figure = go.Figure(traces)
    figure.update_layout(
        template="simple_white", height=760, margin=dict(l=50, r=10, t=10, b=40), hovermode="closest",
        **(_geographic_axes(frame, half_width, half_height) if isinstance(frame, GeoFrame)
           else _local_axes(half_width, half_height)),
        legend=dict(font=dict(size=11), itemsizing="constant"),
        plot_bgcolor="#fbfcfd",
    )
    return MapFigure(figure, frame, threats_now, threats_now + 1 if not geographic else -1)


def _local_axes(half_width_km: float, half_height_km: float) -> dict[str, object]:
    """East and north in kilometres from the centre, one scale on both."""
    return dict(
        xaxis=dict(title="east (km)", range=[-half_width_km, half_width_km], zeroline=False, showgrid=True,
                   gridcolor="#eef0f3"),
        yaxis=dict(title="north (km)", range=[-half_height_km, half_height_km], zeroline=False, showgrid=True,
                   gridcolor="#eef0f3", scaleanchor="x", scaleratio=1))


def _geographic_axes(frame: GeoFrame, half_width_km: float, half_height_km: float) -> dict[str, object]:
    """Longitude and latitude in degrees over the local map's extent, a degree of latitude 1/cos(lat0) as long."""
    half_lat = half_height_km / KM_PER_DEGREE_OF_LATITUDE
    half_lon = half_width_km / (KM_PER_DEGREE_OF_LATITUDE / frame.aspect)
    return dict(
        xaxis=dict(title="longitude (°)", range=[frame.lon0_deg - half_lon, frame.lon0_deg + half_lon],
                   ticksuffix="°", zeroline=False, showgrid=True, gridcolor="#dfe3e8"),
        yaxis=dict(title="latitude (°)", range=[frame.lat0_deg - half_lat, frame.lat0_deg + half_lat],
                   ticksuffix="°", zeroline=False, showgrid=True, gridcolor="#dfe3e8", scaleanchor="x",
                   scaleratio=frame.aspect))


KM_PER_DEGREE_OF_LATITUDE = 111.2
"""Mean length of a degree of latitude (km): sets only how much of the world the geographic map opens on."""


def project_paths(frame: MapFrame | GeoFrame, paths: Paths) -> tuple[F64, F64]:
    """Map coordinates (km) of every row of ``paths``."""
    return frame.xy(paths.lat_deg, paths.lon_deg)


def gapped_rows(paths: Paths, entities: NDArray[np.int64]) -> NDArray[np.int64]:
    """Rows of the chosen entities' paths, one after another, with -1 after each path (a gap in a line)."""
    lengths = np.diff(paths.offsets)[entities] + 1
    ends = np.cumsum(lengths)
    rows = np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - lengths, lengths) \
        + np.repeat(paths.offsets[entities], lengths)
    rows[ends - 1] = -1
    return rows


def _frame(record: RunRecord) -> MapFrame:
    scenario = record.scenario
    points = [asset.position for asset in scenario.assets] + [unit.position for unit in scenario.units]
    points += [sensor.position for sensor in scenario.sensors]
    points += [raid.launch_point for raid in scenario.raids] + [p for raid in scenario.raids for p in raid.waypoints]
    return MapFrame.around([p.lat for p in points], [p.lon for p in points])


def _half_extent(record: RunRecord, frame: MapFrame, envelopes: dict[str, _Rings]) -> tuple[float, float]:
    """Half width and half height (km) that hold every site, path and envelope, with a margin."""
    lat = [record.drawn_threat_paths.lat_deg, record.drawn_interceptor_paths.lat_deg]
    lon = [record.drawn_threat_paths.lon_deg, record.drawn_interceptor_paths.lon_deg]
    for rings in envelopes.values():
        lat += rings.lat
        lon += rings.lon
    scenario = record.scenario
    sites = [a.position for a in scenario.assets] + [u.position for u in scenario.units] \
        + [s.position for s in scenario.sensors] + [r.launch_point for r in scenario.raids] \
        + [p for j in scenario.jammers for p in (j.position, *j.route)]
    lat.append(np.array([p.lat for p in sites]))
    lon.append(np.array([p.lon for p in sites]))
    x, y = frame.xy(np.concatenate(lat), np.concatenate(lon))
    half = max(float(np.nanmax(np.abs(x), initial=10.0)), float(np.nanmax(np.abs(y), initial=10.0)))
    return half * (1 + MARGIN), half * (1 + MARGIN)


def _envelopes(record: RunRecord) -> dict[str, _Rings]:
    """Per layer, a ring at each interceptor type's maximum range around each unit that carries it."""
    envelopes: dict[str, _Rings] = {}
    for unit in record.scenario.units:
        carried = [name for name, rounds in unit.inventory.items() if rounds > 0]
        for name in carried:
            missile = record.catalog.interceptor(name)
            rings = envelopes.setdefault(missile.layer, _Rings([], [], []))
            hover = f"{escape.text(unit.name)}: {escape.text(name)} to {distance_text(missile.max_range)}"
            rings.add(unit.position.lat, unit.position.lon, missile.max_range, hover)
    return dict(sorted(envelopes.items(), key=lambda item: list(LAYER_COLOURS).index(item[0])))


def _coverage_traces(record: RunRecord, frame: MapFrame | GeoFrame, altitudes_m: tuple[float, ...]) -> list[go.Scatter]:
    """One trace per target altitude: every radar's coverage ring at that altitude."""
    sites = record.radars
    radars = [record.catalog.radar(name) for name in sites.column("type").to_pylist()]
    detection = np.array([radar.detection_range for radar in radars])
    instrumented = np.array([radar.max_range for radar in radars])
    lat, lon, antenna_alt_m = (sites.column(name).to_numpy() for name in ("lat_deg", "lon_deg", "alt_m"))
    traces = []
    for index, altitude in enumerate(altitudes_m):
        radius = coverage_radius_m(detection, instrumented, antenna_alt_m, altitude)
        rings = _Rings([], [], [])
        for row, name in enumerate(sites.column("name").to_pylist()):
            rings.add(lat[row], lon[row], radius[row],
                      f"{escape.text(name)}: {distance_text(radius[row])} against a target "
                      f"of {display(radars[row].reference_rcs, 'area')} at {distance_text(altitude)}")
        x, y, hover = rings.xy_text(frame)
        colour = COVERAGE_COLOURS[index % len(COVERAGE_COLOURS)]
        shown = any(np.isclose(altitude, SHOWN_COVERAGE_ALTITUDES_M)) or len(altitudes_m) <= 2
        traces.append(go.Scatter(
            x=x, y=y, mode="lines", fill="toself", name=f"radar coverage at {distance_text(altitude)}",
            line=dict(color=colour, width=1), fillcolor=_rgba(colour, 0.05), text=hover, hoverinfo="text",
            visible=True if shown else "legendonly",
        ))
    return traces


def _site_traces(record: RunRecord, frame: MapFrame | GeoFrame) -> list[go.Scatter]:
    """Defended assets, fire units (coloured by their longest layer) and stand-alone radars."""
    scenario = record.scenario
    traces = []
    if scenario.assets:
        x, y = frame.xy([a.position.lat for a in scenario.assets], [a.position.lon for a in scenario.assets])
        names = [escape.text(a.name) for a in scenario.assets]
        traces.append(go.Scatter(
            x=x, y=y, mode="markers+text", name="defended assets", text=names, textposition="top center",
            hovertext=[f"{name} (value {a.value:g})" for name, a in zip(names, scenario.assets, strict=True)],
            hoverinfo="text", marker=dict(symbol="square", size=11, color="#8c2d04", line=dict(color="#fff", width=1)),
        ))
    if scenario.units:
        x, y = frame.xy([u.position.lat for u in scenario.units], [u.position.lon for u in scenario.units])
        layers = [_longest_layer(record, unit.inventory) for unit in scenario.units]
        names = [escape.text(u.name) for u in scenario.units]
        traces.append(go.Scatter(
            x=x, y=y, mode="markers+text", name="fire units", text=names, textposition="bottom center",
            hovertext=[f"{name}: {escape.text(u.type)}, "
                       + ", ".join(f"{n} × {escape.text(m)}" for m, n in u.inventory.items())
                       for name, u in zip(names, scenario.units, strict=True)],
            hoverinfo="text", textfont=dict(size=10),
            marker=dict(symbol="triangle-up", size=12, color=[LAYER_COLOURS.get(layer, "#444") for layer in layers],
                        line=dict(color="#fff", width=1)),
        ))
    if scenario.sensors:
        x, y = frame.xy([s.position.lat for s in scenario.sensors], [s.position.lon for s in scenario.sensors])
        traces.append(go.Scatter(
            x=x, y=y, mode="markers", name="stand-alone radars",
            hovertext=[f"{escape.text(s.name)}: {escape.text(s.type)}" for s in scenario.sensors], hoverinfo="text",
            marker=dict(symbol="diamond", size=10, color="#3f007d", line=dict(color="#fff", width=1)),
        ))
    return traces + _jammer_traces(record, frame)


def _jammer_traces(record: RunRecord, frame: MapFrame | GeoFrame) -> list[go.Scatter]:
    """Stand-off and ground jammers where they hold (after their route, drawn dotted from where they start),
    a GNSS jammer with the ring of its footprint."""
    jammers = record.scenario.jammers
    if not jammers:
        return []
    traces = []
    for jammer in (j for j in jammers if j.route):
        x, y = frame.xy([p.lat for p in (jammer.position, *jammer.route)],
                           [p.lon for p in (jammer.position, *jammer.route)])
        traces.append(go.Scatter(x=x, y=y, mode="lines", line=dict(color=JAMMER_COLOUR, width=1.5, dash="dot"),
                                 hoverinfo="skip", showlegend=False))
    held = [(j.route[-1] if j.route else j.position) for j in jammers]
    x, y = frame.xy([p.lat for p in held], [p.lon for p in held])
    names = [escape.text(j.name) for j in jammers]
    traces.append(go.Scatter(
        x=x, y=y, mode="markers+text", name="jammers", text=names, textposition="top center",
        hovertext=[f"{name}: {escape.text(j.type)}" for name, j in zip(names, jammers, strict=True)],
        hoverinfo="text", textfont=dict(size=10),
        marker=dict(symbol="star-diamond", size=12, color=JAMMER_COLOUR, line=dict(color="#fff", width=1))))
    for jammer in jammers:
        radius_m = record.catalog.jammer(jammer.type).gnss_radius
        if radius_m is not None:
            lat, lon = ring_lat_lon(jammer.position.lat, jammer.position.lon, radius_m)
            x, y = frame.xy(lat, lon)
            traces.append(go.Scatter(x=x, y=y, mode="lines", line=dict(color=JAMMER_COLOUR, width=1, dash="dash"),
                                     name="GNSS jamming footprint", hoverinfo="skip"))
    return traces


JAMMER_COLOUR = "#7a0177"
STROBE_OPACITY = 0.35
"""Opacity of a jam strobe's line: many cross near their jammer."""


def _strobe_traces(record: RunRecord, kind: NDArray[np.object_], local: MapFrame, frame: MapFrame | GeoFrame,
                   half_width_km: float, half_height_km: float) -> list[go.Scatter]:
    """Every logged jam strobe as a bearing line from its radar along the measured azimuth, out past the edge
    of the local map (half extents in km): a strobe gives a direction, not a range. One trace, lines apart
    by NaN gaps; none in a run without strobes."""
    rows = drawn_strobes(record.events, np.flatnonzero(kind == "strobe"), MAX_DRAWN_STROBES)
    if len(rows) == 0:
        return []
    events = record.events
    lat, lon, t_s, azimuth = (events.column(name).to_numpy()[rows] for name in ("lat_deg", "lon_deg", "t_s", "value"))
    sensor = events.column("sensor_id").to_numpy()[rows]
    jammer = events.column("detail").take(rows).to_pylist()
    x0, y0 = local.xy(lat, lon)
    length_m = 1000.0 * np.hypot(np.abs(x0) + half_width_km, np.abs(y0) + half_height_km)  # to the far corner
    line_lat, line_lon = bearing_lines_lat_lon(lat, lon, azimuth, length_m, STROBE_PIECES)
    x, y = frame.xy(np.pad(line_lat, ((0, 0), (0, 1)), constant_values=np.nan).ravel(),
                    np.pad(line_lon, ((0, 0), (0, 1)), constant_values=np.nan).ravel())
    hover = [f"{escape.text(record.sensor_name(int(s)))}: jam strobe of {escape.text(j)}<br>"
             f"t {t:,.0f} s ({t / 60:.1f} min), azimuth {a:.1f}°"
             for s, j, t, a in zip(sensor, jammer, t_s, azimuth, strict=True)]
    return [go.Scatter(x=x, y=y, mode="lines", name="jam strobe",
                       line=dict(color=_rgba(JAMMER_COLOUR, STROBE_OPACITY), width=1),
                       text=np.repeat(np.array(hover, dtype=object), STROBE_PIECES + 2), hoverinfo="text",
                       connectgaps=False)]


def drawn_strobes(events: pa.Table, rows: NDArray[np.int64], most: int) -> NDArray[np.int64]:
    """Of the ``strobe`` events at ``rows`` (in log order), those a map draws, at most ``most`` (or the
    firsts, if there are more pairs): each radar's first strobe of each jammer (radar, carrier, jammer name),
    then every k-th of the others."""
    if len(rows) <= most:
        return rows
    sensor = events.column("sensor_id").to_numpy()[rows].astype(np.int64)
    carrier = events.column("threat_id").to_numpy()[rows].astype(np.int64) + 1
    jammer = pc.dictionary_encode(events.column("detail").take(rows)).combine_chunks().indices.to_numpy()
    pair = (sensor * (carrier.max() + 1) + carrier) * (jammer.max() + 1) + jammer
    firsts = np.unique(pair, return_index=True)[1]
    others = np.setdiff1d(np.arange(len(rows)), firsts)
    room = most - len(firsts)
    kept = others[::-(-len(others) // room)] if room > 0 else others[:0]
    return rows[np.union1d(firsts, kept)]


def _fix_traces(record: RunRecord, kind: NDArray[np.object_], frame: MapFrame | GeoFrame) -> list[go.Scatter]:
    """Where air pictures located jammers by crossing strobes (``jammer_located``), with the fix's error and
    the track it started, if any (a ``track_start`` of a jammer fix at the same time on the same carrier)."""
    rows = np.flatnonzero(kind == "jammer_located")
    if len(rows) == 0:
        return []
    events = record.events
    column = {name: events.column(name).to_numpy()[rows]
              for name in ("lat_deg", "lon_deg", "t_s", "value", "threat_id")}
    starts = np.flatnonzero(kind == "track_start")
    started = {(t, threat): track for t, threat, track, detail in zip(
        events.column("t_s").to_numpy()[starts], events.column("threat_id").to_numpy()[starts],
        events.column("track_id").to_numpy()[starts], events.column("detail").take(starts).to_pylist(), strict=True)
        if "jammer fix" in (detail or "")}
    hover = [f"jammer fix: {escape.text(detail)}<br>t {t:,.0f} s ({t / 60:.1f} min), error {error:,.0f} m"
             + (f"<br>starts track {started[t, threat]}" if (t, threat) in started else "")
             for detail, t, error, threat in zip(events.column("detail").take(rows).to_pylist(), column["t_s"],
                                                 column["value"], column["threat_id"], strict=True)]
    x, y = frame.xy(column["lat_deg"], column["lon_deg"])
    return [go.Scatter(x=x, y=y, mode="markers", name="jammer fix", text=hover, hoverinfo="text",
                       marker=dict(symbol="circle-cross-open", size=11, color=JAMMER_COLOUR,
                                   line=dict(color=JAMMER_COLOUR, width=1.5)))]


def _longest_layer(record: RunRecord, inventory: dict[str, int]) -> str:
    layers = [record.catalog.interceptor(name).layer for name in inventory]
    return min(layers, key=list(LAYER_COLOURS).index) if layers else ""


def _path_traces(record: RunRecord, frame: MapFrame | GeoFrame) -> list[go.Scatter]:
    """Threat paths, one trace per outcome, then interceptor paths."""
    paths = record.drawn_threat_paths
    x, y = project_paths(frame, paths)
    by_id = {outcome["threat_id"]: outcome for outcome in record.outcomes}
    keys = np.array([outcome_key(by_id[int(i)]) for i in paths.ids], dtype=object)
    labels = np.array([escape.text(record.threat_label(by_id[int(i)])) for i in paths.ids], dtype=object)
    traces = []
    for key in OUTCOME_KEYS:
        entities = np.flatnonzero(keys == key)
        if len(entities) == 0:
            continue
        rows = gapped_rows(paths, entities)
        traces.append(_gapped_line(x, y, rows, np.repeat(labels[entities], np.diff(paths.offsets)[entities] + 1),
                                   paths.t_s, name=f"threats {outcome_name(key)}",
                                   line=dict(color=outcome_colour(key), width=2)))
    missiles = record.drawn_interceptor_paths
    if len(missiles):
        mx, my = project_paths(frame, missiles)
        launch = record.launches
        weapon = dict(zip(launch["interceptor_id"].tolist(), launch["weapon"].tolist(), strict=True))
        labels = np.array([f"interceptor #{i} ({escape.text(weapon.get(int(i), '?'))})" for i in missiles.ids],
                          dtype=object)
        every = np.arange(len(missiles))
        traces.append(_gapped_line(mx, my, gapped_rows(missiles, every),
                                   np.repeat(labels, np.diff(missiles.offsets) + 1), missiles.t_s,
                                   name="interceptor paths", line=dict(color=INTERCEPTOR_COLOUR, width=1)))
    return traces


def _gapped_line(x: F64, y: F64, rows: NDArray[np.int64], labels: NDArray[np.object_], t_s: F64, name: str,
                 line: dict[str, object]) -> go.Scatter:
    gap = rows < 0
    minutes = np.where(gap, np.nan, t_s[rows] / 60.0)
    hover = [f"{label}<br>t {m:.1f} min" for label, m in zip(labels, minutes, strict=True)]
    return go.Scatter(x=np.where(gap, np.nan, x[rows]), y=np.where(gap, np.nan, y[rows]), mode="lines", name=name,
                      line=line, text=hover, hoverinfo="text", connectgaps=False)


def _point_traces(record: RunRecord, kind: NDArray[np.object_], frame: MapFrame | GeoFrame) -> list[go.Scatter]:
    """Where interceptors killed their targets, where leaking threats struck, and where lost ones came down
    (``kind``: every event's kind)."""
    traces = []
    for event, name, marker in (
        ("intercept", "intercepts", dict(symbol="x", size=9, color="#111")),
        ("impact", "impacts", dict(symbol="star", size=13, color=LEAKED_COLOUR, line=dict(color="#400", width=1))),
        ("lost", "lost off course", dict(symbol="circle-x", size=10, color=LOST_COLOUR)),
    ):
        rows = np.flatnonzero(kind == event)
        if len(rows) == 0:
            continue
        column = {name: record.events.column(name).to_numpy()[rows]
                  for name in ("lat_deg", "lon_deg", "t_s", "threat_id", "alt_m")}
        x, y = frame.xy(column["lat_deg"], column["lon_deg"])
        hover = [f"{event} of threat #{threat} at {t / 60:.1f} min, altitude {alt:,.0f} m"
                 for threat, t, alt in zip(column["threat_id"], column["t_s"], column["alt_m"], strict=True)]
        traces.append(go.Scatter(x=x, y=y, mode="markers", name=name, marker=marker, text=hover, hoverinfo="text"))
    return traces


def distance_text(length_m: float) -> str:
    """A length as people read it on a map: ``"30 m"``, ``"3 km"``, ``"66 km"``."""
    if length_m < 1000.0:
        return f"{length_m:,.0f} m"
    km = length_m / 1000.0
    return f"{km:,.0f} km" if km >= 10.0 else f"{km:.1f}".removesuffix(".0") + " km"


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
