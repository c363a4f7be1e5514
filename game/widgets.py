"""A menu of buttons driven by keys, a gamepad (mapped to keys by the app) or a hand (hands-free).

Scenes describe buttons as ``(label, action)``; the menu lays them out,
draws the selection and the hands-free hold ring, and returns the action to
run. Raise a hand for a second to confirm the selected button, or hold a
hand over any button.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from game import assets, draw
from game.handsfree import Box, HandsFree
from sensors.pose import PoseFrame


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str  #: name of the scene method to call
    enabled: bool = True
    note: str = ""  #: a second, dimmer line (e.g. "locked: earn 1 star in ...")


class Menu:
    def __init__(self, buttons: list[Button], selected: int = 0) -> None:
        self.buttons = buttons
        self.selected = max(0, min(selected, len(buttons) - 1))
        self.rects: list[pygame.Rect] = []
        self.hands = HandsFree()
        self.screen_size: tuple[int, int] = assets.SCREEN_SIZE_PX

    def move(self, step: int) -> None:
        if self.buttons:
            self.selected = (self.selected + step) % len(self.buttons)

    @property
    def current(self) -> Button:
        return self.buttons[self.selected]

    def boxes(self) -> list[Box]:
        w, h = self.screen_size
        return [(r.x / w, r.y / h, r.width / w, r.height / h) for r in self.rects]

    def update_hands(self, frame: PoseFrame | None, dt_s: float, mirror: bool = True) -> str | None:
        """Feed the newest pose; returns the action a hand chose or confirmed, if any."""
        self.hands.mirror = mirror
        kind, index = self.hands.update(frame, dt_s, self.boxes())
        if index is not None:
            self.selected = index
        if kind in ("confirm", "choose"):
            return self.current.action
        return None

    def layout(self, rects: list[pygame.Rect]) -> None:
        self.rects = rects

    def column(self, surface: pygame.Surface, top: int, width: int, height: int, gap: int = 14) -> list[pygame.Rect]:
        """Lay the buttons out in a centred column."""
        w, _ = surface.get_size()
        return [
            pygame.Rect(w // 2 - width // 2, top + i * (height + gap), width, height) for i in range(len(self.buttons))
        ]

    def row(self, surface: pygame.Surface, y: int, width: int, height: int, gap: int = 24) -> list[pygame.Rect]:
        w, _ = surface.get_size()
        total = len(self.buttons) * width + (len(self.buttons) - 1) * gap
        x0 = w // 2 - total // 2
        return [pygame.Rect(x0 + i * (width + gap), y, width, height) for i in range(len(self.buttons))]

    def draw(self, surface: pygame.Surface, size_px: int = 40, large: bool = False) -> None:
        self.screen_size = surface.get_size()
        size_px = round(size_px * (1.25 if large else 1.0))
        for i, (button, rect) in enumerate(zip(self.buttons, self.rects, strict=False)):
            chosen = i == self.selected
            draw.panel(surface, rect, 230 if chosen else 150, (40, 34, 80) if chosen else assets.PANEL)
            if chosen:
                pygame.draw.rect(surface, assets.ACCENT, rect, 3, border_radius=14)
            colour = assets.TEXT if button.enabled else assets.LOCKED
            if button.note:
                draw.text(surface, button.label, size_px, colour, (rect.centerx, rect.centery - size_px // 3), "center")
                draw.text(surface, button.note, max(18, size_px // 2), assets.TEXT_DIM,
                          (rect.centerx, rect.centery + size_px // 2), "center", shadow=False)  # fmt: skip
            else:
                draw.text(surface, button.label, size_px, colour, rect.center, "center")
            if i == self.hands.hover_index and self.hands.hover_progress > 0:
                ring(surface, (rect.right - 30, rect.centery), 16, self.hands.hover_progress)
        self._draw_pointer(surface)

    def _draw_pointer(self, surface: pygame.Surface) -> None:
        hands = self.hands
        if hands.pointer is None:
            return
        w, h = surface.get_size()
        x, y = round(hands.pointer[0] * w), round(hands.pointer[1] * h)
        pygame.draw.circle(surface, (12, 12, 20), (x, y), 17)
        pygame.draw.circle(surface, assets.ACCENT_2, (x, y), 14, 4)
        if hands.raise_progress > 0:
            ring(surface, (x, y), 26, hands.raise_progress)


def ring(surface: pygame.Surface, centre: tuple[int, int], radius_px: int, fraction: float) -> None:
    """A progress ring (hands-free hold): an arc filling clockwise from the top."""
    rect = pygame.Rect(0, 0, 2 * radius_px, 2 * radius_px)
    rect.center = centre
    pygame.draw.circle(surface, (50, 52, 72), centre, radius_px, 5)
    if fraction > 0:
        start = math.pi / 2 - 2 * math.pi * min(1.0, fraction)
        pygame.draw.arc(surface, assets.ACCENT, rect, start, math.pi / 2, 6)


HANDS_FREE_HINT = "Hands-free: hold a hand over a button, or raise a hand for 1 s to choose"
