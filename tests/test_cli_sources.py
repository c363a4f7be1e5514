"""game.sources: the --source options shared by play, analyze and record."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from game.cli import OneLineErrorParser
from game.sources import add_source_arguments, sensor_from_args, source_options
from sensors.errors import SourceSpecError
from sensors.recording import RecordingSensor
from sensors.registry import SourceOptions
from tests.recording_helpers import make_frames, write_recording


def parser(default: str | None = None) -> argparse.ArgumentParser:
    p = OneLineErrorParser(prog="repquest test")
    add_source_arguments(p, default=default)
    return p


def test_options_map_onto_source_options(tmp_path: Path) -> None:
    model = tmp_path / "pose.task"
    model.write_bytes(b"model")
    args = parser().parse_args(
        ["--source", "webcam:1", "--images", "--realtime", "--width", "1280", "--height", "720", "--fps", "60",
         "--seed", "7", "--pose-model", str(model)]
    )  # fmt: skip
    assert source_options(args) == SourceOptions(
        images=True, realtime=True, width_px=1280, height_px=720, fps=60.0, pose_model=model, seed=7
    )


def test_defaults_leave_every_choice_to_the_source() -> None:
    assert source_options(parser().parse_args(["--source", "webcam"])) == SourceOptions()


def test_no_realtime_is_false_not_none() -> None:
    assert parser().parse_args(["--source", "x", "--no-realtime"]).realtime is False


def test_default_source_makes_source_optional() -> None:
    assert parser(default="synthetic:squat").parse_args([]).source == "synthetic:squat"


def test_source_is_required_without_a_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        parser().parse_args([])
    assert e.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "repquest test: error: the following arguments are required: --source/-s (see 'repquest test --help')"
    )


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--fps", "0"], "argument --fps: expected a finite number > 0, found 0"),
        (["--fps", "inf"], "argument --fps: expected a finite number > 0, found inf"),
        (["--fps", "nan"], "argument --fps: expected a finite number > 0, found nan"),
        (["--height", "-1"], "argument --height: expected a whole number >= 1, found -1"),
        (["--seed", "x"], "argument --seed: invalid int value: 'x'"),
    ],
)
def test_bad_option_values_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["--source", "webcam", *argv])
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert fragment in err


def test_sensor_from_args_builds_the_named_source(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "a.rq", make_frames(3))
    sensor = sensor_from_args(parser().parse_args(["--source", f"recording:{path}", "--images"]))
    assert isinstance(sensor, RecordingSensor)
    assert sensor.describe() == f"recording:{path}"
    sensor.close()


def test_sensor_from_args_unknown_scheme_is_a_spec_error() -> None:
    with pytest.raises(SourceSpecError, match="did you mean 'webcam'"):
        sensor_from_args(parser().parse_args(["--source", "webcan:0"]))


def test_help_names_the_source_forms(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert "recording:PATH" in out
    assert "installed schemes:" in out
