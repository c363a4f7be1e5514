"""Camera setup check before a level: whole body, distance, light, view - in words and a picture.

The level starts by itself once every check has passed for a moment
(Enter starts it anyway, Esc goes back, C calibrates first).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pygame

from game import assets, draw
from game.assets import Colour
from game.feed_image import CameraFeed
from game.hud import fit_text
from game.scenes.base import Scene, backdrop
from game.setup_check import Check, required_pose, run_checks
from game.skeleton import BODY_EDGES
from game.widgets import ring
from levels.model import Level
from sensors.joints import Joint
from sensors.pose import PoseFrame

if TYPE_CHECKING:
    from game.app import App

ALL_GOOD_FOR_S = 1.2  #: every check must pass this long before the level starts
AUTOPLAY_GIVE_UP_S = 5.0  #: the demo starts the level after this long even if a check fails
FEED_W_PX = 640
SETTLE_AFTER_FIRST_FRAME_S = 0.5  #: the checks have run on a few frames


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
        self.camera = CameraFeed(app)  #: the live picture (made for the screen in the source's process)
        #: the screenshot waits for the camera's picture (or its error), then for the checks to settle
        self.settle_s = math.inf

    def enter(self) -> None:
        super().enter()
        self.app.use_source_for(self.app.options.pack.demo_motion(self.level.exercise))

    def exit(self) -> None:
        self.camera.close()

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
        if math.isinf(self.settle_s) and (frame is not None or self.app.poses.error):
            self.settle_s = max(type(self).settle_s, self.age_s + SETTLE_AFTER_FIRST_FRAME_S)
        if frame is not None:
            self.frame = frame
            self.checks = run_checks(frame, self.level.view)
        self.good_s = self.good_s + self.app.wall_dt_s if self.all_good else 0.0
        ready = self.good_s >= ALL_GOOD_FOR_S and self.age_s >= self.settle_s + 0.1
        if ready or (self.app.options.autoplay and self.age_s >= AUTOPLAY_GIVE_UP_S):
            self.go()

    def draw(self, surface: pygame.Surface) -> None:
        """The live picture on the left; on the right the pose and view the level asks for (a figure),
        the checks in words, and the go."""
        w, h = surface.get_size()
        next_line = f"next: {self.level.title} - {self.level.describe()} (view: {self.level.view})"
        backdrop(surface, "Camera check", next_line, title_px=64, title_y=48)
        large = self.app.settings.large_text
        area = pygame.Rect(40, 130, min(FEED_W_PX, w // 2 - 40), h - 220)
        self._picture(surface, area)
        x = area.right + 30
        col_w = w - x - 30
        wanted = pygame.Rect(x, 130, col_w, 210)
        self._required(surface, wanted, large)
        y = wanted.bottom + 20
        poses = self.app.poses
        if poses.error:
            draw.text(surface, "The camera did not open:", 30, assets.BAD, (x, y))
            draw.text(surface, fit_text(poses.error, 22, col_w), 22, assets.TEXT_DIM, (x, y + 40), shadow=False)
        elif not self.checks:
            draw.text(surface, "Opening the camera..." if poses.opening else "Waiting for you...", 34,
                      assets.TEXT_DIM, (x, y))  # fmt: skip
        size_px = 30 if large else 26
        step = 50 if large else 44
        for i, check in enumerate(self.checks):
            cy = y + i * step
            colour = assets.GOOD if check.ok else assets.WARN
            mark = "OK" if check.ok else "!"
            pygame.draw.circle(surface, colour, (x + 16, cy + 16), 16, 0 if check.ok else 3)
            draw.text(surface, mark, 20, (10, 10, 20) if check.ok else colour, (x + 16, cy + 16), "center",
                      shadow=False)  # fmt: skip
            says = fit_text(check.says, size_px, col_w - 50)
            draw.text(surface, says, size_px, assets.TEXT if check.ok else colour, (x + 46, cy + 16), "midleft")
        if self.all_good:  # the go: every check passed; the ring fills until the level starts
            go_y = y + 4 * step + 18
            ring(surface, (x + 24, go_y + 22), 20, min(1.0, self.good_s / ALL_GOOD_FOR_S))
            draw.text(surface, "All set - get ready!", 40, assets.GOOD, (x + 60, go_y + 22), "midleft")
        draw.text(surface, "Enter: start anyway   C: calibrate   Esc: back", 24, assets.TEXT_DIM, (w // 2, h - 36),
                  "center", shadow=False)  # fmt: skip

    def _required(self, surface: pygame.Surface, box: pygame.Rect, large: bool) -> None:
        """The pose and view the level asks for: the avatar's start (solid) and turn (faint) pose, in words too."""
        draw.panel(surface, box, 170)
        pose = required_pose(self.app.options.pack.demo_motion(self.level.exercise), self.level.view)
        fig = pygame.Rect(box.x + 12, box.y + 12, box.height - 24, box.height - 24)
        if pose is not None:
            if pose.turn_xy is not None:
                _figure(surface, pose.turn_xy, fig, (96, 100, 140), 4)
            _figure(surface, pose.start_xy, fig, assets.ACCENT_2, 5)
        tx = fig.right + 16 if pose is not None else box.x + 20
        width = box.right - tx - 12
        size_px = 28 if large else 24
        seen = pose.view if pose is not None else self.level.view
        how = {"side": "Side-on to the camera", "front": "Facing the camera"}.get(seen, "Any view")
        lines = [
            ("Do this:", assets.TEXT_DIM, 22),
            (how, assets.ACCENT_2, size_px + 6),
            (self.level.exercise.replace("_", " ").capitalize(), assets.TEXT, size_px),
            ("whole body in the picture", assets.TEXT_DIM, size_px - 2),
        ]
        if pose is not None and pose.turn_xy is not None:
            lines.append(("faint: the bottom of a rep", assets.TEXT_DIM, 20))
        ty = box.y + 16
        for text, colour, px in lines:
            draw.text(surface, fit_text(text, px, width), px, colour, (tx, ty), shadow=False)
            ty += px + 12

    def _picture(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        rect = self.camera.draw(surface, area, self.frame, width_px=4)
        if rect is None:
            return
        # the zone the whole body should fill: a dashed guide
        guide = pygame.Rect(0, 0, round(rect.width * 0.5), round(rect.height * 0.9))
        guide.center = rect.center
        colour = assets.GOOD if self.all_good else assets.WARN
        for k in range(0, guide.height, 24):
            pygame.draw.line(surface, colour, (guide.x, guide.y + k), (guide.x, guide.y + min(k + 12, guide.height)), 3)
            pygame.draw.line(surface, colour, (guide.right, guide.y + k),
                             (guide.right, guide.y + min(k + 12, guide.height)), 3)  # fmt: skip
        pygame.draw.rect(surface, colour, rect, 3)


def _figure(surface: pygame.Surface, unit_xy: np.ndarray, rect: pygame.Rect, colour: Colour, width_px: int) -> None:
    """A stick figure from joint positions in the unit square (a guide, not a tracked player: no joint colours)."""
    xy = unit_xy * np.array([rect.width, rect.height]) + np.array([rect.x, rect.y])
    for a, b in BODY_EDGES:
        pygame.draw.line(surface, colour, xy[a], xy[b], width_px)
    shoulders = (xy[Joint.LEFT_SHOULDER] + xy[Joint.RIGHT_SHOULDER]) / 2
    pygame.draw.line(surface, colour, xy[Joint.NOSE], shoulders, width_px)
    pygame.draw.circle(surface, colour, xy[Joint.NOSE], width_px * 2 + 2)
