"""The issue's acceptance: record the synthetic avatar, re-record the recording, get identical pose data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from sensors.checker import check_sensor
from sensors.recording import RecordingReader
from sensors.registry import SourceOptions, open_source
from tests.recording_helpers import frames_of


def repquest_script() -> str:
    script = Path(sys.executable).with_name("repquest")
    return str(script) if script.exists() else shutil.which("repquest") or "repquest"


def test_synthetic_squat_recording_matches_the_live_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record", "--source", "synthetic:squat", "--seconds", "2", "--out", str(tmp_path / "s.rq")]) == 0
    recorded = frames_of(tmp_path / "s.rq")
    with open_source("synthetic:squat") as live:
        originals = [live.read(timeout_s=10) for _ in range(len(recorded))]
    assert all(a is not None and a.same_pose_as(b) for a, b in zip(originals, recorded, strict=True))


def test_cli_acceptance_record_then_re_record_gives_identical_pose_data(tmp_path: Path) -> None:
    s_rq, t_rq = tmp_path / "s.rq", tmp_path / "t.rq"
    first = subprocess.run(
        [repquest_script(), "record", "--source", "synthetic:squat", "--seconds", "5", "--out", str(s_rq)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    second = subprocess.run(
        [repquest_script(), "record", "--source", f"recording:{s_rq}", "--out", str(t_rq)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    a, b = frames_of(s_rq), frames_of(t_rq)
    assert len(a) >= 5 * 25
    assert a[-1].t_s - a[0].t_s < 5.0
    assert all(x.same_pose_as(y) for x, y in zip(a, b, strict=True))


def test_synthetic_depth_mode_replays_depth_and_png_images_bit_for_bit(tmp_path: Path) -> None:
    out, spec = tmp_path / "d.rq", "synthetic:squat,mode=depth"
    args = ["record", "--source", spec, "--frames", "5", "--images", "--image-codec", "png", "--width", "160"]
    assert main([*args, "--height", "120", "--out", str(out)]) == 0
    with open_source(spec, SourceOptions(images=True, width_px=160, height_px=120)) as live:
        originals = [live.read(timeout_s=10) for _ in range(5)]
    replayed = frames_of(out, images=True)
    assert RecordingReader(out).header["capabilities"]["has_depth"] is True
    for a, b in zip(originals, replayed, strict=True):
        assert a is not None
        assert a.same_pose_as(b)
        assert a.depth_m is not None
        assert b.depth_m is not None
        assert a.depth_m.tobytes() == b.depth_m.tobytes()
        assert np.array_equal(a.rgb, b.rgb)


def test_recorded_synthetic_depth_passes_the_conformance_checker(tmp_path: Path) -> None:
    out = tmp_path / "d.rq"
    args = ["record", "--source", "synthetic:squat,mode=depth", "--frames", "12", "--images", "--width", "160"]
    assert main([*args, "--height", "120", "--out", str(out)]) == 0
    check_sensor(lambda: open_source(f"recording:{out}", SourceOptions(images=True)))
