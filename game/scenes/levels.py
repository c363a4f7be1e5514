"""Pack and level select: each level with its mode badge, stars, lock and best score.

Rows are compact (10 levels on a 1280x720 screen, 5 on an 800x480 window;
taller rows with the large-text setting) and the list scrolls to keep the
selected level in view, saying how many more are above and below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game import assets, draw
from game.assets import Colour
from game.hud import fit_text
from game.scenes.base import MenuScene, backdrop
from game.widgets import HANDS_FREE_HINT, Button, Menu, ring
from levels.model import Level
from levels.run import unlock_text

if TYPE_CHECKING:
    from game.app import App

AUTOPLAY_START_S = 1.0  #: in the demo, the selected level starts after this long
ROW_H = 48  #: a row's height (and the gap under it: 6 px of it)
ROW_H_LARGE = 60  #: with the large-text setting
#: badge text -> colour (the words say it too: the colour is never the only clue)
BADGES: dict[str, Colour] = {
    "REPS": (80, 170, 255), "HOLD": (64, 200, 200), "STAGES": (150, 120, 255), "AMRAP": (255, 140, 60),
    "TIMED": (255, 196, 0), "CIRCUIT": (120, 200, 90), "INTERVALS": (230, 110, 200), "BOSS": (255, 80, 90),
}  # fmt: skip


def mode_badge(level: Level) -> str:
    """The badge of a level's mode: BOSS, TIMED, CIRCUIT, INTERVALS; a classic level by its stages
    (STAGES for several, else HOLD, AMRAP or REPS)."""
    if level.mode != "classic":
        return level.mode.upper()
    if len(level.stages) > 1:
        return "STAGES"
    kind = level.stages[0].goal.kind
    return {"hold_s": "HOLD", "amrap_s": "AMRAP"}.get(kind, "REPS")


def list_layout(size_px: tuple[int, int], large: bool) -> tuple[int, int, int]:
    """``(top_y, row_h, rows)``: where the rows start, their height and how many fit on a screen this size."""
    h = size_px[1]
    small = h < 600
    top = 84 if small else 120
    bottom = 100 if small else 112  # the description, the keys and the hands-free hint
    row_h = ROW_H_LARGE if large else ROW_H
    return top, row_h, max(1, (h - top - bottom) // row_h)


class LevelSelectScene(MenuScene):
    name = "levels"

    def __init__(self, app: App, selected: str | None = None) -> None:
        super().__init__(app)
        levels = app.options.pack.levels
        playable = [i for i, lv in enumerate(levels) if lv.id not in app.options.refused] or [0]
        index = next((i for i, lv in enumerate(levels) if lv.id == selected), playable[0])
        self.menu = Menu([Button(lv.title, "start") for lv in levels], index)
        self.message = ""
        self.first = 0  #: the first row shown (the list scrolls)

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
        super().select_previous()
        self.message = ""

    def select_next(self) -> None:
        super().select_next()
        self.message = ""

    def unlock_hint(self, level: Level) -> str:
        """E.g. ``"earn 1 star in Squat Streak"`` (or why this source cannot play it)."""
        refused = self.app.options.refused.get(level.id)
        if refused:
            return refused
        return "earn " + unlock_text(level, {lv.id: lv.title for lv in self.app.options.pack.levels})

    def confirm(self) -> None:
        self.start()

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
        super().update(dt_s)

    def on_hands(self, action: str) -> None:
        self.start()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        pack = self.app.options.pack
        large = self.app.settings.large_text
        top, row_h, per_page = list_layout((w, h), large)
        small = h < 600
        backdrop(surface, pack.title, f"pick a level  -  player {self.app.store.name}", title_px=48 if small else 64,
                 title_y=30 if small else 46)  # fmt: skip
        n = len(pack.levels)
        if self.selected < self.first:  # scroll only as far as needed to keep the selection in view
            self.first = self.selected
        elif self.selected >= self.first + per_page:
            self.first = self.selected - per_page + 1
        self.first = max(0, min(self.first, n - per_page))
        row_w = min(1040, w - 60)
        rects = []
        for i, level in enumerate(pack.levels):
            if not self.first <= i < self.first + per_page:
                rects.append(pygame.Rect(-1000, -1000, 1, 1))
                continue
            rect = pygame.Rect(w // 2 - row_w // 2, top + (i - self.first) * row_h, row_w, row_h - 6)
            rects.append(rect)
            self._row(surface, rect, i, level, large)
        self.menu.rects = rects
        self.menu.screen_size = surface.get_size()
        right = w // 2 + row_w // 2
        if self.first > 0:
            draw.text(surface, f"{self.first} more above", 20, assets.TEXT_DIM, (right, top - 4), "bottomright",
                      shadow=False)  # fmt: skip
        below = n - self.first - per_page
        if below > 0:
            draw.text(surface, f"{below} more below", 20, assets.TEXT_DIM, (right, top + per_page * row_h - 4),
                      "topright", shadow=False)  # fmt: skip
        self.menu._draw_pointer(surface)
        about = self.message or self.level.description
        size_px = 28 if large else 24
        about = fit_text(about, size_px, w - 80, keep="start")
        draw.text(surface, about, size_px, assets.TEXT, (w // 2, h - (74 if small else 84)), "center", shadow=False)
        draw.text(surface, "Up/Down: choose   Enter: play   Esc: back", 22, assets.TEXT_DIM, (w // 2, h - 44),
                  "center", shadow=False)  # fmt: skip
        draw.text(surface, fit_text(HANDS_FREE_HINT, 20, w - 40), 20, assets.TEXT_DIM, (w // 2, h - 18), "center",
                  shadow=False)  # fmt: skip

    def _row(self, surface: pygame.Surface, rect: pygame.Rect, i: int, level: Level, large: bool) -> None:
        """One level: number and title, mode badge, what to do (or what unlocks it), best score, stars."""
        chosen = i == self.selected
        open_ = self.app.unlocked(level)
        draw.panel(surface, rect, 230 if chosen else 150, (40, 34, 80) if chosen else assets.PANEL)
        if chosen:
            pygame.draw.rect(surface, assets.ACCENT, rect, 3, border_radius=14)
        name_px, info_px = (36, 26) if large else (30, 22)
        colour = assets.TEXT if open_ else assets.LOCKED
        name_w = round(rect.width * 0.3)
        name = fit_text(f"{i + 1}. {level.title}", name_px, name_w, keep="start")
        draw.text(surface, name, name_px, colour, (rect.x + 16, rect.centery), "midleft")
        x = rect.x + 24 + name_w
        badge = mode_badge(level)
        x = _badge(surface, badge, (x, rect.centery), BADGES.get(badge, assets.ACCENT_2), large) + 14
        stars_x = rect.right - 112
        show_best = rect.width >= 860
        info_right = stars_x - (130 if show_best else 20)
        if open_:
            info = level.describe()
        else:
            info = f"locked: {self.unlock_hint(level)}"
            pygame.draw.rect(surface, assets.LOCKED, (x, rect.centery - 4, 14, 12))  # a padlock
            pygame.draw.circle(surface, assets.LOCKED, (x + 7, rect.centery - 5), 6, 2)
            x += 22
        info = fit_text(info, info_px, max(40, info_right - x), keep="start")
        draw.text(surface, info, info_px, assets.TEXT_DIM, (x, rect.centery), "midleft", shadow=False)
        best = self.app.session.best_points.get(level.id)
        if best and show_best:
            draw.text(surface, f"best {best:,}", info_px, assets.TEXT_DIM, (stars_x - 16, rect.centery), "midright",
                      shadow=False)  # fmt: skip
        stars = self.app.session.best_stars.get(level.id, 0)
        r_px = 13 if large else 11
        for k in range(3):
            draw.star(surface, (stars_x + 12 + k * (2 * r_px + 6), rect.centery), r_px, filled=k < stars)
        if i == self.menu.hands.hover_index and self.menu.hands.hover_progress > 0:
            ring(surface, (stars_x - 20, rect.centery), 14, self.menu.hands.hover_progress)


def _badge(surface: pygame.Surface, text: str, midleft: tuple[int, int], colour: Colour, large: bool) -> int:
    """A mode badge: the word in dark letters on a rounded pill of the mode's colour; returns its right x."""
    size_px = 20 if large else 17
    width = max(assets.font(size_px).size(word)[0] for word in BADGES) + 18  # one width: the text after lines up
    pill = pygame.Rect(0, 0, width, size_px + 10)
    pill.midleft = midleft
    pygame.draw.rect(surface, colour, pill, border_radius=pill.height // 2)
    draw.text(surface, text, size_px, (14, 14, 24), pill.center, "center", shadow=False)
    return pill.right
