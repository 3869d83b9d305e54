"""Broken scenarios: each gives exit code 2 and one message naming file, line, field, expectation.

The corpus lives in tests/data/bad/; the 50 MB file is generated here rather than committed.
Every case runs the real command line (`iadsim run FILE -o DIR`) and checks that no
traceback is printed and nothing is written to the output folder.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from iadsim import cli
from tests.helpers import exit_and_error

BAD = Path(__file__).parent / "data" / "bad"

# file -> (line the message must name, or None; substrings the message must contain)
EXPECTED: dict[str, tuple[int | None, list[str]]] = {
    "syntax_error.yaml": (3, ["YAML syntax error", "expected: valid YAML"]),
    "tab_indentation.yaml": (3, ["YAML syntax error", "'\\t'"]),
    "empty.yaml": (None, ["the file is empty", "examples/demo.yaml"]),
    "not_a_mapping.yaml": (1, ["is a list, not a mapping"]),
    "scalar_document.yaml": (1, ["is a str, not a mapping"]),
    "wrong_type_duration.yaml": (3, ["duration:", "cannot read 'soon' as a time", "2.5 min"]),
    "wrong_type_count.yaml": (17, ["raids[0].count:", "valid integer", "'many'"]),
    "lat_as_text.yaml": (7, ["assets[0].position.lat:", "valid number", "Latitude in degrees"]),
    "raids_not_a_list.yaml": (14, ["raids:", "valid list"]),
    "missing_raids.yaml": (1, ["raids:", "required but missing"]),
    "missing_name.yaml": (1, ["name:", "required but missing"]),
    "negative_count.yaml": (17, ["raids[0].count:", "greater than or equal to 1", "-3"]),
    "negative_duration.yaml": (3, ["duration:", "greater than 0"]),
    "duration_zero.yaml": (3, ["duration:", "greater than 0"]),
    "nan_value.yaml": (8, ["assets[0].value:", "not a finite number"]),
    "infinite_speed.yaml": (18, ["raids[0].speed:", "finite speed"]),
    "latitude_95.yaml": (7, ["assets[0].position.lat:", "less than or equal to 90", "95"]),
    "unknown_threat_type.yaml": (16, ["raids[0].type:", "unknown threat type 'generic-dron'",
                                      "did you mean 'generic-drone'?"]),
    "unknown_unit_type.yaml": (11, ["units[0].type:", "did you mean 'generic-lr-sam'?"]),
    "emission_blinking_zero_period.yaml": (14, ["units[0].emission.off_for:", "greater than 0"]),
    "emission_blinking_without_off.yaml": (14, ["units[0].emission:", "blinking needs 'on_for' and 'off_for'"]),
    "emission_in_range_never_sees.yaml": (14, ["units[0].emission.radars:", "would never see a track",
                                              "radars: engagement"]),
    "arm_without_target_part.yaml": (15, ["raids[0].target_part:", "is an anti-radiation missile",
                                          "target_part: search_radar"]),
    "target_part_on_an_asset.yaml": (18, ["raids[0].target_part:", "needs a fire unit as target"]),
    "target_part_the_unit_lacks.yaml": (18, ["raids[0].target_part:", "a generic-sr-sam has no search radar",
                                             "engagement_radar"]),
    "raid_lethal_radius.yaml": (15, ["raids[0]", "'lethal_radius' was replaced", "'cep'", "'damage'"]),
    "layout_beyond_cable.yaml": (18, ["units[0].layout.radars[1]:", "5000 m from the command post",
                                      "2000 m cable length"]),
    "layout_wrong_count.yaml": (17, ["units[0].layout.radars:", "places 2 radars", "has 3"]),
    "wrong_kind_of_type.yaml": (11, ["units[0].type:", "'generic-drone' is a threat, not a fire_unit"]),
    "unknown_field.yaml": (18, ["raids[0].lauch_time:", "unknown field", "did you mean 'launch_time'?"]),
    "no_target.yaml": (15, ["raids[0]:", "needs a 'target'"]),
    "unknown_target.yaml": (19, ["raids[0].target:", "did you mean 'Port City'?"]),
    "wrong_dimension.yaml": (3, ["duration:", "'40 km' is a length, but a time is expected"]),
    "unknown_unit_of_measure.yaml": (3, ["duration:", "unknown unit 'minz'", "did you mean 'min'?"]),
    "inventory_wrong_missile.yaml": (13, ["units[0].inventory.generic-sr-interceptor:", "cannot fire",
                                          "did you mean 'generic-lr-interceptor'?"]),
    "duplicate_key.yaml": (3, ["duplicate key 'seed'"]),
    "duplicate_asset_names.yaml": (9, ["assets[1].name:", "already used by assets[0]"]),
    "time_step_longer_than_duration.yaml": (4, ["time_step:", "longer than the duration"]),
    "unit_named_like_an_asset.yaml": (10, ["units[0].name:", "already used by assets[0]"]),
    "unknown_network.yaml": (14, ["units[0].networks[0]:", "unknown network 'nationl'"]),
    "unknown_model.yaml": (5, ["models.track:", "unknown track model 'kalman'", "expected: one of"]),
    "alias_bomb.yaml": (3, ["alias bomb"]),
    "binary_garbage.yaml": (None, ["binary data, not a text file"]),
    "non_utf8.yaml": (1, ["not valid UTF-8", "re-save the file as UTF-8"]),
    "resupply_uncarried_type.yaml": (15, ["units[0].resupply[0].rounds.generic-sr-interceptor:",
                                          "carries no rounds of", "did you mean 'generic-lr-interceptor'?"]),
    "waves_without_interval.yaml": (10, ["raids[0]:", "needs a 'wave_interval'", "24 h"]),
    "jammer_as_threat.yaml": (11, ["raids[0].type:", "'ea18g-alq99-class-jammer' is a jammer, not a threat",
                                   "expected: a catalog threat type"]),
    "unknown_jammer_type.yaml": (16, ["raids[0].jammer:", "unknown jammer type 'f16-alq184-class'",
                                      "did you mean 'f16-alq184-class-jammer'?"]),
    "ground_jammer_on_raid.yaml": (16, ["raids[0].jammer:", "is a ground jammer", "under 'jammers:'"]),
    "jammer_without_radar_model.yaml": (9, ["models.sense:", "jammers need the sense model 'radar'",
                                            "expected: sense: radar"]),
    "jammed_radar_without_band.yaml": (22, ["jammers[0].type:", "'steel-dome-alp300g-class-radar' gives no band",
                                            "leave the jammers out"]),
    "jammer_route_without_speed.yaml": (17, ["jammers[0]:", "needs a 'speed'", "800 km/h"]),
    "jammer_named_like_an_asset.yaml": (17, ["jammers[0].name:", "already used by assets[0]"]),
    "decoy_on_a_drone.yaml": (15, ["raids[0].decoys.type:", "a drone ('shahed-136-class') cannot carry",
                                   "an air-launched decoy", "leave 'decoys' out"]),
    "decoy_not_a_decoy.yaml": (16, ["raids[0].decoys.type:", "'iskander-m-class' is a ballistic missile, not a decoy",
                                    "did you mean 'iskander-class-decoy'?"]),
    "too_many_decoys.yaml": (17, ["raids[0].decoys.count:", "carries 6 decoys (8 asked)",
                                  "at most its decoy_capacity (6)"]),
    "decoys_on_a_decoy.yaml": (15, ["raids[0].decoys:", "is a decoy itself"]),
    "decoy_as_jammer.yaml": (15, ["raids[0].jammer:", "'mald-class-decoy' is a threat, not a jammer"]),
    "gnss_jammer_with_route.yaml": (20, ["jammers[0].route:", "jams satellite navigation from where it stands",
                                         "give it a position only"]),
    "defends_unknown_unit.yaml": (20, ["units[1].defends[0]:", "unknown unit 'Batery'", "did you mean 'Battery'?"]),
    "defends_itself.yaml": (20, ["units[1].defends[0]:", "names itself", "drop 'Point'"]),
    "defends_out_of_reach.yaml": (20, ["units[1].defends[0]:", "22.3 km from 'Point'", "12.0 km reach"]),
    "defends_without_self_defence.yaml": (20, ["units[1].defends:", "self-defence pass",
                                               "expected: doctrine.self_defence: true"]),
    "defends_under_greedy.yaml": (20, ["units[1].defends:", "greedy decide model", "models: {decide: wta}"]),
}


def test_the_corpus_has_every_case_and_nothing_unlisted():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_scenario_is_refused_with_a_located_message(name, tmp_path):
    line, fragments = EXPECTED[name]
    output = tmp_path / "out"
    code, message = exit_and_error("run", str(BAD / name), "-o", str(output))
    assert code == 2
    location = f"{BAD / name}:{line}:" if line is not None else f"{BAD / name}:"
    assert message.startswith(f"error: {location}"), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message
    assert not output.exists(), "a refused scenario must write nothing"


def test_a_50_megabyte_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.write(b"name: huge\nraids:\n")
        handle.write(b"  - {type: generic-drone, launch_point: {lat: 1, lon: 2}, target: x}\n" * 760_000)
    assert huge.stat().st_size > 50e6
    code, message = exit_and_error("validate", str(huge))
    assert code == 2
    assert f"{huge}: the file is" in message and "MB" in message and "refused" in message


def test_a_missing_file_names_the_working_folder(tmp_path):
    code, message = exit_and_error("validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "file not found" in message and "working folder" in message


def test_the_installed_command_exits_2_without_traceback(tmp_path):
    """The same through the console script in a subprocess: the exit code users and scripts see."""
    output = tmp_path / "out"
    done = subprocess.run(
        [Path(sys.executable).parent / "iadsim", "run", str(BAD / "unknown_threat_type.yaml"), "-o", str(output)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert "did you mean 'generic-drone'?" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not output.exists()


# Issue 16's reproducers: each scenario is good_minimal.yaml with one change, run with `iadsim run`;
# each must be refused at validation (exit 2, one located message, nothing written).
GOOD = BAD.parent / "good_minimal.yaml"


def _good() -> dict:
    return yaml.safe_load(GOOD.read_text())


def _text(replace: str, by: str, append: str = "") -> str:
    text = GOOD.read_text()
    assert replace in text
    return text.replace(replace, by) + append


def _changed(change) -> str:
    data = _good()
    change(data)
    return yaml.safe_dump(data, allow_unicode=True)


def _add_raids(data: dict, n: int, **fields) -> None:
    data["raids"] += [dict(data["raids"][0], name=f"raid {i}", **fields) for i in range(n)]


def _resupply(data: dict, **schedule) -> None:
    data["units"][0]["resupply"] = [{"rounds": {"generic-lr-interceptor": 2}, **schedule}]


def _network_twice(data: dict) -> None:
    data["networks"] = [{"name": "net"}]
    data["units"][0]["networks"] = ["net", "net"]


REPRODUCERS: dict[str, tuple[object, list[str]]] = {
    "seed of 5,000 digits": (_text("seed: 1", "seed: " + "9" * 5000), ["seed:", "5,000 characters"]),
    "count of 5,000 digits": (_text("count: 4", "count: " + "9" * 5000), ["raids[0].count:", "characters"]),
    "duration of 400 digits": (_text("duration: 10 min", "duration: " + "9" * 400), ["duration:", "400 characters"]),
    "10,000 nested [": (_text("", "", "x: " + "[" * 10_000 + "]" * 10_000 + "\n"), ["nested more than 64 levels"]),
    "10,000 nested {a:": (_text("", "", "x: " + "{a: " * 10_000 + "}" * 10_000 + "\n"), ["nested more than 64"]),
    "2,000-deep block list": (_text("", "", "x:\n" + "\n".join(" " * (i + 2) + "- " for i in range(2000)) + "\n"),
                              ["nested more than 64 levels"]),
    "time_step 1e-320": (lambda d: d.update(time_step=1e-320), ["time_step:", "ticks", "more than the engine"]),
    "inventory 10^18": (lambda d: d["units"][0]["inventory"].update({"generic-lr-interceptor": 10**18}),
                        ["units[0].inventory.generic-lr-interceptor:", "less than or equal to 1000000"]),
    "inventory 10^30": (lambda d: d["units"][0]["inventory"].update({"generic-lr-interceptor": 10**30}),
                        ["units[0].inventory.generic-lr-interceptor:", "less than or equal to 1000000"]),
    "reserve_rounds of 30 nines": (lambda d: d.update(doctrine={"reserve_rounds": int("9" * 30)}),
                                   ["doctrine.reserve_rounds:", "less than or equal to 1000000"]),
    "resupply every 1e-9 s": (lambda d: _resupply(d, every=1e-9), ["units[0].resupply[0]:", "resupply deliveries"]),
    "count 100,000 x 10,000 waves": (lambda d: d["raids"][0].update(count=100_000, waves=10_000, wave_interval="1 h"),
                                     ["raids:", "GiB of memory", "1,000,000,000 threats", "--allow-large"]),
    "10^7 threats": (lambda d: _add_raids(d, 100, count=100_000), ["raids:", "GiB of memory", "--allow-large"]),
    "time_step 1e-9 over 10 min": (lambda d: d.update(time_step=1e-9), ["time_step:", "600,000,000,000 ticks"]),
    "1 ms over 30 days": (lambda d: d.update(time_step="1 ms", duration="30 d"), ["time_step:", "2,592,000,000 ticks"]),
    "0.1 s over 30 days": (lambda d: d.update(time_step="0.1 s", duration="30 d"),
                           ["time_step:", "25,920,000 ticks", "more than 5,000,000", "--allow-large"]),
    "terrain file missing": (lambda d: d.update(terrain={"file": "/nonexistent/t.npz"}),
                             ["terrain.file:", "does not exist"]),
    "terrain /etc/passwd": (lambda d: d.update(terrain={"file": "/etc/passwd"}), ["terrain.file:", "unknown terrain"]),
    "terrain /dev/zero": (lambda d: d.update(terrain={"file": "/dev/zero"}), ["terrain.file:", "not a regular file"]),
    "terrain a folder": (lambda d: d.update(terrain={"file": "/tmp"}), ["terrain.file:", "is a folder"]),
    "ESC in a name": (lambda d: d.update(name="a\x1b[2Jb"), ["name:", "control"]),
    "count: true": (lambda d: d["raids"][0].update(count=True), ["raids[0].count:", "true is a yes/no value"]),
    "seed: true": (lambda d: d.update(seed=True), ["seed:", "true is a yes/no value"]),
    "inventory: true": (lambda d: d["units"][0]["inventory"].update({"generic-lr-interceptor": True}),
                        ["units[0].inventory.generic-lr-interceptor:", "yes/no"]),
    "count: 1:30 (base 60)": (_text("count: 4", "count: 1:30"), ["raids[0].count:", "'1:30'"]),
    "raid speed 1e300": (lambda d: d["raids"][0].update(speed=1e300), ["raids[0].speed:", "less than or equal"]),
    "raid altitude 1e300": (lambda d: d["raids"][0].update(altitude=1e300), ["raids[0].altitude:", "less than"]),
    "raid launch_time 1e300": (lambda d: d["raids"][0].update(launch_time=1e300), ["raids[0].launch_time:", "less"]),
    "launch after the end": (lambda d: d["raids"][0].update(launch_time="20 min"),
                             ["raids[0].launch_time:", "after the end of the scenario"]),
    "Arabic-Indic digits": (lambda d: d.update(duration="١٠ min"), ["duration:", "write digits 0-9"]),
    "full-width digits": (lambda d: d.update(duration="１０ min"), ["duration:", "write digits 0-9"]),
    "NUL name": (lambda d: d["raids"][0].update(name="\x00"), ["raids[0].name:", "control"]),
    "blank name": (lambda d: d["raids"][0].update(name="   "), ["raids[0].name:", "empty or blank"]),
    "names differing by case": (lambda d: d["assets"].append({"name": "port city", "position": {"lat": 1, "lon": 2}}),
                                ["assets[1].name:", "already used by assets[0]", "without case"]),
    "names differing by a trailing space": (
        lambda d: d["assets"].append({"name": "Port City ", "position": {"lat": 1, "lon": 2}}),
        ["assets[1].name:", "'Port City' is already used by assets[0]"]),
    "raid named like a unit": (lambda d: d["raids"][0].update(name="Battery"), ["raids[0].name:", "units[0]"]),
    "a unit twice on one network": (_network_twice, ["units[0].networks[1]:", "listed twice"]),
    "duration 0.5 s, default time step": (lambda d: (d.update(duration="0.5 s"), d.pop("time_step")),
                                          ["time_step:", "longer than the duration", "at most 0.5 s"]),
    "duration 0.5 s, time_step 1 s": (lambda d: d.update(duration="0.5 s", time_step="1 s"),
                                      ["time_step:", "longer than the duration"]),
}


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_issue_16_reproducer_is_refused_before_the_run(name, tmp_path):
    change, fragments = REPRODUCERS[name]
    path = tmp_path / "scenario.yaml"
    path.write_text(change if isinstance(change, str) else _changed(change), encoding="utf-8")
    output = tmp_path / "out"
    code, message = exit_and_error("run", str(path), "-o", str(output))
    assert code == 2, message
    assert message.startswith(f"error: {path}:"), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message and "\x1b" not in message
    assert len(message) < 2000, "a message never echoes a whole huge value"
    assert not output.exists(), "a refused scenario must write nothing"


def test_a_megabyte_value_is_shown_by_its_start_and_length(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(_changed(lambda d: d["raids"][0].update(type="x" * 1_000_000)), encoding="utf-8")
    code, message = exit_and_error("validate", str(path))
    assert code == 2 and "raids[0].type:" in message and "(1,000,002 characters)" in message  # its repr, quotes included
    assert len(message) < 1000


def test_allow_large_lets_a_long_run_through_validation(tmp_path, capsys, monkeypatch):
    path = tmp_path / "scenario.yaml"
    path.write_text(_changed(lambda d: d.update(time_step="0.1 s", duration="30 d")), encoding="utf-8")
    assert exit_and_error("validate", str(path))[0] == 2
    monkeypatch.setattr(sys, "argv", ["iadsim", "validate", str(path), "--allow-large"])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 0 and "25,920,000 ticks" in capsys.readouterr().out


def test_names_are_normalised_nfc_and_stripped():
    import iadsim

    data = _good()
    data["assets"][0]["name"] = "  Cafe\u0301 "
    data["raids"][0]["target"] = "Caf\u00e9"
    assert iadsim.load_scenario(data).assets[0].name == "Caf\u00e9"
