"""The pipeline's stages: small objects over :class:`~sensors.pose.PoseFrame` s.

Each stage is called with a frame and returns a frame (``stage(frame)``) and
can be ``reset()`` (a new session, a cut in a file). Order, as in DESIGN.md:
player lock -> left/right swap fix -> depth fusion -> gravity -> tracker.
"""

from __future__ import annotations

import numpy as np

from sensors.pipeline.gravity import IMAGE_DOWN, gravity_from_accel, gravity_from_floor
from sensors.player_lock import LockConfig, PlayerLock
from sensors.pose import JointSource, PoseFrame
from sensors.realsense.fusion import TYPICAL_SURFACE_OFFSET_M, BoneLengthEstimate, FusionParams, fuse_depth
from sensors.tracking import PoseTracker


class LockStage:
    """The player lock (keeps the player, reports someone else as PLAYER_LOST)."""

    name = "lock"

    def __init__(self, config: LockConfig | None = None) -> None:
        self.lock = PlayerLock(config or LockConfig())

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        return self.lock.update(frame)

    def reset(self) -> None:
        self.lock.reset()


class SwapFixStage:
    """Undo left/right swaps against the tracker's prediction for the frame's time."""

    name = "swap_fix"

    def __init__(self, tracker: PoseTracker) -> None:
        self.tracker = tracker
        self.undone = 0  #: frames relabelled so far

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        out = self.tracker.fix_swap(frame)
        self.undone += out is not frame
        return out

    def reset(self) -> None:
        self.undone = 0


class DepthFusionStage:
    """Lift landmarks to 3D with the aligned depth map (frames with ``depth_m`` and ``intrinsics``
    whose joints are not yet DEPTH; a RealSense source fuses on its own and passes through)."""

    name = "depth_fusion"

    def __init__(self, params: FusionParams | None = None) -> None:
        self.params = params or FusionParams(surface_offset_m=TYPICAL_SURFACE_OFFSET_M)
        self.bones = BoneLengthEstimate()  #: the player's bone lengths, learnt on the way

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        if frame.depth_m is None or frame.intrinsics is None or not frame.has_player:
            return frame
        if (frame.source == JointSource.DEPTH).any():
            return frame
        fused = fuse_depth(
            frame.image_xy_px, frame.world_xyz_m, frame.confidence, frame.visible, frame.depth_m,
            frame.intrinsics, self.params, self.bones.lengths_m,
        )  # fmt: skip
        self.bones.update(fused.camera_xyz_m, fused.source == JointSource.DEPTH, frame.world_xyz_m, frame.confidence)
        return frame.with_changes(camera_xyz_m=fused.camera_xyz_m, source=fused.source)

    def reset(self) -> None:
        self.bones.reset()


class GravityStage:
    """Fill ``gravity_camera``: the source's own (an IMU) first, then the floor plane in the
    depth map (re-fitted every ``refit_every`` frames, smoothed), else the image vertical.
    ``meta['gravity_from']`` says which: ``imu``, ``floor`` or ``image``."""

    name = "gravity"

    def __init__(self, refit_every: int = 15, smoothing: float = 0.3) -> None:
        self.refit_every = refit_every
        self.smoothing = smoothing
        self._floor: np.ndarray | None = None
        self._since_fit = 0
        self._rng = np.random.default_rng(0)

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        if frame.gravity_camera is not None:
            return _with_gravity(frame, frame.gravity_camera, "imu")
        accel = frame.meta.get("accel_xyz")
        g = gravity_from_accel(np.asarray(accel)) if accel is not None else None
        if g is not None:
            return _with_gravity(frame, g, "imu")
        up = frame.meta.get("up_camera")  # a source that knows its pose (the synthetic camera)
        if up is not None:
            return _with_gravity(frame, -np.asarray(up, dtype=np.float64), "imu")
        if frame.depth_m is not None and frame.intrinsics is not None:
            if self._floor is None or self._since_fit >= self.refit_every:
                self._since_fit = 0
                fit = gravity_from_floor(frame.depth_m, frame.intrinsics, self._rng)
                if fit is not None:
                    g = fit if self._floor is None else self._floor + self.smoothing * (fit - self._floor)
                    self._floor = g / np.linalg.norm(g)
            self._since_fit += 1
            if self._floor is not None:
                return _with_gravity(frame, self._floor, "floor")
        return _with_gravity(frame, IMAGE_DOWN, "image")

    def reset(self) -> None:
        self._floor = None
        self._since_fit = 0


def _with_gravity(frame: PoseFrame, g: np.ndarray, origin: str) -> PoseFrame:
    meta = dict(frame.meta)
    meta["gravity_from"] = origin
    return frame.with_changes(gravity_camera=np.array(g, dtype=np.float64), meta=meta)


class TrackStage:
    """The Kalman tracker; the pipeline's ``predict(t)`` asks it for the pose at any time."""

    name = "tracker"

    def __init__(self, tracker: PoseTracker) -> None:
        self.tracker = tracker

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        return self.tracker.update(frame)

    def reset(self) -> None:
        self.tracker.reset()


__all__ = [
    "DepthFusionStage",
    "GravityStage",
    "LockStage",
    "SwapFixStage",
    "TrackStage",
]
