"""The IMU of a D435i: a software-device recording WITH motion frames (accelerometer
and gyro of a tilted camera), played back through a real ``rs.pipeline``; gravity
must come out of the accelerometer, in the colour camera's axes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sensors.checker import check_sensor
from sensors.pipeline import open_pipeline
from sensors.pipeline.gravity import angle_between_deg
from sensors.realsense.imu import ImuWindow
from sensors.realsense.testing import write_recording
from sensors.registry import SourceOptions, open_source

G = 9.80665
FRAMES = 6
SAMPLES = 5  #: accelerometer samples per colour frame (150 Hz at 30 fps)
SIZE = (160, 120)


def rot_x(deg: float) -> np.ndarray:
    a = np.radians(deg)
    return np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])


def rot_z(deg: float) -> np.ndarray:
    a = np.radians(deg)
    return np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])


#: a camera pitched 20 degrees down and rolled 8 degrees: gravity in its axes
TILT = rot_z(8.0) @ rot_x(-20.0)
TRUE_GRAVITY = TILT @ np.array([0.0, 1.0, 0.0])


def record(path: Path, gravity_imu: np.ndarray, imu_to_colour: np.ndarray | None = None, seed: int = 0) -> Path:
    """A tilted, still camera: the accelerometer reads -g (plus 0.05 m/s^2 noise), the gyro ~0."""
    rng = np.random.default_rng(seed)
    accel = -G * gravity_imu + rng.normal(0.0, 0.05, (FRAMES, SAMPLES, 3))
    gyro = rng.normal(0.0, 0.01, (FRAMES, SAMPLES, 3))
    rgb = [np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)] * FRAMES
    depth = [np.full((SIZE[1], SIZE[0]), 2.5, np.float32)] * FRAMES
    return write_recording(path, rgb, depth, accel_m_s2=accel, gyro_rad_s=gyro, imu_to_colour_rotation=imu_to_colour)


@pytest.fixture(scope="module")
def tilted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record(tmp_path_factory.mktemp("imu") / "tilted.db3", TRUE_GRAVITY)


def test_gravity_from_the_recorded_accelerometer_matches_the_tilt(tilted: Path) -> None:
    with open_source(f"realsense-file:{tilted}") as sensor:
        frames = list(sensor)
        assert sensor.capabilities.has_imu
    assert len(frames) == FRAMES
    for f in frames:
        assert f.gravity_camera is not None
        assert angle_between_deg(f.gravity_camera, TRUE_GRAVITY) < 1.0
        assert f.meta["imu_samples"] >= SAMPLES  # every sample of the window, none drained away


def test_the_pipeline_takes_gravity_from_the_imu(tilted: Path) -> None:
    with open_pipeline(f"realsense-file:{tilted}") as sensor:
        frames = list(sensor)
    assert [f.meta["gravity_from"] for f in frames] == ["imu"] * FRAMES
    errors = [angle_between_deg(f.gravity_camera, TRUE_GRAVITY) for f in frames]
    assert max(errors) < 1.0


def test_the_imu_to_camera_rotation_is_applied() -> None:
    imu_to_camera = rot_z(90.0)  # an IMU mounted a quarter turn from the colour camera
    window = ImuWindow(imu_to_camera)
    window.add_accel(1000.0, -G * (imu_to_camera.T @ TRUE_GRAVITY))
    reading = window.reading()
    assert reading.gravity_camera is not None
    assert angle_between_deg(reading.gravity_camera, TRUE_GRAVITY) < 1e-6


def test_recordings_lose_the_imu_extrinsics_so_its_axes_are_taken_as_the_cameras(tmp_path: Path) -> None:
    """pyrealsense2 2.59's rosbag2 recorder keeps depth -> colour extrinsics but drops the motion
    streams' (registered on the software device, "not available" on playback). A D435i/D455
    reports motion in the depth camera's axes, a fraction of a degree from the colour camera's,
    so identity is the honest fallback; a live camera's extrinsics are applied."""
    path = record(tmp_path / "rotated.db3", TRUE_GRAVITY, rot_z(90.0))
    with open_source(f"realsense-file:{path}") as sensor:
        frames = list(sensor)
        np.testing.assert_array_equal(sensor._motion.window.imu_to_camera, np.eye(3))  # type: ignore[attr-defined]
    assert all(angle_between_deg(f.gravity_camera, TRUE_GRAVITY) < 1.0 for f in frames)


def test_a_recording_with_an_imu_passes_the_contract_and_replays_identically(tilted: Path) -> None:
    check_sensor(lambda: open_source(f"realsense-file:{tilted}"), frames=FRAMES)


def test_a_recording_without_an_imu_has_no_gravity_of_its_own(tmp_path: Path) -> None:
    rgb = [np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)] * 3
    path = write_recording(tmp_path / "plain.db3", rgb, [np.full((SIZE[1], SIZE[0]), 2.5, np.float32)] * 3)
    with open_source(f"realsense-file:{path}", SourceOptions()) as sensor:
        frames = list(sensor)
        assert not sensor.capabilities.has_imu
    assert len(frames) == 3
    assert all(f.gravity_camera is None and f.intrinsics is not None for f in frames)


def test_accelerometer_samples_taken_while_the_camera_turns_are_not_used() -> None:
    window = ImuWindow()
    for k in range(20):
        t = 1000.0 + 10.0 * k
        turning = k >= 10
        window.add_accel(t, np.array([0.0, -G, 0.0]) if not turning else np.array([G, 0.0, 0.0]))
        window.add_gyro(t, np.array([0.0, 2.0 if turning else 0.0, 0.0]))
    reading = window.reading(1190.0, window_s=0.2)
    assert reading.samples == 8  # the ten still samples but the two within 20 ms of the turn
    assert reading.gravity_camera is not None
    assert angle_between_deg(reading.gravity_camera, np.array([0.0, 1.0, 0.0])) < 1e-6


def test_no_still_sample_gives_no_gravity() -> None:
    window = ImuWindow()
    window.add_accel(1000.0, np.array([0.0, -G, 0.0]))
    window.add_gyro(1000.0, np.array([3.0, 0.0, 0.0]))
    assert window.reading(1000.0).gravity_camera is None
