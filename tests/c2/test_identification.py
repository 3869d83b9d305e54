"""Identification in whole runs: IFF answers, safe-passage corridors, weapons control on identity, fratricide."""

import json

import numpy as np
import pytest

import iadsim
from iadsim.c2.doctrine import FREE, HOLD, TIGHT
from iadsim.c2.identification import (
    ASSUMED_FRIEND, FRIEND, HOSTILE, UNKNOWN, Corridors, answered_after, identification_masks,
)
from iadsim.catalog import load_catalog
from iadsim import geo
from iadsim.errors import UserError
from iadsim.scenario.schema import Corridor
from iadsim.verify.identification import friendlies_scenario

NORTH, OVER, SOUTH = ({"lat": lat, "lon": 27.14, "alt": 11000.0} for lat in (39.4, 38.42, 37.4))
CORRIDOR = {"name": "Airway", "route": [NORTH, SOUTH], "width": "20 km", "min_altitude": "9 km",
            "max_altitude": "12 km", "min_speed": "180 m/s", "max_speed": "260 m/s"}


def one_friendly(control="tight", transponder=True, corridors=(), **doctrine):
    data = friendlies_scenario(challenges=2)
    data["friendlies"] = [{"name": "Airliner", "type": "airliner-a320-class", "start": NORTH, "route": [OVER, SOUTH],
                           "iff": transponder}]
    data["corridors"] = list(corridors)
    data["doctrine"] |= {"weapons_control": control, **doctrine}
    return data


def test_weapons_control_clears_by_identity():
    identity = np.array([UNKNOWN, FRIEND, ASSUMED_FRIEND, HOSTILE], np.int8)
    assert identification_masks(identity, TIGHT).tolist() == [False, False, False, True]
    assert identification_masks(identity, FREE).tolist() == [True, False, True, True]
    assert identification_masks(identity, HOLD).tolist() == [True, False, True, True]


def test_the_chance_of_an_answer_after_k_independent_challenges():
    """P(answered) = 1 - (1 - r)^k for independent challenges (Feller, An Introduction to Probability Theory,
    vol. 1, ch. VI: Bernoulli trials)."""
    assert answered_after(0.9, 1) == pytest.approx(0.9)
    assert answered_after(0.9, 2) == pytest.approx(0.99)
    assert answered_after(0.95, 3) == pytest.approx(1 - 0.05**3)


def test_a_corridor_holds_a_track_inside_its_width_and_bands():
    corridors = Corridors([Corridor.model_validate(CORRIDOR)])
    lat, lon = np.deg2rad([38.42, 38.42, 38.42, 38.42]), np.deg2rad([27.14, 27.14 + 0.1, 27.14 + 0.2, 27.14])
    alt = np.array([11000.0, 11000.0, 11000.0, 3000.0])
    pos = geo.geodetic_to_ecef(lat, lon, alt)
    vel = np.tile([0.0, 0.0, 230.0], (4, 1))
    # 0.1 deg of longitude is 8.7 km, inside the 10 km half width; 0.2 deg is outside; 3 km is below the band.
    assert corridors.inside(pos, vel).tolist() == [True, True, False, False]


def test_a_friend_that_answers_is_never_engaged_and_a_silent_one_is_shot_at_under_tight():
    answered = iadsim.simulate(one_friendly(transponder=True, iff="iff-mode-3a", iff_challenges=5), seed=0)
    assert answered.metrics["friendlies_engaged"] == 0
    identified = answered.events.to_pandas()
    assert "friend" in set(identified[identified.kind == "identify"].reason)
    silent = iadsim.simulate(one_friendly(transponder=False), seed=0)
    assert silent.metrics["friendlies"] == 1 and silent.metrics["friendlies_engaged"] == 1
    events = silent.events.to_pandas()
    assert set(events[events.kind == "identify"].reason) == {"hostile"}
    lost = events[events.kind == "fratricide"]
    assert silent.metrics["friendlies_lost"] == len(lost) == silent.metrics["friendlies_lost_hostile"]
    assert silent.metrics["threats"] == 1  # the airliner is not a threat; the drone is


def test_a_silent_friendly_in_its_corridor_is_an_assumed_friend_spared_under_tight_not_under_free():
    tight = iadsim.simulate(one_friendly(transponder=False, corridors=[CORRIDOR]), seed=0)
    assert tight.metrics["friendlies_engaged"] == 0
    events = tight.events.to_pandas()
    assert "assumed_friend" in set(events[events.kind == "identify"].reason)
    free = iadsim.simulate(one_friendly("free", transponder=False, corridors=[CORRIDOR]), seed=0)
    assert free.metrics["friendlies_engaged"] == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"corridors": [CORRIDOR | {"min_altitude": "12 km", "max_altitude": "9 km"}]}, "min_altitude"),
    ({"corridors": [CORRIDOR | {"min_speed": "300 m/s"}]}, "min_speed"),
    ({"friendlies": [{"name": "F", "type": "generic-drone", "start": NORTH, "route": [OVER]}]}, "is a drone"),
    ({"doctrine": {"iff": "iff-mode-6"}}, "unknown iff type"),
])
def test_bad_identification_input_is_refused_at_load(tmp_path, change, message):
    data = one_friendly() | change
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    with pytest.raises(UserError, match=message):  # the command line's exit 2
        iadsim.load_scenario(path)


def test_the_iff_modes_cite_their_sources():
    catalog = load_catalog()
    for name in ("iff-mode-5", "iff-mode-4", "iff-mode-3a"):
        citations = catalog.iff(name).citations
        assert "iadsim-estimate" in citations["reliability"].source and citations["reliability"].note
