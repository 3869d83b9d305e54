"""Sweep paths into a scenario: check them against the schema, set values, cross the sweeps.

A path addresses one field of a scenario the way error messages do:
``raids[0].count``, ``units[1].inventory.generic-lr-interceptor``,
``doctrine.mode`` (:func:`iadsim.errors.parse_path`). Names may hold hyphens
(catalog names do); a list index is written in brackets. The path is checked
against the scenario *schema* (so a field that the base file leaves at its
default, or a section it omits, can be swept), and its list indexes against
the base scenario's lists.
"""

from __future__ import annotations

import copy
import itertools
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from iadsim.errors import did_you_mean, format_path, parse_path
from iadsim.scenario.schema import Scenario
from iadsim.validation import unwrap_annotation

Location = tuple[str | int, ...]
FIXED_BY_THE_STUDY = {("seed",): "the study's seed sets every replication's seed"}
"""Scenario fields a study sets itself, which a sweep may not."""


class PathError(ValueError):
    """A sweep path that names no field of the scenario; the message says what is there instead."""


def parse_sweep_path(path: str) -> Location:
    """``'raids[0].count'`` -> ``('raids', 0, 'count')``, refusing empty or malformed paths."""
    text = path.strip()
    if not text or text != path or ".." in text or text.startswith((".", "[")) or text.endswith("."):
        raise PathError(f"'{path}' is not a field path")
    try:
        location = parse_path(text)
    except ValueError:
        raise PathError(f"'{path}': a list index must be a whole number, as in raids[0]") from None
    if any(isinstance(part, int) and part < 0 for part in location):
        raise PathError(f"'{path}': list indexes count from 0 at the start of the list; negative indexes "
                        "(from the end) are not read")
    if format_path(location) != text:
        raise PathError(f"'{path}' is not a field path (write list indexes as raids[0] and fields as a.b)")
    return location


def check_path(location: Location) -> None:
    """Raise :class:`PathError` unless ``location`` names a field of the scenario schema."""
    if location in FIXED_BY_THE_STUDY:
        raise PathError(f"'{format_path(location)}' cannot be swept: {FIXED_BY_THE_STUDY[location]}")
    current: object = Scenario
    for depth, part in enumerate(location):
        current = unwrap_annotation(current)
        here = format_path(location[:depth]) or "the scenario"
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str):
                raise PathError(f"{here} is a section, not a list: write {here}.<field>")
            info = current.model_fields.get(part)
            if info is None:
                fields = list(current.model_fields)
                hint = did_you_mean(part, fields)
                raise PathError(f"{here} has no field '{part}'; {hint or 'its fields: ' + ', '.join(fields)}")
            current = info.annotation
        elif typing.get_origin(current) in (list, tuple):
            if not isinstance(part, int):
                raise PathError(f"{here} is a list: write {here}[0], {here}[1], ...")
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            if not isinstance(part, str):
                raise PathError(f"{here} is a mapping of names: write {here}.<name>")
            current = typing.get_args(current)[1]
        else:
            raise PathError(f"{here} is a single value; it has no part '{part}'")


def set_value(data: dict[str, Any], location: Location, value: Any) -> None:
    """Set ``value`` at ``location`` in a scenario mapping, creating omitted sections on the way.

    The location must have passed :func:`check_path`; a list index past the end
    of the base scenario's list raises :class:`PathError`.
    """
    node: Any = data
    for depth, part in enumerate(location[:-1]):
        nxt = location[depth + 1]
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise PathError(_index_message(location[:depth], node, part))
            child = node[part]
        else:
            if not isinstance(node, dict):
                raise PathError(f"{format_path(location[:depth]) or 'the scenario'} is not a mapping in the base "
                                "scenario")
            child = node.get(part)
            if child is None:
                child = node[part] = [] if isinstance(nxt, int) else {}
        node = child
    last = location[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise PathError(_index_message(location[:-1], node, last))
    elif not isinstance(node, dict):
        raise PathError(f"{format_path(location[:-1])} is not a mapping in the base scenario")
    node[last] = copy.deepcopy(value)


def _index_message(location: Location, node: object, index: int) -> str:
    name = format_path(location)
    size = len(node) if isinstance(node, list) else 0
    if size == 0:
        return f"the base scenario has no {name} to index"
    return f"index {index} is past the end: the base scenario has {size} {name} ({name}[0] to {name}[{size - 1}])"


def combine_values(columns: Sequence[Sequence[Any]], mode: str) -> list[tuple[Any, ...]]:
    """The sweep points: every combination (``grid``, the last sweep varying fastest) or
    the i-th value of each sweep together (``zip``, sweeps of equal length)."""
    if not columns:
        return [()]
    if mode == "grid":
        return list(itertools.product(*columns))
    if mode == "zip":
        return list(zip(*columns, strict=True))
    raise ValueError(f"unknown combine mode {mode!r}")
