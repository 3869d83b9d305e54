"""Communications jamming: a jammer's footprint adds its catalog latency to the network links of members
inside it, at each end (the compiled feed latencies, what the trackers delay reports by)."""

import numpy as np
import pytest

import iadsim
from iadsim.catalog import load_catalog
from iadsim.scenario.compile import compile_scenario
from tests.helpers import BASE, raid, unit

LATENCY_S = 2.0


def feed_latency(jammer_at: dict | None) -> np.ndarray:
    """(radars, pictures) latencies of a unit and a stand-alone radar 150 km off on one network."""
    data = {**BASE, "raids": [raid()], "units": [unit(networks=["Net"])],
            "sensors": [{"name": "EW radar", "type": "generic-search-radar", "position": {"lat": 39.7, "lon": 27.1},
                         "networks": ["Net"]}],
            "networks": [{"name": "Net", "latency": f"{LATENCY_S} s"}]}
    if jammer_at is not None:
        data["jammers"] = [{"name": "Zhitel", "type": "ground-comms-jammer-class", "position": jammer_at}]
    catalog = load_catalog()
    compiled = compile_scenario(iadsim.load_scenario(data, catalog), catalog, np.random.default_rng(0))
    return compiled.world.sensors.feed_latency_s


def test_a_member_inside_the_footprint_hears_later_and_one_outside_does_not() -> None:
    added = load_catalog().jammer("ground-comms-jammer-class").comms_latency
    free = feed_latency(None)
    near_unit = feed_latency({"lat": 38.45, "lon": 27.10})  # 5.6 km from the unit, 140 km from the radar
    far = feed_latency({"lat": 37.0, "lon": 27.1})
    stand_alone = free.shape[0] - 1  # the last radar row
    assert free[stand_alone, 0] == pytest.approx(LATENCY_S)
    assert near_unit[stand_alone, 0] == pytest.approx(LATENCY_S + added)  # the post's end of the link is jammed
    assert np.array_equal(near_unit[:stand_alone, 0], free[:stand_alone, 0])  # its own radars: no link to jam
    assert np.array_equal(far, free)
