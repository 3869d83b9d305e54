"""The case studies of examples/ in quick form: every study runs with the `iadsim study` machinery
(1-2 replications a point), `examples/cases.py --quick` regenerates every write-up of docs/cases/
from them into a temporary folder, and each case tells the story its write-up tells."""

import re
from pathlib import Path

import numpy as np
import pytest

import iadsim
from iadsim import casebook
from iadsim.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CASE_FILES = sorted(EXAMPLES.glob("case*_*.yaml"))
STUDY_FILES = sorted(EXAMPLES.glob("case*-study.yaml"))


@pytest.fixture(scope="module")
def quick(tmp_path_factory, cases_script):
    """Every case study run quick (into a temporary folder) and every write-up regenerated from it."""
    folder = tmp_path_factory.mktemp("cases")
    cases = cases_script
    written = cases.run(sorted(cases.CASES), quick=True, results=folder / "results", docs=folder / "docs", workers=1)
    return {"results": folder / "results", "docs": folder / "docs", "written": written}


def study(quick, name):
    return casebook.CaseStudy(quick["results"] / name)


def test_every_case_file_and_study_validates_and_has_a_write_up():
    from typer.testing import CliRunner

    from iadsim.cli import app
    from iadsim.study.spec import load_study

    assert len(CASE_FILES) == 13 and len(STUDY_FILES) == 17
    for path in CASE_FILES:
        outcome = CliRunner().invoke(app, ["validate", str(path)])
        assert outcome.exit_code == 0, outcome.output
        assert iadsim.load_scenario(path).models.sense == "radar"
        write_up = path.read_text(encoding="utf-8").split("Write-up: ")[1].split()[0].rstrip(".")
        assert (ROOT / write_up).is_file(), f"{path.name}: {write_up} missing"
    for path in STUDY_FILES:
        assert load_study(path).events, f"{path.name}: the write-up's figures need the event logs"


def test_the_quick_run_regenerates_every_write_up_with_its_tables_and_plots(quick):
    assert len(quick["written"]) == 9
    for written in quick["written"]:
        text = written.read_text(encoding="utf-8")
        committed = (ROOT / "docs" / "cases" / written.name).read_text(encoding="utf-8")
        names = re.findall(r"<!-- generated:([\w-]+) -->", text)
        assert names and names == re.findall(r"<!-- generated:([\w-]+) -->", committed)
        for name in names:
            body = text.split(f"<!-- generated:{name} -->")[1].split(f"<!-- /generated:{name} -->")[0]
            assert "|---|" in body, f"{written.name}: block {name} has no table"
        # The prose outside the generated blocks is the committed write-up's, unchanged.
        outside = re.sub(r"<!-- generated:([\w-]+) -->.*?<!-- /generated:\1 -->", "", text, flags=re.S)
        assert outside == re.sub(r"<!-- generated:([\w-]+) -->.*?<!-- /generated:\1 -->", "", committed, flags=re.S)
        for image in re.findall(r"\]\((figures/[\w-]+\.svg)\)", text):
            assert (quick["docs"] / image).read_text(encoding="utf-8").lstrip().startswith("<?xml")
            assert (ROOT / "docs" / "cases" / image).is_file(), f"{image} not committed"
    assert "2 replications a point" in (quick["docs"] / "s400-city.md").read_text(encoding="utf-8")


def test_case1_the_drones_drain_the_magazine_before_the_ballistic_missiles_arrive(quick):
    results = study(quick, "case1-study")
    events = results.events(0)  # default doctrine
    leaks = casebook.leak_fraction_by_type(events).mean()
    assert leaks["shahed-136-class"] <= 0.1 and leaks["kalibr-class"] <= 0.2
    assert leaks["iskander-m-class"] >= 0.25  # the last raid meets an empty magazine
    ballistic_launch_s = results.scenario(0).raids[2].launch_time
    assert (results.metric_values(0, "interceptors_fired") >= 32).all()  # nine tenths of the 36 rounds
    assert (results.metric_values(0, "first_out_of_rounds_s") < ballistic_launch_s).all()
    rounds = casebook.rounds_fired(events).mean()
    assert rounds[("long", "shahed-136-class")] > 10  # long-range rounds go to drones
    assert rounds[("very_long", "shahed-136-class")] > 0
    # Cost-aware, the very long layer keeps off the drones and the magazine lasts longer.
    cost_aware = casebook.rounds_fired(results.events(1)).mean()
    assert cost_aware.get(("very_long", "shahed-136-class"), 0.0) == 0.0
    assert results.metric(1, "first_out_of_rounds_s").mean > results.metric(0, "first_out_of_rounds_s").mean


def test_case2_the_battalion_cannot_join_the_national_network_and_a_gateway_multiplies_its_warning(quick, tmp_path):
    text = (EXAMPLES / "case2_networked.yaml").read_text(encoding="utf-8")
    joined = text.replace("    networks: [gateway]  ", "    networks: [national]  ")
    assert joined != text
    (tmp_path / "joined.yaml").write_text(joined, encoding="utf-8")
    with pytest.raises(UserError, match="does not speak 'national-network'"):
        iadsim.load_scenario(tmp_path / "joined.yaml")

    results = study(quick, "case2-study")
    for alone, gateway in ((0, 2), (1, 3)):  # grid: networks [[], [gateway]] x count [8, 24]
        assert not results.scenario(alone).units[0].networks and results.scenario(gateway).units[0].networks
        warned_alone = casebook.warning_s(results.events(alone), results.scenario(alone), "City").warning_s
        warned_gateway = casebook.warning_s(results.events(gateway), results.scenario(gateway), "City").warning_s
        assert warned_gateway.median() > 2 * warned_alone.median()
        assert (warned_gateway > warned_alone.max()).mean() >= 0.9  # a few close pairs resolve late
    # Eight missiles: alone it still meets every one. Twenty-four: the magazine of 24 runs dry either way.
    assert results.metric(2, "leak_fraction").mean <= results.metric(0, "leak_fraction").mean
    for salvo in (1, 3):
        assert (results.metric_values(salvo, "interceptors_fired") >= 22).all()
        assert results.metric(salvo, "leak_fraction").mean > 0

    # Case 2b: cut off from its hub, the battalion launches nothing for the doctrine's autonomy delay.
    hub = study(quick, "case2b-study")
    lost = 0
    for point in range(len(hub.points)):
        scenario = hub.scenario(point)
        lost_s = scenario.command_posts[0].lost_at
        if lost_s < scenario.duration:
            lost += 1
            launches = hub.events(point).query("kind == 'launch'").t_s
            assert not launches.between(lost_s, lost_s + scenario.doctrine.autonomy_delay).any()
    assert lost == 6
    block = (quick["docs"] / "networked.md").read_text(encoding="utf-8")
    assert "| 11 min / 24 |" in block and "`case2b-study` (2 replications a point, 8 points" in block


def test_case3_relocating_after_firing_saves_the_battery_unless_the_strike_comes_while_it_packs(quick):
    results = study(quick, "case3-study")
    survived = {point: (results.metric_values(point, "units_destroyed").fillna(0) == 0).mean() for point in range(6)}
    # zip points: (5 min, stays), (5, relocates), (10, stays), (10, relocates), (25, stays), (25, relocates)
    # Rockets and missile aimed at the command post take it and what stands within tens of metres; the
    # battalion spread over its position keeps launchers and radars and is never destroyed.
    assert all(rate == 1.0 for rate in survived.values())
    assert (results.metric_values(1, "command_posts_lost") >= 1).all()  # caught during its march-out
    for gone in (3, 5):  # away before the strike lands: nothing lost
        assert (results.metric_values(gone, "command_posts_lost") + results.metric_values(gone, "launchers_lost")
                + results.metric_values(gone, "radars_lost") == 0).all()
    assert (results.metric_values(5, "unit_moves") >= 1).all()
    # The battalion that stays fights the strike off with its own rounds, and it costs it.
    for stays, moves in ((0, 1), (2, 3), (4, 5)):
        assert survived[stays] >= 0.5
        assert results.metric(stays, "interceptors_fired").mean > results.metric(moves, "interceptors_fired").mean
        assert (results.metric_values(stays, "unit_moves").fillna(0) == 0).all()


def test_case4_the_steel_dome_loses_the_ballistic_missiles_and_patriot_costs_most(quick):
    s400, steel_dome, patriot = (study(quick, f"case4{x}-study") for x in "abc")
    ballistic = {name: casebook.leak_fraction_by_type(found.events(0)).mean()["iskander-m-class"]
                 for name, found in (("s400", s400), ("steel_dome", steel_dome), ("patriot", patriot))}
    assert ballistic["steel_dome"] == 1.0 and ballistic["patriot"] < 0.5
    events = steel_dome.events(0)
    siper = events[(events.kind == "launch") & (events.weapon == "steel-dome-siper-class")]
    first_ballistic_s = events[(events.kind == "threat_launch") & (events.weapon == "iskander-m-class")].t_s.min()
    assert len(siper) > 0 and (siper.t_s < first_ballistic_s).mean() > 0.5  # mostly spent before the missiles fly
    spent = {name: found.metric(0, "cost_defender").mean for name, found in
             (("s400", s400), ("steel_dome", steel_dome), ("patriot", patriot))}
    assert spent["patriot"] > 2 * spent["s400"] and spent["s400"] > spent["steel_dome"]
    # Cost-aware, the Patriot-class batteries let the drones through.
    assert casebook.leak_fraction_by_type(patriot.events(1)).mean()["shahed-136-class"] >= 0.5


def test_case5_resupply_delays_the_shortage_and_the_drones_cost_a_fraction_of_the_rounds(quick):
    results = study(quick, "case5-study")
    with_convoy, without = casebook.shortage_night(results.events(0)), casebook.shortage_night(results.events(1))
    assert without.isin([2, 3]).all()
    assert (with_convoy.isna() | (with_convoy >= 4)).all()
    for point in (0, 1):
        assert (results.metric_values(point, "cost_defender") > 10 * results.metric_values(point, "cost_attacker")).all()
    assert (results.metric_values(0, "rounds_resupplied") == 7 * 8).all()


def test_case6_every_radar_sees_the_f35_class_far_later_than_the_f16_class(quick):
    results = study(quick, "case6-study")
    for point in (0, 1):
        first = casebook.first_detections(results.events(point), results.entities(point))
        ranges = first.groupby(["radar", "type"]).km.mean().unstack()
        both = ranges.dropna()
        assert len(both) >= 1
        assert (both["f35-class"] < 0.6 * both["f16-class"]).all()
        launched = casebook.first_launches(results.events(point)).groupby("type").km.mean()
        assert launched["f35-class"] < launched["f16-class"] / 1.5
    s400 = casebook.first_launches(results.events(0)).groupby("type").km.mean()
    assert s400["f16-class"] > 2.5 * s400["f35-class"]
    assert np.isfinite(s400).all()


def test_case7_decoys_draw_rounds_and_the_jammer_shortens_the_f35_class_detection(quick):
    results = study(quick, "case7-study")
    for point in range(len(results.points)):
        scenario = results.scenario(point)
        decoys = scenario.raids[0].decoys
        metrics = results.metrics[results.metrics.point == point]
        if decoys is None:
            assert "rounds_at_decoys" not in metrics or metrics.rounds_at_decoys.isna().all()
        else:
            assert (metrics.rounds_at_decoys > 0).all() and (metrics.decoys == 4 * decoys.count).all()

    def f35_first_km(point):
        first = casebook.first_detections(results.events(point), results.entities(point))
        return first[first.type == "f35-class"].groupby(["replication", "threat_id"]).km.max().mean()
    assert f35_first_km(3) < f35_first_km(0)  # ALQ-99-class jammer against none, no decoys either


def test_case7b_only_the_separated_radar_locates_the_self_screening_fighters(quick):
    """The battalion's own radars, a few hundred metres apart, never cross the pods' strobes into a fix; with
    the stand-alone radar 50 km west they do, and the fixes start tracks of the fighters."""
    results = study(quick, "case7b-study")
    for point, separated in ((0, False), (1, True)):
        assert bool(results.scenario(point).sensors) == separated
        events = results.events(point)
        located = events[(events.kind == "jammer_located") & (events.threat_id >= 0)]
        started = events[(events.kind == "track_start") & events.detail.str.endswith("jammer fix", na=False)]
        assert (len(located) > 0) == separated and (len(started) > 0) == separated
        assert set(started.threat_id) <= set(located.threat_id)


def test_case8_shutting_down_on_arm_warning_makes_the_harms_miss(quick):
    results = study(quick, "case8-study")
    policies = [results.scenario(point).doctrine.emission.policy for point in range(len(results.points))]
    assert policies == ["always", "in_range", "arm_warning"]
    warned = results.events(2)
    assert (warned.kind == "emission_off").any()
    strikes = warned[warned.kind == "strike"]
    assert (strikes.value > 100.0).all()  # flown to a last known position drifting at 10 m/s
    assert not (results.events(0).kind == "emission_off").any()


def test_case9_point_defence_is_swept_and_the_strike_takes_the_battalion_off_the_air_within_the_run(quick):
    results = study(quick, "case9-study")
    kinds = [results.scenario(point).raids[0].type for point in range(len(results.points))]
    assert kinds == ["atacms-cluster-class"] * 3 + ["gmlrs-class"] * 3
    for point in range(len(results.points)):
        scenario, events = results.scenario(point), results.events(point)
        if not sum(scenario.units[1].inventory.values()):  # no point defence: the vehicle has no rounds
            assert not ((events.kind == "launch") & (events.unit_id == 1)).any()
        else:
            assert scenario.units[1].defends == ["Battalion"]
        off = casebook.off_the_air_s(events, unit_id=0)
        destroyed = events[(events.kind == "unit_state") & (events.reason == "destroyed") & (events.unit_id == 0)]
        assert off.loc[destroyed.replication.unique()].notna().all()  # destroyed: off the air, at the latest then
        assert (off.dropna() <= scenario.duration).all()


def test_a_case_runs_from_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from iadsim.cli import app

    outcome = CliRunner().invoke(app, ["run", str(EXAMPLES / "case2_networked.yaml"), "-o", str(tmp_path / "run")])
    assert outcome.exit_code == 0, outcome.output
    assert (tmp_path / "run" / "report.html").is_file()
