"""``video:PATH``: MediaPipe pose on any video file OpenCV reads.

Frame times come from the file (``CAP_PROP_POS_MSEC``, else index / fps).
By default the file is read as fast as possible and every frame is
processed in order (``t_s`` is the file time). With
``SourceOptions(realtime=True)`` it plays at its own rate like a camera:
frames are captured on schedule, only the newest is processed, ``t_s`` is
the monotonic capture time and ``meta['file_t_s']`` the file time.

``video:clip.mp4,orientation=off`` turns upright inference off
(``auto`` | ``upright`` | ``off``).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import cv2
import numpy as np

from sensors.camera.capture import VideoInfo, open_video_file
from sensors.camera.sensor import CameraPoseSensor, FrameSource, RawFrame, estimator_settings, split_target
from sensors.errors import SourceSpecError
from sensors.registry import SourceOptions

DEFAULT_FPS = 30.0


class VideoFileFrames(FrameSource):
    """Decoded frames of a video file with their file times; paced when ``realtime``."""

    def __init__(self, path: Path, realtime: bool = False) -> None:
        self.path = path
        self.realtime = realtime
        self._cap: cv2.VideoCapture | None = None
        self._first: np.ndarray | None = None
        self.info: VideoInfo | None = None
        self._index = -1
        self._last_file_t_s = -math.inf
        self._t0_s: float | None = None  # monotonic time of file time 0 (real-time mode)
        self.skipped = 0  #: frames skipped because decoding fell behind real time

    @property
    def nominal_fps(self) -> float:
        return self.info.fps if self.info is not None and self.info.fps > 0 else DEFAULT_FPS

    def open(self) -> None:
        self._cap, self.info, self._first = open_video_file(self.path)
        self._index = -1

    def _file_time_s(self, index: int) -> float:
        assert self._cap is not None
        pos_ms = float(self._cap.get(cv2.CAP_PROP_POS_MSEC))
        t_s = pos_ms / 1000.0 if math.isfinite(pos_ms) and pos_ms >= 0 else index / self.nominal_fps
        if t_s <= self._last_file_t_s and index > 0:  # a backend without timestamps, or a glitch
            t_s = max(index / self.nominal_fps, self._last_file_t_s + 1e-6)
        self._last_file_t_s = t_s
        return t_s

    def _decode(self) -> tuple[np.ndarray, float] | None:
        assert self._cap is not None
        if self._first is not None:
            bgr, self._first = self._first, None
        else:
            ok, bgr = self._cap.read()
            if not ok or bgr is None:
                return None
        self._index += 1
        return bgr, self._file_time_s(self._index)

    def _skip_to(self, file_t_s: float) -> float | None:
        """Grab (without converting) until the file time reaches ``file_t_s``; the last time, None at the end."""
        assert self._cap is not None
        t_s = self._last_file_t_s
        while t_s < file_t_s:
            if not self._cap.grab():
                return None
            self._index += 1
            self.skipped += 1
            t_s = self._file_time_s(self._index)
        return t_s

    def next(self) -> RawFrame | None:
        decoded = self._decode()
        if decoded is None:
            return None
        bgr, file_t_s = decoded
        if not self.realtime:
            return RawFrame(bgr=bgr, t_s=file_t_s, index=self._index, meta={"file_t_s": file_t_s})
        if self._t0_s is None:
            self._t0_s = time.monotonic() - file_t_s
        period_s = 1.0 / self.nominal_fps
        behind_s = time.monotonic() - (self._t0_s + file_t_s)
        if behind_s > period_s:  # decoding fell behind the clock: drop frames like a camera would
            reached = self._skip_to(file_t_s + behind_s - period_s / 2)
            if reached is None:
                return None
            assert self._cap is not None
            ok, skipped_to = self._cap.retrieve()
            if not ok or skipped_to is None:
                return None
            bgr, file_t_s = skipped_to, reached
        wait_s = self._t0_s + file_t_s - time.monotonic()
        if wait_s > 0:
            time.sleep(wait_s)
        return RawFrame(bgr=bgr, t_s=time.monotonic(), index=self._index, meta={"file_t_s": file_t_s})

    def close(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()
        self._first = None


def open_source(target: str, options: SourceOptions) -> CameraPoseSensor:
    """``video:PATH[,orientation=auto|upright|off][,smoothing=on|off]``."""
    path_text, params = split_target(target, "video")
    if not path_text:
        raise SourceSpecError("source 'video': expected a file, e.g. video:clips/squat.mp4")
    realtime = bool(options.realtime)
    return CameraPoseSensor(
        name=f"video:{path_text}",
        frames=VideoFileFrames(Path(path_text).expanduser(), realtime=realtime),
        options=options,
        settings=estimator_settings(params, options, "video"),
        lossless=not realtime,
        is_live=False,
        is_finite=True,
    )
