"""Level packs: the built-in pack loads; every problem in a pack names file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.yaml_source import SpecError
from game.cli import main
from game.engine_adapter import Coach
from game.source_choice import demo_spec
from levels import builtin_pack_path, find_level, load_builtin, load_pack
from sensors.registry import open_source

GOOD = """\
id: mine
name: My Pack
levels:
  - id: one
    title: One
    exercise: squat
    goal: {reps: 3}
    stars: [100, 200, 300]
  - id: two
    title: Two
    exercise: plank
    goal: {hold_s: 20, time_limit_s: 40}
    unlock: {after: one, stars: 2}
"""


def _error(text: str) -> str:
    with pytest.raises(SpecError) as info:
        load_pack("pack.yaml", text)
    return str(info.value)


def test_builtin_pack_loads_with_three_to_five_levels() -> None:
    pack = load_builtin()
    assert pack.id == "starter"
    assert 3 <= len(pack.levels) <= 5
    assert builtin_pack_path().is_file()


def test_a_good_pack_loads_both_goal_kinds() -> None:
    pack = load_pack("pack.yaml", GOOD)
    assert pack.levels[0].goal.reps == 3
    assert pack.levels[1].goal.hold_s == 20
    assert pack.levels[1].unlock.after == "one"


def test_bad_goal_value_points_at_the_value() -> None:
    msg = _error(GOOD.replace("{reps: 3}", "{reps: 0}"))
    assert msg.startswith("pack.yaml:7:18: levels.0.goal.reps: expected greater than 0")


def test_goal_with_both_kinds_is_rejected_at_the_goal() -> None:
    msg = _error(GOOD.replace("{reps: 3}", "{reps: 3, hold_s: 10}"))
    assert msg.startswith("pack.yaml:7:11: levels.0.goal: expected exactly one of 'reps' or 'hold_s'")


def test_unknown_key_suggests_the_right_one() -> None:
    msg = _error(GOOD.replace("    title: One", "    titel: One"))
    assert "pack.yaml:5:5: unknown key 'titel'; did you mean 'title'?" in msg.splitlines()


def test_a_rep_goal_for_a_held_exercise_is_rejected_at_the_goal() -> None:
    msg = _error(GOOD.replace("exercise: squat", "exercise: wall_sit", 1))
    assert msg == "pack.yaml:7:11: expected a hold_s goal ('wall_sit' is held, it counts no reps), found reps"


def test_a_hold_goal_for_a_rep_exercise_is_rejected_at_the_goal() -> None:
    msg = _error(GOOD.replace("exercise: plank", "exercise: lunge"))
    assert msg == "pack.yaml:12:11: expected a reps goal ('lunge' counts reps, it has no hold time), found hold_s"


def test_star_thresholds_must_rise() -> None:
    msg = _error(GOOD.replace("[100, 200, 300]", "[300, 200, 100]"))
    assert msg == "pack.yaml:8:12: expected star thresholds rising from 0, found [300, 200, 100]"


def test_duplicate_level_id_points_at_the_second() -> None:
    msg = _error(GOOD.replace("id: two", "id: one"))
    assert msg == "pack.yaml:9:9: expected a unique level id, found 'one' again (first: level 1)"


def test_unlock_must_name_an_earlier_level() -> None:
    msg = _error(GOOD.replace("after: one", "after: three"))
    assert msg == "pack.yaml:13:21: expected the id of an earlier level (earlier: one), found 'three'"


def test_missing_file_is_one_problem() -> None:
    with pytest.raises(SpecError) as info:
        load_pack("/nonexistent/pack.yaml")
    assert str(info.value) == "/nonexistent/pack.yaml:1:1: expected a level pack YAML file, found nothing there"


def test_find_level_suggests_a_close_id() -> None:
    with pytest.raises(KeyError, match="did you mean 'first-squats'"):
        find_level([load_builtin()], "first-squat")


def test_cli_validate_bad_pack_prints_one_line_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("{reps: 3}", "{reps: lots}"), encoding="utf-8")
    code = main(["levels", "validate", str(bad)])
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{bad}:7:18: levels.0.goal.reps: expected a valid integer")
    assert lines[0].endswith("found 'lots'")


def test_cli_validate_good_pack_says_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["levels", "validate", str(good)]) == 0
    assert "ok, pack 'mine' with 2 levels" in capsys.readouterr().out


def test_cli_list_shows_every_builtin_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "list"]) == 0
    out = capsys.readouterr().out
    assert all(level.id in out for level in load_builtin().levels)


def test_cli_show_unknown_level_fails_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "show", "plank"]) != 0
    err = capsys.readouterr().err.strip()
    assert err == "repquest levels: error: unknown level 'plank'; did you mean 'plank-hold'?"


def test_cli_levels_without_action_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["levels"])
    assert info.value.code == 2


def test_unknown_exercise_gets_a_did_you_mean() -> None:
    msg = _error(GOOD.replace("exercise: squat", "exercise: sqaut", 1))
    assert msg == "pack.yaml:6:15: expected an exercise from the library, found 'sqaut'; did you mean 'squat'?"


def test_every_builtin_level_has_a_coach_and_a_demo_source() -> None:
    for level in load_builtin().levels:
        coach = Coach(level.exercise)
        assert coach.exercise == level.exercise
        sensor = open_source(demo_spec(level.exercise))  # built: the demo's parameters are valid
        sensor.close()


def _own_exercise(folder: Path, signal: str = "knee") -> Path:
    """A pack's own exercise: the built-in squat renamed 'deep_squat' (optionally with a bad signal)."""
    from importlib import resources

    text = (resources.files("exercises") / "library" / "squat.yaml").read_text(encoding="utf-8")
    text = text.replace("name: squat", "name: deep_squat", 1).replace(
        "primary_signal: knee", f"primary_signal: {signal}"
    )
    path = folder / "deep_squat.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PACK_WITH_EXERCISE = """\
id: mine
name: Mine
exercises: [deep_squat.yaml]
levels:
  - id: deep
    title: Deep
    exercise: deep_squat
    goal: {reps: 3}
"""


def test_a_pack_can_add_its_own_exercise(tmp_path: Path) -> None:
    exercise = _own_exercise(tmp_path)
    (tmp_path / "pack.yaml").write_text(PACK_WITH_EXERCISE, encoding="utf-8")
    pack = load_pack(tmp_path / "pack.yaml")
    assert pack.exercises == [str(exercise.resolve())]
    assert Coach("deep_squat", pack.exercises).exercise == "deep_squat"


def test_missing_exercise_file_points_at_the_pack_entry(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text(PACK_WITH_EXERCISE, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_pack(tmp_path / "pack.yaml")
    assert str(info.value).startswith(f"{tmp_path / 'pack.yaml'}:3:13: expected an exercise YAML file, found nothing")


def test_a_broken_exercise_file_reports_its_own_position(tmp_path: Path) -> None:
    exercise = _own_exercise(tmp_path, signal="kne")
    (tmp_path / "pack.yaml").write_text(PACK_WITH_EXERCISE, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_pack(tmp_path / "pack.yaml")
    assert str(info.value).startswith(f"{exercise.resolve()}:")
    assert "did you mean 'knee'?" in str(info.value)
