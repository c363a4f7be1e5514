"""The one skeleton drawer: which bones and joints are drawn, where, in which colour and shape.

:func:`plan` is pure (no pygame, no OpenCV): it turns a pose frame and its
joints' positions on the picture into :class:`Bone` and :class:`Dot` items.
Two small renderers draw the same plan: :func:`render_cv2` on an RGB image
(``repquest analyze`` key frames) and ``game.draw.draw_skeleton`` with
pygame (the game). Joint colours say how sure the tracker is: green (sure),
amber (unsure), red (low confidence), cyan (measured by depth); a joint
predicted through an occlusion is a grey ring, not a dot, so the meaning
does not rest on colour alone. Limbs say the form: a good limb is a solid
line; a limb a form fault is about (:mod:`game.form_limbs`) is dashed, in
the palette's warning (amber) or fault (red) colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sensors.joints import SKELETON_EDGES, Joint
from sensors.pose import JointSource, PoseFrame

Colour = tuple[int, int, int]

#: the usual palette and the colour-blind one (Okabe-Ito: sky blue, orange, vermillion)
PALETTES: dict[bool, dict[str, Colour]] = {
    False: {"GOOD": (80, 230, 120), "WARN": (255, 170, 40), "BAD": (255, 80, 90)},
    True: {"GOOD": (86, 180, 233), "WARN": (230, 159, 0), "BAD": (213, 94, 0)},
}
DEPTH: Colour = (64, 220, 255)
PREDICTED: Colour = (90, 94, 112)
NECK: Colour = (235, 240, 255)
OUTLINE: Colour = (12, 12, 20)

#: joints drawn as dots (the face is drawn as the nose only, to keep the figure clean)
BODY_JOINTS: tuple[Joint, ...] = (Joint.NOSE, *(j for j in Joint if j >= Joint.LEFT_SHOULDER))
FACE_JOINTS = frozenset(j for j in Joint if j < Joint.LEFT_SHOULDER)
BODY_EDGES = tuple((a, b) for a, b in SKELETON_EDGES if a not in FACE_JOINTS and b not in FACE_JOINTS)


@dataclass(frozen=True, slots=True)
class Bone:
    a_xy: tuple[float, float]
    b_xy: tuple[float, float]
    colour: Colour
    fault: int = 0  #: 0 a good limb (solid), 1 a warning, 2 a fault (both dashed)


@dataclass(frozen=True, slots=True)
class Dot:
    xy: tuple[float, float]
    colour: Colour
    big: bool  #: the head (nose) is drawn larger
    hollow: bool  #: a predicted joint: a ring


def confidence_colour(confidence: float, palette: Mapping[str, Colour]) -> Colour:
    """Red (0) -> amber (0.5) -> green (1) for a joint's confidence."""
    c = max(0.0, min(1.0, confidence))
    if c < 0.5:
        return _mix(palette["BAD"], palette["WARN"], c / 0.5)
    return _mix(palette["WARN"], palette["GOOD"], (c - 0.5) / 0.5)


def joint_colour(confidence: float, source: int, palette: Mapping[str, Colour] = PALETTES[False]) -> Colour:
    """Cyan when depth-measured, grey when predicted, else by confidence."""
    if source == JointSource.DEPTH:
        return DEPTH
    if source == JointSource.PREDICTED:
        return PREDICTED
    return confidence_colour(confidence, palette)


def lighten(c: Colour, k: float = 0.35) -> Colour:
    return (round(c[0] + (255 - c[0]) * k), round(c[1] + (255 - c[1]) * k), round(c[2] + (255 - c[2]) * k))


def plan(
    frame: PoseFrame,
    xy: np.ndarray,
    palette: Mapping[str, Colour] = PALETTES[False],
    min_confidence: float = 0.0,
    faulty: Mapping[tuple[int, int], int] | None = None,
) -> tuple[list[Bone], list[Dot]]:
    """Bones (drawn first) and joint dots for ``frame`` with joints at ``xy`` (33, 2) on the picture.

    ``faulty``: skeleton edge (a, b) -> fault level (1 warning, 2 fault), from
    :func:`game.form_limbs.limb_faults`; those limbs take the palette's WARN or BAD colour and are dashed.
    """
    visible = frame.visible & np.isfinite(xy).all(axis=1) & (frame.confidence >= min_confidence)
    conf, src = frame.confidence, frame.source
    bones: list[Bone] = []
    for a, b in BODY_EDGES:
        if visible[a] and visible[b]:
            fault = (faulty.get((a, b), 0) or faulty.get((b, a), 0)) if faulty else 0
            if fault:
                bones.append(Bone(_pt(xy[a]), _pt(xy[b]), palette["BAD" if fault >= 2 else "WARN"], fault))
                continue
            colour = joint_colour(float(min(conf[a], conf[b])), int(max(src[a], src[b])), palette)
            bones.append(Bone(_pt(xy[a]), _pt(xy[b]), lighten(colour)))
    sh = (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER)
    if visible[Joint.NOSE] and visible[sh[0]] and visible[sh[1]]:
        bones.append(Bone(_pt(xy[Joint.NOSE]), _pt((xy[sh[0]] + xy[sh[1]]) / 2), NECK))
    dots = [
        Dot(_pt(xy[j]), joint_colour(float(conf[j]), int(src[j]), palette), j == Joint.NOSE,
            int(src[j]) == JointSource.PREDICTED)
        for j in BODY_JOINTS
        if visible[j]
    ]  # fmt: skip
    return bones, dots


def render_cv2(image_rgb: np.ndarray, bones: list[Bone], dots: list[Dot], width_px: int) -> np.ndarray:
    """Draw a plan on ``image_rgb`` (H, W, 3) uint8, in place, with OpenCV; returns the image."""
    import cv2

    r_px = max(2, width_px) + 1
    for bone in bones:
        a, b = _ipt(bone.a_xy), _ipt(bone.b_xy)
        if bone.fault:  # a wider dark casing with the coloured dashes inside it
            cv2.line(image_rgb, a, b, OUTLINE, width_px + 4, cv2.LINE_AA)
            for p, q in dashes(bone.a_xy, bone.b_xy, width_px):  # OpenCV's round caps add half a width each end
                p, q = _shorten(p, q, (width_px + 1) / 2)
                cv2.line(image_rgb, _ipt(p), _ipt(q), bone.colour, width_px + 1, cv2.LINE_AA)
            continue
        cv2.line(image_rgb, a, b, OUTLINE, width_px + 2, cv2.LINE_AA)
        cv2.line(image_rgb, a, b, bone.colour, width_px, cv2.LINE_AA)
    for dot in dots:  # every outline first, so no outline cuts through a neighbouring joint
        cv2.circle(image_rgb, _ipt(dot.xy), (r_px * 2 if dot.big else r_px) + 1, OUTLINE, -1, cv2.LINE_AA)
    for dot in dots:
        c, r = _ipt(dot.xy), r_px * 2 if dot.big else r_px
        cv2.circle(image_rgb, c, r, dot.colour, max(1, r_px // 2) if dot.hollow else -1, cv2.LINE_AA)
    return image_rgb


def dashes(
    a_xy: tuple[float, float], b_xy: tuple[float, float], width_px: float
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The dashes of a faulty limb from a to b: dash 2.5 widths, gap about 1.5 widths (at least 6 and
    4 px), spread so that both ends of the limb get a dash; a short limb gets two."""
    length = math.hypot(b_xy[0] - a_xy[0], b_xy[1] - a_xy[1])
    dash, gap = max(6.0, 2.5 * width_px), max(4.0, 1.5 * width_px)
    if length < 8:
        return [(a_xy, b_xy)]
    if length < 2 * dash + gap:  # a short limb (a foot): still two dashes
        dash, gap = 0.4 * length, 0.2 * length
    n = math.floor((length + gap) / (dash + gap))
    gap = (length - n * dash) / (n - 1)  # stretch the gaps so the last dash ends at b
    ux, uy = (b_xy[0] - a_xy[0]) / length, (b_xy[1] - a_xy[1]) / length
    out = []
    for k in range(n):
        s0 = k * (dash + gap)
        s1 = s0 + dash
        out.append(((a_xy[0] + ux * s0, a_xy[1] + uy * s0), (a_xy[0] + ux * s1, a_xy[1] + uy * s1)))
    return out


def _shorten(
    p: tuple[float, float], q: tuple[float, float], by_px: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The segment p-q with ``by_px`` taken off each end (a point at its middle when shorter)."""
    length = math.hypot(q[0] - p[0], q[1] - p[1])
    k = min(0.5, by_px / length) if length > 0 else 0.5
    dx, dy = (q[0] - p[0]) * k, (q[1] - p[1]) * k
    return (p[0] + dx, p[1] + dy), (q[0] - dx, q[1] - dy)


def _pt(p: np.ndarray) -> tuple[float, float]:
    return float(p[0]), float(p[1])


def _ipt(p: tuple[float, float]) -> tuple[int, int]:
    return round(p[0]), round(p[1])


def _mix(a: Colour, b: Colour, k: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * k), round(a[1] + (b[1] - a[1]) * k), round(a[2] + (b[2] - a[2]) * k))
