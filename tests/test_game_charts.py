"""History's chart tells its lines apart by the shape of their points, not by colour alone (colour-blind players)."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import numpy as np
import pygame

from game import charts


def _points_mask(k: int) -> np.ndarray:
    """Where series ``k`` (alone in a chart, one point in the middle, white) drew its point."""
    pygame.init()
    surface = pygame.Surface((400, 200))
    surface.fill((0, 0, 0))
    series = [("", [], (0, 0, 0))] * k + [("", [50.0], (255, 255, 255))]
    charts.line(surface, pygame.Rect(0, 0, 400, 200), series, top=100.0)
    inner = pygame.Rect(0, 0, 400, 200).inflate(-60, -60).move(6, 16)
    cx, cy = inner.centerx, round(inner.bottom - inner.height * 0.5)
    patch = pygame.surfarray.array3d(surface)[cx - 8 : cx + 9, cy - 8 : cy + 9]
    return patch.sum(axis=2) > 600


def test_each_series_marks_its_points_with_its_own_shape() -> None:
    masks = [_points_mask(k) for k in range(3)]
    assert all(m.sum() > 10 for m in masks)
    assert masks[0][8, 8]  # a filled disc ...
    assert not masks[1][8, 8]  # ... a hollow square
    for a in range(3):
        for b in range(a + 1, 3):
            assert (masks[a] != masks[b]).sum() > 10, f"series {a} and {b} draw the same point"
