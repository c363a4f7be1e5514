"""The pause scene holds the running play scene, draws it dimmed, and hands it back.

Auto-pause ("Step back into view") resumes by itself once the player has
been back in view for a moment; a manual pause (Esc/P) waits for a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.scenes.base import Scene

if TYPE_CHECKING:
    from game.app import App
    from game.scenes.play import PlayScene

BACK_IN_VIEW_S = 0.6  #: the player must be in view this long before an auto-pause resumes


class PauseScene(Scene):
    name = "pause"
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_ESCAPE: "resume",
        pygame.K_p: "resume",
        pygame.K_RETURN: "resume",
        pygame.K_SPACE: "resume",
        pygame.K_q: "quit_level",
    }

    def __init__(self, app: App, held: PlayScene, reason: str = "") -> None:
        super().__init__(app)
        self.held = held
        self.reason = reason  #: "" for a manual pause
        self.in_view_s = 0.0

    @property
    def auto(self) -> bool:
        return bool(self.reason)

    def enter(self) -> None:
        super().enter()
        self.app.clock.pause()

    def exit(self) -> None:
        self.app.clock.resume()

    def resume(self) -> None:
        """Hand the play scene back."""
        self.app.pop()

    def quit_level(self) -> None:
        self.app.pop()
        self.held.stop_level()

    def update(self, dt_s: float) -> None:
        # the game clock is stopped (dt_s == 0); watch the camera in wall time
        self.held.watch()
        if not self.auto:
            return
        self.in_view_s = self.in_view_s + self.app.wall_dt_s if self.held.player_in_view else 0.0
        if self.in_view_s >= BACK_IN_VIEW_S:
            self.resume()

    def draw(self, surface: pygame.Surface) -> None:
        self.held.draw(surface)
        draw.dim(surface, 165)
        w, h = surface.get_size()
        box = pygame.Rect(0, 0, 760, 250)
        box.center = (w // 2, h // 2)
        draw.panel(surface, box, 220)
        pygame.draw.rect(surface, assets.ACCENT if self.auto else assets.ACCENT_2, box, 3, border_radius=14)
        title = self.reason or "Paused"
        draw.text(surface, title, 72, assets.ACCENT if self.auto else assets.TEXT, (box.centerx, box.y + 70), "center")
        if self.auto:
            lost = self.held.frame is not None and self.held.frame.tracking.value == "player_lost"
            hint = "Someone else is in the picture" if lost else "We can't see you - the game waits for you"
            draw.text(surface, hint, 34, assets.TEXT_DIM, (box.centerx, box.y + 135), "center", shadow=False)
            draw.text(surface, "Esc: resume anyway    Q: end level", 28, assets.TEXT_DIM,
                      (box.centerx, box.y + 195), "center", shadow=False)  # fmt: skip
        else:
            draw.text(surface, "Esc / P / Enter: resume    Q: end level", 32, assets.TEXT_DIM,
                      (box.centerx, box.y + 160), "center", shadow=False)  # fmt: skip
