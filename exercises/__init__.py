"""The form engine: exercises as data, rep counting that does not flicker, form rules.

>>> from exercises import load_library, FormEngine
>>> engine = FormEngine(load_library()["squat"])
>>> for frame in source:
...     for event in engine.update(frame):
...         ...
"""

from exercises.calibration import Calibration
from exercises.catalog import ExerciseLibrary, UnknownExercise, load_exercise_file, load_library
from exercises.engine import FormEngine
from exercises.events import (
    Event,
    Fault,
    FormCue,
    HoldTick,
    PartialRep,
    Phase,
    PhaseChanged,
    Ready,
    RepCompleted,
    RepResult,
    SessionSummary,
    Severity,
    View,
    ViewChanged,
)
from exercises.reference import ReferenceComparison, compare_to_reference
from exercises.spec import ExerciseDefinition
from exercises.yaml_source import SpecError

__all__ = [
    "Calibration",
    "Event",
    "ExerciseDefinition",
    "ExerciseLibrary",
    "Fault",
    "FormCue",
    "FormEngine",
    "HoldTick",
    "PartialRep",
    "Phase",
    "PhaseChanged",
    "Ready",
    "ReferenceComparison",
    "RepCompleted",
    "RepResult",
    "SessionSummary",
    "Severity",
    "SpecError",
    "UnknownExercise",
    "View",
    "ViewChanged",
    "compare_to_reference",
    "load_exercise_file",
    "load_library",
]
