"""Small charts drawn with pygame: per-rep score bars and a line over sessions."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game import assets, draw

GOOD_SCORE = 80.0  #: bars at or above this are drawn as good


def bars(surface: pygame.Surface, rect: pygame.Rect, values: Sequence[float], good: Sequence[bool] | None = None,
         top: float = 100.0, label: str = "") -> None:  # fmt: skip
    """Bars (0..``top``) left to right; good ones solid, the others hatched (not colour alone)."""
    draw.panel(surface, rect, 150)
    if label:
        draw.text(surface, label, 22, assets.TEXT_DIM, (rect.x + 12, rect.y + 8), shadow=False)
    inner = rect.inflate(-24, -48).move(0, 14)
    pygame.draw.line(surface, assets.LOCKED, inner.bottomleft, inner.bottomright, 2)
    if not values:
        draw.text(surface, "no reps", 26, assets.TEXT_DIM, inner.center, "center", shadow=False)
        return
    n = len(values)
    slot = inner.width / n
    bar_w = max(3, min(40, round(slot * 0.7)))
    for i, v in enumerate(values):
        h = round(inner.height * max(0.0, min(1.0, v / top)))
        x = round(inner.x + slot * i + (slot - bar_w) / 2)
        r = pygame.Rect(x, inner.bottom - h, bar_w, h)
        ok = good[i] if good is not None else v >= GOOD_SCORE
        colour = assets.GOOD if ok else assets.WARN
        pygame.draw.rect(surface, colour, r, 0 if ok else 2)
        if not ok:  # hatching: a bad rep reads as different without colour
            for y in range(r.bottom - 6, r.top, -8):
                pygame.draw.line(surface, colour, (r.x, y), (r.right - 1, max(r.top, y - 6)), 2)


Series = tuple[str, Sequence[float], tuple[int, int, int]]


MARKERS = ("disc", "square", "triangle")  #: each series' point shape, so lines differ by more than colour


def _marker(surface: pygame.Surface, k: int, colour: tuple[int, int, int], at: tuple[float, float]) -> None:
    x, y = at
    shape = MARKERS[k % len(MARKERS)]
    if shape == "disc":
        pygame.draw.circle(surface, colour, (x, y), 5)
    elif shape == "square":
        pygame.draw.rect(surface, colour, pygame.Rect(round(x) - 5, round(y) - 5, 10, 10), 2)
    else:
        pygame.draw.polygon(surface, colour, [(x, y - 6), (x - 6, y + 5), (x + 6, y + 5)])


def line(surface: pygame.Surface, rect: pygame.Rect, series: Sequence[Series], top: float, label: str = "") -> None:
    """One or more lines (name, values, colour) over the same x positions, with a legend."""
    draw.panel(surface, rect, 150)
    if label:
        draw.text(surface, label, 22, assets.TEXT_DIM, (rect.x + 12, rect.y + 8), shadow=False)
    inner = rect.inflate(-60, -60).move(6, 16)
    pygame.draw.line(surface, assets.LOCKED, inner.bottomleft, inner.bottomright, 2)
    pygame.draw.line(surface, assets.LOCKED, inner.bottomleft, inner.topleft, 2)
    for frac in (0.0, 0.5, 1.0):
        y = inner.bottom - inner.height * frac
        draw.text(surface, f"{top * frac:g}", 16, assets.TEXT_DIM, (inner.x - 4, y), "midright", shadow=False)
    for k, (name, values, colour) in enumerate(series):
        legend_x = rect.right - 220 * (len(series) - k)
        pygame.draw.line(surface, colour, (legend_x, rect.y + 18), (legend_x + 24, rect.y + 18), 3)
        _marker(surface, k, colour, (legend_x + 12, rect.y + 18))
        draw.text(surface, name, 20, colour, (legend_x + 30, rect.y + 10), shadow=False)
        if not values:
            continue
        n = len(values)
        pts = [
            (inner.x + (inner.width * i / max(1, n - 1) if n > 1 else inner.width / 2),
             inner.bottom - inner.height * max(0.0, min(1.0, v / top)))
            for i, v in enumerate(values)
        ]  # fmt: skip
        if len(pts) > 1:
            pygame.draw.lines(surface, colour, False, pts, 3)
        for p in pts:
            _marker(surface, k, colour, p)
