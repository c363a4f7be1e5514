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
from dataclasses import dataclass, field, fields
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
_MISSING = int(JointSource.MISSING)


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
        s = object.__setattr__
        for name, normalise in _NORMALISE.items():
            s(self, name, normalise(getattr(self, name)))

    # -- convenience -------------------------------------------------------
    @property
    def visible(self) -> np.ndarray:
        """Boolean (33,) mask of joints that are not MISSING."""
        return self.source != _MISSING  # an int: numpy probes an enum operand for array attributes (slow)

    @property
    def has_player(self) -> bool:
        return self.tracking is TrackingState.TRACKED and bool(self.visible.any())

    def with_changes(self, **changes: Any) -> PoseFrame:
        """A copy with some fields replaced (as ``dataclasses.replace``, but only the changed
        fields are checked: the others are this frame's, already read-only)."""
        if not changes.keys() <= _NORMALISE.keys():
            raise TypeError(f"PoseFrame has no field(s) {', '.join(sorted(changes.keys() - _NORMALISE.keys()))}")
        new = object.__new__(PoseFrame)
        s = object.__setattr__
        for name in _NORMALISE:
            s(new, name, getattr(self, name))
        for name, value in changes.items():
            s(new, name, _NORMALISE[name](value))
        return new

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


def _array(name: str, dtype: Any, shape: tuple[int, ...] | None) -> Any:
    return lambda a: _frozen(a, dtype, shape, name)


def _intrinsics(value: Any) -> Intrinsics | None:
    if value is not None and not isinstance(value, Intrinsics):
        raise ValueError(f"PoseFrame.intrinsics: expected an Intrinsics, found {type(value).__name__}")
    return value


def _meta(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))


_N = NUM_JOINTS
#: how each field is checked and frozen, in declaration order (``__post_init__`` and ``with_changes``)
_NORMALISE: dict[str, Any] = {
    "t_s": float,
    "index": int,
    "image_size_px": lambda v: (int(v[0]), int(v[1])),
    "image_xy_px": _array("image_xy_px", np.float64, (_N, 2)),
    "camera_xyz_m": _array("camera_xyz_m", np.float64, (_N, 3)),
    "world_xyz_m": _array("world_xyz_m", np.float64, (_N, 3)),
    "confidence": _array("confidence", np.float32, (_N,)),
    "source": _array("source", np.uint8, (_N,)),
    "tracking": lambda v: v,
    "rgb": _array("rgb", np.uint8, None),
    "depth_m": _array("depth_m", np.float32, None),
    "truth_camera_xyz_m": _array("truth_camera_xyz_m", np.float64, (_N, 3)),
    "meta": _meta,
    "gravity_camera": _array("gravity_camera", np.float64, (3,)),
    "intrinsics": _intrinsics,
}
if tuple(_NORMALISE) != tuple(f.name for f in fields(PoseFrame)):  # a field added to one and not the other
    raise RuntimeError("sensors.pose: _NORMALISE must list PoseFrame's fields in order")
