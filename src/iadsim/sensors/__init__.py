"""Radar detection models."""

from iadsim.sensors import radar, range_horizon

__all__ = ["radar", "range_horizon"]
