"""Pose recordings: writing, bit-for-bit replay, images, meta, pacing."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from sensors.checker import check_sensor
from sensors.contract import Capabilities
from sensors.errors import RecordingError
from sensors.pose import PoseFrame
from sensors.recording import ImageCodec, RecordingReader, RecordingSensor, RecordingWriter
from sensors.recording import format as fmt
from sensors.registry import SourceOptions, open_source
from tests.recording_helpers import SIZE_PX, make_frames, write_recording


def replay(path: Path, **options: object) -> list[PoseFrame]:
    with open_source(f"recording:{path}", SourceOptions(**options)) as sensor:  # type: ignore[arg-type]
        return list(sensor)


def test_replay_is_bit_for_bit(tmp_path: Path) -> None:
    frames = make_frames(40)
    got = replay(write_recording(tmp_path / "a.rq", frames))
    assert len(got) == len(frames)
    assert all(a.same_pose_as(b) for a, b in zip(frames, got, strict=True))


def test_replay_keeps_nan_of_missing_joints(tmp_path: Path) -> None:
    frames = make_frames(5)
    got = replay(write_recording(tmp_path / "a.rq", frames))
    for a, b in zip(frames, got, strict=True):
        assert np.array_equal(np.isnan(a.image_xy_px), np.isnan(b.image_xy_px))
        assert np.isnan(b.image_xy_px).any()


def test_replay_keeps_tracking_state_and_truth(tmp_path: Path) -> None:
    frames = make_frames(14)
    got = replay(write_recording(tmp_path / "a.rq", frames))
    assert [f.tracking for f in got] == [f.tracking for f in frames]
    assert [f.truth_camera_xyz_m is None for f in got] == [f.truth_camera_xyz_m is None for f in frames]


def test_meta_round_trips_numpy_values_tuples_and_arrays(tmp_path: Path) -> None:
    meta = {
        "n": np.int64(7),
        "x": np.float32(0.25),
        "pair": (1, "a"),
        "gravity_camera": np.array([0.0, 9.81, 0.1], np.float32),
        "nested": {"list": [1, 2.5, None, True], "nan": float("nan")},
    }
    frame = make_frames(1)[0].with_changes(meta=meta)
    got = replay(write_recording(tmp_path / "a.rq", [frame]))[0].meta
    assert got["n"] == 7
    assert type(got["n"]) is int
    assert got["x"] == 0.25
    assert got["pair"] == (1, "a")
    assert got["gravity_camera"].dtype == np.float32
    assert got["gravity_camera"].tobytes() == meta["gravity_camera"].tobytes()  # type: ignore[attr-defined]
    assert got["nested"]["list"] == [1, 2.5, None, True]
    assert np.isnan(got["nested"]["nan"])


def test_meta_that_cannot_be_recorded_is_a_one_line_error(tmp_path: Path) -> None:
    frame = make_frames(1)[0].with_changes(meta={"callback": object()})
    with pytest.raises(RecordingError, match=r"a\.rq: frame 0: meta\['callback'\]: cannot record a object") as e:
        write_recording(tmp_path / "a.rq", [frame])
    assert "\n" not in str(e.value)


def test_png_images_replay_exactly(tmp_path: Path) -> None:
    frames = make_frames(3, images=True)
    got = replay(write_recording(tmp_path / "a.rq", frames, ImageCodec(rgb="png")), images=True)
    for a, b in zip(frames, got, strict=True):
        assert b.rgb is not None
        assert np.array_equal(a.rgb, b.rgb)


def test_jpeg_images_replay_close_to_the_original(tmp_path: Path) -> None:
    # a smooth gradient, as camera images are; JPEG is lossy but close on such content
    yy, xx = np.mgrid[0 : SIZE_PX[1], 0 : SIZE_PX[0]]
    rgb = np.stack([xx * 4, yy * 5, (xx + yy) * 2], axis=-1).astype(np.uint8)
    frame = make_frames(1)[0].with_changes(rgb=rgb)
    got = replay(write_recording(tmp_path / "a.rq", [frame], ImageCodec(rgb="jpeg", jpeg_quality=95)), images=True)
    assert got[0].rgb is not None
    assert got[0].rgb.shape == rgb.shape
    assert np.abs(got[0].rgb.astype(int) - rgb).mean() < 3.0


def test_jpeg_keeps_colour_channel_order(tmp_path: Path) -> None:
    rgb = np.zeros((SIZE_PX[1], SIZE_PX[0], 3), np.uint8)
    rgb[..., 0] = 220  # pure red
    frame = make_frames(1)[0].with_changes(rgb=rgb)
    got = replay(write_recording(tmp_path / "a.rq", [frame], ImageCodec()), images=True)[0].rgb
    assert got is not None
    assert got[..., 0].mean() > 200
    assert got[..., 2].mean() < 20


def test_depth_replays_bit_for_bit(tmp_path: Path) -> None:
    frames = make_frames(3, images=True)
    got = replay(write_recording(tmp_path / "a.rq", frames, ImageCodec()), images=True)
    for a, b in zip(frames, got, strict=True):
        assert a.depth_m is not None
        assert b.depth_m is not None
        assert b.depth_m.dtype == np.float32
        assert a.depth_m.tobytes() == b.depth_m.tobytes()


def test_images_are_not_decoded_unless_asked(tmp_path: Path) -> None:
    got = replay(write_recording(tmp_path / "a.rq", make_frames(2, images=True), ImageCodec()))
    assert all(f.rgb is None and f.depth_m is None for f in got)


def test_images_are_not_written_without_a_codec(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", make_frames(2, images=True), None)
    assert all(f.rgb is None for f in replay(path, images=True))


def test_recording_sensor_passes_the_conformance_checker(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", make_frames(12, images=True), ImageCodec())
    check_sensor(lambda: open_source(f"recording:{path}", SourceOptions(images=True)))


def test_header_describes_the_source(tmp_path: Path) -> None:
    caps = Capabilities(has_depth=True, nominal_fps=15.0)
    intrinsics = {"fx": 600.0, "fy": 601.0, "cx": 320.0, "cy": 240.0}
    with RecordingWriter(tmp_path / "a.rq", source="realsense:123", capabilities=caps, intrinsics=intrinsics) as w:
        w.write(make_frames(1)[0])
    sensor = RecordingSensor(tmp_path / "a.rq")
    assert sensor.header["source"] == "realsense:123"
    assert sensor.header["image_size_px"] == list(SIZE_PX)
    assert sensor.header["fps"] == 15.0
    assert sensor.header["created"]["utc"]
    assert sensor.intrinsics == intrinsics
    assert sensor.capabilities.has_depth
    assert sensor.capabilities.nominal_fps == 15.0
    sensor.close()


def test_recording_of_no_frames_opens_and_ends_at_once(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", [])
    with open_source(f"recording:{path}") as sensor:
        assert sensor.read() is None
        assert sensor.ended


def test_sensor_ends_after_its_last_frame(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", make_frames(3))
    with open_source(f"recording:{path}") as sensor:
        assert [sensor.read() is not None for _ in range(3)] == [True] * 3
        assert sensor.ended
        assert sensor.read() is None


def test_realtime_replay_paces_frames_by_their_timestamps(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", make_frames(6, dt_s=0.05))
    start = time.monotonic()
    got = replay(path, realtime=True)
    assert len(got) == 6
    assert time.monotonic() - start >= 0.25


def test_fast_replay_does_not_wait_for_timestamps(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", make_frames(6, dt_s=10.0))
    start = time.monotonic()
    assert len(replay(path)) == 6
    assert time.monotonic() - start < 5.0


def test_realtime_read_returns_none_before_a_frame_is_due(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", make_frames(2, dt_s=5.0))
    with open_source(f"recording:{path}", SourceOptions(realtime=True)) as sensor:
        assert sensor.read(timeout_s=0.0) is not None
        assert sensor.read(timeout_s=0.01) is None
        assert not sensor.ended


def test_writer_close_twice_is_harmless_and_write_after_close_fails(tmp_path: Path) -> None:
    w = RecordingWriter(tmp_path / "a.rq")
    w.close()
    w.close()
    with pytest.raises(RecordingError, match="write\\(\\) after close"):
        w.write(make_frames(1)[0])


def test_writer_counts_frames_bytes_and_duration(tmp_path: Path) -> None:
    with RecordingWriter(tmp_path / "a.rq") as w:
        for f in make_frames(31):
            w.write(f)
    assert w.frames == 31
    assert w.duration_s == pytest.approx(1.0)
    assert w.bytes_written == (tmp_path / "a.rq").stat().st_size


def test_truncated_file_can_be_salvaged_up_to_its_last_whole_frame(tmp_path: Path) -> None:
    frames = make_frames(10)
    path = write_recording(tmp_path / "a.rq", frames)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    reader = RecordingReader(path, allow_truncated=True)
    assert reader.truncated
    assert 0 < reader.frames < 10
    assert all(reader.frame(i).same_pose_as(frames[i]) for i in range(reader.frames))
    reader.close()


def test_piecewise_flat_depth_with_invalid_pixels_replays_bit_for_bit_and_compresses(tmp_path: Path) -> None:
    ramp = np.full((SIZE_PX[1], SIZE_PX[0]), 2.5, np.float32)  # a wall
    ramp[10:40, 20:40] = 1.25  # a body in front of it
    ramp[:, :4] = 0  # no depth at the edge
    frame = make_frames(1)[0].with_changes(depth_m=ramp)
    path = write_recording(tmp_path / "a.rq", [frame], ImageCodec())
    got = replay(path, images=True)[0].depth_m
    assert got is not None
    assert got.tobytes() == ramp.tobytes()
    assert len(fmt.encode_depth(ramp)) < ramp.nbytes / 10


def test_whole_millimetre_depth_takes_the_16_bit_path_and_replays_bit_for_bit(tmp_path: Path) -> None:
    """What a RealSense delivers (z16 millimetres times its depth scale) takes the compact
    16-bit path, at a fraction of the float-plane size, and still replays bit for bit."""
    rng = np.random.default_rng(5)
    w, h = SIZE_PX
    yy = np.mgrid[0:h, 0:w][0]
    z = (1.5 + 2.0 * yy / h + rng.normal(0, 0.004, (h, w))).astype(np.float32)
    depth = np.rint(z * np.float32(1000)).astype(np.uint16).astype(np.float32) * np.float32(0.001)
    payload = fmt.encode_depth(depth)
    assert payload[:4] == fmt.MMD_MAGIC
    assert len(payload) < 0.6 * depth.nbytes
    assert fmt.decode_depth(payload).tobytes() == depth.tobytes()
    frame = make_frames(1)[0].with_changes(depth_m=depth)
    path = write_recording(tmp_path / "mm.rq", [frame], ImageCodec())
    got = replay(path, images=True)[0].depth_m
    assert got is not None
    assert got.tobytes() == depth.tobytes()
