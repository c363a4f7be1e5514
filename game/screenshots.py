"""Screenshots with ``pygame.image.save``: one when each scene settles, and every few seconds of play."""

from __future__ import annotations

from pathlib import Path

import pygame

SETTLE_S = 0.8  #: a scene is captured once it has been shown this long
PLAY_EVERY_S = 5.0  #: the play scene is captured again every this many seconds


class Screenshotter:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.saved: list[Path] = []
        self._last_scene: str | None = None
        self._last_age_s = -1.0
        self._next_s = 0.0
        self._just_saved = False

    def save(self, surface: pygame.Surface, label: str) -> Path:
        path = self.folder / f"{len(self.saved) + 1:02d}-{label}.png"
        pygame.image.save(surface, str(path))
        self.saved.append(path)
        self._just_saved = True
        return path

    def maybe_save(self, surface: pygame.Surface, scene: str, age_s: float, settle_s: float = SETTLE_S) -> Path | None:
        """Save once ``scene`` (shown for ``age_s``) has settled (``settle_s``), then every PLAY_EVERY_S in play."""
        if age_s < self._last_age_s:  # a new scene (or the same kind entered again)
            self._last_scene = None
        self._last_age_s = age_s
        if self._just_saved:  # a requested shot counts as this period's
            self._just_saved = False
            self._next_s = age_s + PLAY_EVERY_S
        if age_s < settle_s:
            return None
        if self._last_scene != scene:
            self._last_scene = scene
            self._next_s = age_s + PLAY_EVERY_S
            return self.save(surface, scene)
        if scene == "play" and age_s >= self._next_s:
            self._next_s = age_s + PLAY_EVERY_S
            return self.save(surface, scene)
        return None
