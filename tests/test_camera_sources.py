"""Camera sources (video:, image:, webcam:) through the real MediaPipe model and OpenCV."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from game.cli import main as cli_main
from sensors import SourceOptions, check_sensor, open_source
from sensors.camera import webcam
from sensors.errors import SourceSpecError, SourceUnavailable
from sensors.pose import JointSource, TrackingState
from tests.sensor_helpers import FileAsCamera

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def squat_clip(shared_data: Path) -> Path:
    return shared_data / "clips" / "squat_side_c.mp4"


@pytest.fixture(scope="module")
def pose_jpg(shared_data: Path) -> Path:
    return shared_data / "mediapipe_testdata" / "pose.jpg"


# -- conformance ---------------------------------------------------------------------------
def test_video_source_passes_the_sensor_contract(squat_clip: Path) -> None:
    check_sensor(lambda: open_source(f"video:{squat_clip}"))


def test_realtime_video_source_passes_the_sensor_contract(squat_clip: Path) -> None:
    check_sensor(lambda: open_source(f"video:{squat_clip}", SourceOptions(realtime=True)), frames=5, replay=False)


def test_image_source_passes_the_sensor_contract(pose_jpg: Path) -> None:
    check_sensor(lambda: open_source(f"image:{pose_jpg}"))


def test_webcam_source_passes_the_sensor_contract_on_an_injected_capture(squat_clip: Path) -> None:
    # No camera in CI: the real webcam sensor code runs on cv2.VideoCapture opened on a video
    # file (paced at the file's frame rate) instead of a device index.
    check_sensor(
        lambda: webcam.open_source("0", SourceOptions(), open_capture=lambda: FileAsCamera(squat_clip)),
        frames=5,
    )


# -- behaviour ----------------------------------------------------------------------------
def test_video_fast_mode_processes_every_frame_with_file_timestamps(shared_data: Path) -> None:
    clip = shared_data / "mediapipe_testdata" / "pose_squats.mp4"  # 65 frames at 5 fps
    with open_source(f"video:{clip}") as cam:
        frames = list(cam)
    assert [f.index for f in frames] == list(range(65))
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(65) / 5.0, atol=1e-6)
    assert all(f.tracking is TrackingState.TRACKED for f in frames)


def test_images_option_attaches_the_rgb_frame(pose_jpg: Path) -> None:
    with open_source(f"image:{pose_jpg}", SourceOptions(images=True)) as cam:
        frame = cam.read(timeout_s=30)
    assert frame is not None
    assert frame.rgb is not None
    assert frame.rgb.shape == (667, 1000, 3)
    expected_rgb = cv2.cvtColor(cv2.imread(str(pose_jpg)), cv2.COLOR_BGR2RGB)
    assert np.array_equal(frame.rgb, expected_rgb)


def test_still_image_gives_one_frame_then_ends(pose_jpg: Path) -> None:
    with open_source(f"image:{pose_jpg}") as cam:
        frames = list(cam)
        assert cam.ended
    assert len(frames) == 1
    assert frames[0].rgb is None  # images only on request
    assert np.all(frames[0].source == JointSource.MONOCULAR)


def test_webcam_frames_carry_capture_time_and_only_the_newest_is_returned(squat_clip: Path) -> None:
    sensor = webcam.open_source("0", SourceOptions(), open_capture=lambda: FileAsCamera(squat_clip))
    with sensor as cam:
        first = cam.read(timeout_s=30)
        time.sleep(0.5)  # the camera keeps delivering while the game is busy
        before_read = time.monotonic()
        second = cam.read(timeout_s=30)
    assert first is not None
    assert second is not None
    assert second.index > first.index + 1  # older frames were dropped, not queued
    assert sensor.dropped > 0
    assert first.t_s < second.t_s <= before_read  # monotonic capture time, taken at the grab


def test_orientation_parameter_is_accepted_and_unknown_ones_are_rejected(pose_jpg: Path) -> None:
    with open_source(f"image:{pose_jpg},orientation=off") as cam:
        frame = cam.read(timeout_s=30)
    assert frame is not None
    assert frame.meta["rotation"] == "none"
    with pytest.raises(SourceSpecError, match=r"colour.*orientation=auto"):
        open_source(f"image:{pose_jpg},colour=red")


# -- failures: one clear error, never a silent zero-frame stream ------------------------------
def test_webcam_without_a_device_is_source_unavailable() -> None:
    with pytest.raises(SourceUnavailable, match=r"webcam:7: no camera at index 7.*repquest devices"):
        open_source("webcam:7").open()


def test_webcam_index_must_be_a_number() -> None:
    with pytest.raises(SourceSpecError, match="expected a camera index"):
        open_source("webcam:front")


def _open_error(spec: str) -> str:
    with pytest.raises(SourceUnavailable) as info:
        open_source(spec).open()
    return str(info.value)


def test_missing_video_file_names_the_file(tmp_path: Path) -> None:
    assert "nothere.mp4: not found" in _open_error(f"video:{tmp_path / 'nothere.mp4'}")


def test_empty_video_file_is_reported_as_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert "empty.mp4: the file is empty" in _open_error(f"video:{tmp_path / 'empty.mp4'}")


def test_non_video_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("shopping list\n" * 100)
    assert "notes.mp4: OpenCV cannot open it as a video" in _open_error(f"video:{tmp_path / 'notes.mp4'}")


def test_undecodable_codec_is_reported(shared_data: Path, tmp_path: Path) -> None:
    # a real H.264 MP4 whose sample description claims AV1: FFmpeg finds no usable decoder
    data = (shared_data / "clips" / "plank_side_a.mp4").read_bytes()
    at = data.rfind(b"avc1")
    (tmp_path / "av1.mp4").write_bytes(data[:at] + b"av01" + data[at + 4 :])
    message = _open_error(f"video:{tmp_path / 'av1.mp4'}")
    assert "av1.mp4" in message
    assert "AV1" in message


def test_video_without_decodable_frames_is_reported(shared_data: Path, tmp_path: Path) -> None:
    # headers present, frame data cut off: OpenCV opens it but decodes nothing
    data = (shared_data / "clips" / "plank_side_a.mp4").read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: data.find(b"mdat") + 4])
    assert "cut.mp4: OpenCV opened it but cannot decode a single frame" in _open_error(f"video:{tmp_path / 'cut.mp4'}")


def test_unreadable_image_is_reported(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_text("not a jpeg")
    assert "photo.jpg: OpenCV cannot decode it as an image" in _open_error(f"image:{tmp_path / 'photo.jpg'}")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("video:{tmp}/empty.mp4", "empty.mp4: the file is empty"), ("webcam:7", "webcam:7: no camera at index 7")],
)
def test_cli_reports_a_bad_source_in_one_line_with_non_zero_exit(
    spec: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    code = cli_main(["record", "--source", spec.format(tmp=tmp_path), "--out", str(tmp_path / "o.rq")])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1
    assert expected in err


def test_realtime_video_plays_on_the_clock_and_keeps_only_the_newest(squat_clip: Path) -> None:
    with open_source(f"video:{squat_clip}", SourceOptions(realtime=True)) as cam:
        first = cam.read(timeout_s=30)
        time.sleep(0.5)  # 15 frames of a 30 fps clip go by
        second = cam.read(timeout_s=30)
        now = time.monotonic()
    assert first is not None
    assert second is not None
    assert second.index >= first.index + 10
    assert second.meta["file_t_s"] == pytest.approx(second.index / 30.0, abs=1e-3)
    assert now - 1.0 < second.t_s <= now  # monotonic capture time, not the file time
