"""Pure geometry on joint positions: angles, segment angles against gravity, distances, view.

Every function takes numpy arrays and returns numpy arrays (no state, no
I/O). Points are ``(..., D)`` arrays with D = 2 (image pixels, y down) or
D = 3 (metres, camera or MediaPipe-world frame, y down). Degenerate inputs
(zero-length segments, NaN joints) give NaN, never an exception.
"""

from __future__ import annotations

import math

import numpy as np

from sensors.joints import Joint

#: "up" in the image (y grows downwards) and in the camera / MediaPipe world frames
IMAGE_UP = np.array([0.0, -1.0])
CAMERA_UP = np.array([0.0, -1.0, 0.0])

#: mean of (shoulder width, 1.35 x hip width) / torso length of a body seen square-on: the
#: synthetic adult gives 0.65, MediaPipe landmarks on the shared front clips 0.55-0.7
FRONT_WIDTH_RATIO = 0.65


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle a-b-c at ``b`` in degrees (0..180); shapes (..., D) -> (...)."""
    u = np.asarray(a, dtype=np.float64) - b
    v = np.asarray(c, dtype=np.float64) - b
    dot = np.einsum("...i,...i->...", u, v)
    norm = np.sqrt(np.einsum("...i,...i->...", u, u) * np.einsum("...i,...i->...", v, v))
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where(norm > 1e-12, dot / np.where(norm > 1e-12, norm, 1.0), np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def angle_to_direction_deg(start: np.ndarray, end: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Angle between the segment start->end and ``direction`` (D,), degrees 0..180; (..., D) -> (...)."""
    seg = np.asarray(end, dtype=np.float64) - start
    d = np.asarray(direction, dtype=np.float64)
    d = d / np.linalg.norm(d)
    n = np.sqrt(np.einsum("...i,...i->...", seg, seg))
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where(n > 1e-12, (seg @ d) / np.where(n > 1e-12, n, 1.0), np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def segment_from_vertical_deg(start: np.ndarray, end: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Angle of the segment start->end from straight up (0 = pointing up, 90 = horizontal, 180 = down)."""
    return angle_to_direction_deg(start, end, up)


def up_vector(gravity: np.ndarray | None, dims: int) -> np.ndarray:
    """The "up" direction for points of ``dims`` dimensions.

    ``gravity`` is the gravity vector in the camera frame (pointing down,
    e.g. from an IMU), or None for "camera is level" (up = -y). For image
    points the gravity vector is projected onto the image plane (x, y).
    """
    if gravity is None:
        return IMAGE_UP if dims == 2 else CAMERA_UP
    g = np.asarray(gravity, dtype=np.float64)[:dims]
    n = float(np.linalg.norm(g))
    if not np.isfinite(n) or n < 1e-9:
        return IMAGE_UP if dims == 2 else CAMERA_UP
    return -g / n


def midpoint(points: np.ndarray, a: int, b: int) -> np.ndarray:
    """Midpoint of joints ``a`` and ``b`` of a (33, D) array."""
    return 0.5 * (points[a] + points[b])


def torso_length(points: np.ndarray) -> float:
    """Distance from mid-shoulder to mid-hip of a (33, D) array (NaN when unseen)."""
    d = midpoint(points, Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER) - midpoint(points, Joint.LEFT_HIP, Joint.RIGHT_HIP)
    return float(np.sqrt(d @ d))


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance; (..., D) -> (...)."""
    d = np.asarray(a, dtype=np.float64) - b
    return np.sqrt(np.einsum("...i,...i->...", d, d))


def projection(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Signed length of a - b along the unit vector ``axis`` (D,); (..., D) -> (...)."""
    return (np.asarray(a, dtype=np.float64) - b) @ np.asarray(axis, dtype=np.float64)


def offset_from_line(a: np.ndarray, b: np.ndarray, c: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Signed distance of ``b`` from the line a->c, positive on the "up" side; (..., D) -> (...).

    E.g. the hip against the shoulder-ankle line in a plank: > 0 hips high
    (piked), < 0 hips sagging. NaN when the line is vertical (no "up" side).
    """
    a = np.asarray(a, dtype=np.float64)
    line = np.asarray(c, dtype=np.float64) - a
    n = np.sqrt(np.einsum("...i,...i->...", line, line))
    with np.errstate(invalid="ignore", divide="ignore"):
        u = line / n[..., None]
        normal = up - (u @ up)[..., None] * u  # the part of "up" across the line
        nn = np.sqrt(np.einsum("...i,...i->...", normal, normal))
        normal = normal / np.where(nn > 1e-6, nn, np.nan)[..., None]
    return np.einsum("...i,...i->...", np.asarray(b, dtype=np.float64) - a, normal)


def yaw_from_widths_deg(points_2d: np.ndarray, front_ratio: float = FRONT_WIDTH_RATIO) -> float:
    """How far the body is turned from facing the camera, from 2D widths (0 = front, 90 = side).

    The shoulder and hip widths shrink as cos(yaw) relative to a square-on
    view; they are compared with the torso length, which the turn does not
    change (a torso pointing at the camera, as in a push-up seen head-on,
    makes the ratio large: front). ``front_ratio`` is the width / torso
    ratio seen square-on (calibration can measure it).
    """
    s = points_2d
    shoulder_w = distance(s[Joint.LEFT_SHOULDER], s[Joint.RIGHT_SHOULDER])
    hip_w = distance(s[Joint.LEFT_HIP], s[Joint.RIGHT_HIP])
    torso = torso_length(s)
    if not np.isfinite(torso) or torso < 1e-9:
        return float("nan")
    # shoulders are ~1.35x as wide as hips in adults: bring both to shoulder scale
    widths = np.array([shoulder_w, 1.35 * hip_w])
    ratio = float(np.nanmean(widths)) / torso if np.isfinite(widths).any() else float("nan")
    if not np.isfinite(ratio):
        return float("nan")
    return float(np.degrees(np.arccos(min(1.0, ratio / front_ratio))))


def yaw_from_world_deg(world_xyz: np.ndarray) -> float:
    """Body turn from 3D (MediaPipe world or camera) points: angle of the shoulder/hip lines to the image plane."""
    w = world_xyz
    d = w[[Joint.LEFT_SHOULDER, Joint.LEFT_HIP]] - w[[Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP]]  # (2, 3)
    ok = np.isfinite(d).all(axis=1)
    if not ok.any():
        return float("nan")
    dx = float(np.abs(d[ok, 0]).sum())
    dz = float(np.abs(d[ok, 2]).sum())
    if dx + dz < 1e-9:
        return float("nan")
    return math.degrees(math.atan2(dz, dx))


def facing_sign_x(points_2d: np.ndarray) -> float:
    """+1 when the body faces image +x (toes point right), -1 when left, NaN when unseen (side views)."""
    p = points_2d
    toes = p[[Joint.LEFT_FOOT_INDEX, Joint.RIGHT_FOOT_INDEX], 0] - p[[Joint.LEFT_HEEL, Joint.RIGHT_HEEL], 0]
    s = float(toes[np.isfinite(toes)].sum())
    if not math.isfinite(s) or abs(s) < 1e-9:
        s = float(p[Joint.NOSE, 0] - 0.5 * (p[Joint.LEFT_EAR, 0] + p[Joint.RIGHT_EAR, 0]))
    if not math.isfinite(s) or abs(s) < 1e-9:
        return float("nan")
    return 1.0 if s > 0 else -1.0
