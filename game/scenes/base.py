"""A scene is one screen of the game (arcade ``View`` style).

The app calls ``enter()`` when a scene becomes active, ``exit()`` when it
leaves, ``handle(event)`` for each key press, ``update(dt_s)`` with game-clock
seconds (0 while the clock is paused) and ``draw(surface)`` once per frame.
Key presses are dispatched through ``KEYS``, a table of key -> method name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game.screenshots import SETTLE_S

if TYPE_CHECKING:
    from game.app import App


class Scene:
    name: ClassVar[str] = "scene"
    #: key code -> name of a method taking no arguments
    KEYS: ClassVar[dict[int, str]] = {}
    #: seconds after enter() when the scene looks finished (animations done): its screenshot is taken then
    settle_s: ClassVar[float] = SETTLE_S

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
