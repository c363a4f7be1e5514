"""The one data type that crosses every boundary: an immutable pose frame.

Coordinate frames
-----------------
* ``image_xy_px``: pixels, origin at the image's top-left, x right, y down.
* ``camera_xyz_m``: metres in the camera frame (x right, y down, z forward
  along the optical axis), the RealSense / OpenCV convention. NaN where a
  joint has no 3D estimate in that frame.
* ``world_xyz_m``: MediaPipe-style "world landmarks": metres, origin at the
  midpoint of the hips, axes parallel to the camera's (x right, y down,
  z away from the camera).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum, IntEnum
from types import MappingProxyType
from typing import Any

import numpy as np

from sensors.intrinsics import Intrinsics
from sensors.joints import NUM_JOINTS


class JointSource(IntEnum):
    """Where a joint's position came from (one value per joint)."""

    MISSING = 0  #: not seen and not predicted; positions are NaN
    MONOCULAR = 1  #: from the pose model on the RGB image alone
    DEPTH = 2  #: 3D position measured with a depth camera
    PREDICTED = 3  #: coasted by the tracker through occlusion


class TrackingState(Enum):
    """Whose pose a frame holds."""

    TRACKED = "tracked"  #: the locked-on player
    NO_PLAYER = "no_player"  #: nobody in view; every joint is MISSING
    PLAYER_LOST = "player_lost"  #: someone else is in view; their pose is not the player's


def _frozen(a: np.ndarray | None, dtype: Any, shape: tuple[int, ...] | None, name: str) -> np.ndarray | None:
    if a is None:
        return None
    arr = np.asarray(a, dtype=dtype)
    if shape is not None and arr.shape != shape:
        raise ValueError(f"PoseFrame.{name}: expected shape {shape}, found {arr.shape}")
    arr.flags.writeable = False  # the frame takes ownership of the buffer
    return arr


_EMPTY_META: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, eq=False, slots=True)
class PoseFrame:
    """One camera frame's pose: 33 joints in BlazePose order.

    All arrays are read-only. Shapes: ``image_xy_px`` (33, 2),
    ``camera_xyz_m`` and ``world_xyz_m`` (33, 3), ``confidence`` (33,) in
    [0, 1], ``source`` (33,) of :class:`JointSource` values (uint8),
    ``rgb`` (H, W, 3) uint8, ``depth_m`` (H, W) float32 with 0 for "no depth",
    ``truth_camera_xyz_m`` (33, 3) ground truth (synthetic sources only),
    ``gravity_camera`` (3,) the unit vector pointing down (towards the
    ground) in camera coordinates, from an IMU, the floor plane or the image
    vertical (see :mod:`sensors.pipeline.gravity`; None: unknown),
    ``intrinsics`` the colour camera's (None: unknown).

    The frame takes ownership of the arrays it is given and makes them
    read-only; pass fresh arrays.
    """

    t_s: float  #: capture time, monotonic seconds
    index: int  #: frame number from the source, starting at 0
    image_size_px: tuple[int, int]  #: (width, height)
    image_xy_px: np.ndarray
    camera_xyz_m: np.ndarray
    world_xyz_m: np.ndarray
    confidence: np.ndarray
    source: np.ndarray
    tracking: TrackingState = TrackingState.TRACKED
    rgb: np.ndarray | None = None
    depth_m: np.ndarray | None = None
    truth_camera_xyz_m: np.ndarray | None = None
    meta: Mapping[str, Any] = field(default_factory=lambda: _EMPTY_META)
    gravity_camera: np.ndarray | None = None
    intrinsics: Intrinsics | None = None

    def __post_init__(self) -> None:
        n = NUM_JOINTS
        s = object.__setattr__
        s(self, "t_s", float(self.t_s))
        s(self, "index", int(self.index))
        s(self, "image_size_px", (int(self.image_size_px[0]), int(self.image_size_px[1])))
        s(self, "image_xy_px", _frozen(self.image_xy_px, np.float64, (n, 2), "image_xy_px"))
        s(self, "camera_xyz_m", _frozen(self.camera_xyz_m, np.float64, (n, 3), "camera_xyz_m"))
        s(self, "world_xyz_m", _frozen(self.world_xyz_m, np.float64, (n, 3), "world_xyz_m"))
        s(self, "confidence", _frozen(self.confidence, np.float32, (n,), "confidence"))
        s(self, "source", _frozen(self.source, np.uint8, (n,), "source"))
        s(self, "rgb", _frozen(self.rgb, np.uint8, None, "rgb"))
        s(self, "depth_m", _frozen(self.depth_m, np.float32, None, "depth_m"))
        s(self, "truth_camera_xyz_m", _frozen(self.truth_camera_xyz_m, np.float64, (n, 3), "truth_camera_xyz_m"))
        s(self, "gravity_camera", _frozen(self.gravity_camera, np.float64, (3,), "gravity_camera"))
        if self.intrinsics is not None and not isinstance(self.intrinsics, Intrinsics):
            raise ValueError(f"PoseFrame.intrinsics: expected an Intrinsics, found {type(self.intrinsics).__name__}")
        if not isinstance(self.meta, MappingProxyType):
            s(self, "meta", MappingProxyType(dict(self.meta)))

    # -- convenience -------------------------------------------------------
    @property
    def visible(self) -> np.ndarray:
        """Boolean (33,) mask of joints that are not MISSING."""
        return self.source != JointSource.MISSING

    @property
    def has_player(self) -> bool:
        return self.tracking is TrackingState.TRACKED and bool(self.visible.any())

    def with_changes(self, **changes: Any) -> PoseFrame:
        """A copy with some fields replaced (``dataclasses.replace``)."""
        return replace(self, **changes)

    @staticmethod
    def empty(
        t_s: float,
        index: int,
        image_size_px: tuple[int, int],
        tracking: TrackingState = TrackingState.NO_PLAYER,
        **extra: Any,
    ) -> PoseFrame:
        """A frame in which no joint was seen (every joint MISSING, positions NaN)."""
        n = NUM_JOINTS
        return PoseFrame(
            t_s=t_s,
            index=index,
            image_size_px=image_size_px,
            image_xy_px=np.full((n, 2), np.nan),
            camera_xyz_m=np.full((n, 3), np.nan),
            world_xyz_m=np.full((n, 3), np.nan),
            confidence=np.zeros(n, np.float32),
            source=np.zeros(n, np.uint8),
            tracking=tracking,
            **extra,
        )

    def same_pose_as(self, other: PoseFrame) -> bool:
        """True when every pose field (not images) is bit-for-bit equal."""

        def eq(a: np.ndarray | None, b: np.ndarray | None) -> bool:
            if a is None or b is None:
                return a is b
            return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()

        return (
            self.t_s == other.t_s
            and self.index == other.index
            and self.image_size_px == other.image_size_px
            and self.tracking is other.tracking
            and all(
                eq(getattr(self, f), getattr(other, f))
                for f in (
                    "image_xy_px",
                    "camera_xyz_m",
                    "world_xyz_m",
                    "confidence",
                    "source",
                    "truth_camera_xyz_m",
                    "gravity_camera",
                )
            )
        )
