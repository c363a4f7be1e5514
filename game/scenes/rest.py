"""The rest between stages and rounds: the rest timer, what comes next, and a hands-free skip.

Shown over the play scene (``app.open_over("rest", held=play)``) while its
level run rests; the play scene keeps running underneath (the rest clock,
the next exercise's source and coach) and this scene leaves when the rest
is over. Skip with Enter / Space, a gamepad, or hands-free (raise a hand for
a second, or hold a hand over the button). Walking about does not pause.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw, hud
from game.scenes.base import Scene
from game.widgets import HANDS_FREE_HINT, Button, Menu

if TYPE_CHECKING:
    from game.app import App
    from game.scenes.play import PlayScene


class RestScene(Scene):
    name = "rest"
    settle_s = 0.6
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_RETURN: "skip",
        pygame.K_SPACE: "skip",
        pygame.K_ESCAPE: "pause",
        pygame.K_p: "pause",
        pygame.K_q: "quit_level",
    }

    def __init__(self, app: App, held: PlayScene) -> None:
        super().__init__(app)
        self.held = held
        self.menu = Menu([Button("Skip rest", "skip")])
        self.total_s = max(held.run.rest_left_s, 1e-3)  #: the rest's length when it began
        self.skipped = False

    def skip(self) -> None:
        self.app.cue("select")
        self.skipped = True
        self.held.skip_rest()
        self.app.pop()

    def pause(self) -> None:
        self.app.cue("pause")
        self.app.open_over("pause", held=self.held)

    def quit_level(self) -> None:
        self.app.pop()
        self.held.stop_level(reason="player")

    def update(self, dt_s: float) -> None:
        self.held.update(dt_s)  # the rest clock runs in the play scene's level run
        if self.app.scene is not self:  # paused, or the level ended
            return
        if not self.held.run.resting:
            self.app.pop()
            return
        action = self.menu.update_hands(self.held.frame, self.app.wall_dt_s)
        if action is not None:
            getattr(self, action)()

    def next_text(self) -> str:
        """What comes after the rest, e.g. "Round 2/3 - stage 1/2: lunge: 5 reps"."""
        run = self.held.run
        status = run.status()
        where = " - ".join(
            p for p in (f"Round {status.round}/{status.rounds}" if status.rounds > 1 else "",
                        f"stage {status.stage_number}/{status.stage_count}" if status.stage_count > 1 else "") if p
        )  # fmt: skip
        what = run.stage.describe()
        return f"{where[:1].upper()}{where[1:]}: {what}" if where else what

    def draw(self, surface: pygame.Surface) -> None:
        """The play screen (its HUD keeps the rest ring) with a panel: the time left, what is next, Skip."""
        self.held.draw(surface)
        area = hud.feed_area(surface)
        large = self.app.settings.large_text
        left_s = max(0.0, self.held.run.rest_left_s)
        box = pygame.Rect(0, 0, min(area.width - 60, 820), 210 if large else 190)
        box.midbottom = (area.centerx, area.bottom - 24)
        draw.panel(surface, box, 215)
        pygame.draw.rect(surface, assets.ACCENT_2, box, 3, border_radius=14)
        x = box.x + 28
        title = draw.text(surface, "REST", 56, assets.ACCENT_2, (x, box.y + 18))
        draw.text(surface, f"{math.ceil(left_s)} s left", 44, assets.TEXT, (title.right + 24, box.y + 26))
        size_px = 34 if large else 30
        width = box.right - 290 - x
        next_line = hud.fit_text(f"Next: {self.next_text()}", size_px, width, keep="start")
        draw.text(surface, next_line, size_px, assets.TEXT, (x, box.y + 94))
        bar = pygame.Rect(x, box.y + 94 + size_px + 14, width, 10)
        draw.bar(surface, bar, left_s / self.total_s, assets.ACCENT_2)
        self.menu.layout([pygame.Rect(box.right - 250, box.y + 24, 222, 70)])
        self.menu.draw(surface, 30, large)
        hint = hud.fit_text("Enter: skip    " + HANDS_FREE_HINT, 20, box.width - 40)
        draw.text(surface, hint, 20, assets.TEXT_DIM, (box.centerx, box.bottom - 22), "center", shadow=False)
