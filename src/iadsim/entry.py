"""The ``iadsim`` console script: Ctrl-C is taken from the first moment, even during the imports.

Importing the command line takes about a second (numpy, numba, pyarrow, typer); a Ctrl-C then would
otherwise kill the process by the signal. Here it exits 130 like a Ctrl-C at any later moment
(:func:`iadsim.cli.main` takes over once imported). Once the command is done, Ctrl-C is ignored for
good: Python's finalization puts back the default action of a signal it handled, and a Ctrl-C while
modules are torn down would then kill the process by the signal after all.
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    """Import the command line with Ctrl-C giving exit 130, then run it."""
    try:
        from iadsim.cli import main as run
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    try:
        run()
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
