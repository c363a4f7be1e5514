"""The report pieces of `repquest analyze`: table, JSON document, key-frame choice, drawing, progress bar."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import cv2
import numpy as np

from exercises.events import Fault, RepResult, SessionSummary, Severity
from game.report.analysis import Analysis, EventRecord, key_frame_positions
from game.report.document import build_document, dumps
from game.report.keyframes import blank_canvas, draw_skeleton, render_key_frame
from game.report.plot import plot_analysis
from game.report.progress import ProgressBar, format_progress
from game.report.table import format_rep_table, format_totals
from sensors.joints import Joint
from sensors.pose import PoseFrame


def standing_frame(t_s: float, index: int, size_px: tuple[int, int] = (320, 240)) -> PoseFrame:
    """A crude upright figure in the middle of the image, every joint seen."""
    w, h = size_px
    rng = np.random.default_rng(index)
    xy = np.column_stack([np.full(33, w / 2), np.linspace(0.15 * h, 0.9 * h, 33)]) + rng.normal(0, 3, (33, 2))
    return PoseFrame(
        t_s=t_s,
        index=index,
        image_size_px=size_px,
        image_xy_px=xy,
        camera_xyz_m=np.full((33, 3), np.nan),
        world_xyz_m=np.zeros((33, 3)),
        confidence=np.full(33, 0.9, np.float32),
        source=np.ones(33, np.uint8),
    )


def make_analysis(primary: np.ndarray, reps: list[RepResult], partial_t_s: tuple[float, ...] = ()) -> Analysis:
    n = len(primary)
    t_s = np.arange(n) / 30.0
    frames = [standing_frame(t, i) for i, t in enumerate(t_s)]
    summary = SessionSummary(
        reps=len(reps),
        partials=len(partial_t_s),
        good_reps=sum(r.good for r in reps),
        time_under_tension_s=sum(r.duration_s for r in reps),
        hold_in_form_s=0.0,
        per_rep=reps,
    )
    events = [EventRecord(t, int(t * 30), "PartialRep") for t in partial_t_s]
    return Analysis(
        exercise="squat",
        primary_signal="knee_angle_deg",
        frames=frames,
        t_s=t_s,
        frame_index=np.arange(n),
        primary=primary,
        has_player=np.ones(n, bool),
        events=events,
        summary=summary,
        engine_time_s=0.01,
    )


def rep(index: int, start_t_s: float, end_t_s: float, faults: tuple[Fault, ...] = ()) -> RepResult:
    return RepResult(
        index=index,
        start_t_s=start_t_s,
        end_t_s=end_t_s,
        rom_deg=80.0,
        eccentric_s=1.0,
        concentric_s=0.8,
        symmetry=math.nan,
        score=100.0 - 30 * len(faults),
        faults=faults,
        good=not faults,
    )


VALGUS = Fault("knee_valgus", "Push your knees out", Severity.WARNING)


def two_squats() -> Analysis:
    """Two dips of the knee angle: 170 -> 90 at 1 s, 170 -> 80 at 3 s (4 s at 30 fps)."""
    t = np.arange(120) / 30.0
    knee = 170 - 80 * np.exp(-((t - 1.0) ** 2) / 0.1) - 90 * np.exp(-((t - 3.0) ** 2) / 0.1)
    return make_analysis(knee, [rep(1, 0.4, 1.6), rep(2, 2.4, 3.6, (VALGUS,))], partial_t_s=(2.0,))


def test_key_frame_of_each_rep_is_its_extreme() -> None:
    a = two_squats()
    picks = dict(key_frame_positions(a))
    assert abs(a.t_s[picks["rep1"]] - 1.0) < 0.04
    assert abs(a.t_s[picks["rep2"]] - 3.0) < 0.04


def test_hold_without_reps_gets_a_middle_key_frame() -> None:
    a = make_analysis(np.full(90, 155.0), [])
    assert key_frame_positions(a) == [("middle", 45)]


def test_table_lists_each_rep_with_its_fault_cue() -> None:
    lines = format_rep_table(two_squats()).splitlines()
    assert len(lines) == 4  # header, rule, two reps
    assert "Push your knees out" in lines[3]
    assert "Push your knees out" not in lines[2]


def test_totals_name_reps_partials_and_good_reps() -> None:
    text = format_totals(two_squats())
    assert "2 reps" in text
    assert "1 partials" in text
    assert "1 good reps" in text


def test_json_document_has_the_required_fields_and_no_nan() -> None:
    doc = build_document(two_squats(), "synthetic:squat")
    text = dumps(doc)  # allow_nan=False: raises on NaN
    back = json.loads(text)
    assert (back["reps"], back["partials"], back["good_reps"]) == (2, 1, 1)
    assert back["per_rep"][0]["symmetry"] is None
    fault = {"rule_id": "knee_valgus", "cue": "Push your knees out", "severity": "warning"}
    assert back["per_rep"][1]["faults"] == [fault]
    assert back["duration_s"] == 4.0
    assert back["partial_at_t_s"] == [2.0]


def test_skeleton_is_drawn_where_the_joints_are() -> None:
    frame = standing_frame(0.0, 0)
    out = draw_skeleton(blank_canvas(frame.image_size_px), frame)
    x, y = frame.image_xy_px[Joint.LEFT_HIP].round().astype(int)
    assert out.shape == (240, 320, 3)
    assert out[y, x].astype(int).sum() > 3 * 100  # a bright joint dot on the dark canvas
    assert (out[:, :20] == blank_canvas((20, 240))).all()  # nothing drawn far from the body


def test_missing_joints_are_not_drawn() -> None:
    frame = PoseFrame.empty(0.0, 0, (320, 240))
    canvas = blank_canvas((320, 240))
    assert (draw_skeleton(canvas, frame) == canvas).all()


def test_key_frame_of_a_large_image_is_scaled_with_its_skeleton() -> None:
    frame = standing_frame(0.0, 0, size_px=(1920, 1080))
    image = np.zeros((1080, 1920, 3), np.uint8)
    out = render_key_frame(frame, image, [])
    assert out.shape == (540, 960, 3)
    x, y = (frame.image_xy_px[Joint.LEFT_HIP] / 2).round().astype(int)
    assert out[y, x].astype(int).sum() > 300


def test_plot_is_a_png_image(tmp_path: Path) -> None:
    path = plot_analysis(two_squats(), tmp_path / "plot.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = cv2.imread(str(path))
    assert img is not None
    assert img.shape[1] > 800


def test_progress_line_shows_fraction_and_counts() -> None:
    line = format_progress("analysing", 450, 900, 10.0)
    assert "50%" in line
    assert "450/900" in line


def test_progress_bar_writes_lines_to_a_non_terminal_stream() -> None:
    stream = io.StringIO()
    bar = ProgressBar("analysing", 10, stream=stream)
    for i in range(1, 11):
        bar.update(i)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines
    assert "10/10" in lines[-1]


def test_disabled_progress_bar_writes_nothing() -> None:
    stream = io.StringIO()
    with ProgressBar("analysing", 10, stream=stream, enabled=False) as bar:
        bar.update(5)
    assert stream.getvalue() == ""
