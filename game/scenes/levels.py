"""Pack and level select: each level with its stars, lock, best score and mode."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.hud import fit_text
from game.scenes.base import Scene
from game.widgets import HANDS_FREE_HINT, Button, Menu
from levels.model import Level
from levels.run import unlock_text

if TYPE_CHECKING:
    from game.app import App

AUTOPLAY_START_S = 1.0  #: in the demo, the selected level starts after this long
ROW_H = 64


class LevelSelectScene(Scene):
    name = "levels"
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_UP: "select_previous",
        pygame.K_DOWN: "select_next",
        pygame.K_RETURN: "start",
        pygame.K_SPACE: "start",
        pygame.K_ESCAPE: "back",
    }

    def __init__(self, app: App, selected: str | None = None) -> None:
        super().__init__(app)
        levels = app.options.pack.levels
        playable = [i for i, lv in enumerate(levels) if lv.id not in app.options.refused] or [0]
        index = next((i for i, lv in enumerate(levels) if lv.id == selected), playable[0])
        self.menu = Menu([Button(lv.title, "start") for lv in levels], index)
        self.message = ""

    def enter(self) -> None:
        super().enter()
        self.app.use_source_for(
            self.app.options.pack.demo_motion(self.level.exercise)
        )  # hands-free needs frames (a no-op when already delivering)

    @property
    def selected(self) -> int:
        return self.menu.selected

    @property
    def level(self) -> Level:
        return self.app.options.pack.levels[self.menu.selected]

    def select_previous(self) -> None:
        self.menu.move(-1)
        self.message = ""

    def select_next(self) -> None:
        self.menu.move(1)
        self.message = ""

    def unlock_hint(self, level: Level) -> str:
        """E.g. ``"earn 1 star in Squat Streak"`` (or why this source cannot play it)."""
        refused = self.app.options.refused.get(level.id)
        if refused:
            return refused
        return "earn " + unlock_text(level, {lv.id: lv.title for lv in self.app.options.pack.levels})

    def back(self) -> None:
        self.app.goto("title")

    def start(self, force: bool = False) -> None:
        """Play the selected level (via the camera check); a locked level says what opens it."""
        level = self.level
        if not force and not self.app.unlocked(level):
            first = "" if level.id in self.app.options.refused else " first"
            self.message = f"Locked: {self.unlock_hint(level)}{first}"
            return
        self.app.cue("select")
        self.app.goto("setup", level=level)

    def update(self, dt_s: float) -> None:
        if self.app.options.autoplay:
            if self.age_s >= AUTOPLAY_START_S:
                self.start(force=True)  # the demo plays the level it was asked for; the list still shows locks
            return
        action = self.menu.update_hands(self.app.poses.poll(), self.app.wall_dt_s)
        if action is not None:
            self.start()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        surface.blit(draw.gradient((w, h), assets.BG_TOP, assets.BG_BOTTOM), (0, 0))
        pack = self.app.options.pack
        draw.text(surface, pack.title, 64, assets.ACCENT, (w // 2, 46), "center")
        draw.text(surface, f"pick a level  -  player {self.app.store.name}", 28, assets.TEXT_DIM, (w // 2, 92),
                  "center", shadow=False)  # fmt: skip
        rows_h = h - 230
        per_page = max(1, rows_h // ROW_H)
        first = max(0, min(self.selected - per_page // 2, len(pack.levels) - per_page))
        rects = []
        for i, level in enumerate(pack.levels):
            if not first <= i < first + per_page:
                rects.append(pygame.Rect(-1000, -1000, 1, 1))
                continue
            rect = pygame.Rect(w // 2 - 520, 120 + (i - first) * ROW_H, 1040, ROW_H - 8)
            rects.append(rect)
            self._row(surface, rect, i, level)
        self.menu.rects = rects
        self.menu.screen_size = surface.get_size()
        self.menu._draw_pointer(surface)
        about = self.message or self.level.description
        draw.text(surface, fit_text(about, 28, w - 80), 28, assets.TEXT, (w // 2, h - 92), "center", shadow=False)
        draw.text(surface, "Up/Down: choose   Enter: play   Esc: back", 22, assets.TEXT_DIM, (w // 2, h - 46),
                  "center", shadow=False)  # fmt: skip
        draw.text(surface, HANDS_FREE_HINT, 20, assets.TEXT_DIM, (w // 2, h - 20), "center", shadow=False)

    def _row(self, surface: pygame.Surface, rect: pygame.Rect, i: int, level: Level) -> None:
        chosen = i == self.selected
        open_ = self.app.unlocked(level)
        draw.panel(surface, rect, 230 if chosen else 150, (40, 34, 80) if chosen else assets.PANEL)
        if chosen:
            pygame.draw.rect(surface, assets.ACCENT, rect, 3, border_radius=14)
        colour = assets.TEXT if open_ else assets.LOCKED
        name = fit_text(f"{i + 1}. {level.title}", 36, 330, keep="start")
        draw.text(surface, name, 36, colour, (rect.x + 20, rect.centery), "midleft")
        if open_:
            info = level.describe()
        else:
            info = f"locked: {self.unlock_hint(level)}"
            pygame.draw.rect(surface, assets.LOCKED, (rect.x + 358, rect.centery - 4, 14, 12))  # a padlock
            pygame.draw.circle(surface, assets.LOCKED, (rect.x + 365, rect.centery - 5), 6, 2)
        info = fit_text(info, 24, 360, keep="start")
        draw.text(surface, info, 24, assets.TEXT_DIM, (rect.x + 380, rect.centery), "midleft", shadow=False)
        best = self.app.session.best_points.get(level.id)
        if best:
            draw.text(surface, f"best {best:,}", 24, assets.TEXT_DIM, (rect.right - 250, rect.centery), "midleft",
                      shadow=False)  # fmt: skip
        stars = self.app.session.best_stars.get(level.id, 0)
        for k in range(3):
            draw.star(surface, (rect.right - 100 + k * 34, rect.centery), 14, filled=k < stars)
        if i == self.menu.hands.hover_index and self.menu.hands.hover_progress > 0:
            from game.widgets import ring

            ring(surface, (rect.right - 140, rect.centery), 14, self.menu.hands.hover_progress)
