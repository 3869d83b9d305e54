"""The report with electronic warfare: decoys named and marked on the timeline, jammers and lost threats on
the map, and the event log told in words (real runs, real report)."""

from pathlib import Path

from iadsim.engine import simulate
from iadsim.report.charts import timeline_figure
from iadsim.report.map_figure import build_map
from iadsim.report.page import render_run_report
from iadsim.report.record import RunRecord
from iadsim.results import summary_of
from tests.physics.test_navigation import scenario

DATA = Path(__file__).parents[1] / "data"


def record_of(scenario) -> RunRecord:
    result = simulate(scenario)
    return RunRecord.of_result(result, summary_of(result))


def names(figure) -> set[str]:
    return {trace.name for trace in figure.data if trace.name}


def test_decoys_are_labelled_and_their_discrimination_marked_on_the_timeline() -> None:
    record = record_of(DATA / "decoys.yaml")
    decoys = [outcome for outcome in record.outcomes if outcome["decoy"]]
    assert len(decoys) == 6 and all(", decoy)" in record.threat_label(outcome) for outcome in decoys)
    timeline = timeline_figure(record)
    assert "known a decoy" in names(timeline)
    assert "is a decoy" in render_run_report(record)


def test_the_map_shows_the_gnss_jammer_its_footprint_and_the_drones_it_lost() -> None:
    record = record_of(scenario("shahed-136-class"))
    figure = build_map(record).figure
    assert {"jammers", "GNSS jamming footprint", "lost off course"} <= names(figure)
    assert "its satellite navigation was jammed" in render_run_report(record)
