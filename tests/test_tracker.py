"""The Kalman pose tracker: smooths, gates glitches, coasts, re-acquires, predicts."""

from __future__ import annotations

import numpy as np
import pytest

from sensors import Joint, JointSource, PoseFrame, TrackingState
from sensors.tracker import PoseTracker, TrackerConfig

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


def _truth(i: int, speed_px_s: float = 60.0) -> np.ndarray:
    """Every joint moving right at ``speed_px_s`` from a spread of start points."""
    base = np.stack([np.linspace(100, 400, len(Joint)), np.linspace(100, 300, len(Joint))], axis=1)
    return base + np.array([speed_px_s * i / FPS, 0.0])


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


@pytest.mark.parametrize("speed_px_s", [60.0, 150.0])
@pytest.mark.parametrize(
    "config",
    [TrackerConfig(), TrackerConfig(p_still_to_moving=1.0, p_moving_to_still=0.0)],
    ids=["imm", "moving-model"],
)
def test_occluded_joint_coasts_along_its_velocity_then_goes_missing(config: TrackerConfig, speed_px_s: float) -> None:
    """A joint hidden for 6 frames (0.2 s) while the rest of the body is seen is carried along its
    velocity: within 3 px of where it is, held where it was last seen it would be 10 or 25 px off."""
    tracker = PoseTracker(config)
    for i in range(30):
        tracker.update(_frame(i, _truth(i, speed_px_s)))
    seen = np.ones(len(Joint), bool)
    seen[Joint.RIGHT_KNEE] = False
    for i in range(30, 36):
        out = tracker.update(_frame(i, _truth(i, speed_px_s), seen))
    knee = Joint.RIGHT_KNEE
    assert out.source[knee] == JointSource.PREDICTED
    assert np.linalg.norm(out.image_xy_px[knee] - _truth(35, speed_px_s)[knee]) < 3.0
    assert 0.0 < out.confidence[knee] < 0.9
    late = tracker.update(_frame(60, _truth(60, speed_px_s), seen))  # 0.8 s without the knee
    assert late.source[knee] == JointSource.MISSING
    assert np.isnan(late.image_xy_px[knee]).all()
    assert late.confidence[knee] == 0.0


def test_predict_extrapolates_to_display_time() -> None:
    """A joint clearly moving (300 px/s: 10 px a frame against ~4 px of landmark noise; at
    2 px a frame the IMM rightly weighs "still" too) is extrapolated along its velocity."""
    tracker = PoseTracker()
    for i in range(30):
        tracker.update(_frame(i, _truth(i, 300.0)))
    ahead = tracker.predict(29 / FPS + 0.05)
    assert ahead is not None
    expected = _truth(29, 300.0) + np.array([300.0 * 0.05, 0.0])
    # within 15 % of the 15 px extrapolated (the IMM's velocity is its modes' mixture)
    assert np.abs(ahead.image_xy_px - expected).max() < 0.15 * 15.0
    assert ahead.t_s == pytest.approx(29 / FPS + 0.05)


def test_frames_of_someone_else_are_not_learned() -> None:
    tracker = PoseTracker()
    for i in range(20):
        tracker.update(_frame(i, _truth(i)))
    stranger = _frame(20, _truth(20) + 200.0).with_changes(tracking=TrackingState.PLAYER_LOST)
    assert tracker.update(stranger) is stranger
    back = tracker.update(_frame(21, _truth(21)))
    assert np.abs(back.image_xy_px - _truth(21)).max() < 3.0


def test_joint_recovers_within_five_frames_after_an_occluder_leaves() -> None:
    """A wrist hidden for 10 frames while the arm moves on: once visible again, the
    tracked wrist is back on the true one within 5 frames."""
    tracker = PoseTracker()
    wrist = Joint.LEFT_WRIST
    for i in range(30):
        tracker.update(_frame(i, _truth(i)))
    hidden = np.ones(len(Joint), bool)
    hidden[wrist] = False
    moved = np.zeros((len(Joint), 2))
    for i in range(30, 40):  # behind the plate, the arm swings 80 px up
        moved[wrist] = (0.0, -8.0 * (i - 29))
        tracker.update(_frame(i, _truth(i) + moved, hidden))
    coasted = tracker.predict(40 / FPS)
    assert coasted is not None
    assert np.linalg.norm(coasted.image_xy_px[wrist] - (_truth(40) + moved)[wrist]) > 40.0  # it was elsewhere
    errors = []
    for i in range(40, 46):
        out = tracker.update(_frame(i, _truth(i) + moved))
        errors.append(float(np.linalg.norm(out.image_xy_px[wrist] - (_truth(i) + moved)[wrist])))
    assert max(errors[4:]) < 3.0
    assert out.source[wrist] == JointSource.MONOCULAR


def test_a_left_right_swapped_frame_is_undone() -> None:
    from sensors.joints import MIRROR_INDEX

    tracker = PoseTracker()
    for i in range(30):
        tracker.update(_frame(i, _truth(i)))
    swapped = _frame(30, _truth(30)[list(MIRROR_INDEX)])
    out = tracker.update(swapped)
    assert tracker.report.swap_undone
    assert np.abs(out.image_xy_px - _truth(30)).max() < 3.0
    plain = tracker.update(_frame(31, _truth(31)))
    assert not tracker.report.swap_undone
    assert np.abs(plain.image_xy_px - _truth(31)).max() < 3.0


def test_predict_stops_extrapolating_and_drops_joints_after_max_coast() -> None:
    config = TrackerConfig(max_coast_s=0.3, max_extrapolate_s=0.1)
    tracker = PoseTracker(config)
    for i in range(30):
        tracker.update(_frame(i, _truth(i)))
    last_t = 29 / FPS
    near = tracker.predict(last_t + 0.1)
    far = tracker.predict(last_t + 0.25)
    assert near is not None
    assert far is not None
    assert np.allclose(near.image_xy_px, far.image_xy_px)  # no further than max_extrapolate_s
    assert (far.source != JointSource.MISSING).all()
    gone = tracker.predict(last_t + 0.31)
    assert gone is not None
    assert (gone.source == JointSource.MISSING).all()
    assert not gone.has_player


def test_held_joint_is_smoothed_much_more_than_a_moving_one_is_delayed() -> None:
    """Adaptive process noise: a still joint's jitter drops by over half, a joint moving at
    600 px/s is followed with under 1 frame of lag."""
    rng = np.random.default_rng(3)
    tracker = PoseTracker()
    still, est = [], []
    for i in range(120):
        xy = _truth(0) + rng.normal(0, 3.0, (len(Joint), 2))
        still.append(tracker.update(_frame(i, xy)).image_xy_px[Joint.NOSE, 0])
    jitter = np.std(still[40:])
    assert jitter < 0.5 * 3.0
    tracker = PoseTracker()
    for i in range(60):
        xy = _truth(0) + np.array([600.0 * i / FPS, 0.0]) + rng.normal(0, 3.0, (len(Joint), 2))
        est.append(tracker.update(_frame(i, xy)).image_xy_px[Joint.NOSE, 0])
    lag_px = np.mean(600.0 * np.arange(30, 60) / FPS + _truth(0)[Joint.NOSE, 0] - np.array(est[30:]))
    assert abs(lag_px) < 600.0 / FPS


def test_predict_before_any_frame_is_none() -> None:
    assert PoseTracker().predict(1.0) is None


def test_the_hold_configuration_smooths_a_held_joint_more() -> None:
    """TrackerConfig.for_holds (the IMM's still model on): a held joint's jitter is well below the
    default's, and both stay below the landmark noise."""
    jitter = []
    for config in (TrackerConfig(), TrackerConfig.for_holds()):
        rng = np.random.default_rng(5)
        tracker = PoseTracker(config)
        xs = [
            tracker.update(_frame(i, _truth(0) + rng.normal(0, 3.0, (len(Joint), 2)))).image_xy_px[:, 0]
            for i in range(150)
        ]
        jitter.append(float(np.std(np.array(xs[50:]), axis=0).mean()))
    default, held = jitter
    assert default < 0.5 * 3.0
    assert held < 0.6 * default
    assert tracker.moving_probability.mean() < 0.2


def _sinking_hip(from_world: bool) -> tuple[float, float]:
    """(mean moving probability, mean lag in px) of a hip while the whole body sinks at 60 px/s
    under 5 px of landmark noise, its hip-centred world landmarks still (as MediaPipe's are)."""
    tracker = PoseTracker(TrackerConfig(mode_from_world=from_world))
    rng = np.random.default_rng(5)
    n = len(Joint)
    world = np.c_[np.linspace(-0.2, 0.2, n), np.linspace(-0.5, 0.5, n), np.zeros(n)]
    hip = Joint.LEFT_HIP
    lag_px, moving = [], []
    for i in range(60):
        sink = np.array([0.0, 60.0 * i / FPS])
        xy = _truth(i, 0.0) + sink + rng.normal(0.0, 5.0, (n, 2))
        out = tracker.update(_frame(i, xy).with_changes(world_xyz_m=world + rng.normal(0.0, 0.0005, (n, 3))))
        if i >= 20:
            moving.append(tracker.moving_probability[hip])
            lag_px.append((_truth(i, 0.0) + sink)[hip, 1] - out.image_xy_px[hip, 1])
    return float(np.mean(moving)), float(np.mean(lag_px))


def test_a_joint_moving_with_the_whole_body_stays_moving() -> None:
    """The whole body sinks (a squat's hips, from the side): in the hip-centred world landmarks
    nothing moves. By default a joint's mode comes from its image (and depth) axes, and the hip stays
    "moving" and follows the picture; with the world axes voting it reads "still" more and lags."""
    moving, lag_px = _sinking_hip(from_world=False)
    moving_w, lag_w_px = _sinking_hip(from_world=True)
    assert moving > 0.97
    assert abs(lag_px) < 0.5
    assert moving_w < moving - 0.05
    assert lag_w_px > lag_px + 0.2
