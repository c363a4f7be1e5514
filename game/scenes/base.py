"""A scene is one screen of the game (arcade ``View`` style).

The app calls ``enter()`` when a scene becomes active, ``exit()`` when it
leaves, ``handle(event)`` for each key press, ``update(dt_s)`` with game-clock
seconds (0 while the clock is paused) and ``draw(surface)`` once per frame.
Key presses are dispatched through ``KEYS``, a table of key -> method name.
:class:`MenuScene` is a screen of buttons (keys, gamepad, hands-free) and
:func:`backdrop` a menu screen's background and title.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.hud import fit_text
from game.screenshots import SETTLE_S
from game.widgets import Menu

if TYPE_CHECKING:
    from game.app import App


class Scene:
    name: ClassVar[str] = "scene"
    #: key code -> name of a method taking no arguments
    KEYS: ClassVar[dict[int, str]] = {}
    #: seconds after enter() when the scene looks finished (animations done): its screenshot is taken then
    settle_s: float = SETTLE_S

    def __init__(self, app: App) -> None:
        self.app = app
        self.age_s = 0.0  #: wall seconds since enter()

    def enter(self) -> None:
        self.age_s = 0.0

    def exit(self) -> None:
        pass

    def handle(self, event: pygame.event.Event) -> bool:
        """Dispatch a KEYDOWN through ``KEYS``; True when a handler ran."""
        method = self.KEYS.get(event.key)
        if method is None:
            return False
        getattr(self, method)()
        return True

    def update(self, dt_s: float) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        pass


def backdrop(surface: pygame.Surface, title: str, subtitle: str = "", title_px: int = 72, title_y: int = 60) -> None:
    """A menu screen's background: the gradient, a centred title and an optional dimmer line under it."""
    w, h = surface.get_size()
    surface.blit(draw.gradient((w, h), assets.BG_TOP, assets.BG_BOTTOM), (0, 0))
    if title:
        draw.text(surface, title, title_px, assets.ACCENT, (w // 2, title_y), "center")
    if subtitle:
        y = title_y + title_px * 2 // 3 + 4
        draw.text(surface, fit_text(subtitle, 28, w - 80), 28, assets.TEXT_DIM, (w // 2, y), "center", shadow=False)


class MenuScene(Scene):
    """A screen of buttons (:class:`game.widgets.Menu`): Up/Down choose, Enter/Space confirm, Esc goes back,
    and a hand chooses or confirms hands-free. Subclasses set ``self.menu`` and name their buttons' methods."""

    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_UP: "select_previous",
        pygame.K_DOWN: "select_next",
        pygame.K_RETURN: "confirm",
        pygame.K_SPACE: "confirm",
        pygame.K_ESCAPE: "back",
    }
    menu: Menu

    def select_previous(self) -> None:
        self.menu.move(-1)

    def select_next(self) -> None:
        self.menu.move(1)

    def confirm(self) -> None:
        """Run the selected button's action."""
        getattr(self, self.menu.current.action)()

    def back(self) -> None:
        self.app.goto("title")

    def update(self, dt_s: float) -> None:
        action = self.menu.update_hands(self.app.poses.poll(), self.app.wall_dt_s)
        if action is not None:
            self.on_hands(action)

    def on_hands(self, action: str) -> None:
        """A hand chose or confirmed the button with ``action``."""
        getattr(self, action)()
