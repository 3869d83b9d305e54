"""Launchers and magazines: ready rounds, reloads after the catalog's reload time, never below zero."""

import numpy as np

import iadsim
from iadsim.catalog import load_catalog
from iadsim.world import Launchers
from tests.helpers import raid, scenario, unit


def test_launchers_share_a_units_rounds_among_its_types():
    launchers = Launchers.loaded(np.array([[24, 0], [10, 7], [5, 3]], np.int32), np.array([6, 3, 2], np.int32),
                                 np.array([4, 4, 0], np.int32))
    # Six four-round launchers; two launchers for 10 rounds and one for 7; capacity 0 holds everything.
    assert launchers.ready_rounds((3, 2)).tolist() == [[24, 0], [8, 4], [5, 3]]
    assert np.bincount(launchers.unit_index).tolist() == [6, 3, 2]


def test_an_emptied_launcher_is_reloaded_from_the_magazine_after_the_reload_time():
    reload_s = load_catalog().fire_unit("generic-sr-sam").reload_time
    sc = scenario(units=[unit("generic-sr-sam", rounds=12, name="S")], duration="2 h",
                  raids=[raid("generic-drone", count=24, launch_interval="120 s", target="S")])
    events = iadsim.simulate(sc).to_pandas()
    launches = events[events.kind == "launch"].t_s.to_numpy()
    reloads = events[events.kind == "reload"]
    assert len(launches) == 12  # 8 ready on the launcher, 4 from the magazine
    assert len(reloads) == 1 and reloads.value.iloc[0] == 4
    emptied = launches[7]
    assert reloads.t_s.iloc[0] == emptied + reload_s
    assert not np.any((launches > emptied) & (launches < emptied + reload_s))  # nothing ready meanwhile
    dry = events[events.kind == "out_of_rounds"]
    assert len(dry) == 1 and dry.t_s.iloc[0] == launches[-1]

