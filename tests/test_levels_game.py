"""The game keeps working with the new level format: a multi-stage level plays through; --watch reloads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.app import App, GameOptions, make_screen, shutdown
from game.scenes import PlayScene, ResultsScene
from game.scenes.pack_errors import PackErrorsScene
from game.scenes.title import TitleScene
from game.source_choice import SourceChoice
from levels import Goal, Level, Pack, Stage
from levels.watch import PackWatcher

DT_S = 1 / 30


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


def test_a_two_stage_level_switches_exercise_after_the_rest(screen: pygame.Surface, tmp_path: Path) -> None:
    level = Level(id="two", title="Two", stars=(10, 20, 30), stages=(
        Stage("squat", Goal(reps=1), rest_s=1.0), Stage("lunge", Goal(reps=1))))  # fmt: skip
    pack = Pack(id="t", title="T", levels=(level,))
    options = GameOptions(pack=pack, source=SourceChoice("synthetic:realtime=0", seed=1), threaded_feed=False)
    app = App(screen, options)
    play = PlayScene(app, level)
    app.push(play)
    seen: list[str] = []
    try:
        for _ in range(round(60 / DT_S)):
            assert app.step(DT_S)
            if not seen or seen[-1] != play.exercise:
                seen.append(play.exercise)
            if play.run.resting:
                assert play.hud_state().count_label == "REST"
                pygame.image.save(screen, str(tmp_path / "rest.png"))
            if isinstance(app.scene, ResultsScene):
                break
        assert isinstance(app.scene, ResultsScene)
        assert seen == ["squat", "lunge"]
        assert app.scene.result.outcome == "completed"
        assert app.scene.result.reps == 2
        assert play.source_label.startswith("synthetic:lunge")  # the demo avatar changed exercise too
    finally:
        app.close()


PACK = """\
id: watched
title: Watched
levels:
  - id: one
    title: One
    stages:
      - exercise: squat
        goal: {reps: 3}
"""


def test_watch_shows_errors_in_the_game_and_reloads_the_fixed_pack(screen: pygame.Surface, tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text(PACK, encoding="utf-8")
    watch = PackWatcher(path, every_s=0.0)
    assert watch.report.pack is not None
    options = GameOptions(pack=watch.report.pack, source=SourceChoice("synthetic:realtime=0"), watch=watch)
    app = App(screen, options)
    app.push(TitleScene(app))
    try:
        path.write_text(PACK.replace("exercise: squat", "exercise: sqat"), encoding="utf-8")
        assert app.step(DT_S)
        assert isinstance(app.scene, PackErrorsScene)
        assert "did you mean 'squat'?" in app.scene.lines[0]
        path.write_text(PACK.replace("title: One", "title: One Again") + "  ", encoding="utf-8")
        assert app.step(DT_S)
        assert isinstance(app.scene, TitleScene)
        assert app.options.pack.levels[0].title == "One Again"
    finally:
        app.close()


def test_bench_levels_quick_run_checks_its_pack() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from bench_levels import main

    figures = main(quick=True)
    assert figures["all_distinct"]["validate_200_levels_ms_median"] > 0
