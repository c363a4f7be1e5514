"""PoseEstimator: real MediaPipe on real images against MediaPipe's own expected landmarks."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors.camera.estimator import PoseEstimator
from sensors.errors import MissingDependency, SensorError, SourceUnavailable
from sensors.pose import JointSource, TrackingState

pytestmark = pytest.mark.realdata


def _rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path))
    assert bgr is not None, path
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _video_rgb_frames(path: Path, limit: int | None = None) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    frames: list[np.ndarray] = []
    while limit is None or len(frames) < limit:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    assert frames, path
    return frames


@pytest.fixture(scope="module")
def pose_jpg_frame(shared_data: Path):
    testdata = shared_data / "mediapipe_testdata"
    expected = json.loads((testdata / "pose_expected_landmarks.json").read_text())
    with PoseEstimator(static_image_mode=True) as est:
        frame = est.estimate(_rgb(testdata / "pose.jpg"), t_s=0.0, index=0)
    return frame, expected


def test_pose_jpg_image_landmarks_within_mediapipe_tolerance(pose_jpg_frame) -> None:
    frame, expected = pose_jpg_frame
    err_px = np.abs(frame.image_xy_px - np.array(expected["EXPECTED_POSE_LANDMARKS"], dtype=float))
    assert err_px.max() <= expected["thresholds_in_mediapipe_test"]["DIFF_THRESHOLD_px"]


def test_pose_jpg_world_landmarks_within_0_2_m(pose_jpg_frame) -> None:
    frame, expected = pose_jpg_frame
    err_m = np.abs(frame.world_xyz_m - np.array(expected["EXPECTED_POSE_WORLD_LANDMARKS"], dtype=float))
    assert err_m.max() <= 0.2


def test_detected_joints_are_monocular_with_visibility_and_no_depth(pose_jpg_frame) -> None:
    frame, _ = pose_jpg_frame
    assert frame.tracking is TrackingState.TRACKED
    assert np.all(frame.source == JointSource.MONOCULAR)
    assert np.all((frame.confidence >= 0) & (frame.confidence <= 1))
    assert frame.confidence.max() > 0.9  # visibility, not a constant
    assert np.all(np.isnan(frame.camera_xyz_m))
    assert frame.image_size_px == (1000, 667)


def test_pose_squats_video_matches_reference_within_5_px_mean(shared_data: Path) -> None:
    testdata = shared_data / "mediapipe_testdata"
    reference = np.array(json.loads((testdata / "pose_squats.full.json").read_text()), dtype=float)  # (65, 33, 3) px
    frames = _video_rgb_frames(testdata / "pose_squats.mp4")
    assert len(frames) == len(reference)
    errors_px = []
    with PoseEstimator() as est:
        for i, rgb in enumerate(frames):
            frame = est.estimate(rgb, t_s=i / 5.0, index=i)
            errors_px.append(np.linalg.norm(frame.image_xy_px - reference[i, :, :2], axis=1))
    assert float(np.mean(errors_px)) <= 5.0


def test_squat_side_c_matches_regression_landmarks_within_2_px_mean(shared_data: Path) -> None:
    # the first 6 s hold the squat; the rest of the clip is standing still
    frames = _video_rgb_frames(shared_data / "clips" / "squat_side_c.mp4", limit=180)
    with open(shared_data / "datasets" / "squat_side_c.landmarks.csv", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    reference = np.array([[float(v) for v in row[1:]] for row in rows[: len(frames)]]).reshape(len(frames), 33, 4)
    h, w = frames[0].shape[:2]
    errors_px = []
    with PoseEstimator() as est:
        for i, rgb in enumerate(frames):
            frame = est.estimate(rgb, t_s=i / 30.0, index=i)
            errors_px.append(np.linalg.norm(frame.image_xy_px - reference[i, :, :2] * [w, h], axis=1))
    assert float(np.mean(errors_px)) <= 2.0


def test_image_without_a_person_gives_no_player_frame() -> None:
    rgb = np.full((240, 320, 3), 90, dtype=np.uint8)
    with PoseEstimator(static_image_mode=True) as est:
        frame = est.estimate(rgb, t_s=1.5, index=7)
    assert frame.tracking is TrackingState.NO_PLAYER
    assert np.all(frame.source == JointSource.MISSING)
    assert (frame.t_s, frame.index, frame.image_size_px) == (1.5, 7, (320, 240))


@pytest.mark.parametrize("model", ["lite", "heavy"])
def test_downloadable_models_raise_a_clear_offline_error(model: str) -> None:
    with pytest.raises(MissingDependency, match=r"download.*--pose-model"):
        PoseEstimator(model=model)


def test_unknown_model_name_is_rejected() -> None:
    with pytest.raises(SensorError, match="expected one of lite, full, heavy"):
        PoseEstimator(model="ful")


def test_missing_pose_model_file_is_source_unavailable(tmp_path: Path) -> None:
    missing = tmp_path / "pose_landmarker_full.task"
    with pytest.raises(SourceUnavailable, match=r"pose_landmarker_full\.task: file not found"):
        PoseEstimator(pose_model=missing)


def test_pose_model_that_is_not_a_task_file_is_source_unavailable(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.task"
    bogus.write_text("this is not a model")
    with pytest.raises(SourceUnavailable, match=r"notes\.task: MediaPipe cannot load it"):
        PoseEstimator(pose_model=bogus)


def test_unknown_orientation_mode_is_rejected() -> None:
    with pytest.raises(SensorError, match="expected one of auto, upright, off"):
        PoseEstimator(orientation="sideways")


def test_non_rgb_input_is_rejected() -> None:
    with PoseEstimator(static_image_mode=True) as est, pytest.raises(ValueError, match=r"\(H, W, 3\) uint8"):
        est.estimate(np.zeros((10, 10), dtype=np.uint8), t_s=0.0, index=0)


def test_estimate_after_close_is_a_clear_error() -> None:
    est = PoseEstimator(static_image_mode=True)
    est.close()
    est.close()  # harmless
    with pytest.raises(SensorError, match="after close"):
        est.estimate(np.zeros((10, 10, 3), dtype=np.uint8), t_s=0.0, index=0)
