"""Point defence (``units[].defends``, docs/doctrine.md): a unit engages the threats aimed at the units it defends
as its own, in the self-defence pass.

The scenario (tests/data/point_defence/hold_fire.yaml) holds a Tor-class vehicle 2 km east of a Patriot-class
battery with no rounds left, four cruise missiles aimed at the battery, under weapons hold: outside
self-defence nothing is engaged, so what the vehicle fires it fires as point defence.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

import iadsim
from iadsim.scenario.point_defence import defended_units
from iadsim.yamlio import read_yaml_file

SCENARIO = Path(__file__).parent.parent / "data" / "point_defence" / "hold_fire.yaml"


def _run(defends: list[str]):
    data = copy.deepcopy(dict(read_yaml_file(SCENARIO).data))
    data["units"][1]["defends"] = defends
    scenario = iadsim.load_scenario(data)
    events = iadsim.simulate(scenario).events.to_pandas()
    return scenario, events


def test_a_point_defence_unit_under_hold_engages_the_threats_aimed_at_the_unit_it_defends():
    scenario, events = _run(["Battery"])
    launches = events[events.kind == "launch"]
    assert len(launches) > 0 and set(launches.unit_id) == {1}  # the vehicle; the battery has no rounds
    assert (events.kind == "intercept").sum() + (events.kind == "leak").sum() == 4
    assert set(events[events.kind == "intercept"].unit_id) <= {1}
    assert defended_units(scenario).tolist() == [[True, False], [True, True]]


def test_without_defends_the_same_vehicle_under_hold_lets_them_through():
    scenario, events = _run([])
    assert (events.kind == "launch").sum() == 0
    assert (events.kind == "leak").sum() == 4
    assert np.array_equal(defended_units(scenario), np.eye(2, dtype=bool))  # each unit itself: as before defends
