"""Scripted sensors for tests: a real source wrapped to misbehave on cue."""

from __future__ import annotations

import os
import time
from pathlib import Path

import cv2
import numpy as np

from sensors.contract import Capabilities, Sensor
from sensors.joints import Joint
from sensors.pose import JointSource, PoseFrame


class Wrapped(Sensor):
    """Passes every call to ``inner`` (a real source); subclasses change :meth:`_read`."""

    def __init__(self, inner: Sensor) -> None:
        super().__init__()
        self.inner = inner

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def _open(self) -> None:
        self.inner.open()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        return self.inner.read(timeout_s)

    def _close(self) -> None:
        self.inner.close()


class FileAsCamera:
    """OpenCV's real VideoCapture on a video file, delivering frames at the file's rate like a
    camera does (a file alone decodes as fast as the CPU allows and then runs out).

    Wraps rather than subclasses cv2.VideoCapture: Python subclasses of OpenCV classes crash
    when they are garbage-collected in this OpenCV build.
    """

    def __init__(self, path: Path) -> None:
        self.cap = cv2.VideoCapture(str(path))
        self._period_s = 1.0 / (self.cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self._next_s = time.monotonic()

    def grab(self) -> bool:
        wait_s = self._next_s - time.monotonic()
        if wait_s > 0:
            time.sleep(wait_s)
        self._next_s = max(self._next_s + self._period_s, time.monotonic())
        return self.cap.grab()

    def __getattr__(self, name: str) -> object:  # isOpened, retrieve, get, set, release
        return getattr(self.cap, name)


def is_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, ended but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        return f.read().split()[2] != "Z"


def depth_frame(i: int, cam_m: np.ndarray, confidence: np.ndarray | float, fps: float = 30.0,
                fx_px: float = 500.0) -> PoseFrame:  # fmt: skip
    """Frame ``i`` of a depth camera's pose: the 33 points ``cam_m`` (camera metres) projected by a
    pinhole of focal length ``fx_px`` (640 x 480, centred), all DEPTH, hip-centred world points."""
    hip = (cam_m[Joint.LEFT_HIP] + cam_m[Joint.RIGHT_HIP]) / 2
    return PoseFrame(
        t_s=i / fps,
        index=i,
        image_size_px=(640, 480),
        image_xy_px=fx_px * cam_m[:, :2] / cam_m[:, 2:] + np.array([320.0, 240.0]),
        camera_xyz_m=cam_m.copy(),
        world_xyz_m=cam_m - hip,
        confidence=np.broadcast_to(np.asarray(confidence, np.float32), (len(Joint),)).copy(),
        source=np.full(len(Joint), JointSource.DEPTH, np.uint8),
    )
