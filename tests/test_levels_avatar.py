"""The synthetic avatar plays one level of every mode through the level logic (no pygame), and a pack's own exercise."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from exercises import FormEngine, PartialRep, RepCompleted, load_library
from levels import Level, Outcome, Pack, load_pack, start_run
from levels.model import Boss, Circuit, Goal, Intervals, Stage
from sensors.registry import open_source

FPS = 30.0


def play(level: Level, pack: Pack | None = None, max_s: float = 120.0) -> object:
    """Feed the synthetic avatar doing each stage's exercise through the form engine into the level's run."""
    library = load_library(extra=pack.exercises if pack else ())
    run = start_run(level)
    exercise, sensor, engine, held_s = "", None, None, 0.0
    t_s = 0.0
    try:
        while run.outcome is Outcome.PLAYING and t_s < max_s:
            if run.exercise != exercise:
                exercise = run.exercise
                motion = pack.demo_motion(exercise) if pack else exercise
                if sensor is not None:
                    sensor.close()
                sensor = open_source(f"synthetic:{motion},reps=0,hold_s=600,seed=3").open()
                engine, held_s = FormEngine(library[exercise]), 0.0
            assert sensor is not None
            assert engine is not None
            frame = sensor.read()
            for event in engine.update(frame):
                if isinstance(event, RepCompleted):
                    run.add_rep(event.rep.score, event.rep.good)
                elif isinstance(event, PartialRep):
                    run.add_partial()
            now_held_s = engine.summary().hold_in_form_s
            run.add_hold(now_held_s - held_s, in_form=True)
            held_s = now_held_s
            run.tick(1 / FPS)
            t_s += 1 / FPS
    finally:
        if sensor is not None:
            sensor.close()
    return run


STARS = (50, 100, 150)
LEVELS = {
    "classic": Level(id="c", title="C", stars=STARS, stages=(Stage("squat", Goal(reps=3)),)),
    "timed": Level(id="t", title="T", mode="timed", time_limit_s=60, stars=STARS,
                   stages=(Stage("squat", Goal(reps=2)), Stage("plank", Goal(hold_s=3)))),
    "circuit": Level(id="r", title="R", mode="circuit", circuit=Circuit(rounds=2, rest_s=2), stars=STARS,
                     stages=(Stage("squat", Goal(reps=2), rest_s=1), Stage("lunge", Goal(reps=1)))),
    "intervals": Level(id="i", title="I", mode="intervals", intervals=Intervals(rounds=2, work_s=8, rest_s=2),
                       stars=STARS, stages=(Stage("squat"),)),
    "boss": Level(id="b", title="B", mode="boss", time_limit_s=90, boss=Boss(health=250, special_charge_s=3),
                  stars=STARS, stages=(Stage("squat", Goal(reps=2)), Stage("plank", Goal(hold_s=3)))),
}  # fmt: skip


@pytest.mark.parametrize("mode", list(LEVELS))
def test_the_avatar_plays_a_level_of_each_mode_and_earns_stars(mode: str) -> None:
    run = play(LEVELS[mode])
    assert run.outcome is Outcome.COMPLETED, run.status()
    assert run.stars >= 1
    assert run.reps >= 2
    if mode == "boss":
        assert run.boss_health == 0


def test_the_avatar_plays_an_emom_level() -> None:
    level = Level(id="e", title="E", mode="intervals", intervals=Intervals(rounds=2, every_s=12, work_s=None),
                  stars=STARS, stages=(Stage("squat", Goal(reps=2)),))  # fmt: skip
    run = play(level)
    assert run.outcome is Outcome.COMPLETED
    assert getattr(run, "rounds_made", 0) >= 1
    assert run.stars >= 1


PACK = """\
id: own
title: Own
exercises:
  - file: box_squat.yaml
    demo: squat
  - calf_raise.yaml
levels:
  - id: box
    title: Box Squats
    stages:
      - exercise: box_squat
        goal: {reps: 3}
    stars: [50, 100, 150]
  - id: calves
    title: Calves
    stages:
      - exercise: calf_raise
        goal: {reps: 5}
  - id: squats
    title: Squats
    stages:
      - exercise: squat
        goal: {reps: 2}
"""


def _pack(folder: Path) -> Path:
    squat = (resources.files("exercises") / "library" / "squat.yaml").read_text(encoding="utf-8")
    (folder / "box_squat.yaml").write_text(squat.replace("name: squat", "name: box_squat", 1), encoding="utf-8")
    (folder / "calf_raise.yaml").write_text(squat.replace("name: squat", "name: calf_raise", 1), encoding="utf-8")
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    return folder / "pack.yaml"


def test_the_avatar_plays_a_packs_own_exercise(tmp_path: Path) -> None:
    pack = load_pack(_pack(tmp_path))
    run = play(pack.levels[0], pack)
    assert run.outcome is Outcome.COMPLETED
    assert run.reps == 3
    assert run.stars >= 1


def test_the_demo_refuses_only_the_levels_the_avatar_cannot_perform(tmp_path: Path) -> None:
    from game.session import refused_levels
    from game.source_choice import SourceChoice

    pack = load_pack(_pack(tmp_path))
    refused = refused_levels(pack, SourceChoice("synthetic"))
    assert list(refused) == ["calves"]
    assert "'calf_raise'" in refused["calves"]
    assert "unknown exercise" in refused["calves"]
