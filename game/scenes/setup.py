"""Camera setup check before a level: whole body, distance, light, view - in words and a picture.

The level starts by itself once every check has passed for a moment
(Enter starts it anyway, Esc goes back, C calibrates first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.hud import fit_text
from game.scenes.base import Scene
from game.setup_check import Check, run_checks
from levels.model import Level
from sensors.pose import PoseFrame

if TYPE_CHECKING:
    from game.app import App

ALL_GOOD_FOR_S = 1.2  #: every check must pass this long before the level starts
AUTOPLAY_GIVE_UP_S = 5.0  #: the demo starts the level after this long even if a check fails
FEED_W_PX = 640


class SetupScene(Scene):
    name = "setup"
    settle_s = 1.0
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_RETURN: "go",
        pygame.K_SPACE: "go",
        pygame.K_ESCAPE: "back",
        pygame.K_c: "calibrate",
    }

    def __init__(self, app: App, level: Level) -> None:
        super().__init__(app)
        self.level = level
        self.frame: PoseFrame | None = None
        self.checks: list[Check] = []
        self.good_s = 0.0

    def enter(self) -> None:
        super().enter()
        self.app.use_source_for(self.app.options.pack.demo_motion(self.level.exercise))

    def go(self) -> None:
        self.app.goto("play", level=self.level)

    def back(self) -> None:
        self.app.goto("levels", selected=self.level.id)

    def calibrate(self) -> None:
        self.app.goto("calibrate", then=self.level)

    @property
    def all_good(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def update(self, dt_s: float) -> None:
        frame = self.app.poses.poll()
        if frame is not None:
            self.frame = frame
            self.checks = run_checks(frame, self.level.view)
        self.good_s = self.good_s + self.app.wall_dt_s if self.all_good else 0.0
        ready = self.good_s >= ALL_GOOD_FOR_S and self.age_s >= self.settle_s + 0.1
        if ready or (self.app.options.autoplay and self.age_s >= AUTOPLAY_GIVE_UP_S):
            self.go()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        surface.blit(draw.gradient((w, h), assets.BG_TOP, assets.BG_BOTTOM), (0, 0))
        draw.text(surface, "Camera check", 64, assets.ACCENT, (w // 2, 48), "center")
        draw.text(surface, fit_text(f"next: {self.level.title} - {self.level.describe()} (view: {self.level.view})",
                  28, w - 80), 28, assets.TEXT_DIM, (w // 2, 96), "center", shadow=False)  # fmt: skip
        area = pygame.Rect(40, 130, FEED_W_PX, h - 220)
        self._picture(surface, area)
        x, y = area.right + 40, 150
        poses = self.app.poses
        if poses.error:
            draw.text(surface, "The camera did not open:", 30, assets.BAD, (x, y))
            draw.text(surface, poses.error[:60], 22, assets.TEXT_DIM, (x, y + 40), shadow=False)
        elif not self.checks:
            draw.text(surface, "Opening the camera..." if poses.opening else "Waiting for you...", 34,
                      assets.TEXT_DIM, (x, y))  # fmt: skip
        for i, check in enumerate(self.checks):
            cy = y + i * 70
            colour = assets.GOOD if check.ok else assets.WARN
            mark = "OK" if check.ok else "!"
            pygame.draw.circle(surface, colour, (x + 18, cy + 18), 18, 0 if check.ok else 3)
            draw.text(surface, mark, 24, (10, 10, 20) if check.ok else colour, (x + 18, cy + 18), "center",
                      shadow=False)  # fmt: skip
            draw.text(surface, check.says, 30, assets.TEXT if check.ok else colour, (x + 50, cy + 4))
        if self.all_good:
            draw.text(surface, "All set - get ready!", 44, assets.GOOD, (x, y + 300))
        draw.text(surface, "Enter: start anyway   C: calibrate   Esc: back", 24, assets.TEXT_DIM, (w // 2, h - 36),
                  "center", shadow=False)  # fmt: skip

    def _picture(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        frame = self.frame
        draw.backdrop(surface, area)
        if frame is None:
            return
        rect = draw.fit_rect(frame.image_size_px, area)
        if frame.rgb is not None:
            surface.blit(draw.rgb_surface(frame.rgb, rect.size), rect.topleft)
        draw.draw_skeleton(surface, frame, rect, width_px=4)
        # the zone the whole body should fill: a dashed guide
        guide = pygame.Rect(0, 0, round(rect.width * 0.5), round(rect.height * 0.9))
        guide.center = rect.center
        colour = assets.GOOD if self.all_good else assets.WARN
        for k in range(0, guide.height, 24):
            pygame.draw.line(surface, colour, (guide.x, guide.y + k), (guide.x, guide.y + min(k + 12, guide.height)), 3)
            pygame.draw.line(surface, colour, (guide.right, guide.y + k),
                             (guide.right, guide.y + min(k + 12, guide.height)), 3)  # fmt: skip
        pygame.draw.rect(surface, colour, rect, 3)
