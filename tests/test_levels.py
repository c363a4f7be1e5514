"""Level packs: the built-in packs load, the old form still loads, every problem names file:line:column."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from exercises.yaml_source import SpecError
from game.cli import main
from game.engine_adapter import Coach
from levels import PackError, builtin_packs, check_file, check_text, find_level, load_builtin, load_pack
from levels.loader import BUILTIN_PACKS, builtin_pack_path
from levels.model import MODES
from levels.schema import MODELINE

OLD = """\
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


def test_the_starter_pack_has_ten_progressive_levels_in_every_mode_with_eight_exercises() -> None:
    pack = load_builtin()
    assert pack.id == "starter"
    assert len(pack.levels) >= 10
    assert {lv.mode for lv in pack.levels} == set(MODES)
    assert len({s.exercise for lv in pack.levels for s in lv.stages}) >= 8
    assert [lv.difficulty for lv in pack.levels] == sorted(lv.difficulty or 0 for lv in pack.levels)
    assert all(not lv.unlock.always_open for lv in pack.levels[1:])


def test_every_builtin_pack_validates_without_warnings_and_has_the_modeline() -> None:
    for name in BUILTIN_PACKS:
        report = check_file(builtin_pack_path(name))
        assert report.problems == [], name
        assert builtin_pack_path(name).read_text(encoding="utf-8").startswith(MODELINE)


def test_the_depth_pack_needs_depth_and_the_seated_pack_has_no_floor_or_jumping() -> None:
    depth, seated = (next(p for p in builtin_packs() if p.id == i) for i in ("depth", "seated"))
    assert all(lv.depth in ("required", "improves") for lv in depth.levels)
    floor_or_jump = {"pushup", "plank", "situp", "glute_bridge", "mountain_climber", "jumping_jack", "high_knees"}
    assert not {s.exercise for lv in seated.levels for s in lv.stages} & floor_or_jump


def test_the_old_single_goal_form_loads_as_a_one_stage_classic_level() -> None:
    pack = load_pack("pack.yaml", OLD)
    assert pack.title == "My Pack"
    one, two = pack.levels
    assert one.mode == "classic"
    assert len(one.stages) == 1
    assert one.goal.reps == 3
    assert two.exercise == "plank"
    assert two.stages[0].goal.hold_s == 20
    assert two.time_limit_s == 40
    assert two.unlock.levels == ("one",)
    assert two.unlock.stars == 2


def test_one_bad_level_does_not_hide_the_others_errors() -> None:
    text = OLD.replace("{reps: 3}", "{reps: lots}").replace("exercise: plank", "exercise: plonk")
    lines = _error(text).splitlines()
    assert lines == [
        "pack.yaml:7:18: error: expected 'reps' to be a whole number from 1 to 1000, found 'lots' (level 'one')",
        "pack.yaml:11:15: error: expected an exercise from the library or the pack, found 'plonk' (level 'two'); "
        "did you mean 'plank'?",
    ]


def test_load_errors_are_a_pack_error_and_a_spec_error() -> None:
    with pytest.raises(PackError) as info:
        load_pack("pack.yaml", OLD.replace("title: One", "titel: One"))
    assert isinstance(info.value, SpecError)
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.severity) == (5, 5, "error")
    assert problem.hint == "did you mean 'title'?"


def test_missing_file_is_one_problem() -> None:
    with pytest.raises(SpecError) as info:
        load_pack("/nonexistent/pack.yaml")
    assert str(info.value) == "/nonexistent/pack.yaml:1:1: error: expected a level pack YAML file, found nothing there"


def test_find_level_suggests_a_close_id() -> None:
    with pytest.raises(KeyError, match="did you mean 'first-squats'"):
        find_level([load_builtin()], "first-squat")


def test_cli_validate_bad_pack_prints_the_problem_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(OLD.replace("{reps: 3}", "{reps: lots}"), encoding="utf-8")
    code = main(["levels", "validate", str(bad)])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.splitlines() == [
        f"{bad}:7:18: error: expected 'reps' to be a whole number from 1 to 1000, found 'lots' (level 'one')"
    ]
    assert out.strip() == f"{bad}: 1 error, 0 warnings"


def test_cli_validate_prints_warnings_and_still_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(OLD.replace("[100, 200, 300]", "[100, 200, 5000]"), encoding="utf-8")
    assert main(["levels", "validate", str(pack)]) == 0
    out, err = capsys.readouterr()
    assert ": warning: expected 3 stars within reach" in err
    assert out.strip() == f"{pack}: ok, pack 'mine' with 2 levels (classic), 1 warning"


def test_cli_validate_takes_several_files_and_fails_if_one_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(OLD, encoding="utf-8")
    bad.write_text(OLD.replace("id: two", "id: one"), encoding="utf-8")
    assert main(["levels", "validate", str(good), str(bad)]) == 2
    out = capsys.readouterr().out
    assert f"{good}: ok" in out
    assert f"{bad}: 2 errors" in out


def test_cli_validate_recognises_an_exercise_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _own_exercise(tmp_path)
    assert main(["levels", "validate", str(path)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"{path}: ok, an exercise file with 'deep_squat' (add it to a pack under 'exercises')"
    )
    broken = _own_exercise(tmp_path, signal="kne")
    assert main(["levels", "validate", str(broken)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert "did you mean 'knee'?" in err[0]
    assert ": error: " in err[0]


def test_cli_list_shows_every_builtin_level_and_unlock_stars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPQUEST_HOME", str(tmp_path))
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "mine.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "packs" / "broken.yaml").write_text("id: [", encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(OLD.replace("id: mine", "id: other"), encoding="utf-8")
    assert main(["levels", "list", "--pack", str(other)]) == 0
    out, err = capsys.readouterr()
    assert all(lv.id in out for p in builtin_packs() for lv in p.levels)
    assert "mine: My Pack (2 levels" in out
    assert "other: My Pack (2 levels" in out
    assert "(unlock: 2 stars in one)" in out
    assert "(unlock: 1 star in core-circuit; 15 stars in the pack)" in out
    assert "broken.yaml: skipped, 1 error" in err


def test_cli_show_unknown_level_fails_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "show", "plank"]) != 0
    err = capsys.readouterr().err.strip()
    assert err == "repquest levels: error: unknown level 'plank'; did you mean 'plank-hold'?"


def test_every_builtin_exercise_of_every_pack_has_a_coach() -> None:
    for pack in builtin_packs():
        for name in {s.exercise for lv in pack.levels for s in lv.stages}:
            assert Coach(name).exercise == name


def _own_exercise(folder: Path, signal: str = "knee", name: str = "deep_squat") -> Path:
    """A pack's own exercise: the built-in squat renamed (optionally with a bad signal)."""
    text = (resources.files("exercises") / "library" / "squat.yaml").read_text(encoding="utf-8")
    text = text.replace("name: squat", f"name: {name}", 1).replace("primary_signal: knee", f"primary_signal: {signal}")
    path = folder / f"{name}{'_bad' if signal != 'knee' else ''}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PACK_WITH_EXERCISE = """\
id: mine
title: Mine
exercises: [deep_squat.yaml]
levels:
  - id: deep
    title: Deep
    stages:
      - exercise: deep_squat
        goal: {reps: 3}
"""


def test_a_pack_can_add_its_own_exercise(tmp_path: Path) -> None:
    exercise = _own_exercise(tmp_path)
    (tmp_path / "pack.yaml").write_text(PACK_WITH_EXERCISE, encoding="utf-8")
    pack = load_pack(tmp_path / "pack.yaml")
    assert pack.exercises == (str(exercise.resolve()),)
    assert Coach("deep_squat", pack.exercises).exercise == "deep_squat"


def test_missing_exercise_file_points_at_the_pack_entry(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text(PACK_WITH_EXERCISE, encoding="utf-8")
    report = check_file(tmp_path / "pack.yaml")
    assert next(str(p) for p in report.problems) == (
        f"{tmp_path / 'pack.yaml'}:3:13: error: expected an exercise file, found no file 'deep_squat.yaml' in the "
        "pack's folder"
    )


def test_a_broken_exercise_file_reports_its_own_position(tmp_path: Path) -> None:
    _own_exercise(tmp_path, signal="kne")
    (tmp_path / "pack.yaml").write_text(PACK_WITH_EXERCISE.replace("deep_squat.yaml", "deep_squat_bad.yaml"), "utf-8")
    report = check_file(tmp_path / "pack.yaml")
    first = str(report.problems[0])
    assert first.startswith(f"{tmp_path / 'deep_squat_bad.yaml'}:")
    assert "did you mean 'knee'?" in first


def test_a_symlink_leading_out_of_the_pack_is_refused_unread(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = _own_exercise(outside)
    pack_dir = tmp_path / "pack"
    pack_dir.mkdir()
    (pack_dir / "deep_squat.yaml").symlink_to(secret)
    report = check_text(PACK_WITH_EXERCISE, str(pack_dir / "pack.yaml"))
    problem, unknown = report.errors  # the file is refused, so its exercise is unknown
    assert "leads out of it" in problem.message
    assert "outside" not in str(problem)
    assert "found 'deep_squat'" in unknown.message
