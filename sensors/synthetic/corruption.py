"""What a real pose model does to perfect joints: noise, visibility, dropouts, swaps.

:class:`Corruptor` turns ground-truth camera-frame joints into the fields of
a :class:`~sensors.pose.PoseFrame`, MediaPipe-like (monocular) or fused
RealSense-like (depth). It draws from one generator in a fixed order, so a
seed gives bit-identical streams.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sensors.joints import MIRROR_INDEX, NUM_JOINTS, Joint
from sensors.pose import JointSource
from sensors.synthetic.camera import Intrinsics

_MIRROR = np.array(MIRROR_INDEX)
_AR_RHO = 0.85  #: frame-to-frame correlation of the slow part of the jitter
_Z_NOISE_FACTOR = 3.0  #: MediaPipe's world z is ~3x noisier than x/y
SWAP_MEAN_FRAMES = 4


@dataclass(slots=True)
class Reported:
    """The pose fields of one frame."""

    image_xy_px: np.ndarray
    camera_xyz_m: np.ndarray
    world_xyz_m: np.ndarray
    confidence: np.ndarray
    source: np.ndarray
    swapped: bool


class Corruptor:
    """Stateful (jitter, swap episodes) landmark corruption for one stream."""

    def __init__(
        self, intr: Intrinsics, rng: np.random.Generator, noise_px: float, dropout: float, swap: float,
        depth_mode: bool, depth_noise_k: float, outliers: float = 0.0,
    ) -> None:  # fmt: skip
        self.intr = intr
        self.rng = rng
        self.noise_px = noise_px
        self.dropout = dropout
        self.swap = swap
        self.depth_mode = depth_mode
        self.depth_noise_k = depth_noise_k
        self.outliers = outliers
        self._slow = np.zeros((NUM_JOINTS, 2))
        self._swap_left = 0

    def frame_dropped(self) -> bool:
        """Whether the model misses the whole person this frame (probability dropout / 5)."""
        return bool(self.rng.random() < self.dropout / 5.0)

    def report(self, truth_cam: np.ndarray, occluded: np.ndarray, hidden: np.ndarray) -> Reported:
        """Corrupt ``truth_cam`` (33, 3). ``occluded`` (33,) bool: self-occluded
        (low visibility, larger noise); ``hidden`` (33,) bool: behind an object
        (visibility near 0, half go MISSING)."""
        rng, n = self.rng, NUM_JOINTS
        sigma = self.noise_px
        xy = self.intr.project(truth_cam)
        w, h = self.intr.width_px, self.intr.height_px
        outside = ~((xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h))
        draws = rng.standard_normal((n, 5))
        uni = rng.random((n, 3))
        self._slow = _AR_RHO * self._slow + np.sqrt(1 - _AR_RHO**2) * draws[:, :2]
        scale = np.where(occluded | hidden, 3.0, 1.0) * np.where(outside, 2.0, 1.0)
        unit_jitter = 0.6 * draws[:, 2:4] + 0.8 * self._slow  # std ~1, partly correlated in time
        image_xy = xy + sigma * scale[:, None] * unit_jitter
        if self.outliers > 0:  # gross errors: a joint lands 20-60 px away with a confident score
            hit = rng.random(n) < self.outliers
            angle = rng.random(n) * 2 * np.pi
            size = 20.0 + 40.0 * rng.random(n)
            image_xy[hit] += (size[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1))[hit]
        conf = 0.90 + 0.09 * uni[:, 0]
        conf = np.where(occluded, 0.25 + 0.35 * uni[:, 0], conf)
        conf = np.where(hidden, 0.02 + 0.2 * uni[:, 0], conf)
        conf = np.where(outside, 0.01 + 0.1 * uni[:, 0], conf)
        # world landmarks: hip-centred, camera-parallel axes, weak depth
        hip_mid = (truth_cam[Joint.LEFT_HIP] + truth_cam[Joint.RIGHT_HIP]) / 2
        metres_per_px = truth_cam[:, 2:3] / self.intr.fx
        world_sigma = sigma * metres_per_px * scale[:, None] * np.array([1.0, 1.0, _Z_NOISE_FACTOR])
        world = truth_cam - hip_mid + world_sigma * np.concatenate([unit_jitter, draws[:, 4:5]], axis=1)
        source = np.full(n, JointSource.MONOCULAR, np.uint8)
        camera = np.full((n, 3), np.nan)
        if self.depth_mode:
            measured = ~(occluded | hidden | outside)
            z = truth_cam[:, 2]
            sig = np.stack(
                [sigma * z / self.intr.fx, sigma * z / self.intr.fx, self.depth_noise_k * z * z * 2.0], axis=1
            )
            cam = truth_cam + sig * rng.standard_normal((n, 3))
            camera[measured] = cam[measured]
            source[measured] = JointSource.DEPTH
        drop = uni[:, 1] < self.dropout
        drop |= hidden & (uni[:, 2] < 0.5)
        swapped = self._next_swap()
        if swapped:
            image_xy, camera, world, conf = image_xy[_MIRROR], camera[_MIRROR], world[_MIRROR], conf[_MIRROR]
            source = source[_MIRROR]
        image_xy[drop] = np.nan
        camera[drop] = np.nan
        world[drop] = np.nan
        conf = np.where(drop, 0.0, conf).astype(np.float32)
        source[drop] = JointSource.MISSING
        return Reported(image_xy, camera, world, conf, source, swapped)

    def _next_swap(self) -> bool:
        if self._swap_left > 0:
            self._swap_left -= 1
            return True
        if self.swap > 0 and self.rng.random() < self.swap:
            self._swap_left = int(self.rng.integers(1, 2 * SWAP_MEAN_FRAMES))
            return True
        return False
