"""The case scenarios of examples/ in shortened form: each validates, runs, and tells the story its
write-up in docs/cases/ tells (few seeds, fewer nights; the full tables come from examples/cases.py)."""

from pathlib import Path

import numpy as np

import iadsim
from iadsim import casebook
from iadsim.catalog import load_catalog

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASE_FILES = sorted(EXAMPLES.glob("case*.yaml"))


def case(name, change=None):
    return casebook.variant(str(EXAMPLES / name), change or (lambda data: None))


def test_every_case_file_validates_and_has_a_write_up():
    from typer.testing import CliRunner

    from iadsim.cli import app

    assert len(CASE_FILES) == 8
    for path in CASE_FILES:
        outcome = CliRunner().invoke(app, ["validate", str(path)])
        assert outcome.exit_code == 0, outcome.output
        write_up = path.read_text(encoding="utf-8").split("Write-up: ")[1].split()[0].rstrip(".")
        assert (EXAMPLES.parent / write_up).is_file(), f"{path.name}: {write_up} missing"


def test_case1_the_drones_drain_the_magazine_before_the_ballistic_missiles_arrive():
    runs = casebook.replications(case("case1_s400_city.yaml"), range(2))
    leaks = casebook.leaks_by_type(runs).leak_fraction
    assert leaks["shahed-136-class"] <= 0.1 and leaks["kalibr-class"] <= 0.2
    assert leaks["iskander-m-class"] >= 0.25  # the last raid meets an empty magazine
    ballistic_launch_s = iadsim.load_scenario(EXAMPLES / "case1_s400_city.yaml").raids[2].launch_time
    for run in runs:
        assert run.metrics["interceptors_fired"] == 36  # every round fired
        assert run.metrics["first_out_of_rounds_s"] < ballistic_launch_s
    layers = casebook.rounds_by_layer(runs)
    assert set(layers.index) == {"very_long", "long", "medium", "short"}
    assert layers.loc["long"].get("shahed-136-class", 0) > 0  # long-range rounds go to drones


def test_case2_the_network_gives_the_battalion_far_more_warning_of_low_cruise_missiles():
    def alone(data):
        data["units"][0]["networks"] = []

    networked = casebook.replications(case("case2_networked.yaml"), [0])[0]
    stand_alone = casebook.replications(case("case2_networked.yaml", alone), [0])[0]
    assert casebook.warning_s(networked, "City").min() > 2 * casebook.warning_s(stand_alone, "City").max()
    assert networked.metrics["leak_fraction"] <= stand_alone.metrics["leak_fraction"]


def _strike(minutes, relocate):
    def change(data):
        for raid in data["raids"][1:]:
            raid["launch_time"] = minutes * 60.0
        if not relocate:
            data["units"][0]["relocate_after_firing"] = None
    return case("case3_strike_on_battery.yaml", change)


def test_case3_relocating_after_firing_saves_the_battery_unless_the_strike_comes_while_it_packs():
    late_moved = casebook.replications(_strike(25, True), range(2))
    early_moved = casebook.replications(_strike(5, True), range(2))
    stayed = casebook.replications(_strike(25, False), range(2))
    assert casebook.unit_survival(late_moved) == 1.0
    assert casebook.unit_survival(early_moved) == 0.0  # caught during its march-out
    assert all(run.metrics["unit_moves"] >= 1 for run in late_moved)
    # The battery that stays fights the strike off with its own rounds, and it costs it.
    assert np.mean([r.metrics["interceptors_fired"] for r in stayed]) > np.mean(
        [r.metrics["interceptors_fired"] for r in late_moved])
    assert all(run.metrics.get("unit_moves", 0) == 0 for run in stayed)


def test_case4_the_steel_dome_spends_its_only_ballistic_capable_rounds_on_drones_and_patriot_costs_most():
    results = {name: casebook.replications(case(f"case4_{name}.yaml"), [0])[0]
               for name in ("two_s400", "steel_dome", "two_patriot")}
    ballistic = {name: casebook.leaks_by_type([run]).leak_fraction["iskander-m-class"]
                 for name, run in results.items()}
    assert ballistic["steel_dome"] == 1.0
    assert ballistic["two_s400"] < 1.0 and ballistic["two_patriot"] < 1.0
    events = results["steel_dome"].to_pandas()
    siper = events[(events.kind == "launch") & (events.weapon == "steel-dome-siper-class")]
    first_ballistic_s = events[(events.kind == "threat_launch") & (events.weapon == "iskander-m-class")].t_s.min()
    assert len(siper) == 16 and siper.t_s.max() < first_ballistic_s  # all gone before the missiles fly
    spent = {name: run.metrics["cost_defender"] for name, run in results.items()}
    assert spent["two_patriot"] > 2 * spent["two_s400"] > 2 * spent["steel_dome"]


def _nights(resupply):
    def change(data):
        data["raids"][0]["waves"] = 4
        data["duration"] = 4 * 86400.0
        if not resupply:
            data["units"][0]["resupply"] = []
    return case("case5_magazine_depth.yaml", change)


def test_case5_resupply_delays_the_shortage_and_the_drones_cost_a_fraction_of_the_rounds():
    seeds = range(2)
    with_convoy = casebook.replications(_nights(True), seeds)
    without = casebook.replications(_nights(False), seeds)
    assert all(casebook.shortage_night(run) == 3 for run in without)
    assert all(np.isnan(casebook.shortage_night(run)) or casebook.shortage_night(run) >= 4 for run in with_convoy)
    for run in with_convoy + without:
        assert run.metrics["cost_defender"] > 10 * run.metrics["cost_attacker"]
    assert all(run.metrics["rounds_resupplied"] == 32 for run in with_convoy)


def test_case6_the_f35_class_is_seen_at_a_quarter_of_the_range_the_radar_equation_gives():
    def s400_only(data):
        data["units"] = data["units"][:1]

    run = casebook.replications(case("case6_low_observable.yaml", s400_only), [0])[0]
    catalog = load_catalog()
    radar, f35 = catalog.radar("s400-91n6e-class-radar"), catalog.threat("f35-class")
    expected_km = radar.detection_range * (f35.rcs / radar.reference_rcs) ** 0.25 / 1e3  # Skolnik (2001) eq. 1.6
    step_km = f35.speed * radar.scan_period / 1e3  # it closes this much between two looks
    detected = casebook.first_detection_km(run)
    assert expected_km - step_km <= detected.loc["s400-91n6e-class-radar", "f35-class"] <= expected_km
    assert detected.loc["s400-91n6e-class-radar", "f16-class"] > 3 * expected_km
    launched = casebook.first_launch_km(run)
    assert launched["f35-class"] < launched["f16-class"] / 3


def test_a_case_runs_from_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from iadsim.cli import app

    outcome = CliRunner().invoke(app, ["run", str(EXAMPLES / "case2_networked.yaml"), "-o", str(tmp_path / "run")])
    assert outcome.exit_code == 0, outcome.output
    assert (tmp_path / "run" / "report.html").is_file()
