"""Weapons released by aircraft (raids[].releases, iadsim.physics.release): where and when they are released,
and the weapons of an aircraft lost first, which are never released."""

import numpy as np
import pytest

import iadsim
from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.scenario.compile import compile_scenario

TARGET = {"lat": 47.35, "lon": 37.80}


def sead(releases, waypoints=None, altitude=100.0, count=2, **raid):
    """Fighters flying south from 160 km north of an S-400-class battalion and back, with ``releases``."""
    return {
        "name": "releases", "duration": 1500.0, "time_step": 1.0,
        "units": [{"name": "Battalion", "type": "s400-battalion", "position": {**TARGET, "alt": 80.0},
                   "inventory": {"s400-48n6-class": 8, "s400-9m96e2-class": 8}}],
        "models": {"move": raid.pop("move", "flight"), "fly": "flyout", "sense": "radar", "track": "ekf"},
        "raids": [{"name": "Package", "type": "f16-class", "count": count, "launch_interval": 10.0,
                   "launch_point": {"lat": 48.80, "lon": 37.80, "alt": altitude}, "altitude": altitude,
                   "waypoints": waypoints or [{"name": "Release", "lat": 47.80, "lon": 37.80, "alt": altitude},
                                              {"lat": 48.80, "lon": 37.90, "alt": altitude}],
                   "releases": releases, **raid}],
    }


HARM = {"weapon": "agm-88-class", "target": "Battalion", "target_part": "search_radar"}


def placed(data):
    """The compiled scenario after the move stage was built: launch times and points of the weapons set."""
    scenario = iadsim.load_scenario(data)
    compiled = compile_scenario(scenario, load_catalog(), stream(0, "compile"))
    build_stages(compiled)
    return compiled


def ground_m(pos_a, pos_b):
    lat_a, lon_a, _ = geo.ecef_to_geodetic(np.atleast_2d(pos_a))
    lat_b, lon_b, _ = geo.ecef_to_geodetic(np.atleast_2d(pos_b))
    dot = np.einsum("ki,ki->k", geo.n_vector(lat_a, lon_a), geo.n_vector(lat_b, lon_b))
    return geo.MEAN_EARTH_RADIUS_M * np.arccos(np.clip(dot, -1, 1))


@pytest.mark.parametrize("move", ["waypoint", "flight"])
def test_a_weapon_is_released_when_its_aircraft_first_comes_within_the_release_range(move):
    """Head on at 250 m/s from 161 km: released at 100 km, at (D0 − R)(1 + h/Rₑ)/v after the aircraft's launch
    (the move models measure legs at the cruise altitude h), 10 s apart for the second aircraft."""
    compiled = placed(sead([{**HARM, "release_range": 100e3}], move=move))
    releases, threats = compiled.releases, compiled.world.threats
    weapon, carrier = releases.weapon_row, releases.carrier_row
    assert carrier.tolist() == [0, 1]
    distance = ground_m(threats.pos_ecef_m[weapon], threats.target_pos_ecef_m[weapon])
    assert distance == pytest.approx(100e3, abs=1.0)
    start = geo.geodetic_to_ecef(np.radians(48.80), np.radians(37.80), 0.0)
    d0 = ground_m(start, threats.target_pos_ecef_m[weapon[0]])[0]
    expected = (d0 - 100e3) * (1.0 + 100.0 / geo.MEAN_EARTH_RADIUS_M) / 250.0
    assert threats.launch_t_s[weapon] == pytest.approx([expected, expected + 10.0], abs=0.01)
    assert threats.alt_m[weapon] == pytest.approx(100.0, abs=0.01), "released at the aircraft's altitude"


def test_a_weapon_is_released_at_its_named_waypoint_and_one_aircraft_s_weapons_interval_apart():
    compiled = placed(sead([{**HARM, "release_at": "Release", "count": 2, "interval": 3.0}], count=1,
                           move="waypoint"))
    threats, weapon = compiled.world.threats, compiled.releases.weapon_row
    lat, lon, _ = geo.ecef_to_geodetic(threats.pos_ecef_m[weapon[0]][None])
    assert np.degrees([lat[0], lon[0]]) == pytest.approx([47.80, 37.80], abs=1e-9)
    leg_m = ground_m(geo.geodetic_to_ecef(np.radians(48.80), np.radians(37.80), 0.0),
                     threats.pos_ecef_m[weapon[0]])[0] * (1.0 + 100.0 / geo.MEAN_EARTH_RADIUS_M)
    assert threats.launch_t_s[weapon] == pytest.approx([leg_m / 250.0, leg_m / 250.0 + 3.0], abs=1e-6)
    assert ground_m(threats.pos_ecef_m[weapon[1]], threats.pos_ecef_m[weapon[0]])[0] == pytest.approx(
        3.0 * 250.0, rel=1e-3), "the second leaves 3 s later, from where the aircraft is then"


def test_the_aircraft_flies_on_and_its_weapons_fly_to_their_target():
    run = iadsim.simulate(sead([{**HARM, "release_range": 100e3, "terminal": "dive"}]), seed=0)
    events = run.events.to_pandas()
    launched = events[events.kind == "threat_launch"]
    weapons = launched[launched.weapon == "agm-88-class"]
    assert len(weapons) == 2 and set(weapons.detail) == {"Package: agm-88-class at Battalion search radar"}
    assert run.metrics["weapons_released"] == 2 and run.metrics["weapons_not_released"] == 0
    fates = events[events.kind.isin(["leak", "intercept"]) & events.threat_id.isin(weapons.threat_id)]
    assert len(fates) == 2, "each released weapon ends as a leak or a kill"
    egress = events[(events.kind == "leak") & (events.weapon == "f16-class")]
    assert (egress.lat_deg.round(6) == 48.80).all(), "the fighters that survive end their route after the release"


def test_weapons_of_an_aircraft_shot_down_before_the_release_are_never_released():
    """High fighters released at 30 km: the battalion shoots them first. Their weapons end not_released
    (carrier_lost) and are neither threats, kills nor leaks."""
    data = sead([{**HARM, "release_range": 30e3, "count": 2, "interval": 2.0}], altitude=8000.0,
                waypoints=[{"lat": 47.50, "lon": 37.80, "alt": 8000.0}, {"lat": 48.80, "lon": 37.90, "alt": 8000.0}])
    run = iadsim.simulate(data, seed=1)
    events = run.events.to_pandas()
    dropped = events[events.kind == "not_released"]
    kills = events[events.kind == "intercept"]
    assert len(dropped) == 4 and set(dropped.reason.astype(str)) == {"carrier_lost"}
    assert run.metrics["weapons_not_released"] == 4 and run.metrics["weapons_released"] == 0
    assert run.metrics["threats"] == 2 and run.metrics["killed"] == 2 and run.metrics["leaked"] == 0
    others = events[events.kind != "not_released"]
    assert not others.threat_id.isin(dropped.threat_id).any(), "never launched, detected, killed or leaked"
    compiled = placed(data)
    carrier_of = dict(zip(compiled.releases.weapon_row.tolist(), compiled.releases.carrier_row.tolist()))
    for weapon, t in zip(dropped.threat_id, dropped.t_s):
        killed_at = kills[kills.threat_id == carrier_of[weapon]].t_s
        assert len(killed_at) == 1 and killed_at.iloc[0] == t - 1.0, "ended at the tick after its aircraft's loss"
        assert compiled.world.threats.launch_t_s[weapon] > killed_at.iloc[0], "its release would have come later"


def test_a_weapon_due_after_its_aircraft_ends_its_flight_is_never_released():
    """Released at the end of the route, 128 km out, low under the radar horizon: the first weapon leaves as the
    fighter arrives, the second, due 30 s later, never does."""
    data = sead([{**HARM, "release_at": "End", "count": 2, "interval": 30.0}], count=1, move="waypoint",
                waypoints=[{"lat": 48.70, "lon": 37.80, "alt": 100.0}, {"name": "End", "lat": 48.50, "lon": 37.80,
                                                                         "alt": 100.0}])
    events = iadsim.simulate(data, seed=0).events.to_pandas()
    dropped = events[events.kind == "not_released"]
    assert len(dropped) == 1 and dropped.reason.astype(str).tolist() == ["release_not_reached"]
    end = events[(events.kind == "leak") & (events.weapon == "f16-class")].t_s
    assert dropped.t_s.iloc[0] == pytest.approx(float(end.iloc[0]) + 1.0), "ended the tick after the flight"
    assert len(events[(events.kind == "threat_launch") & (events.weapon == "agm-88-class")]) == 1
