"""Example RepQuest sensor plugin: ``landmarks-csv:PATH`` replays a CSV of MediaPipe landmarks.

The CSV has a header row ``frame, x_0, y_0, z_0, visibility_0, ..., visibility_32``;
x and y are normalised to the image (0..1), as MediaPipe returns them. A joint
with an empty or NaN x is missing in that frame.

Registered in ``pyproject.toml``::

    [project.entry-points."repquest.sensors"]
    landmarks-csv = "repquest_sensor_example:open_source"
"""

from __future__ import annotations

import csv
import math
import time
from pathlib import Path

import numpy as np

from sensors import (
    NUM_JOINTS,
    Capabilities,
    JointSource,
    PoseFrame,
    Sensor,
    SourceOptions,
    SourceSpecError,
    SourceUnavailable,
)

__all__ = ["LandmarksCsvSensor", "load_landmarks_csv", "open_source"]


def _number(text: str) -> float:
    return float(text) if text.strip() else math.nan


def load_landmarks_csv(path: Path) -> np.ndarray:
    """Rows of the CSV as an array of shape (frames, 33, 4): x, y (normalised), z, visibility."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except FileNotFoundError:
        raise SourceUnavailable(f"landmarks-csv {path}: no such file") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise SourceUnavailable(f"landmarks-csv {path}: not a CSV file ({e})") from None
    if not rows:
        raise SourceUnavailable(f"landmarks-csv {path}: empty file, expected a header row and one row per frame")
    header = [h.strip() for h in rows[0]]
    wanted = [f"{axis}_{j}" for j in range(NUM_JOINTS) for axis in ("x", "y", "z", "visibility")]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise SourceUnavailable(
            f"landmarks-csv {path}: missing column {missing[0]!r} (expected x_J, y_J, z_J, visibility_J for J=0..32)"
        )
    columns = [header.index(c) for c in wanted]
    try:
        values = [[_number(row[c]) for c in columns] for row in rows[1:]]
    except (ValueError, IndexError) as e:
        raise SourceUnavailable(f"landmarks-csv {path}: a row does not parse ({e})") from None
    return np.asarray(values, dtype=np.float64).reshape(-1, NUM_JOINTS, 4)


class LandmarksCsvSensor(Sensor):
    """Replays ``landmarks`` (frames, 33, 4) as PoseFrames of ``size_px`` at ``fps``."""

    scheme = "landmarks-csv"

    def __init__(
        self, path: Path, size_px: tuple[int, int] = (640, 480), fps: float = 30.0, realtime: bool = False
    ) -> None:
        super().__init__()
        self.path = path
        self.size_px = size_px
        self.fps = fps
        self.realtime = realtime
        self._landmarks = np.empty((0, NUM_JOINTS, 4))
        self._next = 0
        self._start_s = 0.0

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(nominal_fps=self.fps, is_finite=True)

    def describe(self) -> str:
        return f"landmarks-csv:{self.path}"

    def _open(self) -> None:
        self._landmarks = load_landmarks_csv(self.path)  # errors here are one-line SourceUnavailable
        self._next = 0
        self._start_s = time.monotonic()

    def _frame(self, i: int) -> PoseFrame:
        lm = self._landmarks[i]
        seen = np.isfinite(lm[:, 0]) & np.isfinite(lm[:, 1])
        xy_px = lm[:, :2] * self.size_px
        xy_px[~seen] = np.nan
        confidence = np.where(seen, np.clip(np.nan_to_num(lm[:, 3]), 0.0, 1.0), 0.0).astype(np.float32)
        return PoseFrame(
            t_s=i / self.fps,
            index=i,
            image_size_px=self.size_px,
            image_xy_px=xy_px,
            camera_xyz_m=np.full((NUM_JOINTS, 3), np.nan),  # a 2D source has no metric 3D
            world_xyz_m=np.full((NUM_JOINTS, 3), np.nan),
            confidence=confidence,
            source=np.where(seen, JointSource.MONOCULAR, JointSource.MISSING).astype(np.uint8),
            meta={"landmark_z": lm[:, 2].copy()},
        )

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        if self._next >= len(self._landmarks):
            self._mark_ended()
            return None
        if self.realtime:
            wait_s = self._start_s + self._next / self.fps - time.monotonic()
            if timeout_s is not None and wait_s > timeout_s:
                time.sleep(timeout_s)
                return None
            time.sleep(max(0.0, wait_s))
        frame = self._frame(self._next)
        self._next += 1
        if self._next >= len(self._landmarks):
            self._mark_ended()
        return frame

    def _close(self) -> None:
        self._landmarks = np.empty((0, NUM_JOINTS, 4))


def open_source(target: str, options: SourceOptions) -> Sensor:
    """The factory RepQuest calls for ``landmarks-csv:PATH`` (built, not opened)."""
    if not target:
        raise SourceSpecError("source 'landmarks-csv': expected landmarks-csv:PATH to a CSV of MediaPipe landmarks")
    size_px = (options.width_px or 640, options.height_px or 480)
    return LandmarksCsvSensor(Path(target).expanduser(), size_px, options.fps or 30.0, bool(options.realtime))
