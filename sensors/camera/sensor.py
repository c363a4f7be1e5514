"""The camera pose sensor shared by ``webcam``, ``video`` and ``image`` sources.

A :class:`FrameSource` delivers raw BGR frames with their capture times; the
:class:`CameraPoseSensor` runs them through MediaPipe (orientation-aware) and
a :class:`~sensors.camera.worker.PipelineWorker`, so ``read()`` returns the
newest pose without waiting on capture or inference. The player lock is not
here: it is the pose pipeline's lock stage (``sensors/pipeline``), the only one.

Frames carry ``meta``: ``rotation`` (what the model saw), ``inference_ms``
(the estimator's time on this frame) and, for files, ``file_t_s``.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sensors.camera.capture import bgr_to_rgb
from sensors.camera.estimator import PoseEstimator
from sensors.camera.worker import PipelineWorker
from sensors.contract import Capabilities, Sensor
from sensors.errors import SourceSpecError
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, parse_target


@dataclass(frozen=True, slots=True)
class RawFrame:
    """One captured image: ``bgr`` (H, W, 3) uint8, capture time ``t_s``, frame ``index``."""

    bgr: np.ndarray
    t_s: float
    index: int
    meta: Mapping[str, Any] = field(default_factory=dict)


class FrameSource(ABC):
    """Where raw frames come from (an OpenCV capture, an image file)."""

    @abstractmethod
    def open(self) -> None:
        """Acquire the device/file; SourceUnavailable with a clear message on failure."""

    @abstractmethod
    def next(self) -> RawFrame | None:
        """The next frame (blocking at the capture rate for live sources); None at the end."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def nominal_fps(self) -> float: ...


@dataclass(frozen=True, slots=True)
class EstimatorSettings:
    """How the sensor builds its :class:`PoseEstimator`."""

    pose_model: Path | None = None
    orientation: str = "auto"
    static_image_mode: bool = False
    smooth_landmarks: bool = True  #: MediaPipe's own landmark filter (see ``bench smoothing``)


ORIENTATION_PARAM = "orientation"
SMOOTHING_PARAM = "smoothing"
_ON_OFF = {"on": True, "off": False}


def split_target(target: str, scheme: str = "camera") -> tuple[str, dict[str, str]]:
    """``"clip.mp4,orientation=off"`` -> ``("clip.mp4", {"orientation": "off"})``
    (:func:`sensors.registry.parse_target`; camera sources accept ``orientation`` and ``smoothing``)."""
    return parse_target(
        target,
        scheme,
        {ORIENTATION_PARAM, SMOOTHING_PARAM},
        f"{ORIENTATION_PARAM}=auto|upright|off, {SMOOTHING_PARAM}=on|off",
    )


def estimator_settings(params: dict[str, str], options: SourceOptions, scheme: str) -> EstimatorSettings:
    """The estimator a camera source's parameters ask for (``orientation``, ``smoothing=on|off``)."""
    smoothing = params.get(SMOOTHING_PARAM, "on").lower()
    if smoothing not in _ON_OFF:
        raise SourceSpecError(f"source '{scheme}': {SMOOTHING_PARAM}={smoothing!r}: expected on or off")
    return EstimatorSettings(
        pose_model=options.pose_model,
        orientation=params.get(ORIENTATION_PARAM, "auto"),
        smooth_landmarks=_ON_OFF[smoothing],
    )


class CameraPoseSensor(Sensor):
    """MediaPipe pose over a :class:`FrameSource`, processed off the caller's thread.

    ``lossless=True`` (files read as fast as possible) processes every frame in
    order; otherwise only the newest frame is kept (live cameras, real-time
    playback) and ``dropped`` counts the frames skipped.
    """

    def __init__(
        self,
        name: str,
        frames: FrameSource,
        options: SourceOptions,
        settings: EstimatorSettings,
        lossless: bool,
        is_live: bool,
        is_finite: bool,
    ) -> None:
        super().__init__()
        self._name = name
        self._frames = frames
        self._options = options
        self._settings = settings
        self._lossless = lossless
        self._is_live = is_live
        self._is_finite = is_finite
        self._estimator: PoseEstimator | None = None
        self._worker: PipelineWorker[RawFrame, PoseFrame] | None = None
        self._dropped_at_close = 0

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            has_images=True,
            nominal_fps=self._frames.nominal_fps,
            is_live=self._is_live,
            is_finite=self._is_finite,
        )

    def describe(self) -> str:
        return self._name

    @property
    def dropped(self) -> int:
        """Frames captured or processed but never returned (newest-only mode)."""
        return self._worker.dropped if self._worker is not None else self._dropped_at_close

    def _open(self) -> None:
        self._frames.open()
        try:
            self._estimator = PoseEstimator(
                pose_model=self._settings.pose_model,
                orientation=self._settings.orientation,
                static_image_mode=self._settings.static_image_mode,
                smooth_landmarks=self._settings.smooth_landmarks,
            )
        except BaseException:
            self._frames.close()
            raise
        self._worker = PipelineWorker(self._frames.next, self._process, lossless=self._lossless, name=self._name)
        self._worker.start()

    def _process(self, raw: RawFrame) -> PoseFrame:
        assert self._estimator is not None
        rgb = bgr_to_rgb(raw.bgr)
        t0_s = time.perf_counter()
        frame = self._estimator.estimate(rgb, raw.t_s, raw.index)
        inference_ms = 1000.0 * (time.perf_counter() - t0_s)
        changes: dict[str, Any] = {
            "meta": {**frame.meta, **raw.meta, "inference_ms": inference_ms},
            "tracking": frame.tracking,
        }
        if self._options.images:
            changes["rgb"] = rgb
        return frame.with_changes(**changes)

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        assert self._worker is not None
        frame = self._worker.get(timeout_s)
        if frame is None:
            if self._worker.finished:
                self._mark_ended()
            return None
        return frame

    def _close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()
            self._dropped_at_close = worker.dropped
        try:
            if worker is None or not worker.alive:
                self._frames.close()  # else the grab thread is stuck in a device read: never release under it
        finally:
            if worker is None or not worker.inferring:
                estimator, self._estimator = self._estimator, None
                if estimator is not None:
                    estimator.close()
