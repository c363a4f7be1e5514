"""Shown by ``play --watch`` while the pack has errors: the problems, until the file is fixed."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.hud import fit_text
from game.scenes.base import Scene

if TYPE_CHECKING:
    from game.app import App


class PackErrorsScene(Scene):
    name = "pack-errors"
    KEYS: ClassVar[dict[int, str]] = {pygame.K_ESCAPE: "quit"}

    def __init__(self, app: App, lines: list[str]) -> None:
        super().__init__(app)
        self.lines = lines

    def quit(self) -> None:
        self.app.quit()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        surface.blit(draw.gradient((w, h), assets.BG_TOP, assets.BG_BOTTOM), (0, 0))
        draw.text(surface, "The pack has errors", 64, assets.TEXT, (w // 2, 80), "center")
        draw.text(surface, "Fix the file and save it: the game reloads it by itself.  Esc: quit", 26,
                  assets.TEXT_DIM, (w // 2, 140), "center", shadow=False)  # fmt: skip
        for i, line in enumerate(self.lines[:14]):
            text = fit_text(line, 22, w - 80, keep="start")
            draw.text(surface, text, 22, assets.TEXT, (40, 200 + i * 34), "midleft", shadow=False)
