"""Unit posture: states and their catalog times, silence and no fire while not deployed, relocation,
strikes on units, resupply on a schedule, raid waves, and the engine waking for all of them."""

import numpy as np
import pytest

import iadsim
from iadsim.catalog import load_catalog
from iadsim.errors import UserError
from iadsim.scenario.schedule import delivery_times_s
from iadsim.scenario.schema import Resupply
from tests.helpers import raid, scenario, unit

S400 = {"s400-48n6-class": 8, "s400-9m96e-class": 8}


def s400(**fields):
    return {"name": "Battalion", "type": "s400-battalion", "position": {"lat": 38.40, "lon": 27.10},
            "inventory": dict(S400), **fields}


def table(result, kind):
    events = result.to_pandas()
    return events[events.kind == kind]


@pytest.mark.parametrize("decide", ["wta", "greedy"])
def test_a_scheduled_move_marches_sets_up_with_the_catalog_times_and_stays_silent_meanwhile(decide):
    kind = load_catalog().fire_unit("s400-battalion")
    move = {"time": "10 min", "to": {"lat": 38.40, "lon": 27.3}, "speed": "36 km/h"}
    # Drones take off while the battalion is on the road and arrive after it is set up again.
    sc = scenario(units=[s400(moves=[move])], duration="3 h", models={"decide": decide},
                  raids=[raid("shahed-136-class", count=4, launch_interval="1 min", launch_time="11 min",
                              launch_point={"lat": 39.9, "lon": 27.1})])
    result = iadsim.simulate(sc, seed=1)
    states = table(result, "unit_state")
    assert states.reason.tolist() == ["marching", "setting_up", "deployed"]
    start, arrive, ready = states.t_s.tolist()
    road_m, _ = iadsim.geo.geodesic_inverse(38.40, 27.10, 38.40, 27.3)
    assert start == 600.0
    assert arrive == pytest.approx(start + kind.march_time + road_m / 10.0)
    assert ready == pytest.approx(arrive + kind.setup_time)
    assert states.value.iloc[0] == pytest.approx(ready - start)
    for name in ("detect", "launch", "assign"):
        times = table(result, name).t_s
        assert not ((times > start) & (times < ready)).any(), f"{name} while not deployed"
    # After set-up it fights from the new position.
    launches = table(result, "launch")
    assert len(launches) and (launches.t_s >= ready).all()
    assert launches.lon_deg.to_numpy() == pytest.approx(27.3, abs=1e-6)


def test_relocation_after_firing_waits_for_its_interceptors_then_hops_the_ordered_distance():
    hop = {"distance": "5 km", "bearing": "180 deg", "speed": "30 km/h", "delay": "1 min"}
    # One drone draws fire; a second, hours later, keeps the run going while the battalion moves.
    sc = scenario(units=[s400(relocate_after_firing=hop)], duration="4 h",
                  raids=[raid("shahed-136-class", count=1), raid("shahed-136-class", count=1, launch_time="2 h")])
    result = iadsim.simulate(sc, seed=2)
    launches, ends = table(result, "launch"), table(result, "intercept")
    states = table(result, "unit_state")
    marching = states[states.reason == "marching"]
    first = marching.t_s.iloc[0]
    assert len(marching) >= 1
    assert first >= launches.t_s.min() + 60.0
    assert first >= ends.t_s.min()  # its interceptor had come down
    deployed = states[states.reason == "deployed"]
    distance_m, _ = iadsim.geo.geodesic_inverse(38.40, 27.10, deployed.lat_deg.iloc[0], deployed.lon_deg.iloc[0])
    assert distance_m == pytest.approx(5000.0, rel=1e-6)
    assert result.metrics["unit_moves"] == len(marching)


def _strike(relocate):
    fields = {"relocate_after_firing": {"distance": "3 km", "speed": "30 km/h"}} if relocate else {}
    # A drone draws the battery's only round; a ballistic missile aimed at the battery arrives later.
    raids = [raid("shahed-136-class", count=1, launch_point={"lat": 38.9, "lon": 27.1}),
             raid("iskander-m-class", count=1, launch_time="30 min", launch_point={"lat": 41.0, "lon": 27.1},
                  target="Battalion", cep="1 m")]  # near-certain: every part within 1 m of a 60 m Carleton warhead
    return scenario(units=[s400(**fields, inventory={"s400-9m96e-class": 1})], raids=raids, duration="1 h")


def test_a_strike_on_a_unit_that_stayed_destroys_it_and_one_that_moved_survives():
    stayed = iadsim.simulate(_strike(relocate=False), seed=3)
    moved = iadsim.simulate(_strike(relocate=True), seed=3)
    assert stayed.metrics["leaked"] == moved.metrics["leaked"] == 1  # nothing left to fire at the missile
    destroyed = table(stayed, "unit_state")
    assert destroyed.reason.tolist()[-1] == "destroyed"
    assert destroyed.threat_id.iloc[-1] == table(stayed, "leak").threat_id.max()
    assert stayed.metrics["units_destroyed"] == 1 and moved.metrics["units_destroyed"] == 0


def test_a_unit_caught_on_the_move_is_destroyed_and_never_fires_again():
    move = {"time": "0 s", "to": {"lat": 38.40, "lon": 27.10005}, "speed": "36 km/h"}  # 4 m: still under the warhead
    raids = [raid("iskander-m-class", count=1, launch_time="200 s", launch_point={"lat": 39.75, "lon": 27.1},
                  target="Battalion", cep="1 m"),
             raid("shahed-136-class", count=3, launch_time="20 min", launch_interval="1 min")]
    sc = scenario(units=[s400(moves=[move])], raids=raids, duration="2 h")
    result = iadsim.simulate(sc, seed=4)
    states = table(result, "unit_state")
    assert states.reason.iloc[-1] == "destroyed"
    killed_at = states.t_s.iloc[-1]
    assert result.metrics["units_destroyed"] == 1
    assert not (table(result, "launch").t_s > killed_at).any()
    assert not (table(result, "detect").t_s > killed_at).any()


def test_resupply_adds_rounds_on_schedule_and_inventories_never_go_negative():
    supply = [{"rounds": {"generic-sr-interceptor": 4}, "every": "30 min", "start": "30 min", "count": 3}]
    sc = scenario(units=[unit("generic-sr-sam", rounds=4, name="S", resupply=supply)], duration="3 h",
                  raids=[raid("generic-drone", count=30, launch_interval="4 min")])
    result = iadsim.simulate(sc, seed=5)
    deliveries = table(result, "resupply")
    assert deliveries.t_s.tolist() == [1800.0, 3600.0, 5400.0]
    assert result.metrics["rounds_resupplied"] == 12
    launches = table(result, "launch")
    assert len(launches) > 4  # more than the first load: the deliveries were fired
    # Rounds fired never exceed rounds delivered so far, at any moment.
    delivered = 4 + np.searchsorted(deliveries.t_s.to_numpy(), launches.t_s.to_numpy(), side="right") * 4
    assert (np.arange(1, len(launches) + 1) <= delivered).all()
    assert len(table(result, "out_of_rounds")) >= 2  # ran dry, was resupplied, ran dry again


def test_delivery_schedules_expand_within_the_scenario():
    regular = Resupply(rounds={"x": 1}, every=3600.0, start=1800.0)
    assert delivery_times_s(regular, 3 * 3600.0).tolist() == [1800.0, 5400.0, 9000.0]
    listed = Resupply(rounds={"x": 1}, times=[7200.0, 60.0, 1e9])
    assert delivery_times_s(listed, 86400.0).tolist() == [60.0, 7200.0]


def test_waves_repeat_a_raid_and_the_engine_sleeps_between_them():
    week = iadsim.simulate(scenario(units=[unit("generic-sr-sam", rounds=8)], duration="7 d", time_step="1 s",
                                    raids=[raid("generic-drone", count=2, launch_interval="1 min", waves=7,
                                                wave_interval="24 h", launch_point={"lat": 38.6, "lon": 27.3})]))
    launched = table(week, "threat_launch").t_s.to_numpy()
    assert np.allclose(launched, (np.arange(7)[:, None] * 86400.0 + [0.0, 60.0]).reshape(-1))
    one_night_ticks = week.ticks / 7
    assert week.ticks < 7 * 86400 / 50  # far fewer ticks than a week of seconds
    assert one_night_ticks < 3600


@pytest.mark.parametrize(("unit_fields", "raid_fields", "message"), [
    ({"resupply": [{"rounds": {"generic-lr-interceptor": 4}, "every": "1 h"}]}, {}, "carries no rounds of"),
    ({"resupply": [{"rounds": {"generic-sr-interceptor": 4}}]}, {}, "needs 'times' or 'every'"),
    ({}, {"waves": 3}, "wave_interval"),
    ({"relocate_after_firing": {"distance": "2 km"}}, {}, "speed"),
])
def test_bad_posture_input_is_a_clear_error(unit_fields, raid_fields, message):
    with pytest.raises(UserError, match=message):
        scenario(units=[unit("generic-sr-sam", **unit_fields)], raids=[raid(**raid_fields)])


def test_marches_and_deliveries_in_quiet_time_cost_a_few_ticks_each():
    moves = [{"time": "1 h", "to": {"lat": 38.40, "lon": 27.2}, "speed": "30 km/h"},
             {"time": "61 min", "to": {"lat": 38.40, "lon": 27.1}, "speed": "30 km/h"}]  # waits for the first
    supply = [{"rounds": {"s400-9m96e-class": 2}, "every": "2 h", "start": "1 h"}]
    sc = scenario(units=[s400(moves=moves, resupply=supply)], duration="12 h",
                  raids=[raid("shahed-136-class", count=1, launch_time="10 h", launch_point={"lat": 38.7, "lon": 27.3})])
    result = iadsim.simulate(sc, seed=6)
    states = table(result, "unit_state").reason.tolist()
    assert states == ["marching", "setting_up", "deployed"] * 2
    assert len(table(result, "resupply")) == 5  # at 1, 3, 5, 7 and 9 h
    active_s = result.to_pandas().t_s.max() - 36000.0  # from the drone's launch to the last event
    assert result.ticks < 50 + active_s  # a tick per unit event, not one per second of the quiet hours
