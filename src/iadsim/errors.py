"""Errors meant for users: a message that names the place and the fix.

A user's mistake (a bad scenario, an unknown catalog type, a missing file)
raises :class:`UserError`; the command line prints its message and exits with
code 2, with no traceback. Programming errors stay ordinary exceptions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``path`` is the dotted field path with list indexes (``raids[0].type``),
    empty for the whole document; ``line`` is 1-based, ``None`` when unknown.
    """

    message: str
    path: str = ""
    line: int | None = None
    expected: str | None = None
    suggestion: str | None = None

    def render(self, file: str | None) -> str:
        where = ":".join(str(part) for part in (file, self.line) if part is not None)
        head = ": ".join(part for part in (where, self.path) if part)
        lines = [f"{head}: {self.message}" if head else self.message]
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.suggestion:
            lines.append(f"  {self.suggestion}")
        return "\n".join(lines)


class UserError(Exception):
    """A mistake in the user's input, reported as one readable message."""

    def __init__(self, problems: Sequence[Problem] | str, file: str | None = None) -> None:
        self.problems = [Problem(problems)] if isinstance(problems, str) else list(problems)
        self.file = file
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        body = "\n".join(problem.render(self.file) for problem in self.problems)
        if count > 1:
            return f"{count} problems in {self.file or 'the input'}:\n{body}"
        return body


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` for the closest of ``choices``, or ``None``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def format_path(location: Sequence[str | int]) -> str:
    """``('raids', 0, 'type')`` -> ``'raids[0].type'``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_path(path: str) -> tuple[str | int, ...]:
    """``'raids[0].type'`` -> ``('raids', 0, 'type')``; the inverse of :func:`format_path`."""
    parts: list[str | int] = []
    for piece in path.replace("]", "").split("."):
        name, *indexes = piece.split("[")
        if name:
            parts.append(name)
        parts.extend(int(index) for index in indexes)
    return tuple(parts)
