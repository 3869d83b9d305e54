"""The range-and-horizon radar: the radar equation's fourth root, and the horizon that hides low flyers."""

import numpy as np
import pytest

import iadsim
from tests.conftest import DEMO
from tests.helpers import raid, scenario, unit


def first_detection_range_km(kind: str, altitude: str) -> float:
    """Slant range (km) at which the short-range unit's radar first detects one threat flying at it."""
    sc = scenario(units=[unit("generic-sr-sam", rounds=0, name="S")],
                  raids=[raid(kind, altitude=altitude, target="S")], duration="1 h")
    events = iadsim.simulate(sc).to_pandas()
    detect = events[events.kind == "detect"]
    return detect.value.iloc[0] / 1e3


def test_detection_range_scales_with_the_fourth_root_of_rcs():
    """Skolnik (2001) eq. 1.6: R ∝ σ^¼. The generic short-range radar sees 1 m² at 25 km."""
    high = first_detection_range_km("generic-fighter", "3000 m")  # 1.2 m²
    drone = first_detection_range_km("generic-drone", "3000 m")  # 0.1 m²
    assert high == pytest.approx(25.0 * 1.2**0.25, abs=0.3)  # within one tick of flight
    assert drone == pytest.approx(25.0 * 0.1**0.25, abs=0.1)


def test_a_cruise_missile_at_30_m_stays_below_the_horizon_of_a_distant_radar():
    """4/3-Earth horizon (Skolnik 2001 §8.2): 25 m mast and 30 m target -> 4.12 (5 + 5.48) ≈ 43 km."""
    sc = scenario(
        sensors=[{"name": "EW", "type": "generic-search-radar", "position": {"lat": 38.42, "lon": 27.14}}],
        raids=[raid("generic-cruise-missile"), raid("generic-fighter")],
    )
    events = iadsim.simulate(sc).to_pandas()
    first = events[events.kind == "detect"].groupby("threat_id").value.first() / 1e3
    assert first[1] > 95, "the fighter at 5 km is seen as soon as it appears, 100 km out"
    horizon_km = 4.12 * (np.sqrt(25) + np.sqrt(30))
    one_scan_km = 250.0 * 10.0 / 1e3  # the search radar looks every 10 s at a 250 m/s missile
    assert horizon_km - one_scan_km - 0.2 <= first[0] <= horizon_km + 0.2


def test_range_horizon_feeds_the_kalman_tracker_on_the_demo():
    """Issue 15: with `sense: range_horizon` (the default) the EKF tracker got no measurements and the demo
    leaked everything. Its detections now carry what the trackers read: tracks start, rounds fly, threats die."""
    data = iadsim.load_scenario(DEMO).model_dump(mode="json")
    data["models"].update(sense="range_horizon", track="ekf")
    metrics = iadsim.simulate(iadsim.load_scenario(data)).metrics
    assert metrics["tracked"] >= 20
    assert metrics["engaged"] >= 10
    assert metrics["killed"] >= 5
