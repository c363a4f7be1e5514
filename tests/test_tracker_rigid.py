"""Rigid groups: the head, hands and feet keep their shape; a poorly seen point is pulled onto it."""

from __future__ import annotations

import numpy as np
import pytest

from sensors import Joint, JointSource, PoseFrame
from sensors.tracking import PoseTracker, TrackerConfig
from sensors.tracking.rigid import GROUPS
from tests.sensor_helpers import depth_frame

FPS = 30.0
FX = 500.0
_BODY = np.random.default_rng(7).uniform(-0.3, 0.3, (len(Joint), 3)) * np.array([1.0, 3.0, 0.5])


def _rot_y(angle_rad: float) -> np.ndarray:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def _truth(i: int, turn_hz: float = 1 / (2 * np.pi)) -> np.ndarray:
    """(33, 3) camera metres: a rigid body turning 40 degrees to and fro (by default once in 2 pi s, at
    most 0.7 rad/s) and walking sideways over 3 s at 2.5 m."""
    t = i / FPS
    angle = np.radians(40.0) * np.sin(2 * np.pi * turn_hz * t)
    return _BODY @ _rot_y(angle).T + np.array([0.2 * np.sin(1.3 * t), 0.05 * t, 2.5])


def _frame(i: int, cam: np.ndarray, conf: np.ndarray) -> PoseFrame:
    return depth_frame(i, cam, conf, FPS, FX)


def _errors_m(
    config: TrackerConfig, noise: np.ndarray, conf: np.ndarray, skip: int = 30, turn_hz: float = 1 / (2 * np.pi)
) -> np.ndarray:
    """(frames - skip, 33) camera-space errors of the tracker's output after ``skip`` frames."""
    tracker = PoseTracker(config)
    errs = []
    for i in range(len(noise)):
        out = tracker.update(_frame(i, _truth(i, turn_hz) + noise[i], conf))
        if i >= skip:
            errs.append(np.linalg.norm(out.camera_xyz_m - _truth(i, turn_hz), axis=1))
    return np.array(errs)


def test_a_clean_rigid_motion_keeps_its_accuracy_and_shape() -> None:
    conf = np.full(len(Joint), 0.95)
    noise = np.zeros((120, len(Joint), 3))
    on = _errors_m(TrackerConfig(), noise, conf)
    off = _errors_m(TrackerConfig(rigid_groups=False), noise, conf)
    members = [j for g in GROUPS for j in g]
    # never worse on a clean rigid motion (a turn of 40 degrees and a walk): within 1 mm per point
    assert on[:, members].mean() <= off[:, members].mean() + 0.001
    assert on[:, members].max() < 0.03


def test_a_poorly_seen_ear_is_pulled_onto_the_head() -> None:
    rng = np.random.default_rng(3)
    n = len(Joint)
    conf = np.full(n, 0.95)
    conf[Joint.LEFT_EAR] = 0.4
    noise = rng.normal(0.0, 0.004, (300, n, 3))  # well seen points: 4 mm
    slow = np.zeros(3)
    for i in range(300):  # the ear's own noise wanders for several frames (6 cm, correlated 0.85)
        slow = 0.85 * slow + np.sqrt(1 - 0.85**2) * rng.normal(0.0, 0.06, 3)
        noise[i, Joint.LEFT_EAR] = slow
    # after 5 s (the ear's place on the head is learnt from its own wandering estimates)
    on = _errors_m(TrackerConfig(), noise, conf, skip=150)[:, Joint.LEFT_EAR]
    off = _errors_m(TrackerConfig(rigid_groups=False), noise, conf, skip=150)[:, Joint.LEFT_EAR]
    assert np.sqrt(np.mean(on**2)) < 0.5 * np.sqrt(np.mean(off**2))  # measured 29 vs 106 mm


def test_a_turn_only_a_poorly_seen_heel_shows_is_not_fitted_to_its_noise() -> None:
    """The foot's turn about its ankle-toe line moves only the heel: fitted freely, it followed the heel's
    own wander and the pull handed the heel its error back; the turn prior holds it (``rigid.turn_prior``)."""
    rng = np.random.default_rng(5)
    n = len(Joint)
    conf = np.full(n, 0.95)
    conf[Joint.LEFT_HEEL] = 0.4
    noise = rng.normal(0.0, 0.004, (300, n, 3))
    slow = np.zeros(3)
    for i in range(300):  # the heel's noise wanders for several frames (6 cm, correlated 0.85)
        slow = 0.85 * slow + np.sqrt(1 - 0.85**2) * rng.normal(0.0, 0.06, 3)
        noise[i, Joint.LEFT_HEEL] = slow
    held = _errors_m(TrackerConfig(), noise, conf, skip=150)[:, Joint.LEFT_HEEL]
    free = _errors_m(TrackerConfig(rigid_turn_rad_s=0.0), noise, conf, skip=150)[:, Joint.LEFT_HEEL]
    assert np.sqrt(np.mean(held**2)) < 0.9 * np.sqrt(np.mean(free**2))  # measured 64 vs 78 mm


def test_a_fast_turn_is_not_held_back_by_the_turn_prior() -> None:
    """Turning 40 degrees to and fro twice a second (up to 8.8 rad/s, a swinging hand's rate), clean: the
    groups keep up within 1 mm of no groups at all, because the prior's std grows with the members'
    speed (measured 13.4 vs 13.1 mm; without the speed term 15.3)."""
    conf = np.full(len(Joint), 0.95)
    noise = np.zeros((120, len(Joint), 3))
    members = [j for g in GROUPS for j in g]
    held = _errors_m(TrackerConfig(), noise, conf, turn_hz=2.0)[:, members].mean()
    off = _errors_m(TrackerConfig(rigid_groups=False), noise, conf, turn_hz=2.0)[:, members].mean()
    assert held <= off + 0.001


def test_the_turn_prior_is_the_precision_of_a_turn_in_one_frame() -> None:
    from sensors.tracking.rigid import turn_prior

    assert turn_prior(3.0, 0.1) == pytest.approx(1.0 / 0.3**2)
    assert turn_prior(3.0, 0.05) == pytest.approx(4 * turn_prior(3.0, 0.1))  # a shorter frame: a smaller turn
    assert turn_prior(0.0, 0.1) == 0.0  # off
    assert turn_prior(3.0, 0.0) == 0.0  # no time between frames: no prior


def test_predict_and_the_snapshot_show_the_rigid_pull() -> None:
    from sensors.tracking.snapshot import predict_pose

    rng = np.random.default_rng(4)
    conf = np.full(len(Joint), 0.95)
    conf[Joint.RIGHT_HEEL] = 0.3
    tracker = PoseTracker()
    for i in range(40):
        cam = _truth(i) + rng.normal(0.0, 0.004, (len(Joint), 3))
        cam[Joint.RIGHT_HEEL] += rng.normal(0.0, 0.05, 3)
        out = tracker.update(_frame(i, cam, conf))
    snap = tracker.snapshot()
    assert snap is not None
    ahead = tracker.predict(out.t_s + 0.02)
    assert ahead is not None
    np.testing.assert_allclose(predict_pose(snap, out.t_s + 0.02).camera_xyz_m, ahead.camera_xyz_m)
    # at the frame's own time predict() is the update's output (the pull included)
    now = tracker.predict(out.t_s)
    assert now is not None
    np.testing.assert_allclose(now.camera_xyz_m, out.camera_xyz_m)


def test_the_pose_models_monocular_3d_is_not_pulled_onto_rigid_shapes() -> None:
    """World landmarks are the model's guesses, not a rigid body's measurements: a webcam stream's
    joints come out the same with the groups on or off (on, a barbell squat clip lost its count)."""
    rng = np.random.default_rng(5)
    conf = np.full(len(Joint), 0.9)
    conf[[Joint.LEFT_EAR, Joint.RIGHT_EAR]] = 0.2
    on, off = PoseTracker(TrackerConfig()), PoseTracker(TrackerConfig(rigid_groups=False))
    for i in range(60):
        f = _frame(i, _truth(i) + rng.normal(0.0, 0.02, (len(Joint), 3)), conf)
        webcam = f.with_changes(
            camera_xyz_m=np.full_like(f.camera_xyz_m, np.nan),
            source=np.full(len(Joint), JointSource.MONOCULAR, np.uint8),
        )
        a, b = on.update(webcam), off.update(webcam)
        np.testing.assert_allclose(a.world_xyz_m, b.world_xyz_m, atol=1e-9)
        np.testing.assert_allclose(a.image_xy_px, b.image_xy_px, atol=1e-9)
