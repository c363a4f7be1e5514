"""Pose tracking: a vectorised two-model (still / moving) IMM Kalman bank with speed-adaptive noise,
left/right swap repair, limb-length checks on depth and rigid body parts (``rigid.py``). See ``tracker.py``."""

from sensors.tracking.bank import KalmanBank, MotionNoise
from sensors.tracking.limbs import SEGMENTS, calibrate_segments, segment_lengths_m
from sensors.tracking.tracker import PoseTracker, StepReport, TrackerConfig

__all__ = [
    "SEGMENTS",
    "KalmanBank",
    "MotionNoise",
    "PoseTracker",
    "StepReport",
    "TrackerConfig",
    "calibrate_segments",
    "segment_lengths_m",
]
