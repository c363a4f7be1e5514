"""`repquest analyze` end to end through the CLI on synthetic sources and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from game.cli import main
from game.commands.analyze import resolve_source
from sensors.pose_cache import is_cached
from sensors.recording import RecordingWriter
from sensors.registry import SourceOptions, open_source


def analyze_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main(["analyze", *argv, "--json", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)  # exactly one document: json.loads rejects trailing text


def is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and cv2.imread(str(path)) is not None


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["analyze", *argv, "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("repquest analyze: error:")]
    assert len(lines) == 1
    return lines[0]


def test_synthetic_squats_are_counted_exactly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(capsys, "synthetic:squat,reps=4", "--exercise", "squat", "--out", str(tmp_path))
    assert doc["reps"] == 4
    assert len(doc["per_rep"]) == 4


def test_json_document_describes_source_and_stream(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(capsys, "synthetic:squat,reps=2", "--exercise", "squat", "--out", str(tmp_path))
    assert doc["exercise"] == "squat"
    assert doc["source"] == "synthetic:squat,reps=2"
    assert doc["frames"] > 0
    assert doc["duration_s"] == pytest.approx(doc["frames"] / 30.0, abs=0.05)
    assert {"partials", "good_reps", "time_under_tension_s"} <= doc.keys()


def test_per_rep_entries_carry_timing_and_score(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(capsys, "synthetic:squat,reps=2", "--exercise", "squat", "--out", str(tmp_path))
    first = doc["per_rep"][0]
    assert 0 <= first["start_t_s"] < first["end_t_s"]
    assert 0 <= first["score"] <= 100
    assert first["rom_deg"] > 30


def test_fault_is_reported_with_its_cue(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(
        capsys,
        "synthetic:squat,reps=3,depth=1.0,fault=knee_valgus,view=front",
        "--exercise",
        "squat",
        "--out",
        str(tmp_path),
    )
    faults = [f for rep in doc["per_rep"] for f in rep["faults"]]
    assert faults
    assert all(f["cue"] for f in faults)
    assert doc["good_reps"] < doc["reps"]


def test_plot_and_key_frames_are_valid_pngs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(capsys, "synthetic:squat,reps=3", "--exercise", "squat", "--out", str(tmp_path))
    assert is_png(tmp_path / "plot.png")
    key_frames = [Path(p) for p in doc["outputs"]["key_frames"]]
    assert len(key_frames) == 3
    assert all(is_png(p) for p in key_frames)
    assert [Path(rep["key_frame"]) for rep in doc["per_rep"]] == key_frames


def test_key_frames_without_images_draw_the_skeleton_on_a_blank_canvas(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = analyze_json(capsys, "synthetic:squat,reps=1", "--exercise", "squat", "--out", str(tmp_path))
    img = cv2.imread(doc["outputs"]["key_frames"][0])
    background = np.median(img.reshape(-1, 3), axis=0)
    assert (background < 60).all()  # the dark canvas
    assert (img.reshape(-1, 3).max(axis=1) > 200).sum() > 50  # bright joints and bones on it


def test_analysis_json_file_matches_stdout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(capsys, "synthetic:squat,reps=1", "--exercise", "squat", "--out", str(tmp_path))
    assert json.loads((tmp_path / "analysis.json").read_text()) == doc


def test_table_lists_reps_and_totals(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["analyze", "synthetic:squat,reps=2", "--exercise", "squat", "--out", str(tmp_path), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "2 reps" in out
    assert "score" in out.splitlines()[1]


def test_hold_reports_time_in_form(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(capsys, "synthetic:plank,hold_s=6", "--exercise", "plank", "--out", str(tmp_path))
    assert doc["reps"] == 0
    assert 6.0 - 0.5 <= doc["hold_in_form_s"] <= doc["duration_s"]  # the commanded hold, at most the stream


def test_recording_source_gives_the_same_count(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rq = tmp_path / "squats.rq"
    with open_source("synthetic:squat,reps=3", SourceOptions()) as sensor, RecordingWriter(rq) as rec:
        for frame in sensor:
            rec.write(frame)
    doc = analyze_json(capsys, f"recording:{rq}", "--exercise", "squat", "--out", str(tmp_path / "out"))
    assert doc["reps"] == 3


def test_reference_scores_every_rep(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    coach = tmp_path / "coach.rq"
    with open_source("synthetic:squat,reps=1", SourceOptions()) as sensor, RecordingWriter(coach) as rec:
        for frame in sensor:
            rec.write(frame)
    doc = analyze_json(
        capsys, "synthetic:squat,reps=2", "--exercise", "squat", "--reference", str(coach), "--out", str(tmp_path / "o")
    )
    scores = [rep["reference_score"] for rep in doc["per_rep"]]
    assert len(scores) == 2
    assert all(s > 50 for s in scores)  # the same movement scores high against itself


def test_unknown_exercise_suggests_the_closest(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = one_line_error(capsys, "synthetic:squat", "--exercise", "sqaut", "--out", str(tmp_path))
    assert "did you mean 'squat'" in line


def test_empty_recording_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rq = tmp_path / "empty.rq"
    RecordingWriter(rq).close()
    line = one_line_error(capsys, f"recording:{rq}", "--exercise", "squat", "--out", str(tmp_path / "o"))
    assert "no frames" in line


def test_nobody_in_view_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = one_line_error(capsys, "synthetic:squat,person=0,reps=1", "--exercise", "squat", "--out", str(tmp_path))
    assert "no person was detected in" in line


def test_video_with_no_person_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    video = room_video(tmp_path / "room.avi")
    line = one_line_error(capsys, str(video), "--exercise", "squat", "--no-cache", "--out", str(tmp_path / "o"))
    assert f"no person was detected in 8 frames of {video}" in line


def test_undecodable_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(2000))
    line = one_line_error(capsys, str(bad), "--exercise", "squat", "--out", str(tmp_path / "o"))
    assert str(bad) in line


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = one_line_error(capsys, str(tmp_path / "nope.mp4"), "--exercise", "squat", "--out", str(tmp_path / "o"))
    assert "nope.mp4" in line


def room_video(path: Path, frames: int = 8) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (160, 120))
    for i in range(frames):
        writer.write(np.full((120, 160, 3), 30 + 10 * i, np.uint8))
    writer.release()
    return path


def test_video_poses_are_cached_by_default(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPQUEST_CACHE_DIR", str(tmp_path / "cache"))
    video = room_video(tmp_path / "room.avi")
    one_line_error(capsys, str(video), "--exercise", "squat", "--out", str(tmp_path / "o"))
    assert is_cached(video)


def test_no_cache_leaves_the_cache_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPQUEST_CACHE_DIR", str(tmp_path / "cache"))
    video = room_video(tmp_path / "room.avi")
    one_line_error(capsys, str(video), "--exercise", "squat", "--no-cache", "--out", str(tmp_path / "o"))
    assert not is_cached(video)


def test_key_frames_use_the_source_images_when_it_has_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = analyze_json(capsys, "synthetic:squat,reps=1,images=1", "--exercise", "squat", "--out", str(tmp_path))
    img = cv2.imread(doc["outputs"]["key_frames"][0])
    assert img[100:, :].std() > 20  # the rendered scene, not a flat canvas


def test_outputs_default_to_analysis_stem_in_the_current_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["analyze", "synthetic:squat,reps=1", "--exercise", "squat", "--json", "--no-progress"])
    capsys.readouterr()
    assert code == 0
    assert is_png(tmp_path / "analysis" / "synthetic_squat_reps_1" / "plot.png")


def test_bare_path_means_a_video_and_rq_a_recording(tmp_path: Path) -> None:
    assert resolve_source("clips/squat.mp4").spec == "video:clips/squat.mp4"
    assert resolve_source(str(tmp_path / "s.rq")).scheme == "recording"
    assert resolve_source("synthetic:squat,reps=2").spec == "synthetic:squat,reps=2"
    assert resolve_source("video:clips/squat.mp4").stem == "squat"


def test_endless_source_is_a_clear_error_not_a_hang(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = one_line_error(capsys, "synthetic:squat,reps=0", "--exercise", "squat", "--out", str(tmp_path))
    assert "never ends" in line
    assert "repquest record --source synthetic:squat,reps=0 --seconds" in line


def test_out_naming_an_existing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    line = one_line_error(capsys, "synthetic:squat,reps=1", "--exercise", "squat", "--out", str(tmp_path / "notes.txt"))
    assert "is a file" in line
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_out_below_a_file_fails_before_the_analysis(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    out = tmp_path / "notes.txt" / "run1"
    line = one_line_error(capsys, "synthetic:squat,reps=1", "--exercise", "squat", "--out", str(out))
    blocker = tmp_path / "notes.txt"
    assert line == f"repquest analyze: error: --out {out}: {blocker} is a file, so the folder cannot be created"


@pytest.mark.parametrize(("exercise", "unit"), [("squat", "°"), ("glute_bridge", " torso")])
def test_rep_table_gives_rom_in_the_primary_signals_unit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, exercise: str, unit: str
) -> None:
    assert main(["analyze", f"synthetic:{exercise},reps=1", "--exercise", exercise, "--out", str(tmp_path)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.lstrip().startswith("1 "))
    rom = row.split()[3] if unit == "°" else " ".join(row.split()[3:5])
    assert rom.endswith(unit.strip())
    assert ("°" in row) == (unit == "°")
