"""What the command line prints: consoles, user text made safe for them, and the progress bar of a run.

Every string that comes from a user (a scenario's or study's name, a path, a
cluster address) goes through :func:`safe` before rich prints it: rich reads
``[...]`` as markup (``"x [/y]"`` would crash it, ``[link=...]`` would print a
hyperlink), and a terminal obeys control characters (an ESC sequence in a name
could repaint the screen). :func:`safe` escapes the first and shows the second
as escapes (:func:`iadsim.errors.printable`).
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from iadsim.errors import printable

SHOW_PROGRESS_AFTER_S = 2.0
"""A run shows its progress bar once it has taken this long (short runs print only their table)."""


def console(stderr: bool = False) -> Console:
    """A console on standard output (or error); piped output gets wide tables instead of rich's 80 columns."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else 160)


def safe(text: object) -> str:
    """``text`` as rich prints it literally: markup escaped, control characters shown as escapes."""
    return escape(printable(str(text)))


class RunProgress:
    """The progress bar of ``iadsim run``: simulated time out of the duration, elapsed and remaining time.

    Call it with the simulated time (``simulate(..., progress=bar)``); it shows itself only after
    :data:`SHOW_PROGRESS_AFTER_S` and only on a terminal, and :meth:`close` removes it.
    """

    def __init__(self, duration_s: float, on: Console, enabled: bool = True) -> None:
        self.duration_s = duration_s
        self.console = on
        self.enabled = enabled and on.is_terminal
        self.started_s = time.monotonic()
        self.bar: Progress | None = None
        self.task = 0

    def __call__(self, t_s: float) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started_s < SHOW_PROGRESS_AFTER_S:
                return
            self.bar = Progress(TextColumn("simulated"), BarColumn(),
                                TextColumn("{task.completed:,.0f} of {task.total:,.0f} s"), TimeElapsedColumn(),
                                TextColumn("left"), TimeRemainingColumn(), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("run", total=self.duration_s)
        self.bar.update(self.task, completed=t_s)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
