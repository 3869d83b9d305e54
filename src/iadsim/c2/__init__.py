"""Command and control: engagement envelopes, weapon assignment, launchers and magazines."""

from iadsim.c2 import greedy, launch

__all__ = ["greedy", "launch"]
