"""Title and level select: the pack's levels with their stars and locks."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.hud import fit_text
from game.scenes.base import Scene
from levels.model import Level
from levels.run import unlock_text

if TYPE_CHECKING:
    from game.app import App

AUTOPLAY_START_S = 1.5  #: in the demo, the selected level starts after this long


class TitleScene(Scene):
    name = "title"
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_UP: "select_previous",
        pygame.K_DOWN: "select_next",
        pygame.K_RETURN: "start",
        pygame.K_SPACE: "start",
        pygame.K_ESCAPE: "quit",
    }

    def __init__(self, app: App) -> None:
        super().__init__(app)
        levels = app.options.pack.levels
        wanted = app.options.start_level
        playable = [i for i, lv in enumerate(levels) if lv.id not in app.options.refused] or [0]
        self.selected = next((i for i, lv in enumerate(levels) if lv.id == wanted), playable[0])
        self.message = ""

    def select_previous(self) -> None:
        self.selected = (self.selected - 1) % len(self.app.options.pack.levels)
        self.message = ""

    def select_next(self) -> None:
        self.selected = (self.selected + 1) % len(self.app.options.pack.levels)
        self.message = ""

    def unlock_hint(self, level: Level) -> str:
        """E.g. ``"earn 1 star in Squat Streak"`` (or why the demo cannot play it)."""
        refused = self.app.options.refused.get(level.id)
        if refused:
            return refused
        return "earn " + unlock_text(level, {lv.id: lv.title for lv in self.app.options.pack.levels})

    def quit(self) -> None:
        self.app.quit()

    def start(self) -> None:
        from game.scenes.play import PlayScene

        level = self.app.options.pack.levels[self.selected]
        if not self.app.unlocked(level):
            first = "" if level.id in self.app.options.refused else " first"
            self.message = f"Locked: {self.unlock_hint(level)}{first}"
            return
        self.app.replace(PlayScene(self.app, level))

    def update(self, dt_s: float) -> None:
        if self.app.options.autoplay and self.age_s >= AUTOPLAY_START_S:
            self.start()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        surface.blit(draw.gradient((w, h), assets.BG_TOP, assets.BG_BOTTOM), (0, 0))
        draw.text(surface, "RepQuest", 120, assets.ACCENT, (w // 2, 92), "center")
        pack = self.app.options.pack
        draw.text(surface, f"{pack.name}  -  pick a level", 34, assets.TEXT_DIM, (w // 2, 160), "center", shadow=False)
        row_h, top = 74, 210
        for i, level in enumerate(pack.levels):
            rect = pygame.Rect(w // 2 - 420, top + i * row_h, 840, row_h - 10)
            chosen = i == self.selected
            open_ = self.app.unlocked(level)
            draw.panel(surface, rect, 230 if chosen else 150, (40, 34, 80) if chosen else assets.PANEL)
            if chosen:
                pygame.draw.rect(surface, assets.ACCENT, rect, 3, border_radius=14)
            colour = assets.TEXT if open_ else assets.LOCKED
            name = fit_text(f"{i + 1}. {level.title}", 40, 350, keep="start")
            draw.text(surface, name, 40, colour, (rect.x + 24, rect.centery), "midleft")
            info = level.describe()
            if not open_:
                info = f"locked: {self.unlock_hint(level)}"
            info = fit_text(info, 26, 310, keep="start")
            draw.text(surface, info, 26, assets.TEXT_DIM, (rect.x + 390, rect.centery), "midleft", shadow=False)
            best = self.app.session.best_stars.get(level.id, 0)
            for k in range(3):
                draw.star(surface, (rect.right - 110 + k * 38, rect.centery), 15, filled=k < best)
        chosen_level = pack.levels[self.selected]
        about = self.message or chosen_level.description
        draw.text(surface, about, 28, assets.TEXT, (w // 2, h - 96), "center", shadow=False)
        source = self.app.options.source.label()
        draw.text(surface, f"Up/Down: choose   Enter: play   Esc: quit      camera: {source}", 24,
                  assets.TEXT_DIM, (w // 2, h - 40), "center", shadow=False)  # fmt: skip
