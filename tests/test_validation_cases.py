"""The validation cases of examples/validation/ in quick form: every study runs with the `iadsim study`
machinery (2 replications a point), `examples/cases.py validation --quick` regenerates docs/validation.md
from the study folders into a temporary folder, and its tables hold the studies' own figures."""

import re
from pathlib import Path

import pytest

import iadsim
from iadsim import casebook
from iadsim.study.spec import load_study

ROOT = Path(__file__).resolve().parents[1]
VALIDATION = ROOT / "examples" / "validation"


@pytest.fixture(scope="module")
def quick(tmp_path_factory, cases_script):
    folder = tmp_path_factory.mktemp("validation")
    cases = cases_script
    written = cases.run(["validation"], quick=True, results=folder / "results", docs=folder / "docs", workers=1)
    return {"cases": cases, "results": folder / "results", "written": written}


def _block(text: str, name: str) -> str:
    return text.split(f"<!-- generated:{name} -->")[1].split(f"<!-- /generated:{name} -->")[0]


def test_every_validation_scenario_and_study_loads_with_200_replications_a_point(cases_script):
    cases = cases_script
    assert len(cases.VALIDATION.studies) == 4
    for name in cases.VALIDATION.studies:
        plan = load_study(ROOT / "examples" / name)
        assert plan.study.replications >= 200 and 2 <= len(plan.points) <= 3, name
        scenario = iadsim.load_scenario(plan.scenario_file)
        assert scenario.models.sense == "radar" and scenario.models.fly == "flyout"
        assert "docs/validation.md" in plan.scenario_text


def test_the_write_up_is_regenerated_from_the_study_folders(quick):
    (written,) = quick["written"]
    text = written.read_text(encoding="utf-8")
    committed = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    names = re.findall(r"<!-- generated:([\w-]+) -->", text)
    assert names == re.findall(r"<!-- generated:([\w-]+) -->", committed) and len(names) == 4
    outside = re.sub(r"<!-- generated:([\w-]+) -->.*?<!-- /generated:\1 -->", "", text, flags=re.S)
    assert outside == re.sub(r"<!-- generated:([\w-]+) -->.*?<!-- /generated:\1 -->", "", committed, flags=re.S)
    for name in names[:3]:
        body = _block(text, name)
        assert "|---|" in body and "2 replications a point" in body, name
        # Every reported figure appears with its claimant and a link to its source.
        case = name.removeprefix("validation-")
        for claim in quick["cases"].REPORTED[case]:
            assert claim.outcome in body and claim.claimed_by in body and claim.source in body
    assert (written.parent / "figures" / "validation-summary.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert (ROOT / "docs" / "figures" / "validation-summary.svg").is_file()


def test_the_tables_hold_the_studies_own_figures(quick):
    text = quick["written"][0].read_text(encoding="utf-8")
    cases = quick["cases"]
    crimea = casebook.CaseStudy(quick["results"] / "crimea-atacms-study")
    intercepted = cases.ci_of(crimea.metric(0, "killed"), 1)
    assert f"| 32 rounds, cluster | {intercepted} |" in _block(text, "validation-crimea")
    ukraine = casebook.CaseStudy(quick["results"] / "ukraine-drone-night-study")
    counts = casebook.fate_counts(ukraine.events(0))
    shot_down = cases.ci_of(casebook.intervals(counts[("shahed-136-class", "killed")].astype(float)).iloc[0], 1)
    assert f"| drones | 45 | {shot_down} |" in _block(text, "validation-ukraine")
    israel = casebook.CaseStudy(quick["results"] / "israel-missiles-study")
    fates = casebook.fate_counts(israel.events(1))
    launched = fates.xs("emad-class", axis=1, level="type").sum(axis=1)
    assert (launched == 120).all()  # every ballistic missile met a fate the table counts
    killed = cases.ci_of(casebook.intervals(fates[("emad-class", "killed")].astype(float)).iloc[0], 1)
    assert f"| ballistic missiles | 120 | {killed} |" in _block(text, "validation-israel")
