"""The pause scene holds the running play scene, draws it dimmed, and hands it back.

Three kinds: ``manual`` (Esc/P: waits for the player), ``away`` (the player
left: resumes by itself once they are back in view for a moment) and
``sensor`` (the camera failed or was unplugged: the pose service's
:class:`~sensors.reconnect.ReconnectingSensor` opens it again by itself every
few seconds in the background, R tries at once, S switches to the synthetic
demo; resumes once frames flow again). Reps stay counted in every case. Buttons work with keys, a
gamepad, or hands-free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, draw
from game.poses import RECONNECT_EVERY_S
from game.scenes.base import MenuScene
from game.widgets import HANDS_FREE_HINT, Button, Menu

if TYPE_CHECKING:
    from game.app import App
    from game.scenes.play import PlayScene

BACK_IN_VIEW_S = 0.6  #: the player must be in view this long before an auto-pause resumes
RETRY_EVERY_S = RECONNECT_EVERY_S  #: a source that failed to open is opened again this often
FRAMES_BEFORE_RESUME = 5  #: after a reconnect, resume once this many frames arrived


class PauseScene(MenuScene):
    name = "pause"
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_ESCAPE: "resume",
        pygame.K_p: "resume",
        pygame.K_q: "quit_level",
        pygame.K_r: "retry",
        pygame.K_s: "switch_source",
        pygame.K_UP: "select_previous",
        pygame.K_DOWN: "select_next",
        pygame.K_RETURN: "confirm",
        pygame.K_SPACE: "confirm",
    }

    def __init__(self, app: App, held: PlayScene, reason: str = "", kind: str = "manual") -> None:
        super().__init__(app)
        self.held = held
        self.kind = kind if reason or kind != "manual" else "manual"
        self.reason = reason  #: "" for a manual pause
        self.in_view_s = 0.0
        self.retry_in_s = RETRY_EVERY_S
        self._retries = 0  #: full re-opens after an error (a lost device's retries are the service's)
        self.error = app.poses.error or app.poses.disconnected
        self.frames_back = 0
        self._attempts_before = app.poses.reconnect_attempts
        if self.kind == "sensor":
            buttons = [Button("Retry camera", "retry"), Button("Switch to the demo", "switch_source"),
                       Button("End level", "quit_level")]  # fmt: skip
        else:
            buttons = [Button("Resume", "resume"), Button("End level", "quit_level")]
        self.menu = Menu(buttons)

    @property
    def retries(self) -> int:
        """How often the camera was tried again while this pause was up (by itself or on R)."""
        return self._retries + max(0, self.app.poses.reconnect_attempts - self._attempts_before)

    @property
    def auto(self) -> bool:
        return self.kind != "manual"

    def enter(self) -> None:
        super().enter()
        self.app.clock.pause()

    def exit(self) -> None:
        self.app.clock.resume()

    # -- actions ----------------------------------------------------------------------
    def resume(self) -> None:
        """Hand the play scene back."""
        if self.kind == "sensor" and (self.app.poses.error or self.app.poses.disconnected):
            return  # nothing to resume to yet
        self.app.pop()

    def quit_level(self) -> None:
        self.app.pop()
        self.held.stop_level(reason="player")

    def retry(self) -> None:
        if self.kind == "sensor":
            if self.app.poses.error:
                self._retries += 1
            self.retry_in_s = RETRY_EVERY_S
            self.app.poses.retry()

    def switch_source(self) -> None:
        """Play on with the synthetic demo (the level and its reps are kept)."""
        if self.kind != "sensor":
            return
        self.app.settings.source = "synthetic"
        self.app.use_source_for(self.app.options.pack.demo_motion(self.held.exercise), force=True)

    # -- per frame ----------------------------------------------------------------------
    def update(self, dt_s: float) -> None:
        # the game clock is stopped (dt_s == 0); watch the camera in wall time
        wall_dt_s = self.app.wall_dt_s
        frame = self.held.watch()
        action = self.menu.update_hands(frame, wall_dt_s)
        if action is not None:
            getattr(self, action)()
            if self.app.scene is not self:
                return
        if self.kind == "sensor":
            poses = self.app.poses
            if poses.error:  # the source did not open at all: open it again now and then
                self.error = poses.error
                self.frames_back = 0
                self.retry_in_s -= wall_dt_s
                if self.retry_in_s <= 0:
                    self.retry()
            elif poses.disconnected:  # the reconnecting sensor tries by itself
                self.error = poses.disconnected
                self.frames_back = 0
            elif frame is not None:
                self.frames_back += 1
                if self.frames_back >= FRAMES_BEFORE_RESUME:
                    self.resume()
            return
        if self.kind == "away":
            self.in_view_s = self.in_view_s + wall_dt_s if self.held.player_in_view else 0.0
            if self.in_view_s >= BACK_IN_VIEW_S:
                self.resume()

    def draw(self, surface: pygame.Surface) -> None:
        self.held.draw(surface)
        draw.dim(surface, 165)
        w, h = surface.get_size()
        box = pygame.Rect(0, 0, 820, 440)
        box.center = (w // 2, h // 2)
        draw.panel(surface, box, 220)
        colour = assets.BAD if self.kind == "sensor" else assets.ACCENT if self.auto else assets.ACCENT_2
        pygame.draw.rect(surface, colour, box, 3, border_radius=14)
        title = self.reason or "Paused"
        draw.text(surface, title, 68, colour if self.auto else assets.TEXT, (box.centerx, box.y + 56), "center")
        if self.kind == "sensor":
            poses = self.app.poses
            if poses.disconnected:
                tries = poses.reconnect_attempts
                state = f"trying again every {RECONNECT_EVERY_S:.0f} s" + (f" ({tries} tries)" if tries else "")
            elif poses.opening:
                state = "opening it again..."
            else:
                state = f"retrying in {max(0.0, self.retry_in_s):.0f} s"
            hint = _short(self.error or "no frames")
            draw.text(surface, hint, 26, assets.TEXT_DIM, (box.centerx, box.y + 110), "center", shadow=False)
            draw.text(surface, f"Check the cable - {state}. {_kept(self.held.run.reps)}", 28,
                      assets.TEXT, (box.centerx, box.y + 146), "center", shadow=False)  # fmt: skip
        elif self.kind == "away":
            lost = self.held.frame is not None and self.held.frame.tracking.value == "player_lost"
            hint = "Someone else is in the picture" if lost else "We can't see you - the game waits for you"
            draw.text(surface, hint, 32, assets.TEXT_DIM, (box.centerx, box.y + 112), "center", shadow=False)
            draw.text(surface, _kept(self.held.run.reps), 28, assets.TEXT,
                      (box.centerx, box.y + 148), "center", shadow=False)  # fmt: skip
        else:
            draw.text(surface, "Esc / P: resume    Q: end level", 30, assets.TEXT_DIM, (box.centerx, box.y + 112),
                      "center", shadow=False)  # fmt: skip
        self.menu.layout(self.menu.row(surface, box.y + 200, 250, 90))
        self.menu.draw(surface, 32, self.app.settings.large_text)
        draw.text(surface, HANDS_FREE_HINT, 22, assets.TEXT_DIM, (box.centerx, box.bottom - 40), "center",
                  shadow=False)  # fmt: skip


def _kept(reps: int) -> str:
    """E.g. "Your 1 rep is kept." (the player's count survives a pause)."""
    return "Your 1 rep is kept." if reps == 1 else f"Your {reps} reps are kept."


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
