"""The twin pull: a side view's far-side joints are pulled toward their near twin's mirror image."""

from __future__ import annotations

import numpy as np
import pytest

from sensors import Joint, PoseFrame
from sensors.joints import LEFT_RIGHT_PAIRS
from sensors.tracking import PoseTracker, TrackerConfig
from sensors.tracking.twin import mid_plane, project, pull, reflect, side_view_weight, smooth_normal
from tests.sensor_helpers import depth_frame

FPS = 30.0
FX = 500.0
LEFT = np.array([a for a, _ in LEFT_RIGHT_PAIRS])
RIGHT = np.array([b for _, b in LEFT_RIGHT_PAIRS])
#: the right side's limbs and face: the far side when the left faces the camera
FAR_LIMBS = np.array([b for _, b in LEFT_RIGHT_PAIRS if b not in (Joint.RIGHT_HIP, Joint.RIGHT_SHOULDER)])


def _symmetric_body(seed: int = 3) -> np.ndarray:
    """(33, 3) body metres, mirror-symmetric in the plane x = 0 (x: right to left, y down, z forward)."""
    rng = np.random.default_rng(seed)
    body = np.zeros((len(Joint), 3))
    body[LEFT] = rng.uniform([0.08, -0.7, -0.3], [0.25, 0.8, 0.4], (len(LEFT), 3))
    body[RIGHT] = body[LEFT] * np.array([-1.0, 1.0, 1.0])
    return body


def _in_camera(body: np.ndarray, side_view: bool, i: int) -> np.ndarray:
    """The body at 2.5 m, seen from its left side (``side_view``) or from the front, swaying slowly."""
    if side_view:  # body x (its left) -> camera -z (towards the camera), body z (forward) -> camera x
        cam = np.stack([body[:, 2], body[:, 1], -body[:, 0]], axis=1)
    else:  # facing the camera: its left is the image's right
        cam = np.stack([body[:, 0], body[:, 1], -body[:, 2]], axis=1)
    return cam + np.array([0.03 * np.sin(i / FPS), 0.0, 2.5])


def _frame(i: int, cam: np.ndarray, conf: np.ndarray) -> PoseFrame:
    return depth_frame(i, cam, conf, FPS, FX)


def _wander(frames: int, std_m: float, seed: int) -> np.ndarray:
    """(frames, 33, 3) slow noise (an AR(1) process with a ~1 s time constant) of std ``std_m``."""
    rng = np.random.default_rng(seed)
    a = np.exp(-1.0 / FPS)
    out = np.zeros((frames, len(Joint), 3))
    out[0] = rng.normal(0.0, std_m, (len(Joint), 3))
    for i in range(1, frames):
        out[i] = a * out[i - 1] + np.sqrt(1 - a * a) * rng.normal(0.0, std_m, (len(Joint), 3))
    return out


def _run(side_view: bool, twin_pull: bool, body: np.ndarray | None = None, frames: int = 150) -> np.ndarray:
    """(frames - 30, 33) errors (m) of the tracker's camera-space output. The right side's limbs and face
    are seen poorly (confidence 0.3, 5 cm slow noise), the left side well (0.95, 5 mm), and the right hip
    and shoulder in between (0.95, 1 cm: fusion places them a width behind the near ones)."""
    body = _symmetric_body() if body is None else body
    conf = np.full(len(Joint), 0.95)
    conf[FAR_LIMBS] = 0.3
    noise = _wander(frames, 0.005, 1)
    noise[:, FAR_LIMBS] = _wander(frames, 0.05, 2)[:, FAR_LIMBS]
    far_trunk = [Joint.RIGHT_HIP, Joint.RIGHT_SHOULDER]
    noise[:, far_trunk] = _wander(frames, 0.01, 3)[:, far_trunk]
    tracker = PoseTracker(TrackerConfig(twin_pull=twin_pull))
    errs = []
    for i in range(frames):
        truth = _in_camera(body, side_view, i)
        out = tracker.update(_frame(i, truth + noise[i], conf))
        if i >= 30:
            errs.append(np.linalg.norm(out.camera_xyz_m - truth, axis=1))
    return np.array(errs)


def test_a_side_views_far_limbs_are_pulled_toward_the_near_ones_mirror_image() -> None:
    on, off = _run(True, True), _run(True, False)
    far_on, far_off = on[:, FAR_LIMBS].mean(), off[:, FAR_LIMBS].mean()
    assert far_on < 0.75 * far_off, (far_on, far_off)
    np.testing.assert_array_equal(on[:, LEFT], off[:, LEFT])  # the near side is never moved


def test_a_front_view_is_not_pulled() -> None:
    np.testing.assert_array_equal(_run(False, True), _run(False, False))


def test_a_far_limb_that_moves_on_its_own_is_left_alone() -> None:
    body = _symmetric_body()
    right_arm = [Joint.RIGHT_WRIST, Joint.RIGHT_PINKY, Joint.RIGHT_INDEX, Joint.RIGHT_THUMB]
    body[right_arm] += np.array([0.0, -0.5, 0.4])  # raised and reaching forward: 0.64 m from the mirror image
    on, off = _run(True, True, body), _run(True, False, body)
    np.testing.assert_array_equal(on[:, right_arm], off[:, right_arm])
    assert on[:, FAR_LIMBS].mean() < off[:, FAR_LIMBS].mean()  # the rest of the far side still is


def _plane(p_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    centre, normal = np.empty(3), np.empty(3)
    assert mid_plane(p_m, np.ones(len(Joint), bool), centre, normal)
    return centre, normal


def test_mirror_plane_reflection_and_view() -> None:
    body = _symmetric_body()
    centre, normal = _plane(body)
    np.testing.assert_allclose(normal, [1.0, 0.0, 0.0], atol=1e-12)
    mirror = np.empty(3)
    for left, right in zip(LEFT, RIGHT, strict=True):
        reflect(body[left], centre, normal, mirror)
        np.testing.assert_allclose(mirror, body[right], atol=1e-12)
    assert side_view_weight(*_plane(_in_camera(body, True, 0)), 0.5, 0.8) == pytest.approx(1.0)
    assert side_view_weight(*_plane(_in_camera(body, False, 0)), 0.5, 0.8) == 0.0
    known = np.ones(len(Joint), bool)
    known[Joint.RIGHT_HIP] = False
    assert not mid_plane(body, known, np.empty(3), np.empty(3))


def _smoothed(previous: np.ndarray, normal: np.ndarray, dt_s: float, tau_s: float) -> np.ndarray:
    previous, normal = previous.copy(), normal.copy()
    smooth_normal(previous, normal, dt_s, tau_s)
    np.testing.assert_array_equal(previous, normal)  # the smoothed normal is kept for the next frame
    return normal


def test_the_normal_is_smoothed_but_follows_a_turn_around() -> None:
    a, b = np.array([1.0, 0.0, 0.0]), np.array([0.5, np.sqrt(0.75), 0.0])  # 60 degrees apart
    np.testing.assert_allclose(_smoothed(a, b, 1.0, 1.0), [np.sqrt(0.75), 0.5, 0.0])  # half way: 30 degrees
    np.testing.assert_array_equal(_smoothed(np.zeros(3), b, 1.0, 1.0), b)  # the first frame
    np.testing.assert_array_equal(_smoothed(a, b, 1.0, 0.0), b)  # not smoothed
    np.testing.assert_array_equal(_smoothed(a, -a, 0.03, 1.5), -a)  # turned around: no mix through zero


def _pull(p_m: np.ndarray, var: np.ndarray, known: np.ndarray, gate_m: float, tilt_rad: float = 0.0) -> np.ndarray:
    delta = np.full_like(p_m, np.nan)
    pull(p_m, var, known, *_plane(_in_camera(_symmetric_body(), True, 0)), 0.05, gate_m, 1.0, tilt_rad, delta)
    return delta


def test_the_pull_is_a_kalman_update_that_fades_out_at_the_gate() -> None:
    body = _in_camera(_symmetric_body(), True, 0)
    wrong = body.copy()
    wrong[Joint.RIGHT_KNEE] += np.array([0.0, 0.1, 0.0])  # 10 cm off its mirror image
    var = np.full(len(Joint), 0.02**2)
    var[Joint.RIGHT_KNEE] = 0.06**2
    known = np.ones(len(Joint), bool)
    delta = _pull(wrong, var, known, 0.4)
    gain = 0.06**2 / (0.06**2 + 0.02**2 + 0.05**2) * (1 - 0.1 / 0.4)
    np.testing.assert_allclose(delta[Joint.RIGHT_KNEE], [0.0, -0.1 * gain, 0.0], atol=1e-12)
    assert np.count_nonzero(np.abs(delta).sum(axis=1) > 1e-12) == 1  # the others sit on their mirror image
    assert not _pull(wrong, var, known, 0.09).any()  # beyond the gate
    known[Joint.LEFT_KNEE] = False
    assert not _pull(wrong, var, known, 0.4).any()  # no twin known


def test_the_far_shoulder_is_pulled_to_keep_the_shoulders_axis_parallel_to_the_hips() -> None:
    body = _in_camera(_symmetric_body(), True, 0)
    tracker_view = body.copy()
    tracker_view[Joint.RIGHT_SHOULDER, 1] += 0.05  # the far shoulder 5 cm low: the axis tilted
    centre, normal = np.empty(3), np.empty(3)
    assert mid_plane(tracker_view, np.ones(len(Joint), bool), centre, normal)
    delta = np.zeros_like(body)
    pull(
        tracker_view,
        np.full(len(Joint), 0.03**2),
        np.ones(len(Joint), bool),
        centre,
        normal,
        0.05,
        0.4,
        1.0,
        0.0,
        delta,
    )
    assert delta[Joint.RIGHT_SHOULDER, 1] < -0.005  # raised towards where a parallel axis puts it
    assert delta[Joint.RIGHT_HIP, 1] > 0.0  # the hips' axis turns the other way: the two meet half way
    assert not delta[[Joint.LEFT_SHOULDER, Joint.LEFT_HIP]].any()  # the near side stays


def test_along_an_uncertain_normal_a_point_far_from_the_centre_is_pulled_less() -> None:
    body = _in_camera(_symmetric_body(), True, 0)
    wrong = body.copy()
    wrong[Joint.RIGHT_FOOT_INDEX, 2] += 0.1  # 10 cm off its mirror image, along the normal (depth)
    wrong[Joint.RIGHT_KNEE, 1] += 0.1  # and the knee 10 cm off within the plane
    var, known = np.full(len(Joint), 0.03**2), np.ones(len(Joint), bool)
    sure, unsure = _pull(wrong, var, known, 0.4), _pull(wrong, var, known, 0.4, tilt_rad=0.1)
    assert abs(unsure[Joint.RIGHT_FOOT_INDEX, 2]) < 0.5 * abs(sure[Joint.RIGHT_FOOT_INDEX, 2])
    np.testing.assert_allclose(unsure[Joint.RIGHT_KNEE], sure[Joint.RIGHT_KNEE], atol=1e-12)  # within the plane


def test_an_unsmoothed_normal_in_one_instant_is_no_division_by_zero() -> None:
    body = _in_camera(_symmetric_body(), True, 0)
    state, delta = np.array([0.0, 0.0, 0.0, 0.5]), np.zeros_like(body)
    known, noise_weight = np.ones(len(Joint), bool), np.ones(len(Joint))
    side = project(body, known, noise_weight, 3.0, 500.0, state, 0.0, 0.0, 0.5, 0.8, 0.05, 0.4, delta)
    assert side == pytest.approx(1.0)
    assert state[3] == 0.0  # no time to smooth over: this frame's normal, no tilt
