"""Safe YAML reading that remembers where every value came from.

Scenario and catalog files are read with PyYAML's safe composer, then turned
into plain Python values by a walker of our own, which

* records the line of every value, keyed by its path (``("raids", 0, "type")``),
  so that a schema error can name its line;
* refuses documents that expand past a size limit (the "billion laughs" alias
  bomb), duplicate keys, and non-string keys;
* refuses files that are too large, binary, or not UTF-8, before parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from iadsim.errors import Problem, UserError, format_path

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 64
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)

Location = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed YAML document: its data, its file name and a line per value path."""

    data: Any
    file: str | None
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Sequence[str | int]) -> int | None:
        """Line of the value at ``location``, or of its nearest present parent."""
        location = tuple(location)
        while location:
            if location in self.lines:
                return self.lines[location]
            location = location[:-1]
        return self.lines.get((), None)


def read_yaml_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse a YAML file, raising :class:`UserError` for anything unreadable."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(
            [Problem("file not found", suggestion=f"check the path; the working folder is {Path.cwd()}")],
            name,
        ) from None
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", name) from None
    if path.is_dir():
        raise UserError("is a folder, not a YAML file", name)
    if size > max_bytes:
        raise UserError(
            [Problem(f"the file is {size / 1e6:.1f} MB; files over {max_bytes / 1e6:.0f} MB are refused",
                     expected="a scenario of a few kilobytes",
                     suggestion="check that this is the file you meant")],
            name,
        )
    raw = path.read_bytes()
    return parse_yaml_text(decode_text(raw, name), name)


def decode_text(raw: bytes, file: str | None) -> str:
    """Decode UTF-8 bytes, refusing binary data and other encodings with the line at fault."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise UserError(
            [Problem("this is binary data, not a text file", line=line,
                     expected="a YAML text file in UTF-8")],
            file,
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise UserError(
            [Problem(f"byte 0x{raw[error.start]:02x} is not valid UTF-8", line=line,
                     expected="text encoded in UTF-8",
                     suggestion="re-save the file as UTF-8 (most editors offer it in 'Save as')")],
            file,
        ) from None


def parse_yaml_text(text: str, file: str | None = None) -> Document:
    """Parse YAML text into plain values, keeping the line of every value."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise UserError(
            [Problem(f"YAML syntax error: {message}", line=line,
                     expected="valid YAML (indent with spaces, 'key: value', '- item')")],
            file,
        ) from None
    except yaml.YAMLError as error:
        raise UserError(f"YAML syntax error: {error}", file) from None
    document = Document(data=None, file=file)
    if node is None:
        return document
    walker = _Walker(document)
    document.data = walker.value(node, (), 0)
    return document


class _Walker:
    """Turns a composed YAML node tree into Python values, with limits and line records."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.constructor = yaml.constructor.SafeConstructor()
        self.count = 0

    def fail(self, node: yaml.Node, message: str, expected: str | None = None,
             location: Location = ()) -> None:
        raise UserError(
            [Problem(message, path=format_path(location), line=node.start_mark.line + 1,
                     expected=expected)],
            self.document.file,
        )

    def value(self, node: yaml.Node, location: Location, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES or depth > MAX_DEPTH:
            self.fail(
                node,
                f"the document expands to more than {MAX_VALUES} values or {MAX_DEPTH} levels "
                "(nested YAML aliases: an 'alias bomb'?)",
                expected="a scenario without deeply nested anchors and aliases",
                location=location,
            )
        self.document.lines.setdefault(location, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"unsupported YAML tag '{node.tag}'",
                      expected="plain values: text, numbers, true/false, lists and mappings", location=location)
        if isinstance(node, yaml.ScalarNode):
            return self.constructor.construct_object(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*location, index), depth + 1) for index, item in enumerate(node.value)]
        return self.mapping(node, location, depth)

    def mapping(self, node: yaml.MappingNode, location: Location, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, yaml.MappingNode):
                        self.fail(source, "a merge key '<<' must refer to a mapping", location=location)
                    for key, value in self.mapping(source, location, depth + 1).items():
                        merged.setdefault(key, value)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a mapping key must be a plain name", expected="'name: value'",
                          location=location)
            key = self.constructor.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                self.fail(key_node, f"duplicate key '{key}'",
                          expected="each key once per mapping", location=location)
            result[key] = self.value(value_node, (*location, key), depth + 1)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

