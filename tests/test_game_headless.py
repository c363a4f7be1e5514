"""`repquest play --headless`: a bounded demo that saves screenshots and says what happened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pygame


def _play(
    cwd: Path, *argv: str, env: dict[str, str] | None = None, timeout_s: float = 120
) -> subprocess.CompletedProcess:
    """``python -m game play ARGV`` in ``cwd``, output captured as text."""
    cmd = [sys.executable, "-m", "game", "play", *argv]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env, cwd=cwd)


def test_headless_play_exits_zero_and_writes_screenshots(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = _play(tmp_path, "--headless", "--seconds", "5", "--screenshots", str(shots), env=env)
    assert proc.returncode == 0, proc.stderr
    pngs = sorted(shots.glob("*.png"))
    assert any("title" in p.name for p in pngs)
    assert any("play" in p.name for p in pngs)
    assert any("results" in p.name for p in pngs)
    assert pygame.image.load(str(pngs[0])).get_size() == (1280, 720)
    assert "level first-squats" in proc.stdout
    assert f"screenshots in {shots}" in proc.stdout


def test_play_rejects_an_unknown_level_in_one_line(tmp_path: Path) -> None:
    proc = _play(tmp_path, "--headless", "--level", "frist-squats", timeout_s=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "repquest play: error: unknown level 'frist-squats'; did you mean 'first-squats'?"


def test_no_display_means_headless_with_default_screenshot_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    proc = _play(tmp_path, "--seconds", "2", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "RepQuest headless demo" in proc.stdout
    assert sorted((tmp_path / "out" / "screenshots").glob("*-title.png"))


def test_play_rejects_a_file_as_the_screenshot_folder_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "shots").write_text("not a folder\n")
    proc = _play(tmp_path, "--headless", "--seconds", "1", "--screenshots", "shots", timeout_s=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "argument --screenshots: shots is a file" in proc.stderr


def test_play_rejects_a_screenshot_folder_below_a_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "shots").write_text("not a folder\n")
    proc = _play(tmp_path, "--headless", "--seconds", "1", "--screenshots", "shots/today", timeout_s=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "--screenshots shots/today:" in proc.stderr
    assert "is a file, so the folder cannot be created" in proc.stderr
