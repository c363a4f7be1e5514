"""The level run: goals, time limits, combo multiplier, points and stars."""

from __future__ import annotations

from typing import Any

import pytest

from levels.run import COMBO_MAX_MULTIPLIER, LevelRun, Outcome, is_unlocked
from levels.schema import Goal, Level, Unlock


def _level(**goal: Any) -> Level:
    return Level(id="l", title="L", exercise="squat", goal=Goal(**goal), stars=(100, 250, 400))


def test_reaching_the_rep_goal_completes_the_level() -> None:
    run = LevelRun(_level(reps=3))
    for _ in range(3):
        run.add_rep(80, good=True)
    assert run.outcome is Outcome.COMPLETED
    assert run.progress == 1.0


def test_good_reps_in_a_row_raise_the_multiplier() -> None:
    run = LevelRun(_level(reps=10))
    earned = [run.add_rep(100, good=True) for _ in range(3)]
    assert earned == pytest.approx([110, 120, 130])
    assert run.combo == 3


def test_a_bad_rep_resets_the_combo() -> None:
    run = LevelRun(_level(reps=10))
    run.add_rep(100, good=True)
    run.add_rep(100, good=True)
    run.add_rep(40, good=False)
    assert run.combo == 0
    assert run.best_combo == 2
    assert run.multiplier == 1.0


def test_multiplier_is_capped() -> None:
    run = LevelRun(_level(reps=100))
    for _ in range(30):
        run.add_rep(90, good=True)
    assert run.multiplier == COMBO_MAX_MULTIPLIER


def test_time_limit_ends_the_level_without_stars() -> None:
    run = LevelRun(_level(reps=5, time_limit_s=10))
    for _ in range(4):
        run.add_rep(100, good=True)
    run.tick(10.5)
    assert run.outcome is Outcome.TIME_UP
    assert run.elapsed_s == 10
    assert run.stars == 0
    assert run.add_rep(100, good=True) == 0.0


def test_finishing_early_earns_a_time_bonus_and_stars() -> None:
    run = LevelRun(_level(reps=2, time_limit_s=60))
    run.tick(20)
    run.add_rep(100, good=True)
    run.add_rep(100, good=True)
    assert run.points == pytest.approx(110 + 120 + 5 * 40)
    assert run.stars == 3


def test_hold_counts_only_seconds_in_form() -> None:
    run = LevelRun(_level(hold_s=3))
    run.add_hold(2.0, in_form=True)
    run.add_hold(5.0, in_form=False)
    assert run.held_s == 2.0
    run.add_hold(2.0, in_form=True)
    assert run.outcome is Outcome.COMPLETED
    assert run.held_s == 3.0


def test_stopping_early_gives_no_stars() -> None:
    run = LevelRun(_level(reps=1))
    run.stop()
    run.add_rep(100, good=True)
    assert run.outcome is Outcome.STOPPED
    assert run.reps == 0


def test_unlock_needs_the_stars_of_the_earlier_level() -> None:
    level = Level(id="b", title="B", exercise="squat", goal=Goal(reps=1), unlock=Unlock(after="a", stars=2))
    assert not is_unlocked(level, {})
    assert not is_unlocked(level, {"a": 1})
    assert is_unlocked(level, {"a": 2})
