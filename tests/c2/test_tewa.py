"""The TEWA decide models in whole runs: doctrine, fire control and the layered story of the demo."""

import numpy as np
import pytest

import iadsim
from tests.conftest import DEMO
from tests.helpers import raid, scenario, unit


def run(sc, seed=None):
    return iadsim.simulate(sc, seed=seed).to_pandas()


def threat_types(events):
    return events[events.kind == "threat_launch"].set_index("threat_id").weapon


def demo_with(doctrine):
    data = iadsim.load_scenario(DEMO).model_dump(mode="json")
    data["doctrine"] = doctrine
    return iadsim.load_scenario(data)


def test_the_demo_keeps_long_range_rounds_for_the_ballistic_missiles():
    """Every ballistic missile gets long-range rounds. (With the demo's flight and flyout models it is in
    reach only in the last 15-20 s of its dive, so with one look some still get through.)"""
    events = iadsim.simulate(iadsim.load_scenario(DEMO)).to_pandas()
    kinds = threat_types(events)
    long_range = events[(events.kind == "launch") & (events.layer == "long")]
    assert set(kinds[kinds == "generic-ballistic-missile"].index) <= set(long_range.threat_id)
    long_range_at = kinds[events[(events.kind == "launch") & (events.layer == "long")].threat_id]
    assert (long_range_at == "generic-drone").sum() <= 4  # a few at early, badly classified tracks


def test_cost_blind_engage_at_max_range_spends_the_long_range_rounds_on_drones():
    events = run(demo_with({"cost_weight": 0, "layer_policy": "max_range"}))
    kinds = threat_types(events)
    long_range_at = kinds[events[(events.kind == "launch") & (events.layer == "long")].threat_id]
    assert (long_range_at == "generic-drone").sum() >= 16
    leaked = kinds[events[events.kind == "leak"].threat_id].tolist()
    assert leaked.count("generic-ballistic-missile") >= 3


# 8 km off the path of raids from the north-east to the city: in reach, but clearly not their aim.
BESIDE_THE_PATH = {"lat": 38.472, "lon": 27.077}


def test_weapons_hold_fires_only_in_self_defence():
    def engaged_raids(control):
        sc = scenario(units=[unit("generic-sr-sam", rounds=8, name="S", position=BESIDE_THE_PATH)], duration="1 h",
                      raids=[raid("generic-drone", count=3, name="at the city"),
                             raid("generic-drone", count=3, name="at the unit", target="S", launch_time="5 min")],
                      doctrine={"weapons_control": control})
        events = run(sc)
        raid_of = events[events.kind == "threat_launch"].set_index("threat_id").detail
        return set(raid_of[events[events.kind == "launch"].threat_id])

    assert engaged_raids("free") == {"at the city", "at the unit"}
    assert engaged_raids("hold") == {"at the unit"}


def test_reserve_rounds_are_kept_for_self_defence():
    sc = scenario(units=[unit("generic-sr-sam", rounds=8, name="S", position=BESIDE_THE_PATH)], duration="1 h",
                  raids=[raid("generic-drone", count=12, launch_interval="30 s", target="City")],
                  doctrine={"reserve_rounds": 3})
    assert (run(sc).kind == "launch").sum() == 5


def test_a_sector_radar_does_not_engage_behind_itself():
    """The long-range battery covers 120 degrees around its heading; the raid comes from the north-east."""
    facing = scenario(units=[unit("generic-lr-sam", rounds=8, name="A", heading="45 deg")],
                      raids=[raid("generic-fighter", count=2)])
    away = scenario(units=[unit("generic-lr-sam", rounds=8, name="A", heading="225 deg")],
                    raids=[raid("generic-fighter", count=2)])
    assert (run(facing).kind == "launch").sum() > 0
    assert (run(away).kind == "launch").sum() == 0


def test_shoot_shoot_puts_a_salvo_in_the_air_and_shoot_look_shoot_never_does():
    def most_in_the_air(doctrine):
        events = run(scenario(units=[unit("generic-lr-sam", rounds=12, name="A", heading="45 deg")],
                              raids=[raid("generic-fighter", count=2, launch_interval="2 min")],
                              doctrine=doctrine))
        launches = events[events.kind == "launch"].set_index("interceptor_id")
        ends = events[events.kind.isin(["intercept", "miss"])].set_index("interceptor_id").t_s
        end = ends.reindex(launches.index).fillna(np.inf)
        most = 0
        for t in launches.t_s:
            flying = (launches.t_s <= t) & (end > t)
            most = max(most, int(launches[flying].groupby("threat_id").size().max()))
        return most

    assert most_in_the_air({"mode": "shoot_shoot", "salvo": 2}) == 2
    assert most_in_the_air({"mode": "shoot_look_shoot"}) == 1


def test_rounds_not_worth_their_price_are_not_fired():
    def launches(cost_weight):
        sc = scenario(units=[unit("generic-lr-sam", rounds=8, name="A", heading="45 deg")],
                      raids=[raid("generic-drone", count=3)], doctrine={"cost_weight": cost_weight})
        return (run(sc).kind == "launch").sum()

    # A drone at the city is worth 100 × 0.05 × 0.7 = 3.5 per round; a 3 M$ round at 2 per M$ costs 6.
    assert launches(0.0) > 0
    assert launches(2.0) == 0


def test_every_track_is_classified_and_drones_as_drones():
    events = run(scenario(units=[unit("generic-sr-sam", rounds=4, name="S")], raids=[raid("generic-drone", count=3)]))
    classified = events[events.kind == "classify"]
    assert set(classified.track_id) == set(events[events.kind == "track_start"].track_id)
    last = classified.groupby("track_id").detail.last()
    assert (last == "drone").all()


@pytest.mark.parametrize("model", ["wta_greedy", "wta_exact", "greedy"])
def test_the_other_decide_models_run(model):
    sc = scenario(units=[unit("generic-lr-sam", rounds=6, name="A", heading="45 deg")],
                  raids=[raid("generic-fighter", count=3)], models={"decide": model})
    events = run(sc)
    assert 0 < (events.kind == "launch").sum() <= 6


def test_a_unit_that_moved_engages_from_where_it_stands():
    """A short-range unit drives from 25 km south of the city to the city before the drones come: every
    intercept it is assigned lies within its range (12 km) of its new position, geodesically, and out of reach of
    the old one. The decide stage reads the units' positions and ENU frames from the world every cycle."""
    from geographiclib.geodesic import Geodesic

    old, new = {"lat": 38.195, "lon": 27.14}, {"lat": 38.42, "lon": 27.14}
    sc = scenario(units=[unit("generic-sr-sam", rounds=8, name="S", position=old,
                              moves=[{"time": "0 s", "to": new, "speed": "100 km/h"}])],
                  raids=[raid("generic-drone", count=3, launch_time="10 min")], duration="1 h")
    events = run(sc)
    assigned = events[events.kind == "assign"]
    assert len(assigned) > 0 and (events.kind == "launch").sum() > 0
    for lat, lon in zip(assigned.lat_deg, assigned.lon_deg, strict=True):
        assert Geodesic.WGS84.Inverse(new["lat"], new["lon"], lat, lon)["s12"] <= 12_000.0 + 1.0
        assert Geodesic.WGS84.Inverse(old["lat"], old["lon"], lat, lon)["s12"] > 12_000.0


def test_a_moved_unit_defends_itself_where_it_stands_now():
    """Under weapons hold a unit fires only at threats aimed at itself. Placed 20 km north of the city by the
    posture's own placement (as a march ends), it sees a drone track coming at its new position from the east as
    aimed at itself, and engages it: its defended point and its frame are the world's, not the constructor's.
    The track is hand-fed to the air picture, so the kill chain (which needs the radar's own looks) is off."""
    from iadsim import geo, registry
    from iadsim.c2.posture import Posture
    from iadsim.catalog import load_catalog
    from iadsim.engine import stream
    from iadsim.events import as_columns
    from iadsim.scenario.compile import compile_scenario

    sc = scenario(units=[unit("generic-sr-sam", rounds=8, name="S", position={"lat": 38.10, "lon": 27.14})],
                  raids=[raid("generic-drone", count=1)],
                  doctrine={"weapons_control": "hold", "kill_chain": "air_picture"})
    compiled = compile_scenario(sc, load_catalog(), stream(sc.seed, "compile"))
    world = compiled.world
    decide = registry.factory("decide", "wta")(compiled)
    Posture(compiled)._place(world, np.array([0]), np.array([[38.60, 27.14, 10.0]]))
    units = world.units
    pos = geo.enu_to_ecef(np.array([[8000.0, 0.0, 300.0]]), units.pos_ecef_m[0], units.rotation[0])
    vel = np.array([[-50.0, 0.0, 0.0]]) @ units.rotation[0]
    world.tracks.append(units.picture[:1], np.array([0], np.int32), pos, vel, 0.0)
    produced = as_columns(decide.step(world, 1.0, 1.0, stream(sc.seed, "decide")))
    assert "assign" in set(produced["kind"])
    assert world.assignments.track_row.tolist() == [0] and world.assignments.unit_index.tolist() == [0]
