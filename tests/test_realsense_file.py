"""``realsense-file:`` end to end: a real person image and a consistent depth map
recorded by pyrealsense2's software device + recorder, played back through a
real ``rs.pipeline`` with ``rs.align``, real MediaPipe, real fusion."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pyrealsense2 as rs
import pytest

from game.cli import main as cli_main
from sensors.camera.estimator import PoseEstimator
from sensors.checker import check_sensor
from sensors.joints import Joint
from sensors.pose import JointSource, PoseFrame
from sensors.realsense._rs import intrinsics_to_rs
from sensors.realsense.fusion import Intrinsics
from sensors.realsense.testing import DISC_JOINTS, body_depth_map, default_intrinsics, letterbox, write_recording
from sensors.registry import SourceOptions, open_source

SIZE_PX = (640, 480)
FRAMES = 4
FPS = 30.0
HIP_DEPTH_M = 2.5
OCCLUDER_M = 1.2
OCCLUDED = Joint.LEFT_WRIST
#: colour camera with an off-centre principal point and unequal focal lengths
INTR = Intrinsics(640, 480, 602.0, 598.0, 327.25, 231.5)


@dataclass(frozen=True)
class Scene:
    path: Path
    rgb: np.ndarray
    depth_m: np.ndarray  # as written (before z16 quantisation)
    joint_depth_m: np.ndarray  # (33,) the depth each joint was painted at
    frames: list[PoseFrame]  # played back with images


@pytest.fixture(scope="module")
def scene(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Scene:
    bgr = cv2.imread(str(shared_data / "mediapipe_testdata" / "pose.jpg"))
    rgb = letterbox(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), SIZE_PX)
    with PoseEstimator(static_image_mode=True) as est:
        pose = est.estimate(rgb, 0.0, 0)
    assert pose.has_player
    depth = body_depth_map(SIZE_PX, pose.image_xy_px, pose.world_xyz_m, hip_depth_m=HIP_DEPTH_M)
    x, y = pose.image_xy_px[OCCLUDED].round().astype(int)
    depth[y - 25 : y + 25, x - 25 : x + 25] = OCCLUDER_M  # a box held in front of the left hand
    path = tmp_path_factory.mktemp("rs") / "person.db3"
    write_recording(path, [rgb] * FRAMES, [depth] * FRAMES, fps=FPS, colour_intrinsics=INTR, depth_intrinsics=INTR)
    with open_source(f"realsense-file:{path}", SourceOptions(images=True)) as sensor:
        frames = list(sensor)
    return Scene(path, rgb, depth, HIP_DEPTH_M + pose.world_xyz_m[:, 2], frames)


def test_every_recorded_frame_comes_out_in_order(scene: Scene) -> None:
    assert [f.index for f in scene.frames] == list(range(FRAMES))
    np.testing.assert_allclose([f.t_s for f in scene.frames], np.arange(FRAMES) / FPS, atol=1e-6)


def test_recording_passes_the_sensor_contract(scene: Scene) -> None:
    check_sensor(lambda: open_source(f"realsense-file:{scene.path}"), frames=FRAMES)


def test_the_person_is_found_in_every_frame(scene: Scene) -> None:
    assert all(f.has_player for f in scene.frames)


def test_visible_joints_are_depth_at_the_recorded_depth(scene: Scene) -> None:
    joints = [j for j in DISC_JOINTS if j != OCCLUDED]
    for frame in scene.frames:
        assert np.all(frame.source[joints] == JointSource.DEPTH), frame.source[joints]
        np.testing.assert_allclose(frame.camera_xyz_m[joints, 2], scene.joint_depth_m[joints], atol=0.002)


def test_wrist_behind_an_occluder_is_not_depth(scene: Scene) -> None:
    for frame in scene.frames:
        assert frame.source[OCCLUDED] == JointSource.MONOCULAR
        assert frame.camera_xyz_m[OCCLUDED, 2] > OCCLUDER_M + 0.5  # estimated on the skeleton, not on the box


def test_depth_points_are_librealsense_deprojections(scene: Scene) -> None:
    frame = scene.frames[-1]
    for j in np.flatnonzero(frame.source == JointSource.DEPTH):
        z = float(frame.camera_xyz_m[j, 2])
        expected = rs.rs2_deproject_pixel_to_point(intrinsics_to_rs(INTR), list(frame.image_xy_px[j]), z)
        np.testing.assert_allclose(frame.camera_xyz_m[j], expected, atol=1e-5)


def test_frames_carry_the_colour_intrinsics_and_depth_scale(scene: Scene) -> None:
    meta = scene.frames[0].meta
    assert scene.frames[0].intrinsics == INTR  # the typed field, not meta
    assert "intrinsics" not in meta
    assert meta["depth_scale_m"] == pytest.approx(0.001)
    assert meta["file_t_s"] == 0.0


def test_images_are_the_recorded_colour_and_depth(scene: Scene) -> None:
    frame = scene.frames[1]
    assert frame.rgb is not None
    assert frame.depth_m is not None
    assert np.array_equal(frame.rgb, scene.rgb)
    assert frame.depth_m.dtype == np.float32
    filled = frame.depth_m > 0  # rs.align leaves a few pixel-rounding holes (0 = no depth)
    assert filled.mean() > 0.95
    same = np.abs(frame.depth_m[filled] - scene.depth_m[filled]) <= 0.0006  # z16 holds millimetres
    assert same.mean() > 0.999  # a handful of edge pixels take the nearer surface when aligned


def test_frames_without_the_images_option_carry_no_images(scene: Scene) -> None:
    with open_source(f"realsense-file:{scene.path}") as sensor:
        frame = sensor.read(timeout_s=10.0)
    assert frame is not None
    assert frame.rgb is None
    assert frame.depth_m is None


def test_depth_of_another_resolution_is_aligned_to_colour(scene: Scene, tmp_path: Path) -> None:
    small = cv2.resize(scene.depth_m, (320, 240), interpolation=cv2.INTER_NEAREST)
    path = write_recording(
        tmp_path / "half.db3",
        [scene.rgb] * 2,
        [small] * 2,
        colour_intrinsics=default_intrinsics(640, 480),
        depth_intrinsics=default_intrinsics(320, 240),
    )
    with open_source(f"realsense-file:{path}", SourceOptions(images=True)) as sensor:
        frame = sensor.read(timeout_s=10.0)
    assert frame is not None
    assert frame.depth_m is not None
    assert frame.depth_m.shape == (480, 640)
    hips = [Joint.LEFT_HIP, Joint.RIGHT_HIP]
    assert np.all(frame.source[hips] == JointSource.DEPTH)
    np.testing.assert_allclose(frame.camera_xyz_m[hips, 2], scene.joint_depth_m[hips], atol=0.01)


def test_realtime_playback_stamps_frames_on_the_monotonic_clock(scene: Scene) -> None:
    before = time.monotonic()
    with open_source(f"realsense-file:{scene.path}", SourceOptions(realtime=True)) as sensor:
        frames = list(sensor)
    after = time.monotonic()
    assert frames
    assert frames[0].index == 0
    assert all(before <= f.t_s <= after for f in frames)
    assert [f.meta["file_t_s"] for f in frames] == sorted(f.meta["file_t_s"] for f in frames)


def test_sensor_reports_the_colour_intrinsics_once_open(scene: Scene) -> None:
    sensor = open_source(f"realsense-file:{scene.path}")
    assert sensor.intrinsics is None  # type: ignore[attr-defined]
    with sensor:
        assert sensor.intrinsics == INTR  # type: ignore[attr-defined]


def test_record_command_copies_a_realsense_recording(scene: Scene, tmp_path: Path) -> None:
    out = tmp_path / "copy.rq"
    assert cli_main(["record", "--source", f"realsense-file:{scene.path}", "--out", str(out)]) == 0
    with open_source(f"recording:{out}") as replay:
        frames = list(replay)
        intrinsics = replay.intrinsics  # type: ignore[attr-defined]
    assert [f.index for f in frames] == list(range(FRAMES))
    assert frames[-1].source[Joint.LEFT_HIP] == JointSource.DEPTH
    assert intrinsics["fx_px"] == INTR.fx_px


def test_surface_offset_parameter_moves_depth_joints_back_along_their_rays(scene: Scene) -> None:
    with open_source(f"realsense-file:{scene.path},surface_offset=0.05") as sensor:
        frame = sensor.read(timeout_s=10.0)
    assert frame is not None
    plain = scene.frames[0]
    hip = Joint.LEFT_HIP
    assert frame.source[hip] == JointSource.DEPTH
    gained_m = np.linalg.norm(frame.camera_xyz_m[hip]) - np.linalg.norm(plain.camera_xyz_m[hip])
    assert gained_m == pytest.approx(0.05, abs=0.003)
