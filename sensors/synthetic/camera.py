"""Camera placement around the avatar and pinhole projection.

Camera frame (as ``sensors/pose.py``): x right, y down, z forward along the
optical axis. World frame: x = player's left, y = up, z = player's forward.
A camera at yaw 0 stands in front of the player looking back at them
(front view); yaw 90 stands at the player's left side (side view).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sensors.intrinsics import Intrinsics

VIEWS = {"front": 0.0, "side": 90.0, "oblique": 45.0}


@dataclass(frozen=True, slots=True)
class CameraPose:
    """``rot`` (3, 3): rows are the camera's x, y, z axes in world coordinates;
    ``centre`` (3,): the camera's world position. camera = rot @ (world - centre)."""

    rot: np.ndarray
    centre: np.ndarray

    def to_camera(self, world: np.ndarray) -> np.ndarray:
        """(n, 3) world points -> (n, 3) camera-frame points."""
        return (world - self.centre) @ self.rot.T

    def direction_to_camera(self, v: np.ndarray) -> np.ndarray:
        return v @ self.rot.T

    @property
    def up_camera(self) -> np.ndarray:
        """The world's up direction (3,) in camera coordinates."""
        return self.rot[:, 1].copy()


def look_at(centre: np.ndarray, target: np.ndarray) -> CameraPose:
    """A level camera (no roll) at ``centre`` looking at ``target``."""
    z = target - centre
    z = z / np.linalg.norm(z)
    x = np.cross(z, np.array([0.0, 1.0, 0.0]))
    n = np.linalg.norm(x)
    x = x / n if n > 1e-9 else np.array([1.0, 0.0, 0.0])
    y = np.cross(z, x)
    return CameraPose(np.stack([x, y, z]), np.asarray(centre, dtype=float))


def place_camera(
    intr: Intrinsics,
    bbox_min: np.ndarray,
    bbox_max: np.ndarray,
    yaw_deg: float,
    distance_m: float | None = None,
    height_m: float | None = None,
    tilt_deg: float | None = None,
) -> CameraPose:
    """Place a camera at ``yaw_deg`` around the body's bounding box so it fits the image.

    distance_m: horizontal distance from the box centre (default: fit the box
    with a 15 % margin); height_m: lens height (default: box centre height,
    within 0.4..1.3 m); tilt_deg: downward pitch (default: aim at the box centre).
    """
    centre = (bbox_min + bbox_max) / 2
    y = math.radians(yaw_deg)
    back = np.array([math.sin(y), 0.0, math.cos(y)])  # from the body towards the camera
    right = np.array([math.cos(y), 0.0, -math.sin(y)])  # camera x in world for a level camera
    if distance_m is None:
        corners = np.array([[a, b, c] for a in (bbox_min[0], bbox_max[0]) for b in (bbox_min[1], bbox_max[1])
                            for c in (bbox_min[2], bbox_max[2])])  # fmt: skip
        rel = corners - centre
        half_w = float(np.max(np.abs(rel @ right)))
        half_h = float(np.max(np.abs(rel[:, 1])))
        half_d = float(np.max(np.abs(rel @ back)))
        fit = max(
            half_w / math.tan(math.radians(intr.hfov_deg) / 2), half_h / math.tan(math.radians(intr.vfov_deg) / 2)
        )
        distance_m = 1.15 * fit + half_d
    if height_m is None:
        height_m = min(1.3, max(0.4, float(centre[1])))
    eye = np.array([centre[0], height_m, centre[2]]) + back * distance_m
    if tilt_deg is None:
        return look_at(eye, centre)
    t = math.radians(tilt_deg)
    target = eye - back * math.cos(t) + np.array([0.0, -math.sin(t), 0.0])
    return look_at(eye, target)
