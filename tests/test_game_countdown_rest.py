"""The countdown and the rest as their own scenes over the play scene (real pygame, stepped, the synthetic avatar)."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest

from game.app import make_screen, shutdown
from game.scenes.countdown import count_left
from levels.model import Goal, Level, Pack, Stage
from tests.game_helpers import make_app, past_countdown, scripted_sources, steps, until

__all__ = ["scripted_sources"]  # a fixture, used by name

TWO_STAGES = Level(id="two", title="Two stages", stars=(10, 20, 30),
                   stages=(Stage("squat", Goal(reps=1), rest_s=20.0), Stage("lunge", Goal(reps=1))))  # fmt: skip


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


def test_the_count_goes_three_two_one_go() -> None:
    assert [count_left(t) for t in (0.0, 0.5, 1.0, 1.5, 2.5, 3.0, 4.0)] == [3, 3, 2, 2, 1, 0, 0]


def test_the_countdown_runs_over_the_play_scene_before_the_level_clock_starts(screen: pygame.Surface) -> None:
    app = make_app(screen, "synthetic:squat,reps=0")
    level = app.options.pack.levels[0]
    play = app.make("play", level=level)
    app.push(play)
    try:
        steps(app, 1.2)
        assert app.scene.name == "countdown"
        assert app.stack[0] is play
        assert play.run.elapsed_s == 0.0  # the level clock waits
        assert app.sound.played.count("countdown") == 2  # "3", "2"
        past_countdown(app, 3.0)
        assert play.counted_down
        assert app.sound.played.count("countdown") == 3
        assert app.sound.played.count("go") == 1
        assert play.hud_state().banner == "GO!"
        steps(app, 1.0)
        assert 0.8 < play.run.elapsed_s < 1.2
    finally:
        app.close()


def _rest(screen: pygame.Surface, source: str) -> tuple:
    app = make_app(screen, source, pack=Pack(id="t", title="T", levels=(TWO_STAGES,)))
    play = app.make("play", level=TWO_STAGES)
    app.push(play)
    until(app, "rest", 30.0)
    return app, play


def test_the_rest_shows_the_time_left_and_what_is_next_and_ends_by_itself(screen: pygame.Surface) -> None:
    app, play = _rest(screen, "synthetic:realtime=0")
    try:
        rest = app.scene
        assert play.run.resting
        assert rest.next_text() == "Stage 2/2: lunge: 1 rep"
        elapsed_s = play.run.elapsed_s
        steps(app, 5.0)
        assert app.scene is rest  # still resting; walking about is fine
        assert play.run.rest_left_s == pytest.approx(15.0, abs=0.2)
        until(app, "play", 16.0)
        assert not play.run.resting
        assert play.run.elapsed_s == pytest.approx(elapsed_s + 20.0, abs=0.3)
    finally:
        app.close()


def test_enter_skips_the_rest_without_moving_the_level_clock(screen: pygame.Surface) -> None:
    app, play = _rest(screen, "synthetic:realtime=0")
    try:
        elapsed_s = play.run.elapsed_s
        app.press(pygame.K_RETURN)
        assert app.scene is play
        assert not play.run.resting
        assert play.run.elapsed_s < elapsed_s + 0.1
        steps(app, 0.2)
        assert app.scene is play
        assert play.exercise == "lunge"
    finally:
        app.close()


@pytest.mark.usefixtures("scripted_sources")
def test_a_raised_hand_skips_the_rest(screen: pygame.Surface) -> None:
    app, play = _rest(screen, "raisedhand:squat,reps=0")
    try:
        steps(app, 0.5)
        assert app.scene.name == "rest"  # not yet: the hand must stay up a second
        until(app, "play", 1.5)
        assert not play.run.resting
        assert play.run.rest_left_s == 0.0
    finally:
        app.close()


def test_the_level_finishes_after_a_skipped_rest(screen: pygame.Surface) -> None:
    app, _ = _rest(screen, "synthetic:realtime=0")
    try:
        app.press(pygame.K_SPACE)
        until(app, "results", 40.0)
        assert app.scene.result.outcome == "completed"
        assert app.scene.result.reps == 2
    finally:
        app.close()
