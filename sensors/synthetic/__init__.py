"""The synthetic avatar sensor: ground truth for tests and the no-camera demo.

>>> from sensors import open_source
>>> with open_source("synthetic:squat,view=side,fault=knee_valgus,reps=3") as cam:
...     for frame in cam: ...

or in Python: ``SyntheticSensor(SyntheticConfig(exercise="pushup", fault=("hip_sag",)))``.
See ``docs/synthetic.md`` for every parameter.
"""

from __future__ import annotations

from sensors.registry import SourceOptions
from sensors.synthetic.body import BODIES, Body, make_body
from sensors.synthetic.config import SyntheticConfig, config_from_target
from sensors.synthetic.motions import BASE_EXERCISE, EXERCISES, FAULTS
from sensors.synthetic.sensor import SyntheticSensor
from sensors.synthetic.truth import RepTruth


def open_source(target: str, options: SourceOptions) -> SyntheticSensor:
    """Registry factory for ``synthetic:exercise[,key=value...]`` (not opened)."""
    return SyntheticSensor(config_from_target(target, options))


__all__ = [
    "BASE_EXERCISE",
    "BODIES",
    "EXERCISES",
    "FAULTS",
    "Body",
    "RepTruth",
    "SyntheticConfig",
    "SyntheticSensor",
    "config_from_target",
    "make_body",
    "open_source",
]
