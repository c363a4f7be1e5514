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
    # title, levels and camera check take ~3.5 s, the countdown 3 s: 12 s leaves a moment of play
    proc = _play(tmp_path, "--headless", "--seconds", "12", "--screenshots", str(shots), env=env)
    assert proc.returncode == 0, proc.stderr
    pngs = sorted(shots.glob("*.png"))
    for scene in ("title", "levels", "setup", "countdown", "play", "results"):
        assert any(p.stem.endswith(f"-{scene}") for p in pngs), scene
    assert not list(shots.glob("*.part.png"))
    assert pygame.image.load(str(pngs[0])).get_size() == (1280, 720)
    # 12 s is too short for the level: the summary says so instead of claiming a result
    assert "level first-squats" in proc.stdout
    assert "stopped by --seconds before the goal" in proc.stdout
    assert f"screenshots in {shots}" in proc.stdout


def test_headless_json_prints_one_document_for_a_finished_level(tmp_path: Path) -> None:
    import json

    proc = _play(tmp_path, "--headless", "--json", "--source", "synthetic:squat,reps=0,noise_px=0", timeout_s=180)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # the whole output is one JSON document
    assert doc["level"] == "first-squats"
    assert doc["mode"] == "classic"
    assert doc["outcome"] == "completed"
    assert doc["reps"] == 5
    assert doc["stars"] >= 2
    assert {"score", "good_reps", "faults", "duration_s"} <= doc.keys()
    assert doc["duration_s"] > 0


def test_headless_with_a_profile_keeps_the_session(tmp_path: Path) -> None:
    import json

    env = {**os.environ, "REPQUEST_HOME": str(tmp_path / "home")}
    proc = _play(tmp_path, "--headless", "--json", "--profile", "Ann", "--source", "synthetic:squat,reps=0",
                 env=env, timeout_s=180)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    played = json.loads(proc.stdout)
    cmd = [sys.executable, "-m", "game", "profile", "export", "Ann"]
    export = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    doc = json.loads(export.stdout)
    [session] = doc["sessions"]
    assert len(session["reps"]) == played["reps"]
    assert session["points"] == played["score"]
    assert doc["levels"][0]["stars"] == played["stars"]


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
