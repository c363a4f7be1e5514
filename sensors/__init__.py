"""RepQuest's sensor layer: pose sources behind one contract, one pose type.

Stands on its own: any game loop can use it::

    from sensors import open_source
    with open_source("synthetic:squat") as cam:
        for frame in cam:
            ...
"""

from sensors.checker import ConformanceError, check_sensor
from sensors.contract import Capabilities, Sensor, SensorState
from sensors.errors import (
    MissingDependency,
    RecordingError,
    SensorError,
    SensorStateError,
    SourceSpecError,
    SourceUnavailable,
)
from sensors.joints import LEFT_RIGHT_PAIRS, NUM_JOINTS, SKELETON_EDGES, Joint
from sensors.pose import JointSource, PoseFrame, TrackingState
from sensors.registry import SourceOptions, known_schemes, open_source, register

__all__ = [
    "LEFT_RIGHT_PAIRS",
    "NUM_JOINTS",
    "SKELETON_EDGES",
    "Capabilities",
    "ConformanceError",
    "Joint",
    "JointSource",
    "MissingDependency",
    "PoseFrame",
    "RecordingError",
    "Sensor",
    "SensorError",
    "SensorState",
    "SensorStateError",
    "SourceOptions",
    "SourceSpecError",
    "SourceUnavailable",
    "TrackingState",
    "check_sensor",
    "known_schemes",
    "open_source",
    "register",
]
