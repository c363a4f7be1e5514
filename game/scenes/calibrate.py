"""Calibration: the player stands still for a few seconds; their segment lengths and standing angles
are measured (``exercises.calibration.Calibration``) and kept in the profile, and every later level's
form engine uses them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pygame

from exercises.calibration import Calibration
from game import assets, draw
from game.feed_image import CameraFeed
from game.hud import fit_text
from game.scenes.base import Scene, backdrop
from game.setup_check import body_in_frame
from levels.model import Level
from sensors.joints import Joint
from sensors.pose import PoseFrame

if TYPE_CHECKING:
    from game.app import App

STILL_FRAMES = 45  #: frames of the whole body standing still that are measured
STILL_PX_PER_FRAME = 6.0  #: mean joint movement below this (image pixels per frame) counts as still


class CalibrateScene(Scene):
    name = "calibrate"
    settle_s = 1.0
    KEYS: ClassVar[dict[int, str]] = {pygame.K_ESCAPE: "back", pygame.K_RETURN: "done"}

    def __init__(self, app: App, then: Level | None = None) -> None:
        super().__init__(app)
        self.then = then  #: the level to play next, if calibration was asked for on the way to it
        self.frames: list[PoseFrame] = []
        self.last: PoseFrame | None = None
        self.result: Calibration | None = None
        self.message = "Stand still, facing the camera, arms by your sides"
        self.camera = CameraFeed(app)  #: the live picture (made for the screen in the source's process)

    def enter(self) -> None:
        super().enter()
        exercise = self.then.exercise if self.then is not None else self.app.options.pack.levels[0].exercise
        self.app.use_source_for(self.app.options.pack.demo_motion(exercise))

    def exit(self) -> None:
        self.camera.close()

    def back(self) -> None:
        if self.then is not None:
            self.app.goto("setup", level=self.then)
        else:
            self.app.goto("title")

    def done(self) -> None:
        self.back()

    def update(self, dt_s: float) -> None:
        frame = self.app.poses.poll()
        if frame is None:
            return
        if self.result is not None:  # measured: the picture stays live
            self.last = frame
            return
        still = self.last is not None and _movement_px(self.last, frame) < STILL_PX_PER_FRAME
        self.last = frame
        if not body_in_frame(frame).ok or not still:
            if len(self.frames) > 5:
                self.message = "Hold still a moment longer..."
            self.frames = self.frames[-5:] if body_in_frame(frame).ok else []
            return
        self.frames.append(frame)
        if len(self.frames) >= STILL_FRAMES:
            self._measure()

    def _measure(self) -> None:
        try:
            cal = Calibration.from_frames(self.frames)
        except ValueError as e:
            self.message = str(e)
            self.frames = []
            return
        self.result = cal
        seg = {k: v for k, v in cal.segments_m.items() if math.isfinite(v)}
        neutral = {k: v for k, v in cal.neutral_deg.items() if math.isfinite(v)}
        self.app.store.set_setting("calibration", {"segments_m": seg, "neutral_deg": neutral})
        self.app.cue("stage_end")
        self.message = "Calibrated - saved in your profile"

    @property
    def progress(self) -> float:
        return 1.0 if self.result is not None else len(self.frames) / STILL_FRAMES

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        backdrop(surface, "Calibration", title_px=64, title_y=48)
        draw.text(surface, self.message, 32, assets.TEXT, (w // 2, 100), "center", shadow=False)
        area = pygame.Rect(40, 140, 600, h - 220)
        self.camera.draw(surface, area, self.last, width_px=4)
        x = area.right + 40
        col_w = w - x - 40
        draw.bar(surface, pygame.Rect(x, 160, w - x - 60, 22), self.progress, assets.ACCENT_2)
        px, step = (32, 44) if self.app.settings.large_text else (28, 40)
        if self.result is None:
            steps_ = ("1. Your whole body in the picture", "2. Face the camera, arms by your sides",
                      "3. Stand still for about two seconds", "Your segment lengths and standing angles",
                      "are measured and used to judge your form.")  # fmt: skip
            for i, line in enumerate(steps_):
                colour = assets.TEXT if i < 3 else assets.TEXT_DIM
                draw.text(surface, fit_text(line, px, col_w), px, colour, (x, 210 + step * i + (20 if i >= 3 else 0)),
                          shadow=False)  # fmt: skip
        if self.result is not None:
            rows = [(k.replace("_", " "), f"{v * 100:.0f} cm") for k, v in self.result.segments_m.items()
                    if math.isfinite(v)]  # fmt: skip
            rows += [
                (f"{k} (standing)", f"{v:.0f} deg") for k, v in self.result.neutral_deg.items() if math.isfinite(v)
            ]
            row_step = step - 4
            name_w = min(310, col_w - 150)  #: the values' column starts after it
            for i, (name, value) in enumerate(rows[: max(1, (h - 90 - 210) // row_step)]):
                y = 210 + row_step * i
                draw.text(surface, fit_text(name, px, name_w), px, assets.TEXT_DIM, (x, y), shadow=False)
                draw.text(surface, value, px, assets.TEXT, (x + name_w + 10, y), shadow=False)
        draw.text(surface, "Enter: done   Esc: back", 24, assets.TEXT_DIM, (w // 2, h - 36), "center", shadow=False)


def _movement_px(a: PoseFrame, b: PoseFrame) -> float:
    joints = [Joint.LEFT_WRIST, Joint.RIGHT_WRIST, Joint.LEFT_KNEE, Joint.RIGHT_KNEE, Joint.NOSE]
    d = np.linalg.norm(a.image_xy_px[joints] - b.image_xy_px[joints], axis=1)
    d = d[np.isfinite(d)]
    return float(d.mean()) if d.size else math.inf
