"""``image:PATH``: MediaPipe pose on one still image (one frame, then the stream ends)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sensors.camera.capture import read_image_bgr
from sensors.camera.sensor import CameraPoseSensor, EstimatorSettings, FrameSource, RawFrame, split_target
from sensors.errors import SourceSpecError
from sensors.registry import SourceOptions


class StillImageFrames(FrameSource):
    """One image file as a single frame at ``t_s = 0``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._bgr: np.ndarray | None = None

    @property
    def nominal_fps(self) -> float:
        return 1.0

    def open(self) -> None:
        self._bgr = read_image_bgr(self.path)

    def next(self) -> RawFrame | None:
        bgr, self._bgr = self._bgr, None
        return None if bgr is None else RawFrame(bgr=bgr, t_s=0.0, index=0)

    def close(self) -> None:
        self._bgr = None


def open_source(target: str, options: SourceOptions) -> CameraPoseSensor:
    """``image:PATH[,orientation=auto|upright|off]``."""
    path_text, params = split_target(target, "image")
    if not path_text:
        raise SourceSpecError("source 'image': expected an image file, e.g. image:pose.jpg")
    return CameraPoseSensor(
        name=f"image:{path_text}",
        frames=StillImageFrames(Path(path_text).expanduser()),
        options=options,
        settings=EstimatorSettings(
            pose_model=options.pose_model, orientation=params.get("orientation", "auto"), static_image_mode=True
        ),
        lossless=True,
        is_live=False,
        is_finite=True,
    )
