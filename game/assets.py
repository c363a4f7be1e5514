"""Colours and fonts, built once (fonts are cached, never made per frame)."""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.skeleton import PALETTES

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


def set_palette(colour_blind: bool) -> None:
    """Switch GOOD/WARN/BAD (read at draw time everywhere) to the colour-blind palette or back."""
    globals().update(PALETTES[colour_blind])


@lru_cache(maxsize=32)
def font(size_px: int, bold: bool = False) -> pygame.font.Font:
    """pygame's bundled font at ``size_px``; cached so each size is built once."""
    f = pygame.font.Font(None, size_px)
    f.set_bold(bold)
    return f


def palette() -> dict[str, Colour]:
    """The palette in use (GOOD/WARN/BAD), for the skeleton drawer."""
    return {"GOOD": GOOD, "WARN": WARN, "BAD": BAD}


def confidence_colour(confidence: float) -> Colour:
    """Red (0) -> amber (0.5) -> green (1) for a joint's confidence, in the palette in use."""
    from game.skeleton import confidence_colour as colour

    return colour(confidence, palette())
