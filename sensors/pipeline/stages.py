"""The pipeline's stages: small objects over :class:`~sensors.pose.PoseFrame` s.

Each stage is called with a frame and returns a frame (``stage(frame)``) and
can be ``reset()`` (a new session, a cut in a file). Order, as in DESIGN.md:
player lock -> left/right swap fix -> depth fusion -> gravity -> tracker.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from sensors.pipeline.gravity import IMAGE_DOWN, gravity_from_accel, gravity_from_floor
from sensors.player_lock import LockConfig, PlayerLock
from sensors.pose import JointSource, PoseFrame
from sensors.realsense.fusion import TYPICAL_SURFACE_OFFSET_M, BoneLengthEstimate, FusionParams, fuse_depth
from sensors.tracking import PoseTracker

_DEPTH = int(JointSource.DEPTH)  #: an int: numpy probes an enum operand for array attributes (slow)


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

    def __init__(self, params: FusionParams | None = None, learn_every: int = 3) -> None:
        self.params = params or FusionParams(surface_offset_m=TYPICAL_SURFACE_OFFSET_M)
        self.bones = BoneLengthEstimate()  #: the player's bone lengths, learnt on every ``learn_every``-th frame
        self.learn_every = learn_every
        self._frames = 0

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        if frame.depth_m is None or frame.intrinsics is None or not frame.has_player:
            return frame
        if (frame.source == _DEPTH).any():
            return frame
        fused = fuse_depth(
            frame.image_xy_px, frame.world_xyz_m, frame.confidence, frame.visible, frame.depth_m,
            frame.intrinsics, self.params, self.bones.lengths_m,
        )  # fmt: skip
        self._frames += 1
        if self._frames % self.learn_every == 1 or self.learn_every == 1:  # lengths change slowly
            depth = fused.source == _DEPTH
            self.bones.update(fused.camera_xyz_m, depth, frame.confidence)
        return frame.with_changes(camera_xyz_m=fused.camera_xyz_m, source=fused.source)

    def reset(self) -> None:
        self.bones.reset()
        self._frames = 0


class GravityStage:
    """Fill ``gravity_camera``: the source's own (an IMU) first, then the floor plane in the
    depth map, else the image vertical. ``meta['gravity_from']`` says which: ``imu``,
    ``floor`` or ``image``.

    The floor is fitted (RANSAC, the costly part) until one is found, then again only
    when the camera moved -- most of ``probe`` fixed pixels of the depth map's lower half
    changed by more than ``moved_m`` since the last fit (a player moving over the floor
    changes a few; that fit replaces the old one) -- or every ``refit_every`` frames
    (smoothed with the old one)."""

    name = "gravity"

    def __init__(self, refit_every: int = 300, smoothing: float = 0.3, probe: int = 64, moved_m: float = 0.05) -> None:
        self.refit_every = refit_every
        self.smoothing = smoothing
        self.probe, self.moved_m = probe, moved_m
        self._rng = np.random.default_rng(0)
        self.fits = 0  #: floor fits run so far
        self.reset()

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
            moved = self._camera_moved(frame.depth_m)
            if moved or self._needs_fit():
                self._fit(frame.depth_m, frame, smooth=not moved)
            else:
                self._since_fit += 1
            if self._floor is not None:
                return _with_gravity(frame, self._floor, "floor")
        return _with_gravity(frame, IMAGE_DOWN, "image")

    def _probe(self, depth_m: np.ndarray) -> np.ndarray:
        """The depth at ``probe`` fixed pixels of the map's lower half (drawn once per map size)."""
        if self._probe_px is None or self._probe_px[0] != depth_m.shape:
            h, w = depth_m.shape
            rng = np.random.default_rng(1)
            rows, cols = rng.integers(h // 2, h, self.probe), rng.integers(0, w, self.probe)
            self._probe_px = (depth_m.shape, rows * w + cols)
        return np.take(depth_m, self._probe_px[1])  # flat indices: a map is C-ordered (PoseFrame's are)

    def _needs_fit(self) -> bool:
        if self._floor is None:  # none found yet: try every half second
            return self._since_fit % 15 == 0
        return self._since_fit >= self.refit_every

    def _camera_moved(self, depth_m: np.ndarray) -> bool:
        """Most probe pixels seen now and at the last fit changed depth: the camera moved."""
        if self._reference is None:
            return False
        now = self._probe(depth_m)
        both = (now > 0) & self._reference_seen
        n_both = int(np.count_nonzero(both))
        if n_both < self.probe // 4:
            return False
        return int(np.count_nonzero(both & (np.abs(now - self._reference) > self.moved_m))) > n_both // 2

    def _fit(self, depth_m: np.ndarray, frame: PoseFrame, smooth: bool) -> None:
        assert frame.intrinsics is not None
        self._since_fit = 1
        self.fits += 1
        fit = gravity_from_floor(depth_m, frame.intrinsics, self._rng)
        if fit is not None:
            old = self._floor if smooth else None
            g = fit if old is None else old + self.smoothing * (fit - old)
            self._floor = _frozen_vector(g / np.linalg.norm(g))
            self._reference = self._probe(depth_m)
            self._reference_seen = self._reference > 0

    def reset(self) -> None:
        self._floor: np.ndarray | None = None
        self._reference: np.ndarray | None = None
        self._probe_px: tuple[tuple[int, ...], np.ndarray] | None = None  #: (map shape, flat pixel indices)
        self._since_fit = 0


def _with_gravity(frame: PoseFrame, g: np.ndarray, origin: str) -> PoseFrame:
    meta = MappingProxyType({**frame.meta, "gravity_from": origin})  # read-only already: not copied again
    return frame.with_changes(gravity_camera=_frozen_vector(g), meta=meta)


def _frozen_vector(g: np.ndarray) -> np.ndarray:
    """``g`` as a read-only float64 (3,) array: the same object when it already is one (the floor's
    or the image's vector, handed to every frame until the next fit)."""
    if isinstance(g, np.ndarray) and g.dtype == np.float64 and not g.flags.writeable:
        return g
    out = np.array(g, dtype=np.float64)
    out.flags.writeable = False
    return out


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
