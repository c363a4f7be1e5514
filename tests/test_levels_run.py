"""The level logic of every mode: goals, rests, rounds, intervals, the boss, points and stars."""

from __future__ import annotations

from typing import Any

import pytest

from levels.model import Boss, Circuit, Goal, Intervals, Level, Stage, Unlock
from levels.run import COMBO_MAX_MULTIPLIER, LevelRun, Outcome, is_unlocked, start_run, unlock_text


def _level(**goal: Any) -> Level:
    return Level(id="l", title="L", exercise="squat", goal=Goal(**goal), stars=(100, 250, 400))


def test_every_mode_is_a_level_run() -> None:
    levels = [
        _level(reps=1),
        Level(id="t", title="T", mode="timed", time_limit_s=60, stages=(Stage("squat", Goal(reps=1)),)),
        Level(id="c", title="C", mode="circuit", stages=(Stage("squat", Goal(reps=1)),)),
        Level(id="i", title="I", mode="intervals", stages=(Stage("squat"),)),
        Level(id="b", title="B", mode="boss", time_limit_s=60, stages=(Stage("squat", Goal(reps=1)),)),
    ]
    for level in levels:
        run = start_run(level)
        assert isinstance(run, LevelRun)
        assert run.status().mode == level.mode


def test_reaching_the_rep_goal_completes_the_level() -> None:
    run = start_run(_level(reps=3))
    for _ in range(3):
        run.add_rep(80, good=True)
    assert run.outcome is Outcome.COMPLETED
    assert run.progress == 1.0


def test_good_reps_in_a_row_raise_the_multiplier_and_a_bad_rep_resets_it() -> None:
    run = start_run(_level(reps=10))
    earned = [run.add_rep(100, good=True) for _ in range(3)]
    assert earned == pytest.approx([110, 120, 130])
    run.add_rep(40, good=False)
    assert (run.combo, run.best_combo, run.multiplier) == (0, 3, 1.0)


def test_multiplier_is_capped() -> None:
    run = start_run(_level(reps=100))
    for _ in range(30):
        run.add_rep(90, good=True)
    assert run.multiplier == COMBO_MAX_MULTIPLIER


def test_time_limit_ends_the_level_without_stars() -> None:
    run = start_run(_level(reps=5, time_limit_s=10))
    for _ in range(4):
        run.add_rep(100, good=True)
    run.tick(10.5)
    assert run.outcome is Outcome.TIME_UP
    assert run.elapsed_s == 10
    assert run.stars == 0
    assert run.add_rep(100, good=True) == 0.0


def test_finishing_early_earns_a_time_bonus_and_stars() -> None:
    run = start_run(_level(reps=2, time_limit_s=60))
    run.tick(20)
    run.add_rep(100, good=True)
    run.add_rep(100, good=True)
    assert run.points == pytest.approx(110 + 120 + 5 * 40)
    assert run.stars == 3


def test_hold_counts_only_seconds_in_form() -> None:
    run = start_run(Level(id="h", title="H", exercise="plank", goal=Goal(hold_s=3)))
    run.add_hold(2.0, in_form=True)
    run.add_hold(5.0, in_form=False)
    assert run.held_s == 2.0
    run.add_hold(2.0, in_form=True)
    assert run.outcome is Outcome.COMPLETED
    assert run.held_s == 3.0


def test_good_reps_count_only_reps_at_the_minimum_score() -> None:
    run = start_run(_level(good_reps=2, min_score=80))
    run.add_rep(79, good=True)
    run.add_rep(95, good=True)
    assert run.outcome is Outcome.PLAYING
    assert run.status().goal_text == "1 / 2 good reps"
    run.add_rep(80, good=True)
    assert run.outcome is Outcome.COMPLETED


def test_an_amrap_stage_ends_with_its_time_and_completes() -> None:
    run = start_run(_level(amrap_s=30))
    for _ in range(8):
        run.add_rep(90, good=True)
        run.tick(4)
    assert run.outcome is Outcome.COMPLETED
    assert run.reps == 8


def test_a_stage_time_limit_fails_the_level() -> None:
    level = Level(id="s", title="S", stages=(Stage("squat", Goal(reps=5), time_limit_s=10),))
    run = start_run(level)
    run.tick(11)
    assert run.outcome is Outcome.TIME_UP


def test_stopping_early_gives_no_stars() -> None:
    run = start_run(_level(reps=1))
    run.stop()
    run.add_rep(100, good=True)
    assert run.outcome is Outcome.STOPPED
    assert run.reps == 0


def test_classic_stages_follow_each_other_with_a_rest_where_reps_do_not_count() -> None:
    level = Level(id="c", title="C", stages=(Stage("squat", Goal(reps=1), rest_s=10), Stage("plank", Goal(hold_s=5))))
    run = start_run(level)
    run.add_rep(90, good=True)
    assert run.resting
    assert run.exercise == "plank"
    assert run.rest_left_s == 10
    assert run.add_rep(90, good=True) == 0.0
    run.add_hold(3, in_form=True)
    assert run.held_s == 0
    run.tick(10)
    assert not run.resting
    run.add_hold(5, in_form=True)
    assert run.outcome is Outcome.COMPLETED


def test_a_circuit_goes_round_the_stations_with_rests_between_rounds() -> None:
    level = Level(id="c", title="C", mode="circuit", circuit=Circuit(rounds=2, rest_s=30),
                  stages=(Stage("squat", Goal(reps=1), rest_s=5), Stage("lunge", Goal(reps=1))))  # fmt: skip
    run = start_run(level)
    seen = []
    while run.outcome is Outcome.PLAYING:
        seen.append((run.round, run.exercise, run.rest_left_s))
        if run.resting:
            run.tick(run.rest_left_s)
        else:
            run.add_rep(90, good=True)
    assert seen == [(1, "squat", 0), (1, "lunge", 5), (1, "lunge", 0), (2, "squat", 30), (2, "squat", 0),
                    (2, "lunge", 5), (2, "lunge", 0)]  # fmt: skip
    assert run.outcome is Outcome.COMPLETED
    assert run.rounds == 2


def test_tabata_intervals_alternate_work_and_rest_for_every_round() -> None:
    level = Level(id="t", title="T", mode="intervals", intervals=Intervals(rounds=8, work_s=20, rest_s=10),
                  stages=(Stage("squat"), Stage("lunge")))  # fmt: skip
    run = start_run(level)
    exercises = []
    while run.outcome is Outcome.PLAYING:
        if not run.resting:
            exercises.append(run.exercise)
            run.add_rep(80, good=True)
        run.tick(1)
    assert run.elapsed_s == pytest.approx(8 * 20 + 7 * 10)
    assert run.reps == 8 * 20
    assert set(exercises[:20]) == {"squat"}
    assert set(exercises[20:40]) == {"lunge"}
    assert run.outcome is Outcome.COMPLETED


def test_emom_rests_after_the_goal_and_rewards_made_rounds() -> None:
    level = Level(id="e", title="E", mode="intervals", intervals=Intervals(rounds=3, every_s=30, work_s=None),
                  stages=(Stage("squat", Goal(reps=3)),))  # fmt: skip
    run = start_run(level)
    for _ in range(3):
        run.add_rep(80, good=True)
        run.tick(2)
    assert run.resting
    assert run.round == 2
    assert run.rest_left_s == pytest.approx(30 - 4 - 2)
    run.tick(run.rest_left_s)
    run.tick(30)  # round 2 missed: nothing done in the window
    assert run.round == 3
    assert not run.resting
    for _ in range(3):
        run.add_rep(80, good=True)
    assert run.outcome is Outcome.COMPLETED
    assert getattr(run, "rounds_made", None) == 2


def test_boss_takes_damage_from_good_reps_heals_on_bad_ones_and_falls_to_the_special() -> None:
    boss = Boss(name="Golem", health=500, heal_per_bad_rep=50, special_charge_s=10, special_damage=300)
    level = Level(id="b", title="B", mode="boss", time_limit_s=120, boss=boss,
                  stages=(Stage("squat", Goal(reps=2)), Stage("plank", Goal(hold_s=10))))  # fmt: skip
    run = start_run(level)
    earned = run.add_rep(100, good=True)
    assert run.boss_health == pytest.approx(500 - earned)
    run.add_rep(30, good=False)
    assert run.boss_health == pytest.approx(500 - earned + 50)
    assert run.exercise == "plank"
    run.add_hold(5, in_form=True)
    assert run.special_charge == pytest.approx(0.5)
    run.add_hold(5, in_form=True)
    assert run.boss_health == pytest.approx(500 - earned + 50 - 300)
    assert run.exercise == "squat"
    assert run.round == 2
    while run.outcome is Outcome.PLAYING:
        run.add_rep(100, good=True)
    assert run.outcome is Outcome.COMPLETED
    assert run.boss_health == 0
    assert run.status().boss_max_health == 500


def test_the_boss_wins_when_the_clock_runs_out() -> None:
    level = Level(id="b", title="B", mode="boss", time_limit_s=30, boss=Boss(health=5000),
                  stages=(Stage("squat", Goal(reps=5)),))  # fmt: skip
    run = start_run(level)
    run.add_rep(100, good=True)
    run.tick(31)
    assert run.outcome is Outcome.TIME_UP
    assert run.stars == 0


def test_unlock_needs_the_stars_of_the_earlier_levels_and_of_the_pack() -> None:
    level = Level(id="b", title="B", exercise="squat", goal=Goal(reps=1), unlock=Unlock(after="a", stars=2))
    assert not is_unlocked(level, {})
    assert not is_unlocked(level, {"a": 1})
    assert is_unlocked(level, {"a": 2})
    pack_level = Level(id="c", title="C", exercise="squat", goal=Goal(reps=1), unlock=Unlock(pack_stars=5))
    assert not is_unlocked(pack_level, {"a": 3, "b": 1})
    assert is_unlocked(pack_level, {"a": 3, "b": 2})
    assert unlock_text(level, {"a": "Alpha"}) == "2 stars in Alpha"
    assert unlock_text(pack_level) == "5 stars in the pack"
