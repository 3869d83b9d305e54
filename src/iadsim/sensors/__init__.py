"""Radar detection models."""

from iadsim.sensors import range_horizon

__all__ = ["range_horizon"]
