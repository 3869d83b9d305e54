"""Errors meant for users: a message that names the place and the fix.

A user's mistake (a bad scenario, an unknown catalog type, a missing file)
raises :class:`UserError`; the command line prints its message and exits with
code 2, with no traceback. Programming errors stay ordinary exceptions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_SHOWN_CHARACTERS = 200
"""Longest piece of user text a message repeats (a 1 MB value is shown by its start and its length)."""
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` with control characters (ESC, NUL, carriage return, ...) and invisible direction marks
    written as escapes (``\\x1b``), so that user text printed to a terminal is seen and never obeyed."""
    return _UNPRINTABLE.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def shown(value: object) -> str:
    """``repr(value)`` shortened; an integer too long for Python to print is described by its size."""
    if isinstance(value, int) and value.bit_length() > 3 * MAX_SHOWN_CHARACTERS:
        return f"an integer of about {value.bit_length() * 0.30103:,.0f} digits"
    return shorten(repr(value))


def shorten(text: str, limit: int = MAX_SHOWN_CHARACTERS) -> str:
    """``text``, or its first ``limit`` characters and how long it was."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


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
        """The problem as printed: every part shortened and made printable (see :func:`printable`)."""
        where = ":".join(str(part) for part in (file, self.line) if part is not None)
        head = ": ".join(_shown(part) for part in (where, self.path) if part)
        message = _shown(self.message, 2 * MAX_SHOWN_CHARACTERS)
        lines = [f"{head}: {message}" if head else message]
        if self.expected:
            lines.append(f"  expected: {_shown(self.expected, 2 * MAX_SHOWN_CHARACTERS)}")
        if self.suggestion:
            lines.append(f"  {_shown(self.suggestion, 2 * MAX_SHOWN_CHARACTERS)}")
        return "\n".join(lines)


def _shown(text: str, limit: int = MAX_SHOWN_CHARACTERS) -> str:
    return "\n".join(printable(shorten(line, limit)) for line in text.split("\n"))


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
