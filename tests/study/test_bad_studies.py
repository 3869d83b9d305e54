"""Study files as a careless user writes them (issue 16): every mistake refused before anything is written,
and the odd-but-valid (a name with rich markup, a precision of 1e-300) run and summarise."""

from __future__ import annotations

import pytest

from iadsim.study.store import StudyStore
from tests.helpers import exit_and_error, iadsim_command
from tests.study.conftest import TINY_STUDY, write_study

REFUSED = {
    "an inventory swept to 10^30": (TINY_STUDY.format(replications=2).replace("values: [2, 6]",
                                                                            "values: [2, 1000000000000000000000000000000]"),
                                    ["sweeps[0].values[1]:", "less than or equal to 1000000"]),
    "a negative list index": (TINY_STUDY.format(replications=2).replace(
        "units[0].inventory.generic-sr-interceptor", "raids[-5].count").replace("[2, 6]", "[2, 3]"),
        ["sweeps[0].path:", "negative indexes"]),
    "an unknown metric under precision": (TINY_STUDY.format(replications=2).replace("leak_fraction", "leak_fractoin"),
                                          ["precision.leak_fractoin:", "no metric", "did you mean 'leak_fraction'?"]),
    "replications: true": (TINY_STUDY.format(replications="true"), ["replications:", "yes/no"]),
    "seed: true": (TINY_STUDY.format(replications=2).replace("seed: 5", "seed: true"), ["seed:", "yes/no"]),
    "a seed of 5,000 digits": (TINY_STUDY.format(replications=2).replace("seed: 5", "seed: " + "7" * 5000),
                               ["seed:", "5,000 characters"]),
    "a 2,000-deep block list": (TINY_STUDY.format(replications=2) + "x:\n"
                                + "\n".join(" " * (i + 2) + "- " for i in range(2000)) + "\n",
                                ["nested more than 64 levels"]),
    "a sweep point past the tick limit": (TINY_STUDY.format(replications=2).replace(
        "units[0].inventory.generic-sr-interceptor", "time_step").replace("[2, 6]", "[1 s, 1e-9 s]"),
        ["sweeps[0].values[1]:", "time_step = '1e-9 s'", "ticks"]),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_study_is_refused_and_writes_nothing(name, tmp_path):
    text, fragments = REFUSED[name]
    study = write_study(tmp_path, text=text)
    output = tmp_path / "out"
    code, message = exit_and_error("study", str(study), "-o", str(output), "--executor", "inprocess")
    assert code == 2, message
    assert message.startswith(f"error: {study}:"), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert not output.exists(), "a refused study writes nothing"
    assert exit_and_error("validate", str(study))[0] == 2, "validate refuses it alike"


def test_a_markup_name_and_a_tiny_precision_run_and_summarise(tmp_path):
    text = (TINY_STUDY.format(replications=2).replace("name: tiny study", 'name: "study [/oops] [link=x]y"')
            .replace("leak_fraction: 0.05", "leak_fraction: 1.0e-300"))
    study = write_study(tmp_path, text=text)
    output = tmp_path / "out"
    ran = iadsim_command("study", str(study), "-o", str(output), "--executor", "inprocess", "-q")
    assert ran.returncode == 0, ran.stderr
    summary = iadsim_command("study", "summary", str(output))
    assert summary.returncode == 0, summary.stderr
    assert "study [/oops] [link=x]y" in summary.stdout and "1,000,000,000,000,000" in summary.stdout
    assert (output / "study.duckdb").is_file() and (output / "summary.parquet").is_file()
    report = iadsim_command("report", str(output))
    assert report.returncode == 0, report.stderr


def test_a_study_stopped_before_storing_anything_may_be_corrected(tmp_path):
    """A folder with the manifest of a study that stored no replication is started over by a changed study."""
    from iadsim.study.spec import load_study

    study = write_study(tmp_path, replications=2)
    plan = load_study(study)
    StudyStore.create_or_resume(tmp_path / "out", plan).close()  # laid out, nothing run
    changed = write_study(tmp_path, text=TINY_STUDY.format(replications=2).replace("[2, 6]", "[3, 5]"))
    code, err = exit_and_error("study", str(changed), "-o", str(tmp_path / "out"), "--executor", "inprocess", "-q")
    assert code == 0, err
    assert StudyStore.open(tmp_path / "out").metrics().num_rows == 4
