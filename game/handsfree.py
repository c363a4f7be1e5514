"""Hands-free menus: confirm by raising a hand for a second, or choose by holding a hand over a button.

Pure logic over pose frames (no pygame): :class:`HandsFree` is fed the newest
frame and the buttons' rectangles in *normalised screen* coordinates (0..1,
as the player sees themselves: mirrored), and says which button the hand is
over, how far a hold has got (0..1) and when something is confirmed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sensors.joints import Joint
from sensors.pose import PoseFrame

RAISE_HOLD_S = 1.0  #: a hand held above the head this long confirms the selected button
HOVER_HOLD_S = 1.2  #: a hand held over one button this long chooses and confirms it
MIN_CONFIDENCE = 0.5
#: a wrist counts as raised when it is this many torso lengths above the nose
RAISE_ABOVE_NOSE_TORSOS = 0.15
#: a wrist points at buttons only above this many torso lengths below the shoulders
POINT_BELOW_SHOULDER_TORSOS = 0.5
LOST_GRACE_S = 0.3  #: a hand missing for a moment (a dropped frame) does not reset a hold

Box = tuple[float, float, float, float]  #: (x, y, w, h), normalised 0..1


@dataclass(frozen=True, slots=True)
class Hands:
    """What the body says this frame."""

    raised: bool  #: a wrist clearly above the head
    pointer_xy: tuple[float, float] | None  #: the highest visible wrist, normalised and mirrored


def read_hands(frame: PoseFrame, mirror: bool = True) -> Hands:
    """Find a raised hand and the pointing wrist in ``frame``."""
    if not frame.has_player:
        return Hands(False, None)
    xy, conf = frame.image_xy_px, frame.confidence
    ok = frame.visible & (conf >= MIN_CONFIDENCE) & np.isfinite(xy).all(axis=1)
    w_px, h_px = frame.image_size_px
    wrists = [j for j in (Joint.LEFT_WRIST, Joint.RIGHT_WRIST) if ok[j]]
    if not wrists:
        return Hands(False, None)
    top = min(wrists, key=lambda j: float(xy[j, 1]))
    torso = _torso_px(frame, ok)
    shoulders = [float(xy[j, 1]) for j in (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER) if ok[j]]
    pointer = None
    # a hand points only when lifted above the middle of the torso (hanging arms choose nothing)
    if shoulders and math.isfinite(torso) and float(xy[top, 1]) < min(shoulders) + POINT_BELOW_SHOULDER_TORSOS * torso:
        x = float(xy[top, 0]) / max(1, w_px)
        pointer = (1.0 - x if mirror else x, float(xy[top, 1]) / max(1, h_px))
    raised = False
    if ok[Joint.NOSE] and math.isfinite(torso):
        raised = float(xy[top, 1]) < float(xy[Joint.NOSE, 1]) - RAISE_ABOVE_NOSE_TORSOS * torso
    return Hands(raised, pointer)


def _torso_px(frame: PoseFrame, ok: np.ndarray) -> float:
    xy = frame.image_xy_px
    pairs = ((Joint.LEFT_SHOULDER, Joint.LEFT_HIP), (Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP))
    lengths = [float(np.linalg.norm(xy[a] - xy[b])) for a, b in pairs if ok[a] and ok[b]]
    return float(np.mean(lengths)) if lengths else math.nan


class HandsFree:
    """Turns a stream of frames into "hover over button i" and "confirm" decisions."""

    def __init__(self, mirror: bool = True) -> None:
        self.mirror = mirror
        self.raised_s = 0.0
        self.hover_index: int | None = None
        self.hover_s = 0.0
        self.pointer: tuple[float, float] | None = None
        self._missing_s = 0.0
        self._armed = True  #: after a confirm, the raised hand must come down before it can confirm again
        self._raised_now = False

    @property
    def raise_progress(self) -> float:
        return min(1.0, self.raised_s / RAISE_HOLD_S)

    @property
    def hover_progress(self) -> float:
        return min(1.0, self.hover_s / HOVER_HOLD_S)

    def update(self, frame: PoseFrame | None, dt_s: float, boxes: list[Box]) -> tuple[str, int | None]:
        """Feed the newest frame (None: no new frame) and the buttons; returns an action.

        Actions: ``("confirm", None)`` (raised hand: confirm the selected button),
        ``("choose", i)`` (held over button i), ``("hover", i)`` (over button i,
        not yet held long enough) or ``("", None)``.
        """
        if frame is not None:
            hands = read_hands(frame, self.mirror)
            self.pointer = hands.pointer_xy
            if not hands.raised:
                self._armed = True
            self._raised_now = hands.raised
        if self._raised_now and self._armed:
            self.raised_s += dt_s
            if self.raised_s >= RAISE_HOLD_S:
                self.raised_s = 0.0
                self._armed = False
                return "confirm", None
        else:
            self.raised_s = 0.0
        index = _box_at(self.pointer, boxes) if self.pointer is not None else None
        if index is None:
            self._missing_s += dt_s
            if self._missing_s > LOST_GRACE_S:
                self.hover_index, self.hover_s = None, 0.0
            return "", None
        self._missing_s = 0.0
        if index != self.hover_index:
            self.hover_index, self.hover_s = index, 0.0
        self.hover_s += dt_s
        if self.hover_s >= HOVER_HOLD_S:
            self.hover_s = 0.0
            return "choose", index
        return "hover", index


def _box_at(xy: tuple[float, float], boxes: list[Box]) -> int | None:
    x, y = xy
    for i, (bx, by, bw, bh) in enumerate(boxes):
        if bx <= x <= bx + bw and by <= y <= by + bh:
            return i
    return None
