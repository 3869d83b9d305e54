"""Trackers: from detections to the air picture of each command post."""

from iadsim.tracking import stage, truth_noise

__all__ = ["stage", "truth_noise"]
