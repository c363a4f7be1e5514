"""A joint that fusion gives depth only some of the time: its depth samples are not trusted as the camera's noise.

At a depth edge (an ear at the head's silhouette) fusion keeps the nearest consistent surface, so the
samples that pass are biased towards the camera; the other frames carry the skeleton's guess.
"""

from __future__ import annotations

import numpy as np

from sensors import Joint, JointSource, PoseFrame
from sensors.tracker import PoseTracker, TrackerConfig

FPS = 30.0
N = len(Joint)
FX = 500.0
DEPTH_M = 2.0
EDGE = Joint.LEFT_EAR
BIAS_M = -0.04  #: the edge joint's depth samples: 4 cm towards the camera


def _frames(seed: int, frames: int = 240, share: float = 0.25) -> list[PoseFrame]:
    """A still body at 2 m: every joint has depth (1 cm noise) but ``EDGE``, which has it in ``share`` of
    the frames (biased by ``BIAS_M``) and otherwise the skeleton's guess (unbiased, 5 cm noise)."""
    rng = np.random.default_rng(seed)
    xy = np.stack([np.linspace(200, 440, N), np.linspace(100, 380, N)], axis=1)
    out = []
    for i in range(frames):
        z = DEPTH_M + 0.01 * rng.standard_normal(N)
        source = np.full(N, JointSource.DEPTH, np.uint8)
        if rng.random() < share:
            z[EDGE] = DEPTH_M + BIAS_M + 0.01 * rng.standard_normal()
        else:
            z[EDGE] = DEPTH_M + 0.05 * rng.standard_normal()
            source[EDGE] = JointSource.MONOCULAR
        px = xy + 1.0 * rng.standard_normal((N, 2))
        cam = np.column_stack([(px[:, 0] - 320) * z / FX, (px[:, 1] - 240) * z / FX, z])
        out.append(
            PoseFrame(
                t_s=i / FPS,
                index=i,
                image_size_px=(640, 480),
                image_xy_px=px,
                camera_xyz_m=cam,
                world_xyz_m=cam - cam.mean(axis=0),
                confidence=np.full(N, 0.95, np.float32),
                source=source,
            )
        )
    return out


def _mean_depth_error_m(config: TrackerConfig, joint: Joint, seed: int = 3) -> tuple[float, float]:
    """(mean, SD) of the tracker's depth error on ``joint`` over the last 150 frames."""
    tracker = PoseTracker(config)
    z = np.array([tracker.update(f).camera_xyz_m[joint, 2] for f in _frames(seed)])[-150:] - DEPTH_M
    return float(z.mean()), float(z.std())


def test_a_joint_with_depth_only_sometimes_does_not_take_its_depth_samples_bias() -> None:
    trusted, _ = _mean_depth_error_m(TrackerConfig(depth_edge_sigma_m=0.0), EDGE)
    edge, _ = _mean_depth_error_m(TrackerConfig(), EDGE)
    assert trusted < 0.75 * BIAS_M  # trusted as the camera's noise, the biased samples set the depth
    assert abs(edge) < 0.5 * abs(BIAS_M)  # counted less, the unbiased frames average it down


def test_a_joint_with_depth_in_every_frame_keeps_its_depth_weight() -> None:
    off = _mean_depth_error_m(TrackerConfig(depth_edge_sigma_m=0.0), Joint.LEFT_SHOULDER)
    on = _mean_depth_error_m(TrackerConfig(), Joint.LEFT_SHOULDER)
    assert abs(on[0] - off[0]) < 1e-4
    assert abs(on[1] - off[1]) < 1e-4
