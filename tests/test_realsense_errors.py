"""Bad RealSense inputs give one clear line, never a traceback: missing, corrupt
and non-recording files, and a live camera that is not there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pyrealsense2 as rs
import pytest

from game.cli import main as cli_main
from sensors.errors import SourceSpecError, SourceUnavailable
from sensors.realsense import list_devices
from sensors.realsense.device import NO_CAMERA, DeviceClock
from sensors.realsense.fusion import TYPICAL_SURFACE_OFFSET_M
from sensors.realsense.testing import write_recording
from sensors.registry import SourceOptions, open_source


def open_error(spec: str) -> str:
    sensor = open_source(spec, SourceOptions())
    with pytest.raises(SourceUnavailable) as info:
        sensor.open()
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.fixture(scope="module")
def good_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rgb = np.zeros((120, 160, 3), np.uint8)
    depth = np.full((120, 160), 2.0, np.float32)
    return write_recording(tmp_path_factory.mktemp("rs") / "good.db3", [rgb] * 3, [depth] * 3)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nothere.db3"
    message = open_error(f"realsense-file:{path}")
    assert str(path) in message
    assert "not found" in message


def test_text_file_is_not_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    message = open_error(f"realsense-file:{path}")
    assert str(path) in message
    assert "not a RealSense recording" in message


def test_text_file_named_db3_is_not_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "fake.db3"
    path.write_text("SQLite? no\n" * 10)
    assert "not a RealSense recording" in open_error(f"realsense-file:{path}")


def test_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.db3"
    path.write_bytes(b"")
    assert "empty" in open_error(f"realsense-file:{path}")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    assert "not a file" in open_error(f"realsense-file:{tmp_path}")


def test_truncated_recording_is_corrupt(good_recording: Path, tmp_path: Path) -> None:
    data = good_recording.read_bytes()
    path = tmp_path / "cut.db3"
    path.write_bytes(data[: len(data) // 2])
    message = open_error(f"realsense-file:{path}")
    assert str(path) in message
    assert "corrupt" in message or "cannot play" in message


def test_overwritten_recording_is_corrupt(good_recording: Path, tmp_path: Path) -> None:
    data = bytearray(good_recording.read_bytes())
    data[100:] = bytes(len(data) - 100)  # header kept, everything else zeroed
    path = tmp_path / "zeroed.db3"
    path.write_bytes(bytes(data))
    message = open_error(f"realsense-file:{path}")
    assert str(path) in message


def test_other_sqlite_database_is_not_a_rosbag(tmp_path: Path) -> None:
    path = tmp_path / "other.db3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE scores (name TEXT, points INTEGER)")
    assert "not a rosbag2 recording" in open_error(f"realsense-file:{path}")


def test_empty_target_is_a_spec_error() -> None:
    with pytest.raises(SourceSpecError, match="expected a file"):
        open_source("realsense-file:", SourceOptions())


def test_bad_recording_exits_with_one_line_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    code = cli_main(["record", "--source", f"realsense-file:{path}", "--out", str(tmp_path / "o.rq"), "--seconds", "1"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert str(path) in err
    assert "Traceback" not in err


# -- live ---------------------------------------------------------------------------
def test_list_devices_reports_every_connected_camera() -> None:
    devices = list_devices()
    assert len(devices) == len(rs.context().query_devices())
    for device in devices:
        assert set(device) == {"name", "serial", "firmware", "usb_type", "product_line"}


def test_live_camera_missing_is_source_unavailable() -> None:
    sensor = open_source("realsense", SourceOptions())
    if list_devices():  # pragma: no cover - with a camera plugged in, it must simply open
        with sensor:
            return
    with pytest.raises(SourceUnavailable) as info:
        sensor.open()
    assert str(info.value) == NO_CAMERA


def test_live_camera_with_unknown_serial_is_source_unavailable() -> None:
    sensor = open_source("realsense:000000000000", SourceOptions())
    with pytest.raises(SourceUnavailable) as info:
        sensor.open()
    expected = NO_CAMERA if not list_devices() else "no RealSense camera with that serial number"
    assert expected in str(info.value)


def test_live_capabilities_say_depth_and_live() -> None:
    caps = open_source("realsense", SourceOptions()).capabilities
    assert caps.has_depth
    assert caps.is_live
    assert not caps.is_finite


# -- live frame times (pure) ------------------------------------------------------
def test_system_time_stamps_map_through_the_wall_clock() -> None:
    clock = DeviceClock()
    # a frame stamped 50 ms before "now" on the wall clock arrives at monotonic 100 s
    assert clock.to_monotonic_s(1_700_000_000_000.0 - 50.0, True, 100.0, 1_700_000_000.0) == pytest.approx(99.95)
    assert clock.to_monotonic_s(1_700_000_000_000.0 + 33.0, True, 100.2, 1_700_000_000.2) == pytest.approx(100.033)


def test_hardware_clock_is_anchored_at_the_first_frame() -> None:
    clock = DeviceClock()
    assert clock.to_monotonic_s(5_000.0, False, 42.0, 0.0) == pytest.approx(42.0)
    assert clock.to_monotonic_s(5_033.0, False, 99.0, 0.0) == pytest.approx(42.033)


def test_frame_times_never_go_back() -> None:
    clock = DeviceClock()
    first = clock.to_monotonic_s(5_000.0, False, 42.0, 0.0)
    assert clock.to_monotonic_s(4_990.0, False, 42.1, 0.0) == first


# -- target parameters ------------------------------------------------------------
def test_target_parameters_reach_the_sensor(good_recording: Path) -> None:
    sensor = open_source(f"realsense-file:{good_recording},surface_offset=typical,orientation=off", SourceOptions())
    assert sensor.path == good_recording  # type: ignore[attr-defined]
    assert sensor.fusion.surface_offset_m is TYPICAL_SURFACE_OFFSET_M  # type: ignore[attr-defined]
    assert sensor.orientation == "off"  # type: ignore[attr-defined]


def test_live_target_may_hold_only_parameters() -> None:
    sensor = open_source("realsense:surface_offset=0.04", SourceOptions())
    assert sensor.serial == ""  # type: ignore[attr-defined]
    assert sensor.fusion.surface_offset_m == 0.04  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("target", "complaint"),
    [
        ("x.db3,depth=1", "unknown parameter"),
        ("x.db3,surface_offset=big", "surface_offset"),
        ("x.db3,orientation=up", "orientation"),
    ],
)
def test_bad_target_parameters_are_spec_errors(target: str, complaint: str) -> None:
    with pytest.raises(SourceSpecError, match=complaint):
        open_source(f"realsense-file:{target}", SourceOptions())


def test_checking_a_recording_leaves_no_file_open(good_recording: Path) -> None:
    from sensors.realsense.playback import check_recording_file

    def open_files() -> list[str]:
        fds = Path("/proc/self/fd")
        return sorted(str(p.resolve()) for p in fds.iterdir() if p.exists())

    before = open_files()
    check_recording_file(good_recording)
    assert str(good_recording.resolve()) not in open_files()
    assert len(open_files()) <= len(before)


def test_usb2_link_too_slow_for_the_chosen_streams_lists_the_modes_that_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A D435i that librealsense reports on a USB 2.1 link: 1280x720 colour + depth at 30 fps
    cannot fit; the message says so on one line and names modes that do."""
    from sensors.realsense import device

    on_usb2 = {"name": "Intel RealSense D435I", "serial": "0123", "firmware": "5.15.1", "usb_type": "2.1"}
    monkeypatch.setattr(device, "list_devices", lambda: [on_usb2])
    message = open_error_with("realsense:0123", SourceOptions(width_px=1280, height_px=720, fps=30))
    assert "USB 2.1" in message
    assert "1280x720" in message
    assert "--width 640 --height 480 --fps 30" in message
    assert "USB 3 port" in message


def test_usb2_modes_that_fit_and_a_usb3_link_is_never_blamed() -> None:
    from sensors.realsense.usb import modes_that_fit, usb2_problem

    fit = modes_that_fit()
    assert (640, 480, 30) in fit
    assert (1280, 720, 30) not in fit
    assert usb2_problem("3.2", 1280, 720, 30) is None
    assert usb2_problem("2.1", 424, 240, 30) is None


def open_error_with(spec: str, options: SourceOptions) -> str:
    sensor = open_source(spec, options)
    with pytest.raises(SourceUnavailable) as info:
        sensor.open()
    message = str(info.value)
    assert "\n" not in message
    return message
