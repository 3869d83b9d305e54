"""Stand-off weapons released by aircraft: the glide reach and flight of JSOW- and SDB-class weapons
(iadsim.physics.glide), the powered JASSM-class cruise, and the defence engaging them."""

import numpy as np
import pytest

import iadsim
from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.engine import build_stages
from iadsim.physics.glide import glide_reach_m
from iadsim.units import STANDARD_GRAVITY_MPS2
from tests.physics.test_release import placed, sead

JSOW = {"weapon": "agm-154-class", "target": "Battalion"}


def test_the_glide_reach_is_the_still_air_glide_range_plus_the_energy_height():
    """R = h·L/D with no speed (the still-air glide range, e.g. Anderson, Introduction to Flight); the release
    speed adds v²/2g of height (Rutowski 1954); no reach without energy height."""
    assert glide_reach_m(8.6, 10e3, 0.0) == pytest.approx(86e3, rel=1e-12)
    assert glide_reach_m(8.6, 10e3, 250.0) == pytest.approx(8.6 * (10e3 + 250.0**2 / (2 * STANDARD_GRAVITY_MPS2)))
    assert glide_reach_m(7.3, -5e3, 100.0) == 0.0


def test_the_catalog_glide_weapons_reach_their_published_ranges_from_a_high_release():
    """40,000 ft at Mach 0.8: JSOW-class 130 km (Wikipedia and FAS, AGM-154), SDB-class 110 km (Wikipedia,
    GBU-39), within 2 % (their lift_to_drag is fitted to these); a low release (500 ft, Mach 0.65, assumed)
    gives the JSOW's published 22 km within 15 %."""
    catalog = load_catalog()
    jsow, sdb = catalog.threat("agm-154-class"), catalog.threat("gbu-39-class")
    assert glide_reach_m(jsow.lift_to_drag, 12192.0, 236.0) == pytest.approx(130e3, rel=0.02)
    assert glide_reach_m(sdb.lift_to_drag, 12192.0, 236.0) == pytest.approx(110e3, rel=0.02)
    assert glide_reach_m(jsow.lift_to_drag, 152.0, 221.0) == pytest.approx(22e3, rel=0.15)
    assert catalog.threat("agm-158-class").lift_to_drag is None, "the JASSM-class flies under power"


@pytest.mark.parametrize("move", ["waypoint", "flight"])
def test_a_released_glide_weapon_falls_steadily_from_its_release_altitude_onto_its_aim(move):
    """Released 100 km out from 10 km: flight time T = R / v̄ (legs of a glide measured at the ground) within
    1e-6, altitude 10 km at release, halfway down (to the radar's 80 m) at T/2, at the aim's altitude at T."""
    compiled = placed(sead([{**JSOW, "release_range": 100e3}], altitude=10000.0, count=1, move=move))
    stage = dict(build_stages(compiled))["move"]
    weapon = compiled.releases.weapon_row[0]
    jsow = load_catalog().threat("agm-154-class")
    assert stage.flight_time_s[weapon] == pytest.approx(100e3 / jsow.speed, rel=1e-6)
    elapsed = np.array([0.0, 0.5, 1.0]) * stage.flight_time_s[weapon]
    stage.rewind()
    _, alt = stage.position(np.full(3, weapon), elapsed)
    assert alt == pytest.approx([10000.0, 0.5 * (10000.0 + 80.0), 80.0], abs=1.0)


def test_a_powered_jassm_class_missile_flies_its_own_cruise_altitude():
    """Released from 5 km, the JASSM-class missile flies at its catalog cruise altitude (100 m, no climb rate:
    at once), at its cruise speed: T = (R/Rₑ)(Rₑ + h)/v."""
    compiled = placed(sead([{"weapon": "agm-158-class", "target": "Battalion", "release_range": 150e3}],
                           altitude=5000.0, count=1, move="flight"))
    stage = dict(build_stages(compiled))["move"]
    weapon = compiled.releases.weapon_row[0]
    jassm = load_catalog().threat("agm-158-class")
    expected_s = 150e3 / geo.MEAN_EARTH_RADIUS_M * (geo.MEAN_EARTH_RADIUS_M + jassm.cruise_altitude) / jassm.speed
    assert stage.flight_time_s[weapon] == pytest.approx(expected_s, rel=1e-6)
    stage.rewind()
    _, alt = stage.position(np.array([weapon]), np.array([0.5 * expected_s]))
    assert alt[0] == pytest.approx(jassm.cruise_altitude, abs=1.0)


def test_the_point_defence_tracks_and_engages_released_glide_weapons():
    """Four JSOW-class weapons released 100 km out at a battalion with no rounds of its own, guarded by a
    Pantsir-S1-class unit: they are threats the defence tracks and shoots at; each ends a kill or a leak."""
    data = sead([{**JSOW, "release_range": 100e3, "count": 2, "interval": 5.0}], altitude=10000.0, move="flight")
    data["units"][0]["inventory"] = {"s400-48n6-class": 0}
    data["units"].append({"name": "Pantsir", "type": "pantsir-s1-class", "heading": 0.0, "defends": ["Battalion"],
                          "position": {"lat": 47.36, "lon": 37.80, "alt": 80.0},
                          "inventory": {"pantsir-57e6-class": 12}})
    events = iadsim.simulate(data, seed=0).events.to_pandas()
    weapons = events[(events.kind == "threat_launch") & (events.weapon == "agm-154-class")].threat_id
    assert len(weapons) == 4
    mine = events[events.threat_id.isin(weapons)]
    assert (mine.kind == "track_start").sum() >= 4 and (mine.kind == "launch").sum() >= 4
    fates = mine[mine.kind.isin(["intercept", "leak"])]
    assert sorted(fates.threat_id) == sorted(weapons), "each released weapon ends as a leak or a kill"
    assert (fates.kind == "intercept").sum() >= 1
