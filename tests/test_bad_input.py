"""Broken scenarios: each gives exit code 2 and one message naming file, line, field, expectation.

The corpus lives in tests/data/bad/; the 50 MB file is generated here rather than committed.
Every case runs the real command line (`iadsim run FILE -o DIR`) and checks that no
traceback is printed and nothing is written to the output folder.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from iadsim import cli

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
}


def run_cli(args: list[str], capsys, monkeypatch) -> tuple[int, str]:
    """Run the real `iadsim` entry point in-process; return (exit code, stderr)."""
    monkeypatch.setattr(sys, "argv", ["iadsim", *args])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    return stop.value.code, capsys.readouterr().err


def test_the_corpus_has_every_case_and_nothing_unlisted():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_scenario_is_refused_with_a_located_message(name, tmp_path, capsys, monkeypatch):
    line, fragments = EXPECTED[name]
    output = tmp_path / "out"
    code, message = run_cli(["run", str(BAD / name), "-o", str(output)], capsys, monkeypatch)
    assert code == 2
    location = f"{BAD / name}:{line}:" if line is not None else f"{BAD / name}:"
    assert message.startswith(f"error: {location}"), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message
    assert not output.exists(), "a refused scenario must write nothing"


def test_a_50_megabyte_file_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch):
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.write(b"name: huge\nraids:\n")
        handle.write(b"  - {type: generic-drone, launch_point: {lat: 1, lon: 2}, target: x}\n" * 760_000)
    assert huge.stat().st_size > 50e6
    code, message = run_cli(["validate", str(huge)], capsys, monkeypatch)
    assert code == 2
    assert f"{huge}: the file is" in message and "MB" in message and "refused" in message


def test_a_missing_file_names_the_working_folder(tmp_path, capsys, monkeypatch):
    code, message = run_cli(["validate", str(tmp_path / "nope.yaml")], capsys, monkeypatch)
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
