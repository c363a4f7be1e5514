"""`repquest analyze` on real clips from ``shared/data`` (poses from the pose cache)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from game.cli import main
from tests.realclips import cached_clip, clip_label

pytestmark = pytest.mark.realdata


def analyze_clip(capsys: pytest.CaptureFixture[str], shared_data: Path, stem: str, exercise: str, out: Path) -> dict:
    cached_clip(shared_data, stem)  # computed once per machine, then reused
    video = shared_data / "clips" / f"{stem}.mp4"
    code = main(["analyze", str(video), "--exercise", exercise, "--json", "--no-progress", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    return json.loads(text)


def test_side_squats_give_the_labelled_count(
    capsys: pytest.CaptureFixture[str], shared_data: Path, tmp_path: Path
) -> None:
    label = clip_label(shared_data, "squat_side_a")
    doc = analyze_clip(capsys, shared_data, "squat_side_a", "squat", tmp_path)
    assert label.count_matches(doc["reps"], doc["partials"])


def test_real_clip_document_describes_the_video(
    capsys: pytest.CaptureFixture[str], shared_data: Path, tmp_path: Path
) -> None:
    label = clip_label(shared_data, "squat_side_a")
    doc = analyze_clip(capsys, shared_data, "squat_side_a", "squat", tmp_path)
    assert doc["duration_s"] == pytest.approx(label.duration_s, abs=0.1)
    assert doc["frames_with_person"] < doc["frames"]  # the person walks out at the end


def test_key_frames_are_the_video_frames_with_the_skeleton(
    capsys: pytest.CaptureFixture[str], shared_data: Path, tmp_path: Path
) -> None:
    doc = analyze_clip(capsys, shared_data, "squat_side_a", "squat", tmp_path)
    img = cv2.imread(doc["outputs"]["key_frames"][0])
    assert img.shape[1] == 960  # the 960x544 clip at its own size
    assert img[100:, :].std() > 20  # a photo, not a blank canvas
    assert (tmp_path / "plot.png").is_file()
