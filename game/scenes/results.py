"""The results scene: stars, points and the numbers behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.scenes.base import Scene
from levels.model import Level

if TYPE_CHECKING:
    from game.app import App, LevelResult

STAR_EVERY_S = 0.35  #: stars appear one after another
AUTOPLAY_CLOSE_S = 2.5


def stars_rule(thresholds: tuple[int, int, int], reached: bool) -> str:
    """The line under the points: what the stars need (the goal reached, then each threshold)."""
    a, b, c = thresholds
    rule = f"stars at {a:,} / {b:,} / {c:,} points"
    return f"{rule} (goal reached)" if reached else f"{rule}, once the goal is reached"


class ResultsScene(Scene):
    name = "results"
    settle_s = 3 * STAR_EVERY_S + 0.3  #: the screenshot shows every star earned
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_RETURN: "next_level",
        pygame.K_SPACE: "next_level",
        pygame.K_r: "retry",
        pygame.K_ESCAPE: "to_title",
    }

    def __init__(self, app: App, level: Level, result: LevelResult) -> None:
        super().__init__(app)
        self.level = level
        self.result = result

    def update(self, dt_s: float) -> None:
        if self.app.options.autoplay and self.age_s >= AUTOPLAY_CLOSE_S:
            self.app.quit()

    def retry(self) -> None:
        from game.scenes.play import PlayScene

        self.app.replace(PlayScene(self.app, self.level))

    def next_level(self) -> None:
        from game.scenes.play import PlayScene

        levels = self.app.options.pack.levels
        i = next(i for i, lv in enumerate(levels) if lv.id == self.level.id)
        following = [lv for lv in levels[i + 1 :] if self.app.unlocked(lv)]
        if following:
            self.app.replace(PlayScene(self.app, following[0]))
        else:
            self.to_title()

    def to_title(self) -> None:
        from game.scenes.title import TitleScene

        self.app.replace(TitleScene(self.app))

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        surface.blit(draw.gradient((w, h), assets.BG_TOP, assets.BG_BOTTOM), (0, 0))
        r = self.result
        headline = {"completed": "Level complete!", "time up": "Time's up!"}.get(r.outcome, "Level ended")
        draw.text(surface, headline, 84, assets.TEXT, (w // 2, 90), "center")
        draw.text(surface, f"{self.level.title}  -  {self.level.describe()}", 34, assets.TEXT_DIM,
                  (w // 2, 150), "center", shadow=False)  # fmt: skip
        shown = min(r.stars, int(self.age_s / STAR_EVERY_S))
        for i in range(3):
            lift = 24 if i == 1 else 0
            draw.star(surface, (w // 2 + (i - 1) * 150, 270 - lift), 62, filled=i < shown)
        draw.text(surface, f"{r.points:,}", 96, assets.ACCENT, (w // 2, 410), "center")
        draw.text(surface, "points", 30, assets.TEXT_DIM, (w // 2, 460), "center", shadow=False)
        draw.text(surface, stars_rule(self.level.stars, reached=r.outcome == "completed"), 24, assets.TEXT_DIM,
                  (w // 2, 490), "center", shadow=False)  # fmt: skip
        if r.hold:
            goal_s = self.level.goal.hold_s or 0.0
            stats: tuple[tuple[str, str], ...] = (("held in form", f"{r.held_s:.1f} s"), ("goal", f"{goal_s:g} s"))
        else:
            stats = (
                ("reps", f"{r.reps}"),
                ("good form", f"{r.good_reps}"),
                ("partials", f"{r.partials}"),
                ("best streak", f"{r.best_combo}"),
                ("form score", f"{r.mean_score:.0f}"),
            )
        col_w = 200
        x0 = w // 2 - col_w * len(stats) // 2 + col_w // 2
        for i, (label, value) in enumerate(stats):
            x = x0 + i * col_w
            draw.text(surface, value, 56, assets.TEXT, (x, 560), "center")
            draw.text(surface, label, 26, assets.TEXT_DIM, (x, 604), "center", shadow=False)
        draw.text(surface, "Enter: next level    R: retry    Esc: level select", 28, assets.TEXT_DIM,
                  (w // 2, h - 40), "center", shadow=False)  # fmt: skip
