"""Gravity in camera coordinates: from an IMU, else the floor plane in the depth map, else the image vertical.

Camera frame: x right, y down, z forward. The result is a unit vector that
points *down* (towards the ground), what ``PoseFrame.gravity_camera`` holds.
Pure numpy.
"""

from __future__ import annotations

import numpy as np

from sensors.intrinsics import Intrinsics

IMAGE_DOWN = np.array([0.0, 1.0, 0.0])  #: a level camera's gravity: the image's y axis
IMAGE_DOWN.flags.writeable = False
MAX_FLOOR_TILT_DEG = 50.0  #: a plane tilted more than this from the image's "down" is not taken as the floor


def gravity_from_accel(accel_xyz: np.ndarray) -> np.ndarray | None:
    """Gravity from an accelerometer at rest (RealSense D435i/D455: its axes are the
    depth camera's, x right, y down, z forward). An accelerometer measures the
    reaction to gravity (it reads -g), so gravity is ``-accel / |accel|``.
    ``accel_xyz`` (3,) or (N, 3) samples (averaged) in m/s^2; None when implausible."""
    a = np.asarray(accel_xyz, dtype=np.float64).reshape(-1, 3)
    a = a[np.isfinite(a).all(axis=1)]
    if not len(a):
        return None
    mean = a.mean(axis=0)
    n = float(np.linalg.norm(mean))
    if not 5.0 < n < 15.0:  # not at rest, or not an accelerometer in m/s^2
        return None
    return -mean / n


def gravity_from_floor(
    depth_m: np.ndarray, intr: Intrinsics, rng: np.random.Generator | None = None,
    samples: int = 1500, hypotheses: int = 80, inlier_m: float = 0.02, min_inlier_share: float = 0.15,
) -> np.ndarray | None:  # fmt: skip
    """Gravity as the normal of the floor, fitted by RANSAC to the lower half of a depth map.

    ``depth_m`` (H, W) metres (0 = no depth) aligned to ``intr``. Candidate
    planes must face the camera from below (normal within
    ``MAX_FLOOR_TILT_DEG`` of the image's down) and hold ``min_inlier_share``
    of the sampled points; the best is refined by least squares on its
    inliers. Returns the unit normal pointing down, or None when no floor is seen.
    """
    rng = rng or np.random.default_rng(0)
    h, w = depth_m.shape
    rows = rng.integers(h // 2, h, samples)
    cols = rng.integers(0, w, samples)
    z = depth_m[rows, cols].astype(np.float64)
    ok = np.isfinite(z) & (z > 0.1)
    if ok.sum() < 50:
        return None
    xy = np.stack([cols[ok], rows[ok]], axis=1).astype(np.float64)
    pts = intr.deproject(xy, z[ok])
    n_pts = len(pts)
    tri = rng.integers(0, n_pts, (hypotheses, 3))
    a, b, c = pts[tri[:, 0]], pts[tri[:, 1]], pts[tri[:, 2]]
    normal = np.cross(b - a, c - a)
    norm = np.linalg.norm(normal, axis=1)
    good = norm > 1e-9
    normal = normal[good] / norm[good, None]
    a = a[good]
    normal *= np.sign(normal[:, 1:2] + 1e-12)  # point "down" (+y)
    cos_max = np.cos(np.radians(MAX_FLOOR_TILT_DEG))
    keep = normal[:, 1] >= cos_max
    if not keep.any():
        return None
    normal, a = normal[keep], a[keep]
    offset = (normal * a).sum(axis=1)  # n . p = d; the floor is below the camera: d > 0
    dist = np.abs(pts @ normal.T - offset[None, :])  # (n_pts, n_hyp)
    counts = (dist < inlier_m).sum(axis=0)
    counts = np.where(offset > 0.2, counts, 0)
    best = int(np.argmax(counts))
    if counts[best] < min_inlier_share * n_pts:
        return None
    inliers = pts[dist[:, best] < inlier_m]
    centred = inliers - inliers.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    g = vt[-1]
    g = g if g[1] > 0 else -g
    return g / np.linalg.norm(g)


def angle_between_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Angle between two vectors, degrees."""
    cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
