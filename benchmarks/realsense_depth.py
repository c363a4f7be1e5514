"""A RealSense-like depth map for the recording benchmark (not a sensor model for accuracy).

A D400 measures *disparity* ``d = f * B / z`` by stereo matching, with sub-pixel
steps of 1/32 px and an RMS error of ~0.08 px that is spatially correlated (the
matcher works on windows), then reports ``z = f * B / d`` in whole millimetres
(z16). So depth noise grows with distance squared, neighbouring pixels share
most of their error, the values are a sparse set (one per disparity step, ~10 mm
apart at 2.5 m), and there are holes: the invalid band on the left (no overlap
of the two imagers), occlusion edges, and dark or textureless patches.
"""

from __future__ import annotations

import numpy as np

BASELINE_M = 0.050  #: D435
FOCAL_PX = 385.0  #: D435 depth imager at 640 px wide (~87 degrees)
SUBPIXEL = 1.0 / 32.0  #: disparity step (px)
DISPARITY_RMS_PX = 0.08  #: D435 subpixel RMS error


def realsense_like(z_true_m: np.ndarray, rng: np.random.Generator, hole_share: float = 0.03) -> np.ndarray:
    """Exact depth (H, W) metres (0 = none) -> what a D435 would report, float32 whole mm (0 = none)."""
    import cv2

    h, w = z_true_m.shape
    valid = np.isfinite(z_true_m) & (z_true_m > 0.2)
    fb = FOCAL_PX * BASELINE_M
    d = np.where(valid, fb / np.where(valid, z_true_m, 1.0), 0.0)
    noise = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 2.0)
    noise *= DISPARITY_RMS_PX / max(float(noise.std()), 1e-9)
    d_q = np.round((d + noise) / SUBPIXEL) * SUBPIXEL
    z_mm = np.where(valid & (d_q > 0), np.rint(1000.0 * fb / np.maximum(d_q, SUBPIXEL)), 0.0)
    z_mm[:, : int(0.06 * w)] = 0  # the left invalid band
    blobs = cv2.GaussianBlur(rng.standard_normal((h // 8, w // 8)).astype(np.float32), (0, 0), 1.5)
    holes = cv2.resize(blobs, (w, h), interpolation=cv2.INTER_NEAREST) > np.quantile(blobs, 1.0 - hole_share)
    z_mm[holes] = 0
    z_mm = np.clip(z_mm, 0, 65535)
    return z_mm.astype(np.float32) * np.float32(0.001)
