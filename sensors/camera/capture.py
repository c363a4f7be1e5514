"""OpenCV capture helpers shared by the camera sources.

Every failure to open a file or a camera becomes one :class:`SourceUnavailable`
that names the file (or camera) and the problem: missing, empty, not a video,
undecodable codec, no device.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from sensors.errors import SourceUnavailable

# FFmpeg inside OpenCV prints decoder complaints ("[av1 @ 0x...] ...") straight to stderr; our
# errors already say what failed in one line. Read once, when OpenCV first uses FFmpeg.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET


@contextlib.contextmanager
def quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's own warnings (e.g. "can't open camera by index") for the block."""
    previous = cv2.getLogLevel()
    cv2.setLogLevel(0)  # LOG_LEVEL_SILENT
    try:
        yield
    finally:
        cv2.setLogLevel(previous)


def fourcc_name(code: float) -> str:
    """OpenCV's CAP_PROP_FOURCC number -> its four letters (``"avc1"``), or ``"?"``."""
    value = int(code)
    if value <= 0:
        return "?"
    text = "".join(chr((value >> (8 * i)) & 0xFF) for i in range(4))
    return text if text.isprintable() and text.strip() else "?"


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What OpenCV reports about an opened video."""

    width_px: int
    height_px: int
    fps: float  #: 0 when unknown
    frame_count: int  #: 0 or less when unknown
    codec: str


def video_info(cap: cv2.VideoCapture) -> VideoInfo:
    fps = float(cap.get(cv2.CAP_PROP_FPS))
    return VideoInfo(
        width_px=int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
        height_px=int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        fps=fps if np.isfinite(fps) and 0 < fps < 1000 else 0.0,
        frame_count=int(cap.get(cv2.CAP_PROP_FRAME_COUNT)),
        codec=fourcc_name(cap.get(cv2.CAP_PROP_FOURCC)),
    )


def check_video_path(path: Path) -> None:
    """SourceUnavailable unless ``path`` is an existing, non-empty file."""
    if not path.exists():
        raise SourceUnavailable(f"video file {path}: not found; check the path")
    if path.is_dir():
        raise SourceUnavailable(f"video file {path}: is a folder, expected a video file such as clip.mp4")
    if path.stat().st_size == 0:
        raise SourceUnavailable(f"video file {path}: the file is empty (0 bytes)")


def open_video_file(path: Path) -> tuple[cv2.VideoCapture, VideoInfo, np.ndarray]:
    """Open ``path`` with OpenCV and decode its first frame.

    Returns the capture positioned after the first frame, its info and that
    first frame (BGR). A file OpenCV cannot open, or one whose first frame
    cannot be decoded (e.g. AV1 without a decoder), raises SourceUnavailable
    instead of yielding a silent zero-frame stream.
    """
    check_video_path(path)
    with quiet_opencv():
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            cap.release()
            raise SourceUnavailable(
                f"video file {path}: OpenCV cannot open it as a video (not a video file, or a codec such as AV1 "
                "or a container this OpenCV build cannot decode); convert it to H.264 MP4, "
                "e.g. ffmpeg -i IN -c:v libx264 OUT.mp4"
            )
        info = video_info(cap)
        ok, bgr = cap.read()
    if not ok or bgr is None or bgr.size == 0:
        cap.release()
        raise SourceUnavailable(
            f"video file {path}: OpenCV opened it but cannot decode a single frame (codec '{info.codec}'; "
            "e.g. AV1 without a decoder); re-encode it to H.264, e.g. ffmpeg -i IN -c:v libx264 OUT.mp4"
        )
    return cap, info, bgr


def open_camera(
    index: int, width_px: int | None = None, height_px: int | None = None, fps: float | None = None
) -> cv2.VideoCapture:
    """Open webcam ``index`` with the requested mode; SourceUnavailable if there is none."""
    with quiet_opencv():
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            cap.release()
            raise SourceUnavailable(
                f"webcam:{index}: no camera at index {index} (OpenCV could not open it); "
                "run 'repquest devices' to list cameras, or use a video:PATH or synthetic source"
            )
        configure_capture(cap, width_px, height_px, fps)
    return cap


def configure_capture(
    cap: Any, width_px: int | None = None, height_px: int | None = None, fps: float | None = None
) -> None:
    """Ask the device for a resolution and rate (cameras may pick the nearest they support)."""
    if width_px:
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, float(width_px))
    if height_px:
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, float(height_px))
    if fps:
        cap.set(cv2.CAP_PROP_FPS, float(fps))
    cap.set(cv2.CAP_PROP_BUFFERSIZE, 1.0)  # the newest frame, not a queue (ignored by backends without it)


def list_cameras(max_index: int = 8) -> list[tuple[int, VideoInfo]]:
    """Webcams OpenCV can open among indices ``0..max_index-1`` (probed quietly)."""
    found: list[tuple[int, VideoInfo]] = []
    with quiet_opencv():
        for index in range(max_index):
            cap = cv2.VideoCapture(index)
            try:
                if cap.isOpened():
                    found.append((index, video_info(cap)))
            finally:
                cap.release()
    return found


def bgr_to_rgb(bgr: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 BGR -> a new RGB array; grey (H, W) or BGRA inputs are converted too."""
    if bgr.ndim == 2:
        return cv2.cvtColor(bgr, cv2.COLOR_GRAY2RGB)
    if bgr.shape[2] == 4:
        return cv2.cvtColor(bgr, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def read_image_bgr(path: Path) -> np.ndarray:
    """An image file as (H, W, 3) uint8 BGR; SourceUnavailable if missing or unreadable."""
    if not path.exists():
        raise SourceUnavailable(f"image file {path}: not found; check the path")
    if not path.is_file() or path.stat().st_size == 0:
        raise SourceUnavailable(f"image file {path}: expected a non-empty image file (JPEG, PNG, ...)")
    with quiet_opencv():
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise SourceUnavailable(f"image file {path}: OpenCV cannot decode it as an image (JPEG, PNG, BMP, ...)")
    return bgr
