"""The Kalman pose tracker: smooths, gates glitches, coasts, re-acquires, predicts."""

from __future__ import annotations

import numpy as np
import pytest

from sensors import Joint, JointSource, PoseFrame, TrackingState
from sensors.tracker import PoseTracker

FPS = 30.0


def _frame(i: int, xy: np.ndarray, seen: np.ndarray | None = None) -> PoseFrame:
    n = len(Joint)
    seen = np.ones(n, bool) if seen is None else seen
    image = np.where(seen[:, None], xy, np.nan)
    world = np.where(seen[:, None], np.c_[xy / 1000.0, np.zeros(n)], np.nan)
    return PoseFrame(
        t_s=i / FPS,
        index=i,
        image_size_px=(640, 480),
        image_xy_px=image,
        camera_xyz_m=np.full((n, 3), np.nan),
        world_xyz_m=world,
        confidence=np.where(seen, 0.9, 0.0).astype(np.float32),
        source=np.where(seen, JointSource.MONOCULAR, JointSource.MISSING).astype(np.uint8),
    )


def _truth(i: int) -> np.ndarray:
    """Every joint moving right at 60 px/s from a spread of start points."""
    base = np.stack([np.linspace(100, 400, len(Joint)), np.linspace(100, 300, len(Joint))], axis=1)
    return base + np.array([60.0 * i / FPS, 0.0])


def test_smooths_landmark_jitter() -> None:
    rng = np.random.default_rng(1)
    tracker = PoseTracker()
    raw_err, filt_err = [], []
    for i in range(90):
        noisy = _truth(i) + rng.normal(0, 3.0, (len(Joint), 2))
        out = tracker.update(_frame(i, noisy))
        if i >= 30:
            raw_err.append(np.abs(noisy - _truth(i)).mean())
            filt_err.append(np.abs(out.image_xy_px - _truth(i)).mean())
    assert np.mean(filt_err) < 0.8 * np.mean(raw_err)


def test_single_frame_glitch_is_gated_out() -> None:
    tracker = PoseTracker()
    for i in range(20):
        tracker.update(_frame(i, _truth(i)))
    glitch = _truth(20).copy()
    glitch[Joint.LEFT_WRIST] += (150.0, -120.0)
    out = tracker.update(_frame(20, glitch))
    assert np.linalg.norm(out.image_xy_px[Joint.LEFT_WRIST] - _truth(20)[Joint.LEFT_WRIST]) < 5.0
    assert out.source[Joint.LEFT_WRIST] == JointSource.PREDICTED


def test_joint_that_really_moved_is_reacquired() -> None:
    tracker = PoseTracker()
    for i in range(20):
        tracker.update(_frame(i, _truth(i)))
    shift = np.zeros((len(Joint), 2))
    shift[Joint.LEFT_WRIST] = (150.0, -120.0)
    for i in range(20, 26):
        out = tracker.update(_frame(i, _truth(i) + shift))
    assert np.linalg.norm(out.image_xy_px[Joint.LEFT_WRIST] - (_truth(25) + shift)[Joint.LEFT_WRIST]) < 10.0
    assert out.source[Joint.LEFT_WRIST] == JointSource.MONOCULAR


def test_occluded_joint_coasts_along_its_velocity_then_goes_missing() -> None:
    tracker = PoseTracker()
    for i in range(30):
        tracker.update(_frame(i, _truth(i)))
    seen = np.ones(len(Joint), bool)
    seen[Joint.RIGHT_KNEE] = False
    out = tracker.update(_frame(35, _truth(35), seen))
    knee = Joint.RIGHT_KNEE
    assert out.source[knee] == JointSource.PREDICTED
    assert np.linalg.norm(out.image_xy_px[knee] - _truth(35)[knee]) < 3.0
    assert 0.0 < out.confidence[knee] < 0.9
    late = tracker.update(_frame(60, _truth(60), seen))  # 0.8 s without the knee
    assert late.source[knee] == JointSource.MISSING
    assert np.isnan(late.image_xy_px[knee]).all()
    assert late.confidence[knee] == 0.0


def test_predict_extrapolates_to_display_time() -> None:
    tracker = PoseTracker()
    for i in range(30):
        tracker.update(_frame(i, _truth(i)))
    ahead = tracker.predict(29 / FPS + 0.05)
    assert ahead is not None
    expected = _truth(29) + np.array([60.0 * 0.05, 0.0])
    assert np.abs(ahead.image_xy_px - expected).max() < 1.0
    assert ahead.t_s == pytest.approx(29 / FPS + 0.05)


def test_frames_of_someone_else_are_not_learned() -> None:
    tracker = PoseTracker()
    for i in range(20):
        tracker.update(_frame(i, _truth(i)))
    stranger = _frame(20, _truth(20) + 200.0).with_changes(tracking=TrackingState.PLAYER_LOST)
    assert tracker.update(stranger) is stranger
    back = tracker.update(_frame(21, _truth(21)))
    assert np.abs(back.image_xy_px - _truth(21)).max() < 3.0


def test_predict_before_any_frame_is_none() -> None:
    assert PoseTracker().predict(1.0) is None
