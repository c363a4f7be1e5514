"""`repquest record` through the real CLI entry and the installed script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sensors.recording import ImageCodec
from tests.cli_helpers import run_cli
from tests.recording_helpers import frames_of, make_frames, write_recording


@pytest.fixture
def source_rq(tmp_path: Path) -> Path:
    return write_recording(tmp_path / "source.rq", make_frames(60))


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def test_record_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "record", "--help")
    assert code == 0
    for option in ("--source", "--out", "--seconds", "--frames", "--images", "--image-codec", "recording"):
        assert option in out


def test_re_recording_a_recording_keeps_every_pose_bit_for_bit(
    capsys: pytest.CaptureFixture[str], source_rq: Path, tmp_path: Path
) -> None:
    code, _out, err = run_cli(capsys, "record", "--source", f"recording:{source_rq}", "--out", str(tmp_path / "t.rq"))
    assert code == 0, err
    original, copy = frames_of(source_rq), frames_of(tmp_path / "t.rq")
    assert len(copy) == 60
    assert all(a.same_pose_as(b) for a, b in zip(original, copy, strict=True))


def test_summary_line_names_frames_duration_and_size(
    capsys: pytest.CaptureFixture[str], source_rq: Path, tmp_path: Path
) -> None:
    out_rq = tmp_path / "t.rq"
    _, out, _ = run_cli(capsys, "record", "--source", f"recording:{source_rq}", "--out", str(out_rq))
    assert out.count("\n") == 1
    assert "recorded 60 frames (1.97 s of source time, 30.0 fps)" in out
    assert f"{out_rq.stat().st_size / 1000:.1f} kB" in out


def test_frames_limit(capsys: pytest.CaptureFixture[str], source_rq: Path, tmp_path: Path) -> None:
    run_cli(capsys, "record", "--source", f"recording:{source_rq}", "--out", str(tmp_path / "t.rq"), "--frames", "7")
    assert len(frames_of(tmp_path / "t.rq")) == 7


def test_seconds_limit_counts_source_time(capsys: pytest.CaptureFixture[str], source_rq: Path, tmp_path: Path) -> None:
    args = ("record", "--source", f"recording:{source_rq}", "--out", str(tmp_path / "t.rq"), "--seconds", "0.5")
    run_cli(capsys, *args)
    got = frames_of(tmp_path / "t.rq")
    assert len(got) == 15
    assert got[-1].t_s - got[0].t_s < 0.5


def test_images_survive_re_recording_with_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = write_recording(tmp_path / "img.rq", make_frames(4, images=True), ImageCodec(rgb="png"))
    out_rq = tmp_path / "t.rq"
    args = ("record", "--source", f"recording:{src}", "--out", str(out_rq), "--images", "--image-codec", "png")
    assert run_cli(capsys, *args)[0] == 0
    for a, b in zip(frames_of(src, images=True), frames_of(out_rq, images=True), strict=True):
        assert np.array_equal(a.rgb, b.rgb)
        assert a.depth_m.tobytes() == b.depth_m.tobytes()


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--seconds", "0"], "argument --seconds: expected a finite number > 0, found 0"),
        (["--seconds", "-2"], "argument --seconds: expected a finite number > 0, found -2"),
        (["--seconds", "abc"], "argument --seconds: expected a number > 0, found 'abc'"),
        (["--frames", "0"], "argument --frames: expected a whole number >= 1, found 0"),
        (["--width", "1.5"], "argument --width: expected a whole number >= 1, found '1.5'"),
        (["--image-codec", "gif"], "argument --image-codec: invalid choice: 'gif'"),
        (["--pose-model", "/no/such.task"], "argument --pose-model: no such file: /no/such.task"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], source_rq: Path, tmp_path: Path, extra: list[str], fragment: str
) -> None:
    code, _, err = run_cli(
        capsys, "record", "--source", f"recording:{source_rq}", "--out", str(tmp_path / "t.rq"), *extra
    )
    assert_one_line_error(code, err, fragment, "--help')")


def test_missing_out_is_a_usage_error(capsys: pytest.CaptureFixture[str], source_rq: Path) -> None:
    code, _, err = run_cli(capsys, "record", "--source", f"recording:{source_rq}")
    assert_one_line_error(code, err, "the following arguments are required: --out")


def test_missing_source_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "record", "--out", str(tmp_path / "t.rq"))
    assert_one_line_error(code, err, "the following arguments are required: --source")


def test_unknown_scheme_suggests_the_close_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "record", "--source", "recordng:x.rq", "--out", str(tmp_path / "t.rq"))
    assert_one_line_error(code, err, "unknown source 'recordng'", "did you mean 'recording'?")


def test_out_folder_that_does_not_exist(capsys: pytest.CaptureFixture[str], source_rq: Path, tmp_path: Path) -> None:
    out_rq = tmp_path / "no" / "t.rq"
    code, _, err = run_cli(capsys, "record", "--source", f"recording:{source_rq}", "--out", str(out_rq))
    assert_one_line_error(code, err, f"folder {out_rq.parent} does not exist")


def test_out_that_is_a_folder(capsys: pytest.CaptureFixture[str], source_rq: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "record", "--source", f"recording:{source_rq}", "--out", str(tmp_path))
    assert_one_line_error(code, err, "is a folder")


def test_out_that_is_the_recording_being_read(capsys: pytest.CaptureFixture[str], source_rq: Path) -> None:
    before = source_rq.read_bytes()
    code, _, err = run_cli(capsys, "record", "--source", f"recording:{source_rq}", "--out", str(source_rq))
    assert_one_line_error(code, err, "is the recording being read")
    assert source_rq.read_bytes() == before


def test_corrupt_recording_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], source_rq: Path) -> None:
    data = bytearray(source_rq.read_bytes())
    data[len(data) // 2] ^= 0xFF
    source_rq.write_bytes(bytes(data))
    code, _, err = run_cli(
        capsys, "record", "--source", f"recording:{source_rq}", "--out", str(source_rq.with_name("t.rq"))
    )
    assert_one_line_error(code, err, str(source_rq), "corrupt")


def test_text_file_as_recording_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a recording\n")
    code, _, err = run_cli(
        capsys, "record", "--source", f"recording:{tmp_path / 'notes.txt'}", "--out", str(tmp_path / "t.rq")
    )
    assert_one_line_error(code, err, "notes.txt: a text file")


def repquest_script() -> str:
    script = Path(sys.executable).with_name("repquest")
    return str(script) if script.exists() else shutil.which("repquest") or "repquest"


def test_installed_script_re_records_bit_for_bit(source_rq: Path, tmp_path: Path) -> None:
    out_rq = tmp_path / "t.rq"
    done = subprocess.run(
        [repquest_script(), "record", "--source", f"recording:{source_rq}", "--out", str(out_rq)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "recorded 60 frames" in done.stdout
    assert all(a.same_pose_as(b) for a, b in zip(frames_of(source_rq), frames_of(out_rq), strict=True))


def test_installed_script_truncated_recording_is_one_line(source_rq: Path, tmp_path: Path) -> None:
    source_rq.write_bytes(source_rq.read_bytes()[:5000])
    done = subprocess.run(
        [repquest_script(), "record", "--source", f"recording:{source_rq}", "--out", str(tmp_path / "t.rq")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_line_error(done.returncode, done.stderr, f"recording {source_rq}: truncated at frame")


def test_out_that_is_the_realsense_recording_being_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from sensors.realsense.testing import write_recording as write_realsense

    db3 = write_realsense(tmp_path / "session.db3", [np.zeros((48, 64, 3), np.uint8)], [np.ones((48, 64), np.float32)])
    before = db3.read_bytes()
    code, _, err = run_cli(capsys, "record", "--source", f"realsense-file:{db3},surface_offset=0.02", "--out", str(db3))
    assert_one_line_error(code, err, "is the recording being read")
    assert db3.read_bytes() == before
