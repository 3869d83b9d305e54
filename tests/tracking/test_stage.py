"""The ``ekf`` and ``imm`` track stages in a real run: the demo scenario with the radar sense model.

A command post fed by a network of radars should hold tracks on low cruise
missiles sooner than the same units fighting with their own radars only, the
question the network model exists to answer (issue 4).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import iadsim
from iadsim.scenario.load import load_scenario
import yaml

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.yaml"
CRUISE_MISSILES = range(16, 22)  # the demo's raid order: 16 drones, then 6 cruise missiles


def _demo(track: str, networked: bool) -> dict:
    document = yaml.safe_load(DEMO.read_text())
    document["models"] = {"sense": "radar", "track": track}
    document["duration"] = "20 min"
    if not networked:
        for unit in document["units"]:
            unit.pop("networks", None)
    return document


def _events(track: str, networked: bool) -> pd.DataFrame:
    return iadsim.simulate(load_scenario(_demo(track, networked)), seed=2026).events.to_pandas()


@pytest.fixture(scope="module")
def networked() -> pd.DataFrame:
    return _events("ekf", networked=True)


def test_tracks_follow_detections_and_end_with_their_target(networked: pd.DataFrame) -> None:
    starts = networked[networked.kind == "track_start"]
    first_detect = networked[networked.kind == "detect"].groupby("threat_id").t_s.min()
    first_track = starts.groupby("threat_id").t_s.min()
    assert len(first_track) >= 20
    # M of N: a track needs several looks, so it never starts before the threat's first detection.
    assert (first_track >= first_detect.reindex(first_track.index)).all()
    assert (starts.threat_id >= 0).all()  # false tracks stay in the tracker, out of the picture
    drops = networked[networked.kind == "track_drop"]
    assert set(drops.detail) <= {"target destroyed", "target leaked", "lost: missed looks",
                                 "lost: position uncertainty too large"}


def test_the_network_tracks_low_cruise_missiles_sooner(networked: pd.DataFrame) -> None:
    alone = _events("ekf", networked=False)
    first = {name: frame[frame.kind == "track_start"].groupby("threat_id").t_s.min().reindex(CRUISE_MISSILES)
             for name, frame in (("networked", networked), ("alone", alone))}
    assert first["networked"].notna().all()
    assert np.nanmean(first["networked"]) < np.nanmean(first["alone"].fillna(np.inf).clip(upper=1200.0))


def test_imm_runs_and_is_deterministic() -> None:
    one, two = _events("imm", networked=True), _events("imm", networked=True)
    pd.testing.assert_frame_equal(one, two)
    assert (one.kind == "track_start").sum() >= 20
