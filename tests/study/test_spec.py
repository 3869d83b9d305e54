"""The study file: sweeps expand as written; every mistake is a UserError naming the study file's line and field."""

from __future__ import annotations

import pytest

from iadsim.errors import UserError
from iadsim.study.spec import load_study
from tests.study.conftest import write_study

HEADER = """\
name: s
scenario: tiny.yaml
replications: 2
seed: 1
"""


def error_of(tmp_path, body: str) -> str:
    study = write_study(tmp_path, text=HEADER + body)
    with pytest.raises(UserError) as caught:
        load_study(study)
    return caught.value.render()


def test_grid_and_zip_expand_in_order(tmp_path):
    study = write_study(tmp_path, text=HEADER + """\
sweeps:
  - path: raids[0].count
    range: {first: 2, last: 6, step: 2}
  - path: doctrine.mode
    values: [shoot_shoot, shoot_look_shoot]
""")
    plan = load_study(study)
    assert [point.label for point in plan.points][:3] == [
        "raids[0].count=2, doctrine.mode=shoot_shoot", "raids[0].count=2, doctrine.mode=shoot_look_shoot",
        "raids[0].count=4, doctrine.mode=shoot_shoot"]
    assert len(plan.points) == 6 and plan.points[5].scenario.raids[0].count == 6
    zipped = write_study(tmp_path, text=HEADER + """\
combine: zip
sweeps:
  - path: raids[0].count
    values: [3, 5]
  - path: units[0].inventory.generic-sr-interceptor
    range: {first: 1.0, last: 2.0, count: 2}
""")
    plan = load_study(zipped)
    assert [point.values for point in plan.points] == [
        {"raids[0].count": 3, "units[0].inventory.generic-sr-interceptor": 1.0},
        {"raids[0].count": 5, "units[0].inventory.generic-sr-interceptor": 2.0}]
    assert plan.points[1].scenario.units[0].inventory == {"generic-sr-interceptor": 2}


def test_changing_a_swept_value_changes_the_identity_but_not_replications(tmp_path):
    first = load_study(write_study(tmp_path, replications=3))
    more = load_study(write_study(tmp_path, replications=30))
    assert first.identity == more.identity
    changed = load_study(write_study(tmp_path, text=HEADER + "sweeps:\n  - path: raids[0].count\n    values: [7]\n"))
    assert changed.identity != first.identity


@pytest.mark.parametrize(("body", "expected"), [
    ("sweeps:\n  - path: raids[0].cuont\n    values: [1]\n",
     "study.yaml:6: sweeps[0].path: raids[0] has no field 'cuont'; did you mean 'count'?"),
    ("sweeps:\n  - path: raids[3].count\n    values: [1]\n",
     "study.yaml:6: sweeps[0].path: index 3 is past the end: the base scenario has 1 raids"),
    ("sweeps:\n  - path: raids[0].count\n    values: [4, -1]\n",
     "study.yaml:7: sweeps[0].values[1]: raids[0].count = -1:"),
    ("sweeps:\n  - path: units[0].inventory.no-such-missile\n    values: [4]\n",
     "sweeps[0].values[0]: units[0].inventory.no-such-missile = 4:"),
    ("sweeps:\n  - path: seed\n    values: [4]\n", "'seed' cannot be swept"),
    ("sweeps:\n  - path: raids[0].count\n    range: {first: 1, last: 4}\n",
     "study.yaml:7: sweeps[0].range: give either 'step' or 'count'"),
    ("combine: zip\nsweeps:\n  - path: raids[0].count\n    values: [1, 2]\n  - path: doctrine.mode\n"
     "    values: [shoot_shoot]\n", "study.yaml:5: combine: zipped sweeps need the same number of values"),
    ("replicatons: 3\n", "study.yaml:5: replicatons:"),
])
def test_mistakes_name_line_and_field(tmp_path, body, expected):
    assert expected in error_of(tmp_path, body)


def test_missing_base_scenario(tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text(HEADER.replace("tiny.yaml", "nowhere.yaml"), encoding="utf-8")
    with pytest.raises(UserError, match=r"study.yaml:2: scenario: the base scenario .*nowhere.yaml' does not exist"):
        load_study(study)
