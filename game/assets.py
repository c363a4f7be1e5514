"""Colours and fonts, built once (fonts are cached, never made per frame)."""

from __future__ import annotations

from functools import lru_cache

import pygame

Colour = tuple[int, int, int]

BG_TOP: Colour = (14, 18, 32)
BG_BOTTOM: Colour = (30, 24, 54)
PANEL: Colour = (10, 12, 24)
TEXT: Colour = (240, 242, 250)
TEXT_DIM: Colour = (150, 156, 180)
ACCENT: Colour = (255, 196, 0)  #: gold: score, stars, selection
ACCENT_2: Colour = (64, 220, 255)  #: cyan: depth-measured joints, progress
GOOD: Colour = (80, 230, 120)
WARN: Colour = (255, 170, 40)
BAD: Colour = (255, 80, 90)
LOCKED: Colour = (90, 94, 112)
BONE: Colour = (235, 240, 255)

SCREEN_SIZE_PX = (1280, 720)

#: the usual palette and the colour-blind one (Okabe-Ito: bluish green, orange, vermillion)
PALETTES: dict[bool, dict[str, Colour]] = {
    False: {"GOOD": (80, 230, 120), "WARN": (255, 170, 40), "BAD": (255, 80, 90)},
    True: {"GOOD": (86, 180, 233), "WARN": (230, 159, 0), "BAD": (213, 94, 0)},
}


def set_palette(colour_blind: bool) -> None:
    """Switch GOOD/WARN/BAD (read at draw time everywhere) to the colour-blind palette or back."""
    globals().update(PALETTES[colour_blind])


@lru_cache(maxsize=32)
def font(size_px: int, bold: bool = False) -> pygame.font.Font:
    """pygame's bundled font at ``size_px``; cached so each size is built once."""
    f = pygame.font.Font(None, size_px)
    f.set_bold(bold)
    return f


def confidence_colour(confidence: float) -> Colour:
    """Red (0) -> amber (0.5) -> green (1) for a joint's confidence."""
    c = max(0.0, min(1.0, confidence))
    if c < 0.5:
        k = c / 0.5
        return _mix(BAD, WARN, k)
    return _mix(WARN, GOOD, (c - 0.5) / 0.5)


def _mix(a: Colour, b: Colour, k: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * k), round(a[1] + (b[1] - a[1]) * k), round(a[2] + (b[2] - a[2]) * k))
