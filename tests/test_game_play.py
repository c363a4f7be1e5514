"""The game, rendered for real with SDL's dummy driver, fed by the synthetic avatar.

The app is stepped with a fixed frame time and reads the (non-realtime)
synthetic source on the game thread, so one game frame sees one sensor frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game import draw, hud
from game.app import App, GameOptions, make_screen, shutdown
from game.feed_image import rgb_surface
from game.scenes import PauseScene, PlayScene, ResultsScene
from game.source_choice import SourceChoice
from levels import load_builtin
from levels.model import Goal, Level, Pack
from sensors.contract import Sensor
from sensors.display_image import DisplayTarget, to_display
from sensors.joints import Joint
from sensors.pose import PoseFrame, TrackingState
from sensors.registry import SourceOptions, open_source, register, unregister
from tests.game_helpers import past_countdown
from tests.sensor_helpers import Wrapped

DT_S = 1 / 30  # the synthetic source's frame period


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


def _app(screen: pygame.Surface, source: str, level: Level | None = None) -> tuple[App, PlayScene]:
    pack = load_builtin() if level is None else Pack(id="t", name="T", levels=[level])
    options = GameOptions(pack=pack, source=SourceChoice(source, seed=1), threaded_feed=False)
    app = App(screen, options)
    play = PlayScene(app, pack.levels[0])
    app.push(play)
    return app, play


def _steps(app: App, seconds: float) -> None:
    for _ in range(round(seconds / DT_S)):
        assert app.step(DT_S)


def _play_until_results(app: App, max_s: float) -> ResultsScene:
    """Step until the results scene shows (failing after ``max_s`` game seconds)."""
    for _ in range(round(max_s / DT_S)):
        assert app.step(DT_S)
        if isinstance(app.scene, ResultsScene):
            return app.scene
    raise AssertionError(f"no results scene after {max_s:g} s; the scene is {app.scene.name}")


def test_play_scene_draws_the_skeleton_on_the_camera_feed(screen: pygame.Surface) -> None:
    app, play = _app(screen, "synthetic:squat,reps=0,noise_px=0")
    try:
        _steps(app, 4.0)  # past the "3, 2, 1, GO!" banner in the middle of the feed
        frame = play.frame
        assert frame is not None
        assert frame.rgb is not None
        rect = draw.fit_rect(frame.image_size_px, hud.feed_area(screen))
        xy = draw.to_screen(frame.image_xy_px, frame.image_size_px, rect)
        for joint in (Joint.LEFT_KNEE, Joint.RIGHT_HIP, Joint.LEFT_SHOULDER):
            want = draw.joint_colour(float(frame.confidence[joint]), int(frame.source[joint]))
            x, y = (round(v) for v in xy[joint])
            assert tuple(screen.get_at((x, y)))[:3] == want, joint.name
    finally:
        app.close()


def test_camera_image_fills_the_feed_area(screen: pygame.Surface) -> None:
    app, play = _app(screen, "synthetic:squat,reps=0")
    try:
        _steps(app, 0.2)
        assert play.frame is not None
        assert play.frame.rgb is not None
        rect = draw.fit_rect(play.frame.image_size_px, hud.feed_area(screen))
        assert rect.size == (960, 720)  # a 4:3 image fills the area right of the sidebar
        scaled = rgb_surface(to_display(play.frame.rgb, DisplayTarget(rect.size, "RGB")))
        for x, y in ((5, 5), (rect.width - 5, rect.height - 5), (5, rect.height - 5)):
            assert screen.get_at((rect.x + x, rect.y + y)) == scaled.get_at((x, y))
    finally:
        app.close()


def test_nobody_in_view_pauses_the_game_and_its_clock(screen: pygame.Surface) -> None:
    app, play = _app(screen, "synthetic:squat,reps=0,person=0")
    try:
        _steps(app, 1.0)
        assert isinstance(app.scene, PauseScene)
        assert app.scene.reason == "Step back into view"
        frozen_s = play.run.elapsed_s
        _steps(app, 1.0)
        assert app.clock.paused
        assert play.run.elapsed_s == frozen_s
    finally:
        app.close()


def test_single_dropped_frames_do_not_pause(screen: pygame.Surface) -> None:
    app, play = _app(screen, "synthetic:squat,reps=0,dropout=0.3")
    try:
        for _ in range(round(4.0 / DT_S)):
            assert app.step(DT_S)
            assert app.scene.name in ("countdown", "play")  # never the pause scene
        assert app.scene is play
        assert play.run.elapsed_s > 0.5
    finally:
        app.close()


class GapSensor(Wrapped):
    """The synthetic avatar, with nobody in view between ``gap_s[0]`` and ``gap_s[1]`` (scripted exit)."""

    scheme = "gap"

    def __init__(self, inner: Sensor, gap_s: tuple[float, float]) -> None:
        super().__init__(inner)
        self.gap_s = gap_s

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        frame = self.inner.read(timeout_s)
        if frame is not None and self.gap_s[0] <= frame.t_s < self.gap_s[1]:
            return PoseFrame.empty(frame.t_s, frame.index, frame.image_size_px, TrackingState.NO_PLAYER)
        return frame


@pytest.fixture
def gap_scheme() -> Iterator[str]:
    def factory(target: str, options: SourceOptions) -> Sensor:
        return GapSensor(open_source(f"synthetic:{target}", options), (4.0, 5.5))

    register("gap", factory)
    yield "gap"
    unregister("gap")


def test_game_resumes_when_the_player_returns(screen: pygame.Surface, gap_scheme: str) -> None:
    app, play = _app(screen, f"{gap_scheme}:squat,reps=0")
    try:
        _steps(app, 3.9)
        assert app.scene is play
        _steps(app, 1.0)  # the player left at 4.0 s
        assert isinstance(app.scene, PauseScene)
        _steps(app, 1.5)  # back at 5.5 s, plus a moment to settle
        assert app.scene is play
        assert not app.clock.paused
    finally:
        app.close()


def test_escape_pauses_and_escape_resumes(screen: pygame.Surface) -> None:
    app, play = _app(screen, "synthetic:squat,reps=0")
    try:
        past_countdown(app)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))
        _steps(app, 0.1)
        assert isinstance(app.scene, PauseScene)
        assert app.scene.reason == ""
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))
        _steps(app, 0.1)
        assert app.scene is play
    finally:
        app.close()


def test_reaching_the_goal_shows_results_with_the_reps(screen: pygame.Surface) -> None:
    level = Level(id="two", title="Two squats", exercise="squat", goal=Goal(reps=2), stars=(50, 100, 150))
    app, _ = _app(screen, "synthetic:squat,reps=0", level)
    try:
        result = _play_until_results(app, 30.0).result
        assert result.outcome == "completed"
        assert result.reps == 2
        assert result.stars >= 1
    finally:
        app.close()


def test_a_hold_level_completes_on_seconds_held_in_form(screen: pygame.Surface) -> None:
    level = Level(id="hold", title="Hold", exercise="plank", goal=Goal(hold_s=2), stars=(5, 10, 15))
    app, play = _app(screen, "synthetic:plank,reps=0,hold_s=600", level)
    try:
        result = _play_until_results(app, 20.0).result
        assert result.outcome == "completed"
        assert result.held_s == 2.0
        assert result.hold
        assert play.run.elapsed_s >= 2.0  # the countdown's hold time was not credited
    finally:
        app.close()


def test_results_line_claims_the_goal_only_when_it_was_reached() -> None:
    from game.scenes.results import stars_rule

    assert stars_rule((300, 600, 800), reached=True) == "stars at 300 / 600 / 800 points (goal reached)"
    missed = stars_rule((300, 600, 800), reached=False)
    assert "(goal reached)" not in missed
    assert missed.endswith("once the goal is reached")


def test_summary_reports_the_best_streak_as_a_count_not_a_multiplier() -> None:
    from game.app import LevelResult

    result = LevelResult("a", "A", "squat", "synthetic:squat", "completed", 5, 4, 0, 0.0, 755, 2, 2, 92.0, 300)
    assert "best streak 2 good reps" in result.summary()
    assert "x2" not in result.summary()


def test_rep_popup_shows_the_points_the_rep_added_to_the_score(screen: pygame.Surface) -> None:
    app, play = _app(screen, "synthetic:squat,reps=0,noise_px=0")
    try:
        for _ in range(round(15 / DT_S)):
            assert app.step(DT_S)
            if play.run.reps:
                break
        assert play.run.reps == 1
        assert play.last_rep is not None
        assert play.last_rep.good  # a good first rep already earns the combo bonus
        assert play.run.points > play.last_rep.score
        assert play.hud_state().popup == f"+{play.run.points:.0f}"
    finally:
        app.close()


def test_results_screenshot_shows_every_star_earned(screen: pygame.Surface, tmp_path: Path) -> None:
    from game import assets
    from game.scenes.results import STAR_Y

    level = Level(id="one", title="One squat", exercise="squat", goal=Goal(reps=1), stars=(1, 2, 3))
    pack = Pack(id="t", name="T", levels=[level])
    options = GameOptions(
        pack=pack, source=SourceChoice("synthetic:squat,reps=0", seed=1), threaded_feed=False, screenshots=tmp_path
    )
    app = App(screen, options)
    app.push(PlayScene(app, level))
    try:
        results = _play_until_results(app, 30.0)
        assert results.result.stars == 3
        while not list(tmp_path.glob("*-results.png")):
            assert app.step(DT_S)
            assert results.age_s < 3.0, "no results screenshot"
    finally:
        app.close()
    shot = pygame.image.load(str(next(tmp_path.glob("*-results.png"))))
    w = shot.get_width()
    for i in range(3):  # the centres of the three stars (see ResultsScene.draw)
        centre = (w // 2 + (i - 1) * 130, STAR_Y - (20 if i == 1 else 0))
        assert tuple(shot.get_at(centre))[:3] == assets.ACCENT, f"star {i + 1} is not filled in the screenshot"
