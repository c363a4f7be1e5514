"""Every mode on the play screen, played to the end by the synthetic avatar (real pygame, stepped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.app import make_screen, shutdown
from levels.model import Boss, Circuit, Goal, Intervals, Level, Pack, Stage
from tests.game_helpers import DT_S, check_screenshot, make_app

SHOTS = Path(__file__).resolve().parents[1] / "out" / "test-screenshots"
SOURCE = "synthetic:realtime=0,noise_px=1"  #: the avatar does each stage's exercise

LEVELS = {
    "timed": Level(id="timed", title="Timed", mode="timed", time_limit_s=60, stars=(50, 100, 150),
                   stages=(Stage("squat", Goal(reps=2)),)),
    "circuit": Level(id="circuit", title="Circuit", mode="circuit", circuit=Circuit(rounds=2, rest_s=2.0),
                     stars=(50, 100, 150), stages=(Stage("squat", Goal(reps=1), rest_s=1.5),
                                                   Stage("lunge", Goal(reps=1)))),
    "intervals": Level(id="intervals", title="Intervals", mode="intervals", stars=(10, 20, 30),
                       intervals=Intervals(rounds=2, work_s=7.0, rest_s=3.0), stages=(Stage("squat"),)),
    "boss": Level(id="boss", title="Boss", mode="boss", time_limit_s=90, stars=(50, 100, 150),
                  boss=Boss(name="Slime", health=160.0, heal_per_bad_rep=10.0),
                  stages=(Stage("squat", Goal(reps=5)),)),
    "hold": Level(id="hold", title="Hold", stars=(5, 10, 15), stages=(Stage("plank", Goal(hold_s=3)),)),
}  # fmt: skip
#: per mode: a HUD element to find on a screenshot while playing, as (x, y, w, h) on a 1280x720 screen
SEEN = {
    "timed": ("clock", lambda s: s.time_clock, (1090, 16, 170, 84)),
    "circuit": ("rest ring", lambda s: s.resting and s.rest_total_s > 0, (730, 140, 140, 140)),
    "intervals": ("round chip", lambda s: bool(s.stage_text or s.headline), (600, 16, 400, 44)),
    "boss": ("boss bar", lambda s: s.boss_health is not None and s.boss_popup != "", (380, 14, 840, 70)),
    "hold": ("hold bar", lambda s: s.hold_progress is not None and s.hold_progress > 0.2, (500, 540, 540, 60)),
}


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


@pytest.mark.parametrize("mode", list(LEVELS))
def test_a_level_of_every_mode_is_played_to_the_end(screen: pygame.Surface, mode: str) -> None:
    level = LEVELS[mode]
    pack = Pack(id="modes", title="Modes", levels=(level,))
    app = make_app(screen, SOURCE, pack=pack)
    app.push(app.make("play", level=level))
    name, wanted, region = SEEN[mode]
    shot = None
    try:
        for _ in range(round(120 / DT_S)):
            assert app.step(DT_S)
            if app.scene.name == "results":
                break
            play = app.stack[0]  # the rest and the countdown are shown over the play scene
            if shot is None and app.scene.name in ("play", "rest") and wanted(play.hud_state()):
                SHOTS.mkdir(parents=True, exist_ok=True)
                shot = SHOTS / f"mode-{mode}.png"
                pygame.image.save(app.screen, str(shot))
        assert app.scene.name == "results", f"{mode}: still {app.scene.name}"
        result = app.scene.result
    finally:
        app.close()
    assert result.outcome == "completed", result.summary()
    assert result.mode == level.mode
    assert result.stars >= 1
    assert shot is not None, f"the {name} never showed"
    check_screenshot(shot, {name: region, "sidebar": (0, 0, 320, 720)})
