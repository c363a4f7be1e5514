"""Settings: source, mirror, volume, mute, large text, colour-blind palette (kept in the profile)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw, skeleton
from game.scenes.base import MenuScene, backdrop
from game.widgets import Button, Menu

if TYPE_CHECKING:
    from game.app import App

#: the sources offered (None: the command line's choice, or automatic)
SOURCES: tuple[str | None, ...] = (None, "synthetic", "webcam:0", "webcam:1", "realsense")
VOLUME_STEP = 0.1


class SettingsScene(MenuScene):
    name = "settings"
    KEYS: ClassVar[dict[int, str]] = {
        **MenuScene.KEYS,
        pygame.K_LEFT: "decrease",
        pygame.K_RIGHT: "increase",
        pygame.K_RETURN: "increase",
        pygame.K_SPACE: "increase",
    }
    ROWS: ClassVar[tuple[str, ...]] = ("source", "mirror", "volume", "muted", "large_text", "colour_blind")

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.menu = Menu([Button(r, "increase") for r in self.ROWS] + [Button("Back", "back")])

    def back(self) -> None:
        self.app.settings.save(self.app.store)
        self.app.goto("title")

    def increase(self) -> None:
        self._change(+1)

    def decrease(self) -> None:
        self._change(-1)

    def _change(self, step: int) -> None:
        key = self.menu.current.label
        s = self.app.settings
        if key == "Back":
            self.back()
            return
        if key == "source":
            i = SOURCES.index(s.source) if s.source in SOURCES else 0
            s.source = SOURCES[(i + step) % len(SOURCES)]
            pack = self.app.options.pack
            self.app.use_source_for(pack.demo_motion(pack.levels[0].exercise))
        elif key == "volume":
            s.volume = round(max(0.0, min(1.0, s.volume + step * VOLUME_STEP)), 2)
            self.app.sound.volume = s.volume
        else:
            setattr(s, key, not getattr(s, key))
            self.app.sound.muted = s.muted
            assets.set_palette(s.colour_blind)
        s.save(self.app.store)
        self.app.cue("select")

    def value(self, key: str) -> str:
        s = self.app.settings
        if key == "source":
            return s.source or f"automatic ({self.app.options.source.label()})"
        if key == "volume":
            return f"{round(s.volume * 100)} %"
        return "on" if getattr(s, key) else "off"

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        backdrop(surface, "Settings")
        names = {"source": "Camera", "mirror": "Mirror the picture", "volume": "Volume", "muted": "Mute",
                 "large_text": "Large text", "colour_blind": "Colour-blind palette"}  # fmt: skip
        rects = self.menu.column(surface, 120, 760, 62, 10)
        self.menu.layout(rects)
        large = self.app.settings.large_text
        for i, (button, rect) in enumerate(zip(self.menu.buttons, rects, strict=True)):
            chosen = i == self.menu.selected
            draw.panel(surface, rect, 230 if chosen else 150, (40, 34, 80) if chosen else assets.PANEL)
            if chosen:
                pygame.draw.rect(surface, assets.ACCENT, rect, 3, border_radius=14)
            size = 40 if large else 34
            label = names.get(button.label, button.label)
            if button.label == "Back":
                draw.text(surface, label, size, assets.TEXT, rect.center, "center")
                continue
            draw.text(surface, label, size, assets.TEXT, (rect.x + 24, rect.centery), "midleft")
            draw.text(surface, self.value(button.label), size, assets.ACCENT_2, (rect.right - 24, rect.centery),
                      "midright")  # fmt: skip
        sample = pygame.Rect(w // 2 - 380, h - 110, 760, 40)
        for k, (name, colour) in enumerate((("good", assets.GOOD), ("check", assets.WARN), ("fault", assets.BAD))):
            x = sample.x + 20 + k * 250  # a limb in each colour: solid when good, dashed when at fault (as in play)
            pygame.draw.circle(surface, colour, (x, sample.centery), 9)
            draw.draw_bone(surface, skeleton.Bone((x + 16, sample.centery), (x + 96, sample.centery), colour, k), 6)
            draw.text(surface, name, 28, colour, (x + 108, sample.centery), "midleft")
        draw.text(surface, "Up/Down: choose   Left/Right/Enter: change   Esc: back", 22, assets.TEXT_DIM,
                  (w // 2, h - 30), "center", shadow=False)  # fmt: skip
        self.menu._draw_pointer(surface)
