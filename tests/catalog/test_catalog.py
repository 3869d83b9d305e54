"""The bundled catalog: every entry loads, every figure cites a known source; user files are checked."""

from pathlib import Path

import pytest

from iadsim.catalog import load_catalog
from iadsim.catalog.loader import ENTRY_MODELS, _figure_fields
from iadsim.errors import UserError
from tests.helpers import MY_DRONE_CATALOG


def test_every_figure_of_every_entry_cites_a_listed_source():
    catalog = load_catalog()
    assert {entry.kind for entry in catalog} == set(ENTRY_MODELS)
    for entry in catalog:
        figures = _figure_fields(type(entry)) & entry.model_fields_set  # given in the file, not defaults
        assert figures <= set(entry.citations), f"{entry.name}: uncited {figures - set(entry.citations)}"
        for name, citation in entry.citations.items():
            assert citation.source, f"{entry.name}.{name} has no source"
            assert set(citation.source) <= set(catalog.sources), f"{entry.name}.{name}"


def test_the_skeleton_types_exist():
    catalog = load_catalog()
    for name, kind in [("generic-lr-sam", "fire_unit"), ("generic-sr-sam", "fire_unit"),
                       ("generic-search-radar", "radar"), ("generic-fighter", "threat"),
                       ("generic-drone", "threat"), ("generic-cruise-missile", "threat"),
                       ("generic-ballistic-missile", "threat")]:
        assert catalog.find(name, kind) is not None


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    return path


def test_a_user_file_adds_a_type_without_python(tmp_path):
    path = write(tmp_path, MY_DRONE_CATALOG)
    catalog = load_catalog([path])
    assert catalog.threat("my-drone").rcs == pytest.approx(0.1)
    assert catalog.find("generic-drone") is not None


def test_an_uncited_figure_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, """\
entries:
  - name: my-drone
    kind: threat
    threat_class: drone
    description: A drone of my own.
    speed: 50 m/s
    cruise_altitude: 300 m
    rcs: 0.1
    max_range: 100 km
    cost_usd: 10000
""")
    with pytest.raises(UserError) as error:
        load_catalog([path])
    text = error.value.render()
    assert f"{path}:6: entries[0].speed: figure 'speed' has no source" in text


def test_an_unknown_source_and_a_redefined_type_are_refused(tmp_path):
    path = write(tmp_path, """\
sources:
  real: {title: T, publisher: P}
entries:
  - name: generic-drone
    kind: threat
    threat_class: drone
    description: Clash.
    source: rael
    speed: 50 m/s
    cruise_altitude: 300 m
    rcs: 0.1
    max_range: 100 km
    cost_usd: 10000
""")
    with pytest.raises(UserError, match="did you mean 'real'"):
        load_catalog([path])
    path.write_text(path.read_text().replace("source: rael", "source: real"))
    with pytest.raises(UserError, match="type 'generic-drone' is already defined"):
        load_catalog([path])
