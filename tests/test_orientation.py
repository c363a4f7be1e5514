"""Upright inference: rotation geometry (pure) and its effect with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors.camera.estimator import RECENT_BODY_FRAMES, PoseEstimator
from sensors.camera.orientation import (
    Rotation,
    body_size_px,
    choose_rotation,
    fallback_order,
    plausible_rescue,
    rotate_image,
    rotate_points,
    rotated_size,
    torso_angle_from_horizontal_deg,
    torso_foreshortened,
    unrotate_points,
    unrotate_world,
    upright_rotation,
)
from sensors.joints import Joint

ROTATIONS = [Rotation.NONE, Rotation.CW90, Rotation.CCW90]


def _pose(shoulders_xy: tuple[float, float], hips_xy: tuple[float, float], shoulder_width_px: float = 10.0):
    """A (33, 2) pose with only shoulders and hips set (others NaN)."""
    xy = np.full((33, 2), np.nan)
    half = np.array([shoulder_width_px / 2, 0.0])
    xy[Joint.LEFT_SHOULDER] = np.array(shoulders_xy) + half
    xy[Joint.RIGHT_SHOULDER] = np.array(shoulders_xy) - half
    xy[Joint.LEFT_HIP] = np.array(hips_xy) + half
    xy[Joint.RIGHT_HIP] = np.array(hips_xy) - half
    return xy


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_rotate_then_unrotate_is_identity_on_coordinates(rotation: Rotation) -> None:
    rng = np.random.default_rng(1)
    size = (640, 480)
    xy = rng.uniform(0, 1, (33, 2)) * size
    back = unrotate_points(rotate_points(xy, rotation, size), rotation, size)
    np.testing.assert_allclose(back, xy, atol=1e-9)


@pytest.mark.parametrize("rotation", [Rotation.CW90, Rotation.CCW90])
def test_rotate_points_follows_cv2_rotate_pixel_for_pixel(rotation: Rotation) -> None:
    w, h = 7, 4
    image = np.zeros((h, w), dtype=np.uint8)
    image[1, 5] = 255  # pixel x=5, y=1; its centre is (5.5, 1.5)
    turned = rotate_image(image, rotation)
    assert (turned.shape[1], turned.shape[0]) == rotated_size((w, h), rotation)
    y_new, x_new = np.argwhere(turned == 255)[0]
    centre = rotate_points(np.array([[5.5, 1.5]]), rotation, (w, h))[0]
    np.testing.assert_allclose(centre, [x_new + 0.5, y_new + 0.5])


@pytest.mark.parametrize("rotation", [Rotation.CW90, Rotation.CCW90])
def test_world_unrotation_turns_like_the_image(rotation: Rotation) -> None:
    # a unit step right/down in the original image, seen in the rotated image, must come back as the same step
    size = (100, 60)
    step = np.array([[10.0, 20.0], [13.0, 24.0]])
    turned = rotate_points(step, rotation, size)
    d_rot = turned[1] - turned[0]
    back = unrotate_world(np.array([[d_rot[0], d_rot[1], 0.7]]), rotation)[0]
    np.testing.assert_allclose(back, [3.0, 4.0, 0.7])


def test_horizontal_torso_head_right_turns_counter_clockwise() -> None:
    assert upright_rotation(_pose(shoulders_xy=(300, 200), hips_xy=(100, 210))) is Rotation.CCW90


def test_horizontal_torso_head_left_turns_clockwise() -> None:
    assert upright_rotation(_pose(shoulders_xy=(100, 200), hips_xy=(300, 190))) is Rotation.CW90


def test_upright_torso_is_not_turned() -> None:
    xy = _pose(shoulders_xy=(200, 100), hips_xy=(210, 300))
    assert torso_angle_from_horizontal_deg(xy) > 80
    assert upright_rotation(xy) is Rotation.NONE


def test_turned_image_stands_the_torso_up() -> None:
    size = (640, 480)
    for xy in (_pose((300, 200), (100, 210)), _pose((100, 200), (300, 190))):
        turned = rotate_points(xy, upright_rotation(xy), size)
        shoulders = turned[[Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER]].mean(axis=0)
        axis = shoulders - turned[[Joint.LEFT_HIP, Joint.RIGHT_HIP]].mean(axis=0)
        assert axis[1] < 0
        assert abs(axis[1]) > abs(axis[0])


def test_foreshortened_torso_is_never_turned() -> None:
    # a head-on push-up: the torso is short in 2D next to wide shoulders
    xy = _pose(shoulders_xy=(320, 200), hips_xy=(300, 205), shoulder_width_px=120)
    assert torso_foreshortened(xy)
    assert choose_rotation(xy, Rotation.CCW90) is Rotation.NONE


def test_choose_rotation_has_hysteresis_around_45_deg() -> None:
    at_48_deg = _pose(shoulders_xy=(100 + 100, 100), hips_xy=(100, 100 + 111))
    assert 47 < torso_angle_from_horizontal_deg(at_48_deg) < 49
    assert choose_rotation(at_48_deg, Rotation.CCW90) is Rotation.CCW90  # stays turned
    assert choose_rotation(at_48_deg, Rotation.NONE) is Rotation.NONE  # does not start turning


def test_fallback_tries_upright_first_when_turned_and_never_repeats() -> None:
    order = fallback_order(Rotation.CW90, np.array([-1.0, 0.0]))
    assert order[0] is Rotation.NONE
    assert Rotation.CW90 not in order
    assert len(order) == 2


@pytest.mark.realdata
def test_body_lying_sideways_is_found_upright_and_rotated_back(shared_data: Path) -> None:
    testdata = shared_data / "mediapipe_testdata"
    rgb = cv2.cvtColor(cv2.imread(str(testdata / "pose.jpg")), cv2.COLOR_BGR2RGB)
    h, w = rgb.shape[:2]
    expected = np.array(json.loads((testdata / "pose_expected_landmarks.json").read_text())["EXPECTED_POSE_LANDMARKS"])
    lying = cv2.rotate(rgb, cv2.ROTATE_90_CLOCKWISE)  # head now points right
    expected_lying = rotate_points(expected.astype(float), Rotation.CW90, (w, h))
    with PoseEstimator(orientation="upright", static_image_mode=True) as est:
        first = est.estimate(lying, t_s=0.0, index=0)
        second = est.estimate(lying, t_s=0.1, index=1)
    assert first.has_player
    assert second.has_player
    assert second.meta["rotation"] == "ccw90"  # judged horizontal from the first pose
    assert np.abs(second.image_xy_px - expected_lying).max() <= 15.0


@pytest.mark.realdata
def test_rotation_does_not_lower_detection_rate_on_a_pushup_clip(shared_data: Path) -> None:
    # push-up side view, 4 s from 2 s (after the title card), every 4th frame
    cap = cv2.VideoCapture(str(shared_data / "clips" / "pushup_side_b.mp4"))
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.set(cv2.CAP_PROP_POS_FRAMES, int(2 * fps))
    frames = []
    for i in range(int(4 * fps)):
        ok, bgr = cap.read()
        assert ok
        if i % 4 == 0:
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    rates: dict[str, float] = {}
    rotations: set[str] = set()
    for mode in ("off", "auto"):
        with PoseEstimator(orientation=mode) as est:
            found = [est.estimate(rgb, t_s=i * 4 / fps, index=i) for i, rgb in enumerate(frames)]
        rates[mode] = float(np.mean([f.has_player for f in found]))
        if mode == "auto":
            rotations = {f.meta["rotation"] for f in found}
    assert rotations & {"cw90", "ccw90"}  # the rotation was actually used
    assert rates["auto"] >= rates["off"]
    assert rates["auto"] >= 0.9


@pytest.mark.realdata
def test_after_a_horizontal_body_leaves_an_upright_one_is_found_again(shared_data: Path) -> None:
    rgb = cv2.cvtColor(cv2.imread(str(shared_data / "mediapipe_testdata" / "pose.jpg")), cv2.COLOR_BGR2RGB)
    lying = cv2.rotate(rgb, cv2.ROTATE_90_CLOCKWISE)
    empty = np.full_like(rgb, 128)
    with PoseEstimator(orientation="auto", static_image_mode=True) as est:
        est.estimate(lying, t_s=0.0, index=0)
        turned = est.estimate(lying, t_s=0.1, index=1)
        for i in range(2, 2 + RECENT_BODY_FRAMES + 1):  # the room stays empty for a while
            est.estimate(empty, t_s=i / 30, index=i)
        upright = est.estimate(rgb, t_s=1.0, index=30)
    assert turned.meta["rotation"] == "ccw90"
    assert upright.has_player
    assert upright.meta["rotation"] == "none"


def _visible_body(scale: float) -> tuple[np.ndarray, np.ndarray]:
    xy = _pose(shoulders_xy=(200, 100), hips_xy=(200, 100 + 100 * scale), shoulder_width_px=40 * scale)
    xy[[Joint.LEFT_ANKLE, Joint.RIGHT_ANKLE]] = [[190, 100 + 250 * scale], [210, 100 + 250 * scale]]
    return xy, np.full(33, 0.9)


def test_rescued_pose_of_the_size_last_seen_is_plausible() -> None:
    xy, vis = _visible_body(1.0)
    assert plausible_rescue(xy, vis, last_size_px=body_size_px(xy))


def test_small_crumpled_rescued_pose_is_rejected() -> None:
    big, _ = _visible_body(1.0)
    small, vis = _visible_body(0.3)
    assert not plausible_rescue(small, vis, last_size_px=body_size_px(big))


def test_rescued_pose_with_an_unseen_torso_is_rejected() -> None:
    xy, vis = _visible_body(1.0)
    vis[[Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_HIP, Joint.RIGHT_HIP]] = 0.2
    assert not plausible_rescue(xy, vis, last_size_px=None)
