"""YAML reading: every value keeps its line; anchors, merges, duplicates and bombs are handled."""

import pytest

from iadsim.errors import UserError
from iadsim.yamlio import parse_yaml_text

TEXT = """\
name: lines
raids:
  - type: a
    count: 3
  - type: b
defaults: &defaults
  speed: 200
derived:
  <<: *defaults
  count: 2
"""


def test_lines_are_recorded_by_path():
    document = parse_yaml_text(TEXT, "t.yaml")
    assert document.line_of(("raids", 0, "count")) == 4
    assert document.line_of(("raids", 1, "type")) == 5
    assert document.line_of(("raids", 1, "missing")) == 5, "a missing field points at its parent"
    assert document.line_of(("nowhere",)) == 1


def test_merge_keys_and_aliases_expand():
    data = parse_yaml_text(TEXT).data
    assert data["derived"] == {"count": 2, "speed": 200}


def test_duplicate_keys_are_refused_with_their_line():
    with pytest.raises(UserError) as error:
        parse_yaml_text("a: 1\nb: 2\na: 3\n", "d.yaml")
    assert error.value.problems[0].line == 3
    assert "duplicate key 'a'" in error.value.render()


def test_recursive_alias_is_refused():
    with pytest.raises(UserError, match="alias bomb"):
        parse_yaml_text("a: &a [*a]\n")


def test_yaml_tags_that_build_objects_are_not_executed():
    with pytest.raises(UserError, match="unsupported YAML tag"):
        parse_yaml_text("a: !!python/object/apply:os.system ['echo hacked']\n")


def test_a_catalog_source_that_is_not_a_mapping_is_a_message(tmp_path):
    """Found by the fuzzer: a pydantic error on the whole value (no field path) crashed the explanation."""
    from iadsim.catalog.loader import load_catalog_files

    path = tmp_path / "catalog.yaml"
    path.write_text("sources:\n  bad-source: just text\nentries: []\n")
    with pytest.raises(UserError, match="sources.bad-source"):
        load_catalog_files([path])


def test_a_figure_whose_source_is_a_number_is_a_message(tmp_path):
    """Found by the fuzzer: `source: 5` under a figure gave a TypeError."""
    from iadsim.catalog import bundled_files
    from iadsim.catalog.loader import load_catalog_files

    generic = next(path for path in bundled_files() if path.name == "generic.yaml")
    text = generic.read_text().replace("source: iadsim-estimate", "source: 5", 1)
    path = tmp_path / "generic.yaml"
    path.write_text(text)
    others = [file for file in bundled_files() if file.name != "generic.yaml"]
    with pytest.raises(UserError, match="source"):
        load_catalog_files([*others, path])
