"""The countdown before a level: "3, 2, 1, GO" over the live picture, while the player gets into position.

Shown over the play scene (``app.open_over("countdown", held=play)``); the
play scene's level clock starts when it ends. The coach already watches for
the ready pose, so counting can begin on "GO"; nothing done during the
countdown counts. Esc / P pauses.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw, hud
from game.scenes.base import Scene
from game.widgets import ring

if TYPE_CHECKING:
    from game.app import App
    from game.scenes.play import PlayScene

COUNTDOWN_S = 3.0  #: "3, 2, 1" before the level clock starts
AWAY_S = 0.5  #: nobody in view this long: pause (the countdown starts again on return)


def count_left(t_s: float) -> int:
    """The number shown ``t_s`` into the countdown: 3, 2, 1, then 0 (go)."""
    return max(0, math.ceil(COUNTDOWN_S - t_s - 1e-9)) if t_s < COUNTDOWN_S else 0


class CountdownScene(Scene):
    name = "countdown"
    settle_s = 1.2  #: the screenshot shows "2"
    KEYS: ClassVar[dict[int, str]] = {pygame.K_ESCAPE: "pause", pygame.K_p: "pause"}

    def __init__(self, app: App, held: PlayScene) -> None:
        super().__init__(app)
        self.held = held
        self.t_s = 0.0  #: game seconds counted down (the clock stops while paused)
        self.said = 4  #: the last number said aloud
        self.away_s = 0.0

    def enter(self) -> None:
        super().enter()
        self._say()

    def pause(self) -> None:
        self.app.cue("pause")
        self.app.open_over("pause", held=self.held)

    def update(self, dt_s: float) -> None:
        self.held.warm_up()
        if self.app.poses.error or self.app.poses.ended:  # the play scene pauses or ends the level
            self.app.pop()
            return
        self.away_s = 0.0 if self.held.player_in_view else self.away_s + dt_s
        if self.away_s >= AWAY_S:
            self.away_s, self.t_s, self.said = 0.0, 0.0, 4
            self.held.pause(reason="Step back into view", kind="away")
            return
        self.t_s += dt_s
        self._say()
        if self.t_s >= COUNTDOWN_S:
            self.held.counted_down = True
            self.app.pop()

    def _say(self) -> None:
        left = count_left(self.t_s)
        if left < self.said:
            self.said = left
            self.app.cue("go" if left == 0 else "countdown")

    def draw(self, surface: pygame.Surface) -> None:
        """The play screen, a "Get ready" line at the top and the count in a ring at the right: the player
        stays in view in the middle."""
        self.held.draw(surface)
        area = hud.feed_area(surface)
        left = count_left(self.t_s)
        large = self.app.settings.large_text
        size_px = 40 if large else 34
        box = pygame.Rect(0, 0, min(area.width - 80, 640), 34 + (size_px + 12) * 2)
        box.midtop = (area.centerx, area.y + 16)
        draw.panel(surface, box, 200)
        for i, line in enumerate(("Get ready!", self.held.position_hint())):
            colour = assets.TEXT if i == 0 else assets.ACCENT_2
            text = hud.fit_text(line, size_px, box.width - 40)
            draw.text(surface, text, size_px, colour, (box.centerx, box.y + 17 + size_px // 2 + i * (size_px + 12)),
                      "center")  # fmt: skip
        r_px = max(70, min(110, area.width // 9))
        centre = (area.right - r_px - 40, area.y + round(area.height * 0.45))
        disc = pygame.Rect(0, 0, 2 * r_px + 24, 2 * r_px + 24)
        disc.center = centre
        draw.panel(surface, disc, 190, (12, 12, 24))
        ring(surface, centre, r_px, 1.0 - (self.t_s % 1.0) if left else 1.0)
        draw.text(surface, str(left) if left else "GO!", round(r_px * 1.3) if left else r_px, assets.ACCENT, centre,
                  "center")  # fmt: skip
