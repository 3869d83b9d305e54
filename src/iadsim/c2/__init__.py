"""Command and control: threat evaluation, weapon assignment, doctrine, launchers and magazines."""

from iadsim.c2 import greedy, launch, tewa

__all__ = ["greedy", "launch", "tewa"]
