"""Named signals: the closed vocabulary, 2D vs 3D selection by view, and occlusion hold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from exercises.events import View
from exercises.signals import HOLD_S, SignalPlan, resolve_joint_names
from exercises.spec import SignalSpec
from sensors.joints import Joint
from sensors.pose import JointSource, PoseFrame


def frame(
    t_s: float = 0.0, image: dict[Joint, tuple[float, float]] | None = None, world: dict | None = None
) -> PoseFrame:
    img = np.full((33, 2), np.nan)
    wld = np.full((33, 3), np.nan)
    src = np.zeros(33, np.uint8)
    for j, xy in (image or {}).items():
        img[j] = xy
        src[j] = JointSource.MONOCULAR
    for j, xyz in (world or {}).items():
        wld[j] = xyz
    return PoseFrame(
        t_s=t_s,
        index=0,
        image_size_px=(640, 480),
        image_xy_px=img,
        camera_xyz_m=np.full((33, 3), np.nan),
        world_xyz_m=wld,
        confidence=np.where(src > 0, 0.9, 0.0).astype(np.float32),
        source=src,
    )


J = Joint
# a left leg bent 90 deg in the image; in "world" 3D the same leg is straight (pointing at the camera in 2D)
IMAGE = {J.LEFT_HIP: (100.0, 100.0), J.LEFT_KNEE: (100.0, 200.0), J.LEFT_ANKLE: (200.0, 200.0)}
WORLD = {J.LEFT_HIP: (0.0, -0.5, 0.0), J.LEFT_KNEE: (0.0, 0.0, 0.0), J.LEFT_ANKLE: (0.0, 0.5, 0.0)}


def knee_plan(plane: str) -> SignalPlan:
    return SignalPlan({"knee": SignalSpec(angle=("hip", "knee", "ankle"), side="left", plane=plane)})


def test_sided_names_expand_to_two_terms() -> None:
    terms = resolve_joint_names(SignalSpec(angle=("hip", "knee", "ankle")))
    assert [side for side, _ in terms] == ["left", "right"]
    assert terms[0][1] == (J.LEFT_HIP, J.LEFT_KNEE, J.LEFT_ANKLE)


def test_unknown_joint_name_has_a_did_you_mean() -> None:
    with pytest.raises(KeyError, match="did you mean 'ankle'"):
        resolve_joint_names(SignalSpec(angle=("hip", "knee", "ankel")))


def test_sagittal_angle_uses_2d_from_the_side_and_3d_from_the_front() -> None:
    f = frame(image=IMAGE, world=WORLD)
    assert knee_plan("sagittal").evaluate(f, View.SIDE).values[0] == pytest.approx(90.0)
    assert knee_plan("sagittal").evaluate(f, View.FRONT).values[0] == pytest.approx(180.0)
    assert knee_plan("any").evaluate(f, View.FRONT).values[0] == pytest.approx(90.0)
    assert knee_plan("3d").evaluate(f, View.SIDE).values[0] == pytest.approx(180.0)


def test_without_world_landmarks_3d_falls_back_to_2d() -> None:
    assert knee_plan("sagittal").evaluate(frame(image=IMAGE), View.FRONT).values[0] == pytest.approx(90.0)


def test_occluded_joint_keeps_its_last_value_briefly_then_nan() -> None:
    plan = knee_plan("any")
    plan.evaluate(frame(0.0, image=IMAGE), View.SIDE)
    missing_knee = {j: v for j, v in IMAGE.items() if j != J.LEFT_KNEE}
    assert plan.evaluate(frame(HOLD_S / 2, image=missing_knee), View.SIDE).values[0] == pytest.approx(90.0)
    assert math.isnan(plan.evaluate(frame(HOLD_S * 2, image=missing_knee), View.SIDE).values[0])


def test_height_is_normalised_by_torso_and_signed_up() -> None:
    pts = {
        J.LEFT_SHOULDER: (90.0, 0.0),
        J.RIGHT_SHOULDER: (110.0, 0.0),
        J.LEFT_HIP: (90.0, 100.0),
        J.RIGHT_HIP: (110.0, 100.0),
    }
    pts[J.LEFT_WRIST] = (90.0, -50.0)
    plan = SignalPlan({"hands_up": SignalSpec(height=("left_wrist", "left_shoulder"))})
    assert plan.evaluate(frame(image=pts), View.FRONT).values[0] == pytest.approx(0.5)


def test_min_side_picks_the_more_bent_leg() -> None:
    pts = dict(IMAGE) | {J.RIGHT_HIP: (300.0, 100.0), J.RIGHT_KNEE: (300.0, 200.0), J.RIGHT_ANKLE: (300.0, 300.0)}
    plan = SignalPlan({"knee": SignalSpec(angle=("hip", "knee", "ankle"), side="min")})
    sv = plan.evaluate(frame(image=pts), View.SIDE)
    assert sv.values[0] == pytest.approx(90.0)
    assert (sv.left[0], sv.right[0]) == pytest.approx((90.0, 180.0))


def test_the_counted_signal_uses_a_joint_the_picture_cuts_off_and_other_signals_do_not() -> None:
    """A squat filmed with the feet below the picture: the model's low-visibility guess of the ankle counts."""
    cut = {J.LEFT_HIP: (100.0, 300.0), J.LEFT_KNEE: (100.0, 400.0), J.LEFT_ANKLE: (200.0, 500.0)}  # ankle below 480
    f = frame(0.0, cut, None)
    low = f.confidence.copy()
    low[J.LEFT_ANKLE] = 0.1
    f = f.with_changes(confidence=low)
    spec = {
        "knee": SignalSpec(angle=("hip", "knee", "ankle"), side="left", plane="sagittal"),
        "shin": SignalSpec(angle=("hip", "knee", "ankle"), side="left", plane="sagittal"),
    }
    counted = SignalPlan(spec, counted="knee").evaluate(f, View.SIDE)
    assert counted.values[0] == pytest.approx(135.0)
    assert math.isnan(counted.values[1])  # a form rule's signal still needs a visible joint
    assert math.isnan(SignalPlan(spec).evaluate(f, View.SIDE).values[0])
    # inside the picture, the same low visibility is an occlusion, not a cut: unseen
    inside = f.with_changes(image_xy_px=np.where(np.isfinite(f.image_xy_px), f.image_xy_px - [0.0, 100.0], np.nan))
    assert math.isnan(SignalPlan(spec, counted="knee").evaluate(inside, View.SIDE).values[0])
