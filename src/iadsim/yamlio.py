"""Safe YAML reading that remembers where every value came from.

Scenario and catalog files are read with PyYAML's safe composer, then turned
into plain Python values by a walker of our own, which

* records the line of every value, keyed by its path (``("raids", 0, "type")``),
  so that a schema error can name its line;
* refuses documents that expand past a size limit (the "billion laughs" alias
  bomb), duplicate keys, and non-string keys;
* refuses documents nested deeper than :data:`MAX_DEPTH` or holding more than
  :data:`MAX_VALUES` values *before* they are composed (PyYAML's composer is
  recursive: 10,000 nested ``[`` would otherwise end in a ``RecursionError``);
* refuses numbers written with more than :data:`MAX_NUMBER_CHARACTERS`
  characters (Python will not even convert an integer of 4,300 digits);
* reads YAML 1.1 sexagesimal numbers (``1:30``, which PyYAML takes for 90) as
  the text they are, so a unit-less ``count: 1:30`` is refused, not read as 90;
* refuses files that are too large, binary, or not UTF-8, before parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from iadsim.errors import Problem, UserError, format_path

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 64
MAX_NUMBER_CHARACTERS = 100
_NUMBER_TAGS = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))
_OPENING_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (about 10x faster than PyYAML's own; the catalog's 16 files take
0.17 s instead of 1.8): the size and depth pass, and composing. A text it refuses is composed again by
PyYAML's own parser, whose messages name the problem in the words the error tests expect."""
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
    text: str = ""
    """The text as read (a study keeps a copy of its files' texts)."""

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
    return parse_yaml_text(read_text_file(path, max_bytes), str(path))


def read_text_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file of at most ``max_bytes``, raising :class:`UserError` for anything unreadable."""
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
    return decode_text(path.read_bytes(), name)


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
    _check_size_and_depth(text, file)
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:  # the event pass above agrees with the composer on all but odd syntax
        raise UserError([_too_big(None)], file) from None
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
    document = Document(data=None, file=file, text=text)
    if node is None:
        return document
    walker = _Walker(document)
    document.data = walker.value(node, (), 0)
    return document


def _too_big(line: int | None) -> Problem:
    return Problem(
        f"the document is nested more than {MAX_DEPTH} levels deep or holds more than {MAX_VALUES:,} values "
        "(or nested YAML aliases expand to that: an 'alias bomb'?)", line=line,
        expected="a scenario of a few levels: sections, lists of items, their fields")


def _check_size_and_depth(text: str, file: str | None) -> None:
    """Refuse a document deeper than ``MAX_DEPTH`` or with more than ``MAX_VALUES`` nodes, reading only
    its event stream (iterative, and stopped at the first level or value too many). A syntax error is
    left to the composer, which reports it with its own, clearer message."""
    depth = count = 0
    try:
        for event in yaml.parse(text, Loader=_FAST_LOADER):
            if isinstance(event, _OPENING_EVENTS):
                depth += 1
                count += 1
            elif isinstance(event, _CLOSING_EVENTS):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                count += 1
            if depth > MAX_DEPTH or count > 2 * MAX_VALUES:  # keys are scalars too: two nodes a value
                raise UserError([_too_big(event.start_mark.line + 1)], file)
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in str(error.problem):  # libyaml's own limit (1,000 levels), met while scanning ahead
            raise UserError([_too_big(error.problem_mark.line + 1 if error.problem_mark else None)], file) from None
    except yaml.YAMLError:
        return


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
            raise UserError([replace(_too_big(node.start_mark.line + 1), path=format_path(location))],
                            self.document.file)
        self.document.lines.setdefault(location, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"unsupported YAML tag '{node.tag}'",
                      expected="plain values: text, numbers, true/false, lists and mappings", location=location)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, location)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*location, index), depth + 1) for index, item in enumerate(node.value)]
        return self.mapping(node, location, depth)

    def scalar(self, node: yaml.ScalarNode, location: Location) -> Any:
        if node.tag in _NUMBER_TAGS:
            if ":" in node.value:  # YAML 1.1 base 60 (1:30 = 90): read as written
                return node.value
            if len(node.value) > MAX_NUMBER_CHARACTERS:
                self.fail(node, f"a number written with {len(node.value):,} characters",
                          expected=f"a number of at most {MAX_NUMBER_CHARACTERS} characters", location=location)
        return self.constructor.construct_object(node)

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

