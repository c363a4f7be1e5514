"""The exercise library and the exercise format: names, rules, sources, and errors that point."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises import SpecError, UnknownExercise, load_exercise_file, load_library

NAMES = {
    "squat", "pushup", "lunge", "jumping_jack", "bicep_curl", "shoulder_press", "lateral_raise",
    "front_raise", "plank", "glute_bridge", "situp", "high_knees", "wall_sit", "mountain_climber",
    # variants (issue 8)
    "squat_overhead", "squat_goblet", "squat_front", "squat_barbell", "pushup_knee", "crunch",
}  # fmt: skip
MAIN = ("squat", "pushup", "lunge", "bicep_curl", "shoulder_press", "lateral_raise", "front_raise")

MINIMAL = """\
name: toe_tap
title: Toe tap
views: [front]
signals:
  knee: {angle: [hip, knee, ankle]}
primary_signal: knee
counting:
  start: {enter: 160, exit: 150}
  turn: {enter: 120, exit: 130}
  partial: 140
  source: test thresholds
ready:
  when:
    - {signal: knee, above: 160}
  source: test
"""


def test_library_has_the_twenty_exercises() -> None:
    assert set(load_library()) == NAMES


@pytest.mark.parametrize("name", MAIN)
def test_main_exercises_have_at_least_three_rules(name: str) -> None:
    assert len(load_library()[name].rules) >= 3


def test_every_threshold_names_its_source() -> None:
    for d in load_library().values():
        sections = [d.ready, *d.rules] + ([d.counting] if d.counting else []) + ([d.posture] if d.posture else [])
        assert all(len(s.source) > 10 for s in sections), d.name


def test_holds_have_no_counting() -> None:
    lib = load_library()
    assert {n for n, d in lib.items() if d.kind == "hold"} == {"plank", "wall_sit"}


def test_unknown_exercise_suggests_the_closest_name() -> None:
    with pytest.raises(UnknownExercise, match="did you mean 'squat'"):
        load_library()["sqaut"]


def test_unknown_exercise_is_a_value_error_through_get() -> None:
    with pytest.raises(ValueError, match=r"unknown exercise 'push-ups'.*did you mean 'pushup'"):
        load_library().get("push-ups")


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    f = tmp_path / "toe.yaml"
    f.write_text(MINIMAL)
    (d,) = load_exercise_file(f)
    assert d.name == "toe_tap"
    assert d.primary_signal == "knee"


def test_extra_files_add_exercises_to_the_library(tmp_path: Path) -> None:
    f = tmp_path / "toe.yaml"
    f.write_text(MINIMAL)
    lib = load_library([f])
    assert "toe_tap" in lib
    assert "squat" in lib


def test_a_file_may_hold_several_exercises(tmp_path: Path) -> None:
    two = "exercises:\n" + "".join(
        "  - " + MINIMAL.replace("toe_tap", n).replace("\n", "\n    ").rstrip() + "\n" for n in ("a_one", "b_two")
    )
    f = tmp_path / "pack.yaml"
    f.write_text(two)
    assert [d.name for d in load_exercise_file(f)] == ["a_one", "b_two"]


def _error(tmp_path: Path, text: str) -> str:
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(SpecError) as e:
        load_exercise_file(f)
    return str(e.value)


def test_unknown_key_points_at_its_line_with_did_you_mean(tmp_path: Path) -> None:
    msg = _error(tmp_path, MINIMAL.replace("primary_signal:", "primary_signl:"))
    assert f"{tmp_path / 'bad.yaml'}:6:1: unknown key 'primary_signl'; did you mean 'primary_signal'?" in msg


def test_unknown_signal_name_points_at_its_use(tmp_path: Path) -> None:
    msg = _error(tmp_path, MINIMAL.replace("{signal: knee, above: 160}", "{signal: kne, above: 160}"))
    assert ":14:16: expected a signal name, found 'kne'; did you mean 'knee'?" in msg


def test_unknown_joint_name_is_reported(tmp_path: Path) -> None:
    msg = _error(tmp_path, MINIMAL.replace("[hip, knee, ankle]", "[hip, kneee, ankle]"))
    assert ":5:" in msg
    assert "did you mean 'knee'?" in msg


def test_thresholds_out_of_order_are_reported(tmp_path: Path) -> None:
    msg = _error(tmp_path, MINIMAL.replace("partial: 140", "partial: 170"))
    assert ":8:" in msg
    assert "expected thresholds ordered" in msg


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    msg = _error(tmp_path, MINIMAL + "title: Again\n")
    assert "found 'title' again" in msg


def test_a_signal_needs_exactly_one_measurement(tmp_path: Path) -> None:
    msg = _error(
        tmp_path, MINIMAL.replace("{angle: [hip, knee, ankle]}", "{angle: [hip, knee, ankle], height: [hip, knee]}")
    )
    assert ":5:" in msg
    assert "exactly one of" in msg


def test_rules_are_data_never_code(tmp_path: Path) -> None:
    rule = (
        "rules:\n  - id: evil\n    measure: __import__('os').system('true')\n    fault_if: {above: 1}\n"
        "    cue: Hi there\n    source: test\n"
    )
    msg = _error(tmp_path, MINIMAL + rule)
    assert "expected a signal name" in msg


def test_python_tags_are_refused(tmp_path: Path) -> None:
    msg = _error(tmp_path, MINIMAL.replace("title: Toe tap", "title: !!python/object/apply:os.system ['true']"))
    assert ":2:" in msg


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="found nothing there"):
        load_exercise_file(tmp_path / "nope.yaml")
