"""`repquest play --headless`: a bounded demo that saves screenshots and says what happened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pygame


def test_headless_play_exits_zero_and_writes_screenshots(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [sys.executable, "-m", "game", "play", "--headless", "--seconds", "5", "--screenshots", str(shots)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    pngs = sorted(shots.glob("*.png"))
    assert any("title" in p.name for p in pngs)
    assert any("play" in p.name for p in pngs)
    assert any("results" in p.name for p in pngs)
    assert pygame.image.load(str(pngs[0])).get_size() == (1280, 720)
    assert "level first-squats" in proc.stdout
    assert f"screenshots in {shots}" in proc.stdout


def test_play_rejects_an_unknown_level_in_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "game", "play", "--headless", "--level", "frist-squats"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "repquest play: error: unknown level 'frist-squats'; did you mean 'first-squats'?"


def test_no_display_means_headless_with_default_screenshot_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    proc = subprocess.run(
        [sys.executable, "-m", "game", "play", "--seconds", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "RepQuest headless demo" in proc.stdout
    assert sorted((tmp_path / "out" / "screenshots").glob("*-title.png"))
