"""The results scene: stars, points, personal best, a per-rep chart and the faults summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, charts, draw
from game.hud import fit_text
from game.outcome import LevelResult
from game.scenes.base import MenuScene, backdrop
from game.widgets import HANDS_FREE_HINT, Button, Menu
from levels.model import Level

if TYPE_CHECKING:
    from game.app import App

STAR_EVERY_S = 0.35  #: stars appear one after another
AUTOPLAY_CLOSE_S = 2.5
STAR_Y = 230  #: centre line of the three big stars


def stars_rule(thresholds: tuple[int, int, int], reached: bool) -> str:
    """The line under the points: what the stars need (the goal reached, then each threshold)."""
    a, b, c = thresholds
    rule = f"stars at {a:,} / {b:,} / {c:,} points"
    return f"{rule} (goal reached)" if reached else f"{rule}, once the goal is reached"


def headline(result: LevelResult) -> str:
    if result.stopped_by == "time box":
        return "Demo time is up"
    return {"completed": "Level complete!", "time up": "Time's up!"}.get(result.outcome, "Level ended")


class ResultsScene(MenuScene):
    name = "results"
    settle_s = 3 * STAR_EVERY_S + 0.3  #: the screenshot shows every star earned
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_RETURN: "confirm",
        pygame.K_SPACE: "confirm",
        pygame.K_r: "retry",
        pygame.K_ESCAPE: "to_levels",
        pygame.K_LEFT: "select_previous",
        pygame.K_RIGHT: "select_next",
        pygame.K_h: "to_history",
    }

    def __init__(self, app: App, level: Level, result: LevelResult) -> None:
        super().__init__(app)
        self.level = level
        self.result = result
        self.next = app.level_after(level) if result.outcome == "completed" else None
        buttons = [Button("Next level", "next_level")] if self.next is not None else []
        buttons += [Button("Retry", "retry"), Button("Levels", "to_levels"), Button("History", "to_history")]
        self.menu = Menu(buttons)

    def update(self, dt_s: float) -> None:
        if self.app.options.autoplay:
            if self.age_s >= AUTOPLAY_CLOSE_S:
                self.app.quit()
            return
        super().update(dt_s)

    def retry(self) -> None:
        self.app.goto("play", level=self.level)

    def next_level(self) -> None:
        if self.next is not None:
            self.app.goto("play", level=self.next)
        else:
            self.to_levels()

    def to_levels(self) -> None:
        self.app.goto("levels", selected=self.level.id)

    def to_history(self) -> None:
        self.app.goto("history")

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        backdrop(surface, "")
        r = self.result
        draw.text(surface, headline(r), 76, assets.TEXT, (w // 2, 60), "center")
        sub = f"{self.level.title}  -  {self.level.describe()}"
        if r.stopped_by == "time box":
            sub += "  -  stopped by --seconds before the goal (no stars)"
        draw.text(surface, fit_text(sub, 30, w - 80), 30, assets.TEXT_DIM, (w // 2, 112), "center", shadow=False)
        shown = min(r.stars, int(self.age_s / STAR_EVERY_S))
        for i in range(3):
            lift = 20 if i == 1 else 0
            draw.star(surface, (w // 2 + (i - 1) * 130, STAR_Y - lift), 52, filled=i < shown)
        draw.text(surface, f"{r.points:,}", 84, assets.ACCENT, (w // 2, 340), "center")
        if r.personal_best:
            best = "New personal best!" + (f" (was {r.previous_best:,})" if r.previous_best else "")
            draw.text(surface, best, 30, assets.GOOD, (w // 2, 388), "center")
        else:
            draw.text(surface, f"points  -  personal best {max(r.previous_best, r.points):,}", 26, assets.TEXT_DIM,
                      (w // 2, 388), "center", shadow=False)  # fmt: skip
        draw.text(surface, stars_rule(self.level.stars, reached=r.outcome == "completed"), 22, assets.TEXT_DIM,
                  (w // 2, 416), "center", shadow=False)  # fmt: skip
        self._stats(surface, w)
        self._chart_and_faults(surface, w)
        self.menu.layout(self.menu.row(surface, h - 110, 220, 64))
        self.menu.draw(surface, 32, self.app.settings.large_text)
        draw.text(surface, "Enter: choose   R: retry   Esc: levels   " + HANDS_FREE_HINT, 20, assets.TEXT_DIM,
                  (w // 2, h - 24), "center", shadow=False)  # fmt: skip

    def _stats(self, surface: pygame.Surface, w: int) -> None:
        r = self.result
        if r.hold:
            goal_s = sum(s.goal.hold_s or 0.0 for s in self.level.stages)
            stats: tuple[tuple[str, str], ...] = (("held in form", f"{r.held_s:.1f} s"), ("goal", f"{goal_s:g} s"))
        else:
            stats = (("reps", f"{r.reps}"), ("good form", f"{r.good_reps}"), ("partials", f"{r.partials}"),
                     ("best streak", f"{r.best_combo}"), ("form score", f"{r.mean_score:.0f}"))  # fmt: skip
        col_w = 150
        x0 = 40 + col_w // 2
        for i, (label, value) in enumerate(stats):
            x = x0 + (i % 3) * col_w
            y = 150 + (i // 3) * 90
            draw.text(surface, value, 50, assets.TEXT, (x, y), "center")
            draw.text(surface, label, 22, assets.TEXT_DIM, (x, y + 36), "center", shadow=False)

    def _chart_and_faults(self, surface: pygame.Surface, w: int) -> None:
        r = self.result
        if not r.hold:
            charts.bars(surface, pygame.Rect(40, 440, w // 2 - 60, 150), list(r.rep_scores),
                        label="form score per rep (hatched: not good)")  # fmt: skip
        box = pygame.Rect(w // 2 + 20, 440, w // 2 - 60, 150)
        draw.panel(surface, box, 150)
        draw.text(surface, "faults", 22, assets.TEXT_DIM, (box.x + 12, box.y + 8), shadow=False)
        if not r.faults:
            draw.text(surface, "none - clean form", 28, assets.GOOD, (box.x + 16, box.y + 44), shadow=False)
        for i, (cue, n) in enumerate(sorted(r.faults.items(), key=lambda kv: -kv[1])[:4]):
            line = fit_text(f"{n}x  {cue}", 26, box.width - 30, keep="start")
            draw.text(surface, line, 26, assets.WARN, (box.x + 16, box.y + 38 + 26 * i), shadow=False)
