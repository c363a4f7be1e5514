"""Drawing helpers: camera feed, skeleton, text, panels, stars (pygame only here and in scenes)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pygame

from game import assets, skeleton
from game.assets import Colour
from sensors.pose import PoseFrame


def fit_rect(image_size_px: tuple[int, int], area: pygame.Rect) -> pygame.Rect:
    """The largest rect with the image's aspect ratio centred in ``area``."""
    w_px, h_px = image_size_px
    scale = min(area.width / max(1, w_px), area.height / max(1, h_px))
    rect = pygame.Rect(0, 0, round(w_px * scale), round(h_px * scale))
    rect.center = area.center
    return rect


def to_screen(xy_px: np.ndarray, image_size_px: tuple[int, int], rect: pygame.Rect) -> np.ndarray:
    """Map image pixels (N, 2) into screen pixels inside ``rect`` (N, 2)."""
    scale = np.array([rect.width / image_size_px[0], rect.height / image_size_px[1]])
    return np.asarray(xy_px, dtype=float) * scale + np.array([rect.x, rect.y])


def mirrored(frame: PoseFrame) -> PoseFrame:
    """``frame`` as seen in a mirror (image x flipped), for a mirrored camera feed."""
    xy = np.array(frame.image_xy_px, dtype=float)
    xy[:, 0] = frame.image_size_px[0] - xy[:, 0]
    return frame.with_changes(image_xy_px=xy)


@lru_cache(maxsize=8)
def gradient(size_px: tuple[int, int], top: Colour, bottom: Colour) -> pygame.Surface:
    """A vertical gradient surface (cached; do not draw on it)."""
    w, h = size_px
    k = np.linspace(0.0, 1.0, h)[:, None]
    column = (np.array(top)[None, :] * (1 - k) + np.array(bottom)[None, :] * k).astype(np.uint8)  # (h, 3)
    pixels = np.repeat(column[None, :, :], w, axis=0)  # (w, h, 3) as surfarray wants
    return pygame.surfarray.make_surface(pixels)


def backdrop(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """The "no camera image" background: a dark gradient with a floor grid."""
    surface.blit(gradient(rect.size, assets.BG_TOP, assets.BG_BOTTOM), rect.topleft)
    clip = surface.get_clip()
    surface.set_clip(rect.clip(clip))
    horizon_y = rect.y + rect.height * 0.62
    grid = (52, 50, 92)
    for i in range(1, 9):
        y = horizon_y + (rect.bottom - horizon_y) * (i / 8) ** 1.6
        pygame.draw.line(surface, grid, (rect.x, y), (rect.right, y), 1)
    cx = rect.centerx
    for i in range(-8, 9):
        pygame.draw.line(surface, grid, (cx + i * 18, horizon_y), (cx + i * rect.width / 9, rect.bottom), 1)
    surface.set_clip(clip)


def joint_colour(confidence: float, source: int) -> Colour:
    """Colour of a joint: cyan when depth-measured, grey when predicted, else by confidence."""
    return skeleton.joint_colour(confidence, source, assets.palette())


def draw_skeleton(
    surface: pygame.Surface,
    frame: PoseFrame,
    rect: pygame.Rect,
    width_px: int = 6,
    faulty: Mapping[tuple[int, int], int] | None = None,
) -> int:
    """Draw ``frame``'s skeleton (:func:`game.skeleton.plan`) mapped into ``rect``; returns joints drawn.

    ``faulty``: the limbs a form fault is about (edge -> level), drawn dashed in the warning/fault colour.
    """
    xy = to_screen(frame.image_xy_px, frame.image_size_px, rect)
    bones, dots = skeleton.plan(frame, xy, assets.palette(), faulty=faulty)
    for bone in bones:
        draw_bone(surface, bone, width_px)
    r_px = max(4, width_px)
    for dot in dots:  # every outline first, so no outline cuts through a neighbouring joint
        pygame.draw.circle(surface, skeleton.OUTLINE, dot.xy, (r_px * 2 if dot.big else r_px) + 2)
    for dot in dots:
        pygame.draw.circle(surface, dot.colour, dot.xy, r_px * 2 if dot.big else r_px, 2 if dot.hollow else 0)
    return len(dots)


def draw_bone(surface: pygame.Surface, bone: skeleton.Bone, width_px: int) -> None:
    """A limb: solid with a dark outline (contrast on any feed) when good; a faulty one a wider dark
    casing with coloured dashes inside (shape as well as colour)."""
    if not bone.fault:
        pygame.draw.line(surface, skeleton.OUTLINE, bone.a_xy, bone.b_xy, width_px + 4)
        pygame.draw.line(surface, bone.colour, bone.a_xy, bone.b_xy, width_px)
        return
    pygame.draw.line(surface, skeleton.OUTLINE, bone.a_xy, bone.b_xy, width_px + 6)
    for p, q in skeleton.dashes(bone.a_xy, bone.b_xy, width_px):
        pygame.draw.line(surface, bone.colour, p, q, width_px + 1)


@lru_cache(maxsize=256)
def _rendered(message: str, size_px: int, colour: Colour) -> pygame.Surface:
    """A rendered line of text (cached: the HUD draws the same few dozen strings every frame)."""
    return assets.font(size_px).render(message, True, colour)


def text(
    surface: pygame.Surface,
    message: str,
    size_px: int,
    colour: Colour,
    pos: tuple[float, float],
    anchor: str = "topleft",
    shadow: bool = True,
) -> pygame.Rect:
    """Draw one line of text anchored at ``pos`` (any pygame.Rect attribute name); returns its rect."""
    img = _rendered(message, size_px, tuple(colour))
    rect = img.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
    if shadow:
        surface.blit(_rendered(message, size_px, (0, 0, 0)), rect.move(2, 2))
    surface.blit(img, rect)
    return rect


@lru_cache(maxsize=128)
def _panel_layer(size_px: tuple[int, int], alpha: int, colour: Colour) -> pygame.Surface:
    layer = pygame.Surface(size_px, pygame.SRCALPHA)
    pygame.draw.rect(layer, (*colour, alpha), layer.get_rect(), border_radius=14)
    return layer


def panel(surface: pygame.Surface, rect: pygame.Rect, alpha: int = 180, colour: Colour = assets.PANEL) -> None:
    """A translucent rounded panel (the layer is cached per size, alpha and colour)."""
    surface.blit(_panel_layer(tuple(rect.size), int(alpha), tuple(colour)), rect.topleft)


def clear_caches() -> None:
    """Forget rendered text and panels (fonts are rebuilt after pygame.font.quit)."""
    _rendered.cache_clear()
    _panel_layer.cache_clear()
    gradient.cache_clear()


def dim(surface: pygame.Surface, alpha: int = 150) -> None:
    layer = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    layer.fill((0, 0, 8, alpha))
    surface.blit(layer, (0, 0))


def bar(surface: pygame.Surface, rect: pygame.Rect, fraction: float, colour: Colour) -> None:
    """A progress bar filled to ``fraction`` (0..1)."""
    pygame.draw.rect(surface, (40, 44, 66), rect, border_radius=rect.height // 2)
    fill = rect.copy()
    fill.width = round(rect.width * max(0.0, min(1.0, fraction)))
    if fill.width > 0:
        pygame.draw.rect(surface, colour, fill, border_radius=rect.height // 2)


def star(surface: pygame.Surface, centre: tuple[float, float], radius_px: float, filled: bool) -> None:
    """A five-pointed star, gold when ``filled``, an outline otherwise."""
    cx, cy = centre
    points = [
        (cx + math.sin(k * math.pi / 5) * (radius_px if k % 2 == 0 else radius_px * 0.45),
         cy - math.cos(k * math.pi / 5) * (radius_px if k % 2 == 0 else radius_px * 0.45))
        for k in range(10)
    ]  # fmt: skip
    if filled:
        pygame.draw.polygon(surface, assets.ACCENT, points)
        pygame.draw.polygon(surface, (255, 236, 150), points, 3)
    else:
        pygame.draw.polygon(surface, (50, 52, 72), points)
        pygame.draw.polygon(surface, assets.LOCKED, points, 3)
