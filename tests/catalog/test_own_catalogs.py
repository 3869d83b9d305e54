"""Your own system types from YAML alone (issue 21): a scenario's `catalogs:`, `--catalog FILE`,
`iadsim catalog check` and `show`, what a results folder records, and every bad input refused with exit
code 2 and one message. Everything runs the `iadsim` command (its entry point, in this process) on real files."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml

import iadsim
from iadsim.catalog import load_catalog
from iadsim.errors import UserError
from tests.conftest import EXAMPLES
from tests.helpers import MY_DRONE_CATALOG, iadsim_command

MY_SYSTEMS = EXAMPLES / "my-systems.yaml"
MY_DEMO = EXAMPLES / "my_systems_demo.yaml"

DRONE = MY_DRONE_CATALOG
SCENARIO = """\
name: own drone
duration: 5 min
assets:
  - name: City
    position: {lat: 38.42, lon: 27.14}
raids:
  - type: my-drone
    launch_point: {lat: 38.50, lon: 27.20}
    target: City
"""


def refused(done: subprocess.CompletedProcess) -> str:
    """The one message of a refused command (exit 2, no traceback)."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: "), done.stderr
    return done.stderr


@pytest.fixture
def own(tmp_path: Path) -> Path:
    """A folder with a catalog file (drone.yaml) and a scenario naming it (scenario.yaml)."""
    (tmp_path / "drone.yaml").write_text(DRONE)
    (tmp_path / "scenario.yaml").write_text("catalogs: [drone.yaml]\n" + SCENARIO)
    return tmp_path


def test_the_worked_example_runs_end_to_end_and_its_sam_fires(tmp_path):
    """docs/catalog.md, 'Adding your own system': the example's new SAM shoots down the new drones."""
    checked = iadsim_command("catalog", "check", MY_SYSTEMS)
    assert checked.returncode == 0, checked.stderr
    for name in ("my-sentinel-class-radar", "my-amraam-class", "my-nasams-class-fire-unit", "my-orlan10-class"):
        assert name in checked.stdout
    shown = iadsim_command("catalog", "show", "my-nasams-class-fire-unit", "--catalog", MY_SYSTEMS)
    assert shown.returncode == 0 and "[wiki-nasams] NASAMS, Wikipedia" in shown.stdout, shown.stderr
    done = iadsim_command("run", MY_DEMO, "-o", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert "interceptors used: my-amraam-class" in done.stdout and "report.html, catalogs/)" in done.stdout
    events = pq.read_table(tmp_path / "run" / "events.parquet")
    launches = events.filter(pc.equal(events.column("kind"), "launch"))
    assert launches.num_rows > 0 and set(launches.column("weapon").to_pylist()) == {"my-amraam-class"}
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["metrics"]["killed"] > 0 and summary["metrics"]["interceptors_my-amraam-class"] > 0


def test_the_worked_example_cites_every_figure():
    """Each figure of the example names a listed source (an estimate cites iadsim-estimate, with a note)."""
    catalog = load_catalog([MY_SYSTEMS])
    mine = [entry for entry in catalog if catalog.files[entry.name] == str(MY_SYSTEMS)]
    assert len(mine) == 4
    for entry in mine:
        for name, citation in entry.citations.items():
            assert citation.source and set(citation.source) <= set(catalog.sources), f"{entry.name}.{name}"
            if "iadsim-estimate" in citation.source:
                assert citation.note and "estimate" in citation.note, f"{entry.name}.{name}: say it is an estimate"


def test_a_run_folder_records_its_catalog_files_and_is_read_again_without_them(own, tmp_path):
    run = tmp_path / "run"
    assert iadsim_command("run", own / "scenario.yaml", "-o", run, "-q").returncode == 0
    summary = json.loads((run / "summary.json").read_text())
    digest = hashlib.sha256((own / "drone.yaml").read_bytes()).hexdigest()
    assert summary["catalogs"] == [{"file": str(own / "drone.yaml"), "copy": "catalogs/drone.yaml",
                                    "sha256": digest}]
    assert (run / "catalogs" / "drone.yaml").read_bytes() == (own / "drone.yaml").read_bytes()
    assert yaml.safe_load((run / "scenario.yaml").read_text())["catalogs"] == ["catalogs/drone.yaml"]
    (own / "drone.yaml").unlink()  # the folder holds what it needs: report, export and a rerun work
    assert iadsim_command("report", run).returncode == 0
    assert iadsim_command("export", run, "--format", "geojson").returncode == 0
    again = iadsim_command("run", run / "scenario.yaml", "-o", tmp_path / "again", "-q")
    assert again.returncode == 0, again.stderr
    rerun = json.loads((tmp_path / "again" / "summary.json").read_text())
    assert rerun["metrics"] == summary["metrics"] and rerun["scenario_hash"] == summary["scenario_hash"]


def test_a_run_without_catalog_files_records_none(tmp_path):
    (tmp_path / "s.yaml").write_text(SCENARIO.replace("my-drone", "generic-drone"))
    assert iadsim_command("run", tmp_path / "s.yaml", "-o", tmp_path / "run", "-q").returncode == 0
    assert "catalogs" not in json.loads((tmp_path / "run" / "summary.json").read_text())
    assert not (tmp_path / "run" / "catalogs").exists()


def test_the_catalog_option_loads_a_file_for_run_validate_list_and_show(tmp_path):
    (tmp_path / "drone.yaml").write_text(DRONE)
    (tmp_path / "s.yaml").write_text(SCENARIO)
    unknown = refused(iadsim_command("validate", tmp_path / "s.yaml"))
    assert "unknown threat type 'my-drone'" in unknown and "under 'catalogs:'" in unknown and "--catalog" in unknown
    assert iadsim_command("validate", tmp_path / "s.yaml", "--catalog", tmp_path / "drone.yaml").returncode == 0
    listed = iadsim_command("catalog", "list", "--kind", "threat", "--catalog", tmp_path / "drone.yaml")
    assert "my-drone" in listed.stdout and "generic-drone" in listed.stdout
    shown = iadsim_command("catalog", "show", "my-drone", "--catalog", tmp_path / "drone.yaml")
    assert shown.returncode == 0, shown.stderr
    assert f"defined in {tmp_path / 'drone.yaml'}:4" in shown.stdout
    assert "[my-page] My public page, Somebody" in shown.stdout
    assert "--catalog FILE" in refused(iadsim_command("catalog", "show", "my-drone"))
    done = iadsim_command("run", "s.yaml", "--catalog", "drone.yaml", "-o", "run", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["catalogs"][0]["copy"] == "catalogs/drone.yaml"


def test_a_file_named_twice_counts_once(own):
    done = iadsim_command("validate", own / "scenario.yaml", "--catalog", own / "drone.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.replace("\n", "").count(f"with catalog file {own / 'drone.yaml'} (sha256 ") == 1


def test_catalog_check_reports_what_a_file_adds(own):
    done = iadsim_command("catalog", "check", own / "drone.yaml")
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256((own / "drone.yaml").read_bytes()).hexdigest()
    assert "1 type(s) (1 threat), 1 source(s)" in done.stdout and digest in done.stdout.replace("\n", "")


def test_a_missing_catalog_file_is_refused(own):
    (own / "scenario.yaml").write_text("catalogs: [drone.yaml, nowhere.yaml]\n" + SCENARIO)
    message = refused(iadsim_command("validate", own / "scenario.yaml"))
    assert f"{own / 'scenario.yaml'}:1: catalogs[1]: catalog file 'nowhere.yaml' does not exist" in message
    assert f"the path is read from {own}" in message
    assert "file not found" in refused(iadsim_command("validate", own / "scenario.yaml", "--catalog", own / "no.yaml"))
    assert "file not found" in refused(iadsim_command("catalog", "check", own / "no.yaml"))


def test_a_file_that_is_not_a_catalog_is_refused(own):
    message = refused(iadsim_command("catalog", "check", own / "scenario.yaml"))
    assert "not a catalog file: this is a scenario" in message and "under 'catalogs:'" in message
    (own / "odd.yaml").write_text("sources: {}\nentrys: []\n")
    message = refused(iadsim_command("catalog", "check", own / "odd.yaml"))
    assert f"{own / 'odd.yaml'}:2: entrys: not a catalog file: unknown top-level key 'entrys'" in message
    assert "did you mean 'entries'?" in message
    (own / "list.yaml").write_text("- a\n- b\n")
    assert "not a catalog file: the document is a list" in refused(iadsim_command("catalog", "check", own / "list.yaml"))
    (own / "scenario.yaml").write_text("catalogs: [list.yaml]\n" + SCENARIO)
    assert "list.yaml:1: not a catalog file" in refused(iadsim_command("run", own / "scenario.yaml", "-o", own / "out"))
    assert not (own / "out").exists()


def test_a_type_missing_required_fields_is_refused_with_each_field(own):
    (own / "drone.yaml").write_text(DRONE.replace("    rcs: -10 dBsm\n", "").replace("    cost_usd: 10000\n", ""))
    message = refused(iadsim_command("validate", own / "scenario.yaml"))
    assert "2 problems" in message
    assert f"{own / 'drone.yaml'}:4: entries[0].rcs: this field is required but missing" in message
    assert "entries[0].cost_usd: this field is required but missing" in message
    assert "`iadsim catalog show generic-drone` shows a threat with every field" in message


def test_a_duplicate_name_is_refused_with_where_it_was_first_defined(own):
    (own / "again.yaml").write_text(DRONE.replace("my-page", "other-page"))
    message = refused(iadsim_command("catalog", "check", own / "drone.yaml", own / "again.yaml"))
    assert (f"{own / 'again.yaml'}:4: entries[0].name: type 'my-drone' is already defined in "
            f"{own / 'drone.yaml'}:4") in message
    (own / "bundled.yaml").write_text(DRONE.replace("my-drone", "generic-drone"))
    message = refused(iadsim_command("catalog", "check", own / "bundled.yaml"))
    assert "type 'generic-drone' is already defined in " in message and "generic.yaml:" in message
    (own / "source.yaml").write_text(DRONE.replace("my-page:", "wiki-patriot:"))
    message = refused(iadsim_command("catalog", "check", own / "source.yaml"))
    assert "sources.wiki-patriot: source 'wiki-patriot' is already defined in" in message
    assert "sources.yaml:" in message and "cite a source defined elsewhere by its key alone" in message


def test_a_bundled_source_is_cited_without_redefining_it(tmp_path):
    path = tmp_path / "cites.yaml"
    path.write_text(DRONE.replace("source: my-page", "source: wiki-shahed-136"))
    assert load_catalog([path]).threat("my-drone").citations["speed"].source == ["wiki-shahed-136"]


def test_a_scenario_using_a_type_of_a_catalog_it_does_not_load_is_refused(own):
    (own / "other.yaml").write_text(SCENARIO)  # my-drone, without `catalogs:`
    message = refused(iadsim_command("run", own / "other.yaml", "-o", own / "out"))
    assert f"{own / 'other.yaml'}:7: raids[0].type: unknown threat type 'my-drone'" in message
    assert not (own / "out").exists()


@pytest.mark.parametrize("value", ["[\"\\0\"]", "[\"" + "x" * 300 + "\"]", "[.]", "5", "[[a]]"])
def test_odd_catalog_entries_in_a_scenario_are_messages(own, value):
    (own / "scenario.yaml").write_text(f"catalogs: {value}\n" + SCENARIO)
    assert "catalogs" in refused(iadsim_command("validate", own / "scenario.yaml"))


def test_the_python_api_loads_a_scenario_s_catalogs(own):
    scenario = iadsim.load_scenario(own / "scenario.yaml")
    assert [file.path for file in scenario.catalog_files] == [str(own / "drone.yaml")]
    result = iadsim.simulate(scenario, seed=1)
    assert result.metrics["threats"] == 1 and result.scenario_hash == iadsim.simulate(own / "scenario.yaml", seed=1
                                                                                      ).scenario_hash


def test_catalogs_are_not_part_of_the_scenario_hash(own, tmp_path):
    """The hash is the scenario's content: where its catalog files live does not change it (their
    contents are recorded by SHA-256 beside it)."""
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.copy(own / "drone.yaml", moved / "systems.yaml")
    (moved / "scenario.yaml").write_text("catalogs: [systems.yaml]\n" + SCENARIO)
    from iadsim.scenario.load import scenario_hash

    assert scenario_hash(iadsim.load_scenario(moved / "scenario.yaml")) == scenario_hash(
        iadsim.load_scenario(own / "scenario.yaml"))


def test_a_user_error_in_a_catalog_file_names_that_file(own):
    (own / "drone.yaml").write_text(DRONE.replace("speed: 50 m/s", "speed: fast"))
    with pytest.raises(UserError) as error:
        iadsim.load_scenario(own / "scenario.yaml")
    assert f"{own / 'drone.yaml'}:9: entries[0].speed" in error.value.render()


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("radars: [my-sentinel-class-radar]", "radars: [my-sentinel-radar]",
     ":69: entries[2].radars: fire unit 'my-nasams-class-fire-unit' names unknown radar type 'my-sentinel-radar'\n"
     "  did you mean 'my-sentinel-class-radar'?"),
    ("max_range: 75 km", "max_range: 75 kg", ":46: entries[0].max_range: '75 kg' is a mass, but a length is expected"),
    ("kind: threat", "kind: thret", ":82: entries[3].kind: unknown kind 'thret'"),
    ("source: wiki-orlan10", "source: wiki-orlan", ":87: entries[3].speed: figure 'speed' cites unknown source "
                                                   "'wiki-orlan'"),
])
def test_mistakes_in_the_worked_example_are_messages(tmp_path, old, new, expected):
    path = tmp_path / "my-systems.yaml"
    path.write_text(MY_SYSTEMS.read_text().replace(old, new))
    assert f"{path}{expected}" in refused(iadsim_command("catalog", "check", path))


def test_report_and_export_take_the_catalog_a_folder_does_not_keep(own, tmp_path):
    """A folder that keeps no copy of the run's catalog file (as written before runs kept them) is read
    with --catalog FILE, and refused with the usual message without it."""
    run = tmp_path / "run"
    assert iadsim_command("run", own / "scenario.yaml", "-o", run, "-q").returncode == 0
    shutil.rmtree(run / "catalogs")
    scenario = yaml.safe_load((run / "scenario.yaml").read_text())
    del scenario["catalogs"]
    (run / "scenario.yaml").write_text(yaml.safe_dump(scenario))
    assert "unknown threat type 'my-drone'" in refused(iadsim_command("report", run))
    assert iadsim_command("report", run, "--catalog", own / "drone.yaml").returncode == 0
    assert iadsim_command("export", run, "--format", "kml", "--catalog", own / "drone.yaml").returncode == 0
