"""`repquest devices` on a machine with no camera (CI): clear output, exit 0."""

from __future__ import annotations

import sys

import pytest

from game.cli import main as cli_main


def test_devices_lists_no_webcam_and_no_realsense_here(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["devices", "--max-index", "3"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Webcams (OpenCV, indices 0..2):\n  none found" in out
    assert "RealSense:\n  none found" in out
    assert err == ""  # OpenCV's "can't open camera by index" warnings are silenced


def test_devices_reports_a_missing_realsense_module_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sensors.realsense", None)  # import now fails like a missing module
    code = cli_main(["devices", "--max-index", "1"])
    out = capsys.readouterr().out
    assert code == 0
    lines = [line for line in out.splitlines() if "RealSense support unavailable" in line]
    assert len(lines) == 1
    assert "sensors.realsense" in lines[0]
