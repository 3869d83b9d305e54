"""Coastlines and land borders for a report's map, from Natural Earth shapes shipped with iadsim.

The shapes are the 1:50m countries of Natural Earth (public domain) as
TopoJSON from the ``world-atlas`` package (``data/README.md`` gives the
provenance). TopoJSON stores each boundary line once, as an *arc* shared by
the shapes on both sides: arcs of the ``land`` object are coastline, the
other arcs of ``countries`` are land borders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from iadsim.report.geometry import GeoFrame, MapFrame

F64 = NDArray[np.float64]
OUTLINE_FILE = "countries-50m.json"


@dataclass(frozen=True)
class Lines:
    """Polylines as one pair of coordinate arrays, lines separated by NaN (the way plotly draws gaps)."""

    x: F64
    y: F64


@dataclass(frozen=True)
class _Arcs:
    """Every arc of the world as one array of (lon, lat) degrees, with each arc's row offsets and role."""

    lon_lat_deg: F64  # (P, 2)
    offsets: NDArray[np.int64]  # (A + 1,)
    coast: NDArray[np.bool_]  # (A,)


@cache
def _world_arcs() -> _Arcs:
    topology = json.loads((resources.files("iadsim.report") / "data" / OUTLINE_FILE).read_text(encoding="utf-8"))
    scale = np.array(topology["transform"]["scale"])
    translate = np.array(topology["transform"]["translate"])
    arcs = [np.cumsum(np.array(arc, dtype=float), axis=0) * scale + translate for arc in topology["arcs"]]
    lengths = [len(arc) for arc in arcs]
    coast = np.zeros(len(arcs), dtype=bool)
    coast[list(_arc_indexes(topology["objects"]["land"]))] = True
    return _Arcs(np.concatenate(arcs), np.concatenate(([0], np.cumsum(lengths))), coast)


def _arc_indexes(node: object) -> set[int]:
    """Every arc index a TopoJSON object uses (a negative index ~i is arc i reversed)."""
    if isinstance(node, int):
        return {node if node >= 0 else ~node}
    if isinstance(node, list):
        return set().union(*map(_arc_indexes, node)) if node else set()
    if isinstance(node, dict):
        return _arc_indexes(node.get("geometries", [])) | _arc_indexes(node.get("arcs", []))
    return set()


def outline(frame: MapFrame, half_width_km: float, half_height_km: float,
            projection: MapFrame | GeoFrame | None = None) -> tuple[Lines, Lines]:
    """Coastlines and land borders inside the map's extent (kilometres of ``frame``), in the map's coordinates.

    A line keeps its first point outside the extent on either side, so that it
    runs to the map's edge; the rest of it is dropped. The kept points are
    given in ``projection``'s coordinates (``frame``'s kilometres by default).
    """
    arcs = _world_arcs()
    x, y = frame.xy(arcs.lon_lat_deg[:, 1], arcs.lon_lat_deg[:, 0])
    inside = (np.abs(x) <= half_width_km) & (np.abs(y) <= half_height_km)
    arc_of_point = np.repeat(np.arange(len(arcs.coast)), np.diff(arcs.offsets))
    same_arc_before = np.r_[False, arc_of_point[1:] == arc_of_point[:-1]]
    same_arc_after = np.r_[same_arc_before[1:], False]
    keep = inside | (np.r_[False, inside[:-1]] & same_arc_before) | (np.r_[inside[1:], False] & same_arc_after)
    keep &= np.isfinite(x)
    if projection is not None:
        x, y = projection.xy(arcs.lon_lat_deg[:, 1], arcs.lon_lat_deg[:, 0])
    return _lines(x, y, keep, arc_of_point, arcs.coast), _lines(x, y, keep, arc_of_point, ~arcs.coast)


def _lines(x: F64, y: F64, keep: NDArray[np.bool_], arc_of_point: NDArray[np.int64],
           role: NDArray[np.bool_]) -> Lines:
    """The kept points of arcs of one role, with a NaN wherever a line breaks."""
    keep = keep & role[arc_of_point]
    rows = np.flatnonzero(keep)
    if len(rows) == 0:
        return Lines(np.empty(0), np.empty(0))
    breaks = np.flatnonzero((np.diff(rows) != 1) | (np.diff(arc_of_point[rows]) != 0)) + 1
    out_x = np.insert(x[rows], breaks, np.nan)
    out_y = np.insert(y[rows], breaks, np.nan)
    return Lines(out_x, out_y)
