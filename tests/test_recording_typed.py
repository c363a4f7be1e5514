"""Format version 2: each frame keeps ``gravity_camera`` and ``intrinsics``; depth in whole
millimetres is stored by palette + delta + zlib RLE, losslessly; version 1 files still read;
a recorded RealSense session replays through the same pipeline as the session itself."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from game.cli import main as cli_main
from sensors.intrinsics import Intrinsics
from sensors.pipeline import open_pipeline
from sensors.pipeline.gravity import angle_between_deg
from sensors.recording import RecordingReader
from sensors.recording import format as fmt
from tests.recording_helpers import frames_of, make_frames, write_recording

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from realsense_depth import realsense_like

V1_FILE = Path(__file__).parent / "recordings" / "v1-with-depth.rq"
INTR = Intrinsics(640, 480, 602.5, 598.25, 321.125, 238.5, "inverse_brown_conrady", (0.1, -0.2, 0.001, 0.002, 0.03))


def test_gravity_and_intrinsics_replay_bit_for_bit(tmp_path: Path) -> None:
    g = np.array([0.1, 0.98, -0.17])
    frames = [f.with_changes(gravity_camera=g / np.linalg.norm(g), intrinsics=INTR) for f in make_frames(3)]
    frames[1] = frames[1].with_changes(gravity_camera=None, intrinsics=None)  # a frame without them
    got = frames_of(write_recording(tmp_path / "a.rq", frames))
    assert all(a.same_pose_as(b) for a, b in zip(frames, got, strict=True))
    assert [f.intrinsics for f in got] == [INTR, None, INTR]
    assert got[0].gravity_camera is not None
    assert got[0].gravity_camera.tobytes() == frames[0].gravity_camera.tobytes()


def test_a_version_1_file_still_replays() -> None:
    reader = RecordingReader(V1_FILE)
    assert reader.version == 1
    frames = [reader.frame(i, images=True) for i in range(reader.frames)]
    reader.close()
    assert [f.index for f in frames] == [0, 1, 2]
    for f in frames:
        assert f.gravity_camera is None
        assert f.intrinsics is None
        assert f.depth_m is not None
        assert f.depth_m.shape == (48, 64)
        assert np.all(f.depth_m[:, :3] == 0)
        mm = f.depth_m[:, 3:] * 1000
        assert np.all(np.abs(mm - np.rint(mm)) < 1e-3)
        assert 1.9 < float(np.median(f.depth_m[:, 3:])) < 2.1


def test_undefined_frame_flags_are_refused_for_version_1(tmp_path: Path) -> None:
    frame = make_frames(1)[0].with_changes(intrinsics=INTR)
    with pytest.raises(fmt.FormatError, match="not defined in format version 1"):
        fmt.decode_frame(fmt.encode_frame(frame, None), images=False, version=1)


@pytest.mark.parametrize(
    "kind", ["realsense_like", "all_zero", "every_value", "extremes", "one_column", "noisy_float_mm"]
)
def test_millimetre_codec_is_lossless(kind: str) -> None:
    rng = np.random.default_rng(3)
    if kind == "realsense_like":
        yy = np.mgrid[0:480, 0:640][0]
        mm = np.rint(1000 * realsense_like(1.5 + 3.0 * yy / 480, rng)).astype(np.uint16)
    elif kind == "all_zero":
        mm = np.zeros((48, 64), np.uint16)
    elif kind == "every_value":  # a palette of all 65,536 values: residuals wrap around
        mm = rng.permutation(65536).astype(np.uint16).reshape(256, 256)
    elif kind == "extremes":
        mm = np.tile(np.array([0, 65535], np.uint16), (31, 40))
    elif kind == "one_column":
        mm = rng.integers(0, 65536, (50, 1)).astype(np.uint16)
    else:
        mm = rng.integers(400, 9000, (480, 640)).astype(np.uint16)
    data = fmt.encode_millimetres(mm)
    back = fmt.decode_millimetres(data)
    assert back.dtype == np.uint16
    assert np.array_equal(back, mm)


def test_realsense_like_depth_is_under_110_kb_a_frame() -> None:
    yy = np.mgrid[0:480, 0:640][0]
    depth = realsense_like((1.5 + 3.0 * yy / 480).astype(np.float32), np.random.default_rng(0))
    payload = fmt.encode_depth(depth)
    assert payload[:4] == fmt.MMD_MAGIC
    assert len(payload) < 110_000
    assert fmt.decode_depth(payload).tobytes() == depth.tobytes()


def test_a_damaged_depth_payload_is_a_clear_error() -> None:
    mm = np.full((48, 64), 2500, np.uint16)
    data = bytearray(fmt.encode_millimetres(mm))
    data[-6:] = b"\x00" * 6
    with pytest.raises(fmt.FormatError, match="depth map"):
        fmt.decode_millimetres(bytes(data))


def test_a_recorded_realsense_session_replays_through_the_same_pipeline(tmp_path: Path) -> None:
    """``record --source realsense-file:X --images`` (the live camera's code path but the
    frame source) -> ``recording:Y`` through the pipeline gives the session's own output:
    gravity from the IMU, the camera's intrinsics, the same tracked poses."""
    from tests.test_realsense_imu import TRUE_GRAVITY, record

    session = record(tmp_path / "session.db3", TRUE_GRAVITY)
    out = tmp_path / "session.rq"
    assert cli_main(["record", "--source", f"realsense-file:{session}", "--images", "--out", str(out)]) == 0
    with open_pipeline(f"realsense-file:{session}") as live:
        expected = list(live)
    with open_pipeline(f"recording:{out}") as replayed:
        got = list(replayed)
        assert replayed.capabilities.fuses_depth
        assert replayed.capabilities.has_imu
    assert len(got) == len(expected) > 0
    for a, b in zip(expected, got, strict=True):
        assert b.same_pose_as(a)
        assert b.meta["gravity_from"] == "imu"
        assert angle_between_deg(b.gravity_camera, TRUE_GRAVITY) < 1.0
        assert b.intrinsics == a.intrinsics
        assert b.intrinsics is not None
