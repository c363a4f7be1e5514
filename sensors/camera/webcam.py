"""``webcam[:index]``: MediaPipe pose on a live OpenCV camera.

A grab thread reads the camera at its own rate and stamps each frame with
``time.monotonic()`` right after the grab; an inference thread takes only the
newest frame. Nothing queues: ``read()`` returns the newest pose not yet
returned, and frames the model had no time for are dropped (``dropped``).

The capture device is injectable (``open_capture``): tests drive this exact
code through ``cv2.VideoCapture`` opened on a video file, since CI has no camera.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from sensors.camera.capture import configure_capture, open_camera, quiet_opencv
from sensors.camera.sensor import CameraPoseSensor, FrameSource, RawFrame, estimator_settings, split_target
from sensors.errors import SourceSpecError, SourceUnavailable
from sensors.registry import SourceOptions


class CaptureDevice(Protocol):
    """What the webcam source uses of ``cv2.VideoCapture`` (a real one, or a wrapper around one)."""

    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's names
    def grab(self) -> bool: ...
    def retrieve(self) -> tuple[bool, np.ndarray | None]: ...
    def get(self, prop: int) -> float: ...
    def set(self, prop: int, value: float) -> Any: ...
    def release(self) -> None: ...


CaptureFactory = Callable[[], CaptureDevice]


class CameraFrames(FrameSource):
    """Frames of an OpenCV capture, each stamped with its grab time."""

    def __init__(self, name: str, open_capture: CaptureFactory) -> None:
        self.name = name
        self._open_capture = open_capture
        self._cap: CaptureDevice | None = None
        self._index = -1
        self._fps = 30.0

    @property
    def nominal_fps(self) -> float:
        return self._fps

    def open(self) -> None:
        cap = self._open_capture()
        if cap is None or not cap.isOpened():
            if cap is not None:
                cap.release()
            raise SourceUnavailable(
                f"{self.name}: the camera could not be opened; run 'repquest devices' to list cameras"
            )
        fps = float(cap.get(cv2.CAP_PROP_FPS))
        self._fps = fps if 0 < fps < 1000 else 30.0
        self._cap = cap
        self._index = -1

    def next(self) -> RawFrame | None:
        cap = self._cap
        if cap is None:
            return None
        with quiet_opencv():
            grabbed = cap.grab()
            t_s = time.monotonic()  # capture time: right after the grab returns
            ok, bgr = cap.retrieve() if grabbed else (False, None)
        if not ok or bgr is None:
            raise SourceUnavailable(f"{self.name}: the camera stopped delivering frames (unplugged or in use?)")
        self._index += 1
        return RawFrame(bgr=bgr, t_s=t_s, index=self._index)

    def close(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()


def parse_index(text: str) -> int:
    """``""`` -> 0, ``"2"`` -> 2; SourceSpecError otherwise."""
    if not text.strip():
        return 0
    try:
        index = int(text)
    except ValueError:
        raise SourceSpecError(f"source 'webcam:{text}': expected a camera index such as webcam:0") from None
    if index < 0:
        raise SourceSpecError(f"source 'webcam:{text}': the camera index must be 0 or more")
    return index


def _check_device(index: int) -> None:
    """Fail at once (before a game announces anything) when Linux has no such video device."""
    if not sys.platform.startswith("linux"):
        return
    if not Path(f"/dev/video{index}").exists():
        found = sorted(p.name for p in Path("/dev").glob("video*"))
        have = f"devices: {', '.join(found)}" if found else "no /dev/video* device at all"
        raise SourceUnavailable(
            f"webcam:{index}: no camera at index {index} ({have}); plug one in, pick another index "
            "(repquest devices lists them), or play the synthetic demo with --source synthetic"
        )


def open_source(target: str, options: SourceOptions, open_capture: CaptureFactory | None = None) -> CameraPoseSensor:
    """``webcam[:index][,orientation=auto|upright|off][,smoothing=on|off]``; ``open_capture``: the device (tests)."""
    index_text, params = split_target(target, "webcam")
    index = parse_index(index_text)
    name = f"webcam:{index}"
    if open_capture is None:
        _check_device(index)

        def open_capture() -> CaptureDevice:
            return open_camera(index, options.width_px, options.height_px, options.fps)

    else:
        injected = open_capture

        def open_capture() -> CaptureDevice:
            cap = injected()
            configure_capture(cap, options.width_px, options.height_px, options.fps)
            return cap

    return CameraPoseSensor(
        name=name,
        frames=CameraFrames(name, open_capture),
        options=options,
        settings=estimator_settings(params, options, "webcam"),
        lossless=False,
        is_live=True,
        is_finite=False,
    )
