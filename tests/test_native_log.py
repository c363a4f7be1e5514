"""MediaPipe's native log lines go to a log file, not the player's terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _analyze_still(shared_data: Path, tmp_path: Path, log_setting: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPQUEST_NATIVE_LOG": log_setting}
    image = shared_data / "mediapipe_testdata" / "pose.jpg"
    cmd = [sys.executable, "-m", "game", "analyze", f"image:{image}", "--exercise", "squat", "--out", str(tmp_path)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_native_log_lines_leave_the_terminal_for_the_log_file(shared_data: Path, tmp_path: Path) -> None:
    log = tmp_path / "native.log"
    result = _analyze_still(shared_data, tmp_path, str(log))
    assert result.returncode == 0, result.stderr
    assert "XNNPACK" not in result.stderr
    assert "XNNPACK" in log.read_text()


def test_native_log_can_be_left_on_the_terminal(shared_data: Path, tmp_path: Path) -> None:
    result = _analyze_still(shared_data, tmp_path, "-")
    assert result.returncode == 0, result.stderr
    assert "XNNPACK" in result.stderr


def test_without_a_stderr_nothing_is_redirected(monkeypatch: pytest.MonkeyPatch) -> None:
    from game.native_log import native_stderr_to_log

    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "__stderr__", None)  # pythonw / a detached service: no stderr at all
    monkeypatch.delenv("REPQUEST_NATIVE_LOG", raising=False)
    with native_stderr_to_log() as path:
        assert path is None
    assert sys.stderr is None


def test_the_sensors_library_is_quiet_by_default_outside_repquest_commands(shared_data: Path, tmp_path: Path) -> None:
    """The README's plain-script use: MediaPipe's lines go to the log, the script's own output stays."""
    log = tmp_path / "native.log"
    image = shared_data / "mediapipe_testdata" / "pose.jpg"
    script = (
        "import sys\n"
        "from sensors import open_source\n"
        f"with open_source('image:{image}') as cam:\n"
        "    frame = cam.read(timeout_s=60)\n"
        "print('player', frame.has_player, file=sys.stderr)\n"
    )
    env = {**os.environ, "REPQUEST_NATIVE_LOG": str(log)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "player True" in result.stderr
    assert "XNNPACK" not in result.stderr
    assert "XNNPACK" in log.read_text()
