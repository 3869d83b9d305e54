"""Releases of weapons by aircraft (raids[].releases) that cannot happen are refused at load: exit 2, one
message naming the file, the line, the field, what was expected and a suggestion; nothing is written."""


import pytest
import yaml

from tests.helpers import MY_DRONE_CATALOG, exit_and_error

HEAD = """\
name: releases
duration: 20 min
assets:
  - name: City
    position: {lat: 47.0, lon: 37.8}
units:
  - name: Battalion
    type: s400-battalion
    position: {lat: 47.35, lon: 37.80, alt: 80 m}
    inventory: {s400-48n6-class: 8}
raids:
  - name: Package
    type: f16-class
    count: 2
    launch_point: {lat: 48.80, lon: 37.80, alt: 5000 m}
    waypoints:
      - {name: Release, lat: 48.07, lon: 37.80, alt: 5000 m}
      - {name: Egress, lat: 48.80, lon: 37.90, alt: 5000 m}
    releases:
"""
HARM = """\
      - weapon: agm-88-class
        target: Battalion
        target_part: search_radar
        release_range: 80 km
"""

# name -> (releases text, field the message names (line: where it stands), fragments of the message)
CASES = {
    "weapon_not_in_loadout": (HARM.replace("agm-88-class", "agm-88e-clas"), "raids[0].releases[0].weapon",
                              ["carries no 'agm-88e-clas'", "agm-88-class, agm-88e-class",
                               "did you mean 'agm-88e-class'?"]),
    "more_than_the_loadout": (HARM + HARM.replace("search_radar", "engagement_radar")
                              .replace("agm-88-class", "agm-88-class\n        count: 2"),
                              "raids[0].releases[1].count",
                              ["would release 3 agm-88-class: its loadout holds 2", "at most 2"]),
    "beyond_the_reach": (HARM.replace("80 km", "200 km"), "raids[0].releases[0].release_range",
                         ["beyond the reach of agm-88-class (150 km", "release_range: 150 km or less"]),
    "route_never_in_range": (HARM.replace("80 km", "40 km"), "raids[0].releases[0].release_range",
                             ["never comes within 40 km of the target", "within 80.1 km at the closest", "release_range: 81 km or more"]),
    "unknown_waypoint": (HARM.replace("release_range: 80 km", "release_at: Relase"), "raids[0].releases[0].release_at",
                         ["no waypoint named 'Relase'", "did you mean 'Release'?"]),
    "waypoint_beyond_reach": (HARM.replace("release_range: 80 km", "release_at: Egress"),
                              "raids[0].releases[0].release_at",
                              ["waypoint 'Egress' is 161 km from Battalion, beyond the reach of agm-88-class (150 km, its catalog max_range)"]),
    # A JSOW-class glide from the fighter's 5,000 m (4,920 m above the battalion) at 250 m/s reaches
    # L/D (h + v²/2g) = 8.6 × (4,920 + 3,187) m = 69.7 km, short of its 130 km catalog range (iadsim.physics.glide).
    "glide_beyond_reach": (HARM.replace("agm-88-class", "agm-154-class").replace("        target_part: search_radar\n",
                                                                               ""),
                           "raids[0].releases[0].release_range",
                           ["beyond the reach of agm-154-class (69.7 km gliding at L/D 8.6 from 4920 m above the "
                            "target at 250 m/s)", "at most 69.7 km", "release it higher or faster"]),
    "glide_waypoint_beyond_reach": (HARM.replace("agm-88-class", "agm-154-class")
                                    .replace("        target_part: search_radar\n", "")
                                    .replace("release_range: 80 km", "release_at: Release"),
                                    "raids[0].releases[0].release_at",
                                    ["waypoint 'Release' is 80 km from Battalion, beyond the reach of agm-154-class "
                                     "(69.7 km gliding", "or a higher or faster release"]),
    "glide_altitude": (HARM.replace("agm-88-class", "agm-154-class").replace("80 km", "60 km")
                       + "        altitude: 3000 m\n", "raids[0].releases[0].altitude",
                       ["agm-154-class is a glide weapon: it has no cruise altitude", "leave out 'altitude'"]),
    "glide_terminal": (HARM.replace("agm-88-class", "agm-154-class").replace("80 km", "60 km")
                       + "        terminal: pop_up\n", "raids[0].releases[0].terminal",
                       ["descends steadily onto its aim, it cannot pop up", "terminal: level"]),
    "both_conditions": (HARM + "        release_at: Release\n", "raids[0].releases[0]",
                        ["one of 'release_range'", "not both"]),
    "unknown_target": (HARM.replace("target: Battalion", "target: Batallion"), "raids[0].releases[0].target",
                       ["unknown target 'Batallion'", "did you mean 'Battalion'?"]),
    "arm_not_at_a_radar": (HARM.replace("target: Battalion\n        target_part: search_radar", "target: City"),
                           "raids[0].releases[0].target_part", ["is an anti-radiation missile"]),
}


def line_of(text: str, path: str) -> int:
    """The line of the YAML node at ``path`` (``raids[0].releases[1].count``), as the loader reports it: a
    field's value's first line, or its mapping's when it is left out."""
    node = yaml.compose(text)
    for part in path.replace("]", "").replace("[", ".").split("."):
        if node.id == "sequence":
            node = node.value[int(part)]
        else:
            found = next(((k, v) for k, v in node.value if k.value == part), None)
            if found is None:  # a field left out: the loader names its parent's line
                return node.start_mark.line + 1
            node = found[1]
    return node.start_mark.line + 1


def refused(text: str, tmp_path) -> tuple[str, str]:
    source = tmp_path / "scenario.yaml"
    source.write_text(text)
    output = tmp_path / "out"
    code, message = exit_and_error("run", str(source), "-o", str(output))
    assert code == 2, message
    assert "Traceback" not in message
    assert not output.exists(), "a refused scenario writes nothing"
    return str(source), message


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_release_that_cannot_happen_is_refused_with_a_located_message(name, tmp_path):
    releases, path, fragments = CASES[name]
    text = HEAD + releases
    source, message = refused(text, tmp_path)
    line = line_of(text, path)
    assert f"{source}:{line}:" in message and path in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_releases_from_a_threat_that_is_not_an_aircraft_are_refused(tmp_path):
    text = (HEAD + HARM).replace("type: f16-class", "type: kalibr-class")
    source, message = refused(text, tmp_path)
    assert f"{source}:{line_of(text, 'raids[0].releases')}:" in message
    assert "'kalibr-class' is a cruise missile: only an aircraft releases weapons" in message
    assert "f16-class" in message, "the aircraft types with a loadout are named"


OWN_CATALOG = MY_DRONE_CATALOG.replace("my-drone", "my-bomber").replace("threat_class: drone", "threat_class: aircraft") \
    + "    loadout:\n      - {weapon: WEAPON, count: 4}\n"
"""A user's catalog file with one aircraft type, ``my-bomber``, carrying four of ``WEAPON``."""


@pytest.mark.parametrize(("weapon", "fragment"), [
    ("agm-88-clas", "names unknown threat type 'agm-88-clas'"),
    ("f35-class", "names an aircraft, 'f35-class'"),
])
def test_a_loadout_of_no_weapon_is_refused_in_the_catalog_file(weapon, fragment, tmp_path):
    catalog = tmp_path / "mine.yaml"
    catalog.write_text(OWN_CATALOG.replace("WEAPON", weapon))
    text = (HEAD + HARM).replace("duration: 20 min", "duration: 20 min\ncatalogs: [mine.yaml]")
    _, message = refused(text, tmp_path)
    assert f"{catalog}:" in message and "entries[0].loadout[0].weapon" in message, message
    assert fragment in message


def test_a_loadout_on_a_missile_is_refused_in_the_catalog_file(tmp_path):
    catalog = tmp_path / "mine.yaml"
    catalog.write_text(OWN_CATALOG.replace("WEAPON", "agm-88-class").replace("threat_class: aircraft",
                                                                            "threat_class: cruise_missile"))
    text = (HEAD + HARM).replace("duration: 20 min", "duration: 20 min\ncatalogs: [mine.yaml]")
    _, message = refused(text, tmp_path)
    assert f"{catalog}:" in message and "only an aircraft carries a loadout (this is a cruise missile)" in message
