"""The title screen: the main menu (play, profile, history, calibration, settings, quit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.hud import fit_text
from game.scenes.base import MenuScene, backdrop
from game.widgets import HANDS_FREE_HINT, Button, Menu

if TYPE_CHECKING:
    from game.app import App

AUTOPLAY_NEXT_S = 1.0  #: in the demo, the level select follows after this long


class TitleScene(MenuScene):
    name = "title"
    KEYS: ClassVar[dict[int, str]] = {**MenuScene.KEYS, pygame.K_ESCAPE: "quit"}

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.menu = Menu([
            Button("Play", "play"),
            Button("Profile", "profiles"),
            Button("History", "history"),
            Button("Calibrate", "calibrate"),
            Button("Settings", "settings"),
            Button("Quit", "quit"),
        ])  # fmt: skip

    def enter(self) -> None:
        super().enter()
        pack = self.app.options.pack
        first = next((lv for lv in pack.levels if lv.id not in self.app.options.refused), pack.levels[0])
        self.app.use_source_for(pack.demo_motion(first.exercise))  # opens off the game thread; menus use it hands-free

    def confirm(self) -> None:
        self.app.cue("select")
        super().confirm()

    def play(self) -> None:
        self.app.goto("levels", selected=self.app.options.start_level)

    def profiles(self) -> None:
        self.app.goto("profiles")

    def history(self) -> None:
        self.app.goto("history")

    def calibrate(self) -> None:
        self.app.goto("calibrate")

    def settings(self) -> None:
        self.app.goto("settings")

    def quit(self) -> None:
        self.app.quit()

    def update(self, dt_s: float) -> None:
        if self.app.options.autoplay:
            if self.age_s >= AUTOPLAY_NEXT_S:
                self.play()
            return
        super().update(dt_s)

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        backdrop(surface, "RepQuest", title_px=120, title_y=86)
        app = self.app
        who = f"player: {app.store.name}   pack: {app.options.pack.title}"
        draw.text(surface, who, 32, assets.TEXT_DIM, (w // 2, 150), "center", shadow=False)
        self.menu.layout(self.menu.column(surface, 190, 420, 62, 10))
        self.menu.draw(surface, 40, app.settings.large_text)
        for i, notice in enumerate(app.notices[-2:]):
            draw.text(surface, fit_text(notice, 22, w - 60), 22, assets.WARN, (w // 2, h - 118 + 24 * i), "center",
                      shadow=False)  # fmt: skip
        if app.sound.problem:
            draw.text(surface, "sound: off (no audio device) - captions on", 20, assets.TEXT_DIM, (w // 2, h - 66),
                      "center", shadow=False)  # fmt: skip
        draw.text(surface, f"Up/Down + Enter, a gamepad, or hands-free      camera: {app.source.label()}", 22,
                  assets.TEXT_DIM, (w // 2, h - 40), "center", shadow=False)  # fmt: skip
        draw.text(surface, HANDS_FREE_HINT, 20, assets.TEXT_DIM, (w // 2, h - 16), "center", shadow=False)
