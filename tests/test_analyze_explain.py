"""`repquest analyze` says why it counted nothing (or too little): in words, per cause."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exercises import FormEngine, load_library
from exercises.range_model import Tuning
from exercises.spec import Band, Condition
from game.report.analysis import analyze_frames
from game.report.explain import explain, signal_cycles
from sensors.player_lock import as_no_player
from sensors.pose import PoseFrame
from sensors.synthetic import SyntheticConfig, SyntheticSensor
from tests.cli_helpers import run_cli

SQUAT = load_library()["squat"]


def frames(**kw: object) -> list[PoseFrame]:
    config = SyntheticConfig(exercise="squat", **{"reps": 3, "seed": 5, **kw})  # type: ignore[arg-type]
    with SyntheticSensor(config) as sensor:
        return list(sensor)


def test_signal_cycles_counts_swings_past_half_the_span() -> None:
    t = np.arange(0, 9, 1 / 30)
    knee = 130 + 45 * np.cos(2 * np.pi * t / 3)
    assert signal_cycles(knee, 150, 115) == 3
    assert signal_cycles(np.full(100, 170.0), 150, 115) == 0


def test_a_view_the_exercise_does_not_support_is_named() -> None:
    side_only = SQUAT.model_copy(update={"views": ["side"]})
    a = analyze_frames(frames(view="front"), side_only)
    why = "\n".join(explain(a))
    assert a.summary.reps == 0
    assert "view not supported" in why
    assert "seen from the front" in why


def test_a_ready_pose_never_held_names_the_condition_and_the_closest_value() -> None:
    strict = SQUAT.model_copy(
        update={
            "ready": SQUAT.ready.model_copy(update={"when": [Condition(signal="knee", above=179.5)]}),
            "counting": SQUAT.counting.model_copy(update={"start": Band(enter=179.5, exit=170)}),  # type: ignore[union-attr]
        }
    )
    a = analyze_frames(
        frames(), strict, engine=FormEngine(strict, tuning=Tuning(max_shift_of_span=0.0, return_slack_of_depth=0.0))
    )
    why = "\n".join(explain(a))
    assert a.summary.reps == 0
    assert "ready pose never held: knee above 179.5° (closest 17" in why


def test_a_movement_that_never_reaches_the_turn_is_explained_as_a_partial() -> None:
    a = analyze_frames(frames(depth=0.45, view="side", reps=1), SQUAT)
    why = "\n".join(explain(a))
    assert a.summary.reps == 0
    assert a.summary.partials == 1
    assert "never got past the turn threshold 115°" in why


def test_a_set_that_consistently_turns_short_is_counted_as_shallow_reps_and_explained() -> None:
    """Every rep turning at ~130° (a shallow set, :mod:`exercises.shallow`): counted, not zeroed, and said so."""
    a = analyze_frames(frames(depth=0.45, view="side"), SQUAT)
    why = "\n".join(explain(a))
    assert a.summary.reps >= 2
    assert a.summary.reps + a.summary.partials <= 3
    assert all(r.shallow for r in a.summary.per_rep)
    assert f"counted {a.summary.reps} shallow reps: your reps turned at ~13" in why
    assert "short of the 115° the exercise asks for" in why


def test_a_player_lost_mid_set_is_reported_in_seconds() -> None:
    stream = frames(view="side", reps=4)
    gone = [as_no_player(f) if f.t_s >= 3.0 else f for f in stream]
    a = analyze_frames(gone, SQUAT)
    lost_s = stream[-1].t_s - 3.0
    why = "\n".join(explain(a))
    assert a.summary.reps < 4
    assert f"player lost for {lost_s + 1 / 30:.1f} s" in why


def test_a_correct_count_needs_no_explanation() -> None:
    a = analyze_frames(frames(view="side"), SQUAT)
    assert a.summary.reps == 3
    assert explain(a) == []


CALF_RAISE = """\
name: calf_raise
title: Calf raise
views: [front, side, oblique]
signals:
  knee: {angle: [hip, knee, ankle], side: mean, plane: sagittal}
primary_signal: knee
counting:
  start: {enter: 150, exit: 140}
  turn: {enter: 115, exit: 125}
  partial: 138
  source: a user's own thresholds (a squat's, to have something the avatar does)
ready:
  when:
    - {signal: knee, above: 155}
  source: standing
"""


def test_exercise_file_is_analysed_like_a_library_exercise(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "calf_raise.yaml").write_text(CALF_RAISE)
    code, out, err = run_cli(
        capsys, "analyze", "synthetic:squat,reps=2", "--exercise", str(tmp_path / "calf_raise.yaml"),
        "--out", str(tmp_path / "out"), "--no-progress",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("calf_raise on synthetic:squat")
    assert "2 reps" in out
    assert "columns: rep = number" in out  # the legend under the table


def test_a_broken_exercise_file_is_one_line_with_its_position(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "calf_raise.yaml"
    bad.write_text(CALF_RAISE.replace("partial: 138", "partial: 138\n  partials: 2"))
    code, _, err = run_cli(capsys, "analyze", "synthetic:squat,reps=1", "--exercise", str(bad), "--out", str(tmp_path))
    assert code != 0
    assert f"{bad}:11:3:" in err
    assert "Traceback" not in err
