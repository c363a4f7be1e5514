"""Upright inference for horizontal bodies: pure geometry, no MediaPipe.

Pose models are trained on upright people, so a body lying along the image
horizontal (push-up, plank) is found badly. We rotate the frame by 90° so the
body stands up, run the model, and rotate the landmarks back.

Rotations follow ``cv2.rotate``. With continuous pixel coordinates (a pixel
``i`` spans ``[i, i+1)``, as MediaPipe's ``x * width`` gives), for an image of
``(width W, height H)``:

* ``CCW90`` (``cv2.ROTATE_90_COUNTERCLOCKWISE``): ``(x, y) -> (y, W - x)``;
  the rotated image is ``H`` wide and ``W`` high. A body whose head points
  right (+x) stands up.
* ``CW90`` (``cv2.ROTATE_90_CLOCKWISE``): ``(x, y) -> (H - y, x)``. A body
  whose head points left stands up.

World landmarks (metres, camera-parallel axes, z away from the camera) turn
about the z axis the same way.
"""

from __future__ import annotations

import math
from enum import Enum

import cv2
import numpy as np

from sensors.joints import Joint


class Rotation(Enum):
    """How the frame is turned before inference."""

    NONE = "none"
    CW90 = "cw90"  #: cv2.ROTATE_90_CLOCKWISE
    CCW90 = "ccw90"  #: cv2.ROTATE_90_COUNTERCLOCKWISE

    @property
    def degrees(self) -> int:
        """Signed angle of the image rotation, counter-clockwise positive."""
        return {Rotation.NONE: 0, Rotation.CW90: -90, Rotation.CCW90: 90}[self]


ORIENTATION_MODES = ("auto", "upright", "off")

#: the torso counts as horizontal when its axis is within this angle of the image horizontal
HORIZONTAL_WITHIN_DEG = 45.0
#: a torso shorter than this times the shoulder width in 2D points at the camera
FORESHORTENED_RATIO = 1.0

_CV2_CODE = {Rotation.CW90: cv2.ROTATE_90_CLOCKWISE, Rotation.CCW90: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotate_image(image: np.ndarray, rotation: Rotation) -> np.ndarray:
    """``image`` (H, W, ...) turned by ``rotation``; the same array for NONE."""
    if rotation is Rotation.NONE:
        return image
    return cv2.rotate(image, _CV2_CODE[rotation])


def rotated_size(size_px: tuple[int, int], rotation: Rotation) -> tuple[int, int]:
    """(width, height) of an image of ``size_px`` after ``rotation``."""
    w, h = size_px
    return (w, h) if rotation is Rotation.NONE else (h, w)


def rotate_points(xy_px: np.ndarray, rotation: Rotation, size_px: tuple[int, int]) -> np.ndarray:
    """Points (N, 2) of an image of ``size_px`` = (W, H) -> their place in the rotated image."""
    xy = np.asarray(xy_px, dtype=np.float64)
    w, h = size_px
    x, y = xy[:, 0], xy[:, 1]
    if rotation is Rotation.NONE:
        return xy.copy()
    if rotation is Rotation.CCW90:
        return np.stack([y, w - x], axis=1)
    return np.stack([h - y, x], axis=1)  # CW90


def unrotate_points(xy_rot_px: np.ndarray, rotation: Rotation, size_px: tuple[int, int]) -> np.ndarray:
    """Inverse of :func:`rotate_points`: points (N, 2) found in the rotated image -> the
    original image of ``size_px`` = (W, H) (the size *before* rotation)."""
    xy = np.asarray(xy_rot_px, dtype=np.float64)
    w, h = size_px
    u, v = xy[:, 0], xy[:, 1]
    if rotation is Rotation.NONE:
        return xy.copy()
    if rotation is Rotation.CCW90:  # u = y, v = w - x
        return np.stack([w - v, u], axis=1)
    return np.stack([v, h - u], axis=1)  # CW90: u = h - y, v = x


def unrotate_world(xyz_rot_m: np.ndarray, rotation: Rotation) -> np.ndarray:
    """World landmarks (N, 3) from the rotated view -> axes of the original camera."""
    xyz = np.asarray(xyz_rot_m, dtype=np.float64)
    if rotation is Rotation.NONE:
        return xyz.copy()
    a, b, z = xyz[:, 0], xyz[:, 1], xyz[:, 2]
    if rotation is Rotation.CCW90:  # a = y, b = -x
        return np.stack([-b, a, z], axis=1)
    return np.stack([b, -a, z], axis=1)  # CW90: a = -y, b = x


def torso_axis_px(image_xy_px: np.ndarray) -> np.ndarray | None:
    """Vector (2,) from the hips' midpoint to the shoulders' midpoint, or None if unknown."""
    xy = np.asarray(image_xy_px, dtype=np.float64)
    shoulders = xy[[Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER]].mean(axis=0)
    hips = xy[[Joint.LEFT_HIP, Joint.RIGHT_HIP]].mean(axis=0)
    axis = shoulders - hips
    if not np.all(np.isfinite(axis)) or float(np.hypot(*axis)) < 1e-6:
        return None
    return axis


def torso_foreshortened(image_xy_px: np.ndarray, min_ratio: float = FORESHORTENED_RATIO) -> bool:
    """True when the torso seen in 2D is shorter than ``min_ratio`` x the shoulder width:
    the body points at the camera (a head-on push-up) and its 2D axis says nothing
    about how it lies in the image."""
    xy = np.asarray(image_xy_px, dtype=np.float64)
    axis = torso_axis_px(xy)
    shoulder_width_px = float(np.hypot(*(xy[Joint.LEFT_SHOULDER] - xy[Joint.RIGHT_SHOULDER])))
    if axis is None or not np.isfinite(shoulder_width_px):
        return False
    return float(np.hypot(*axis)) < min_ratio * shoulder_width_px


def torso_angle_from_horizontal_deg(image_xy_px: np.ndarray) -> float | None:
    """Angle in [0, 90] between the torso axis and the image horizontal; None if unknown."""
    axis = torso_axis_px(image_xy_px)
    if axis is None:
        return None
    return math.degrees(math.atan2(abs(axis[1]), abs(axis[0])))


def upright_rotation(image_xy_px: np.ndarray, within_deg: float = HORIZONTAL_WITHIN_DEG) -> Rotation:
    """The rotation that stands this pose up: NONE unless the torso lies within
    ``within_deg`` of the image horizontal; then CCW90 when the head points right
    (+x), CW90 when it points left."""
    axis = torso_axis_px(image_xy_px)
    if axis is None or torso_foreshortened(image_xy_px):
        return Rotation.NONE
    angle_deg = math.degrees(math.atan2(abs(axis[1]), abs(axis[0])))
    if angle_deg > within_deg:
        return Rotation.NONE
    return Rotation.CCW90 if axis[0] > 0 else Rotation.CW90


def fallback_order(primary: Rotation, last_axis_px: np.ndarray | None) -> list[Rotation]:
    """Orientations to try after ``primary`` found nobody, most likely first.

    ``last_axis_px`` is the torso axis of the last pose seen (hips -> shoulders);
    a body falling to one side is most likely to lie with its head that way.
    """
    if last_axis_px is not None and last_axis_px[0] < 0:
        order = [Rotation.CW90, Rotation.CCW90, Rotation.NONE]
    else:
        order = [Rotation.CCW90, Rotation.CW90, Rotation.NONE]
    if primary is not Rotation.NONE:
        order = [Rotation.NONE] + [r for r in order if r is not Rotation.NONE]
    return [r for r in order if r is not primary]


def choose_rotation(
    image_xy_px: np.ndarray,
    current: Rotation,
    within_deg: float = HORIZONTAL_WITHIN_DEG,
    hysteresis_deg: float = 7.5,
) -> Rotation:
    """The orientation for the next frame, judged from this frame's pose (33, 2).

    Like :func:`upright_rotation` with hysteresis around ``within_deg`` so a torso
    near 45° does not flip between graphs (each flip restarts MediaPipe's tracking).
    An unknown torso keeps ``current``; a foreshortened one (pointing at the camera) gives NONE.
    """
    axis = torso_axis_px(image_xy_px)
    if axis is None:
        return current
    if torso_foreshortened(image_xy_px):
        return Rotation.NONE
    angle_deg = math.degrees(math.atan2(abs(axis[1]), abs(axis[0])))
    limit_deg = within_deg + hysteresis_deg if current is not Rotation.NONE else within_deg - hysteresis_deg
    if angle_deg > limit_deg:
        return Rotation.NONE
    return Rotation.CCW90 if axis[0] > 0 else Rotation.CW90


#: shoulders, elbows, wrists, hips, knees, ankles
BODY_JOINTS: tuple[Joint, ...] = (
    Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_ELBOW, Joint.RIGHT_ELBOW, Joint.LEFT_WRIST,
    Joint.RIGHT_WRIST, Joint.LEFT_HIP, Joint.RIGHT_HIP, Joint.LEFT_KNEE, Joint.RIGHT_KNEE, Joint.LEFT_ANKLE,
    Joint.RIGHT_ANKLE,
)  # fmt: skip
_TORSO = [Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_HIP, Joint.RIGHT_HIP]


def body_size_px(image_xy_px: np.ndarray) -> float | None:
    """Diagonal of the bounding box of the limb and torso joints (pixels); None if unknown."""
    xy = np.asarray(image_xy_px, dtype=np.float64)[list(BODY_JOINTS)]
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if len(xy) < 2:
        return None
    return float(np.hypot(*(xy.max(axis=0) - xy.min(axis=0))))


def plausible_rescue(
    image_xy_px: np.ndarray,
    visibility: np.ndarray,
    last_size_px: float | None,
    min_torso_visibility: float = 0.5,
    size_ratio: float = 0.6,
) -> bool:
    """Whether a pose found only in another orientation (after the usual one found nobody)
    is believable: its torso is clearly visible and its size is within ``size_ratio`` of
    the body last seen. Pose models asked about a rotated view of a body they could not
    find upright (e.g. a head-on push-up) tend to return small crumpled skeletons."""
    vis = np.asarray(visibility, dtype=np.float64)
    if not float(np.nanmean(vis[_TORSO])) >= min_torso_visibility:
        return False
    size_px = body_size_px(image_xy_px)
    if size_px is None:
        return False
    if last_size_px is None or last_size_px <= 0:
        return True
    return size_ratio <= size_px / last_size_px <= 1.0 / size_ratio
