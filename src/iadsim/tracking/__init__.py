"""Trackers: from detections to the air picture of each command post."""

from iadsim.tracking import truth_noise

__all__ = ["truth_noise"]
