"""The pose pipeline: lock, swap fix, depth fusion, gravity, tracker; see ``pipeline.py``."""

from sensors.pipeline.gravity import gravity_from_accel, gravity_from_floor
from sensors.pipeline.pipeline import PipelineConfig, PipelineSensor, PosePipeline, holds_config, open_pipeline

__all__ = [
    "PipelineConfig",
    "PipelineSensor",
    "PosePipeline",
    "gravity_from_accel",
    "gravity_from_floor",
    "holds_config",
    "open_pipeline",
]
