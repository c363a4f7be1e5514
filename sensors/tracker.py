"""The pose tracker (kept at this path for callers); the code lives in :mod:`sensors.tracking`."""

from sensors.tracking import KalmanBank, MotionNoise, PoseTracker, StepReport, TrackerConfig

__all__ = ["KalmanBank", "MotionNoise", "PoseTracker", "StepReport", "TrackerConfig"]
