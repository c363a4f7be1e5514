"""History: the player's sessions, and their points and form over time as a chart."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

import pygame

from game import assets, charts, draw
from game.handsfree import HandsFree
from game.hud import fit_text
from game.scenes.base import Scene, backdrop
from game.store import SessionRecord

if TYPE_CHECKING:
    from game.app import App

SHOWN_SESSIONS = 30
MAX_ROWS = 9  #: sessions listed under the chart (fewer when they do not fit, e.g. large text)
FOOTER_PX = 46  #: the bottom strip kept for the key hint


class HistoryScene(Scene):
    name = "history"
    KEYS: ClassVar[dict[int, str]] = {
        pygame.K_ESCAPE: "back",
        pygame.K_RETURN: "back",
        pygame.K_LEFT: "previous_level",
        pygame.K_RIGHT: "next_level",
    }

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.filter: str | None = None  #: a level id, or None for every level
        self.sessions: list[SessionRecord] = []
        self.hands = HandsFree()
        self._load()

    def _load(self) -> None:
        self.sessions = self.app.store.sessions(SHOWN_SESSIONS, level_id=self.filter)

    def back(self) -> None:
        self.app.goto("title")

    def _cycle(self, step: int) -> None:
        ids: list[str | None] = [None, *(lv.id for lv in self.app.options.pack.levels)]
        self.filter = ids[(ids.index(self.filter) + step) % len(ids)]
        self._load()

    def previous_level(self) -> None:
        self._cycle(-1)

    def next_level(self) -> None:
        self._cycle(1)

    def update(self, dt_s: float) -> None:
        kind, _ = self.hands.update(self.app.poses.poll(), self.app.wall_dt_s, [])
        if kind == "confirm":  # a raised hand for a second goes back (hands-free)
            self.back()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        backdrop(surface, "History", title_px=64, title_y=44)
        which = self.filter or "every level"
        draw.text(surface, f"{self.app.store.name}  -  {which}  (Left/Right: level)", 26, assets.TEXT_DIM,
                  (w // 2, 90), "center", shadow=False)  # fmt: skip
        done = [s for s in self.sessions if s.outcome is not None]
        chart = pygame.Rect(40, 120, w - 80, 250)
        top_points = max([s.points for s in done] + [100])
        charts.line(surface, chart, [
            ("points (scaled)", [100.0 * s.points / top_points for s in done], assets.ACCENT),
            ("mean form score", [s.mean_score or 0.0 for s in done], assets.ACCENT_2),
            ("good reps %", [100.0 * s.good_reps / s.reps if s.reps else 0.0 for s in done], assets.GOOD),
        ], top=100.0, label=f"last {len(done)} sessions, oldest left")  # fmt: skip
        if not self.sessions:
            draw.text(surface, "No sessions yet - play a level!", 36, assets.TEXT_DIM, chart.center, "center")
        y = chart.bottom + 20
        cols = (("when", 40), ("level", 200), ("result", 400), ("reps", 530), ("good", 600), ("form", 670),
                ("points", 740), ("stars", 830), ("faults", 900))  # fmt: skip
        for name, x in cols:
            draw.text(surface, name, 22, assets.TEXT_DIM, (x, y), shadow=False)
        px, step = (26, 32) if self.app.settings.large_text else (22, 26)
        rows = max(1, min(MAX_ROWS, (h - FOOTER_PX - (y + 28)) // step))  # the rows that fit above the footer
        for i, s in enumerate(reversed(self.sessions[-rows:])):
            form = f"{s.mean_score:.0f}" if s.mean_score is not None else "-"
            faults = ", ".join(f"{n}x {c}" for c, n in sorted(s.faults.items(), key=lambda kv: -kv[1])[:2])
            values = (time.strftime("%d %b %H:%M", time.localtime(s.started_at)), s.level_id,
                      s.outcome or "unfinished", str(s.reps), str(s.good_reps), form, f"{s.points:,}",
                      str(s.stars), faults or "-")  # fmt: skip
            colour = assets.TEXT if s.outcome == "completed" else assets.TEXT_DIM
            for k, ((_, x), value) in enumerate(zip(cols, values, strict=True)):
                limit = (cols[k + 1][1] - x - 10) if k + 1 < len(cols) else w - x - 30
                draw.text(surface, fit_text(value, px, limit, keep="start"), px, colour, (x, y + 28 + step * i),
                          shadow=False)  # fmt: skip
        draw.text(surface, "Esc: back (or raise a hand for 1 s)", 22, assets.TEXT_DIM, (w // 2, h - 26), "center",
                  shadow=False)  # fmt: skip
