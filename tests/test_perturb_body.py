"""The body and scene perturbations (:mod:`sensors.perturb_body`): what each changes and what it keeps."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.joints import Joint
from sensors.perturb import PERTURBATIONS
from sensors.pose import PoseFrame
from sensors.synthetic import SyntheticConfig, SyntheticSensor

J = Joint


def _synthetic(exercise: str = "squat", reps: int = 1) -> list[PoseFrame]:
    with SyntheticSensor(SyntheticConfig(exercise=exercise, reps=reps, seed=3)) as sensor:
        return [f for f in sensor if np.isfinite(f.image_xy_px).all()]


def _knee_angle_deg(xy: np.ndarray) -> float:
    u, v = xy[J.LEFT_HIP] - xy[J.LEFT_KNEE], xy[J.LEFT_ANKLE] - xy[J.LEFT_KNEE]
    return float(np.degrees(np.arccos(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))))


def _length(xy: np.ndarray, a: Joint, b: Joint) -> float:
    return float(np.linalg.norm(xy[a] - xy[b]))


def test_short_limbs_shortens_every_limb_bone_and_keeps_every_joint_angle() -> None:
    frames = _synthetic()[:10]
    short = PERTURBATIONS["short_limbs"](frames)
    for f, g in zip(frames, short, strict=True):
        for field in ("image_xy_px", "world_xyz_m"):
            a, b = getattr(f, field), getattr(g, field)
            assert _length(b, J.LEFT_KNEE, J.LEFT_ANKLE) == pytest.approx(0.8 * _length(a, J.LEFT_KNEE, J.LEFT_ANKLE))
            assert _length(b, J.RIGHT_ELBOW, J.RIGHT_WRIST) == pytest.approx(
                0.85 * _length(a, J.RIGHT_ELBOW, J.RIGHT_WRIST)
            )
            assert _knee_angle_deg(b) == pytest.approx(_knee_angle_deg(a))
            np.testing.assert_allclose(b[J.LEFT_SHOULDER], a[J.LEFT_SHOULDER])  # the trunk stays


def test_wide_body_moves_hips_and_shoulders_apart_and_the_limbs_with_them() -> None:
    frames = _synthetic()[:10]
    wide = PERTURBATIONS["wide_body"](frames)
    for f, g in zip(frames, wide, strict=True):
        a, b = f.image_xy_px, g.image_xy_px
        assert _length(b, J.LEFT_HIP, J.RIGHT_HIP) == pytest.approx(1.35 * _length(a, J.LEFT_HIP, J.RIGHT_HIP))
        assert _length(b, J.LEFT_HIP, J.LEFT_KNEE) == pytest.approx(_length(a, J.LEFT_HIP, J.LEFT_KNEE))
        assert _knee_angle_deg(b) == pytest.approx(_knee_angle_deg(a))


def test_motion_blur_leaves_a_still_body_alone_and_trails_and_dims_a_fast_one() -> None:
    still = [_synthetic("plank")[0].with_changes(t_s=i / 30, index=i) for i in range(10)]
    for f, g in zip(still, PERTURBATIONS["motion_blur"](still), strict=True):
        np.testing.assert_allclose(g.image_xy_px, f.image_xy_px)
        np.testing.assert_allclose(g.confidence, f.confidence)
    # a wrist moving right at 600 px/s: half a 1/30 s exposure behind, on average
    moving = [f.with_changes(image_xy_px=f.image_xy_px + np.array([600.0 * f.t_s, 0.0])) for f in still]
    blurred = PERTURBATIONS["motion_blur"](moving)
    lag_px = np.mean(
        [m.image_xy_px[J.LEFT_WRIST, 0] - b.image_xy_px[J.LEFT_WRIST, 0] for m, b in zip(moving, blurred, strict=True)]
    )
    assert lag_px == pytest.approx(10.0, abs=3.0)
    assert all(
        b.confidence[J.LEFT_WRIST] < 0.8 * m.confidence[J.LEFT_WRIST] for m, b in zip(moving, blurred, strict=True)
    )


def test_a_passer_by_hides_the_player_around_the_middle_and_leaves_the_rest() -> None:
    frames = _synthetic(reps=2)
    passed = PERTURBATIONS["passer_by"](frames)
    t_mid = (frames[0].t_s + frames[-1].t_s) / 2
    changed = [
        abs(f.t_s - t_mid)
        for f, g in zip(frames, passed, strict=True)
        if not np.array_equal(f.confidence, g.confidence)
    ]
    assert changed, "the walker hid nothing"
    assert max(changed) < 1.2  # only while crossing the picture
    walker = [g for f, g in zip(frames, passed, strict=True) if np.all(g.confidence == np.float32(0.9))]
    assert walker, "the model never followed the walker"
    assert PERTURBATIONS["passer_by"](frames)[0] is frames[0]  # seeded, and the start untouched
