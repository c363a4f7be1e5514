"""Game time, separate from wall time: it stops while the game is paused.

Pygame Zero's habit: scenes ask the game clock, never ``time.time()``, so
pausing freezes the level timer, combos and animations tied to play.
"""

from __future__ import annotations


class GameClock:
    """Seconds of game time; :meth:`advance` turns wall seconds into game seconds."""

    def __init__(self, scale: float = 1.0) -> None:
        if scale <= 0:
            raise ValueError(f"clock scale must be > 0, found {scale}")
        self.t_s = 0.0  #: game seconds elapsed while running
        self.wall_s = 0.0  #: wall seconds elapsed in total (runs while paused)
        self.scale = scale
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def advance(self, wall_dt_s: float) -> float:
        """Advance by ``wall_dt_s`` wall seconds; returns the game seconds that passed (0 while paused)."""
        if wall_dt_s < 0:
            raise ValueError(f"time runs forward: wall_dt_s must be >= 0, found {wall_dt_s}")
        self.wall_s += wall_dt_s
        if self._paused:
            return 0.0
        dt_s = wall_dt_s * self.scale
        self.t_s += dt_s
        return dt_s
