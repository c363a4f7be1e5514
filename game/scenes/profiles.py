"""Profile select and create: each player keeps their own progress, history and settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game import assets, draw
from game.scenes.base import MenuScene, backdrop
from game.store import ProfileError, list_profiles
from game.widgets import HANDS_FREE_HINT, Button, Menu

if TYPE_CHECKING:
    from game.app import App

NEW = "+ New profile"


class ProfileScene(MenuScene):
    name = "profiles"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.names = list_profiles(app.home) if app.home_is_real else []
        buttons = [Button(n, "choose") for n in self.names] + [Button(NEW, "new")]
        current = next((i for i, n in enumerate(self.names) if n == app.store.name), 0)
        self.menu = Menu(buttons, current)
        self.typing: str | None = None  #: the new profile's name while it is typed
        self.message = ""

    def back(self) -> None:
        if self.typing is not None:
            self.typing = None
            return
        self.app.goto("title")

    def choose(self) -> None:
        self._switch(self.menu.current.label)

    def new(self) -> None:
        """Start typing a name (hands-free: a numbered name is made without typing)."""
        self.typing = ""

    def _switch(self, name: str, create: bool = False) -> None:
        try:
            self.app.switch_profile(name, create=create)
        except ProfileError as e:
            self.message = str(e)
            return
        self.app.goto("title")

    def handle(self, event: pygame.event.Event) -> bool:
        if self.typing is None:
            return super().handle(event)
        if event.key == pygame.K_RETURN:
            self._switch(self.typing.strip() or self._numbered(), create=True)
        elif event.key == pygame.K_ESCAPE:
            self.typing = None
        elif event.key == pygame.K_BACKSPACE:
            self.typing = self.typing[:-1]
        elif getattr(event, "unicode", "") and len(self.typing) < 32:
            self.typing += event.unicode
        return True

    def _numbered(self) -> str:
        n = len(self.names) + 1
        while f"Player {n}" in self.names:
            n += 1
        return f"Player {n}"

    def on_hands(self, action: str) -> None:
        if action == "new":  # hands-free: a numbered name, made without typing
            self._switch(self._numbered(), create=True)
        else:
            self.choose()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        backdrop(surface, "Who is playing?", f"now: {self.app.store.name}", title_y=70)
        self.menu.layout(self.menu.column(surface, 160, 520, 60, 10))
        self.menu.draw(surface, 38, self.app.settings.large_text)
        if self.typing is not None:
            box = pygame.Rect(w // 2 - 360, h // 2 - 70, 720, 140)
            draw.panel(surface, box, 240)
            pygame.draw.rect(surface, assets.ACCENT, box, 3, border_radius=14)
            draw.text(surface, "Name of the new profile:", 30, assets.TEXT_DIM, (box.centerx, box.y + 30), "center")
            draw.text(surface, (self.typing or "") + "_", 48, assets.TEXT, (box.centerx, box.y + 90), "center")
        if self.message:
            draw.text(surface, self.message[:90], 24, assets.WARN, (w // 2, h - 70), "center", shadow=False)
        draw.text(surface, "Enter: choose   Esc: back   " + HANDS_FREE_HINT, 20, assets.TEXT_DIM, (w // 2, h - 30),
                  "center", shadow=False)  # fmt: skip
