"""Coastlines and borders come from the Natural Earth file shipped in the package, clipped to the map."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import numpy as np

from iadsim.report.geometry import MapFrame
from iadsim.report.outline import OUTLINE_FILE, outline


def test_the_shipped_outline_is_the_file_its_provenance_names():
    folder = resources.files("iadsim.report") / "data"
    readme = (folder / "README.md").read_text()
    digest = hashlib.sha256((folder / OUTLINE_FILE).read_bytes()).hexdigest()
    assert re.search(rf"`{digest}`", readme), "README.md gives the sha256 of the vendored file"
    assert "Natural Earth" in readme and (folder / "world-atlas-LICENSE").read_text().startswith("Copyright")


def test_an_aegean_map_has_coastline_and_no_border_far_from_any():
    coast, borders = outline(MapFrame(38.4, 27.1), 100.0, 100.0)
    assert np.isfinite(coast.x).sum() > 50
    assert np.isfinite(borders.x).sum() == 0, "the nearest land border (Greece-Turkey, Evros) is 300 km away"


def test_a_map_of_switzerland_has_borders_and_no_coast():
    coast, borders = outline(MapFrame(46.8, 8.2), 150.0, 150.0)
    assert np.isfinite(borders.x).sum() > 50
    assert np.isfinite(coast.x).sum() == 0


def test_lines_stop_one_point_past_the_edge_of_the_map():
    coast, _ = outline(MapFrame(38.4, 27.1), 100.0, 100.0)
    x, y = coast.x[np.isfinite(coast.x)], coast.y[np.isfinite(coast.y)]
    outside = (np.abs(x) > 100.0) | (np.abs(y) > 100.0)
    assert outside.any() and np.all(np.maximum(np.abs(x), np.abs(y))[outside] < 140.0)
