"""Whole-body movement on holds: how much the body as a whole is moving, from its well-seen pixels.

Measured with ``repquest bench tracking`` (tuning seeds 101-104): on a hold
level the tracker runs the IMM's hold transitions ("still" long-lived), which
is what keeps a held plank steady, but the player first has to get into
position (and out of it at the end), and there the still model lags: on the
wall sit the 60 frames of sitting down had 0.74-0.81 of One Euro's RMSE, the
movement configuration 0.50-0.54 (seeds 101-102), while on the 270 held frames
it was the other way round (0.58-0.69 against 0.80).

One joint cannot tell a slow movement from its own slowly wandering landmark
noise (the still-model tests of stop 22 failed on exactly that), but the body
can: the median over the well-seen joints of their pixel displacement over
``window_s`` is a few pixels when the body is held (3 px noise: 0.2-3.4 px
over 0.2 s) and 15-35 px while it sits down or gets up. So a hold tracker
also runs the movement configuration, and shows a blend of the two: the
movement one's in proportion to :func:`movement_weight` of that displacement
(0 below ``lo`` x the landmark noise, 1 above ``hi`` x).
"""

from __future__ import annotations

from collections import deque

import numpy as np


def body_displacement_px(
    xy_now_px: np.ndarray, conf_now: np.ndarray, xy_then_px: np.ndarray, conf_then: np.ndarray, min_conf: float
) -> float | None:
    """Length of the median displacement (px) of the joints seen with at least ``min_conf`` both then
    and now (``xy_*`` (J, 2), ``conf_*`` (J,)); None with fewer than 4 such joints."""
    finite = np.isfinite(xy_now_px).all(axis=1) & np.isfinite(xy_then_px).all(axis=1)
    ok = (conf_now >= min_conf) & (conf_then >= min_conf) & finite
    if ok.sum() < 4:
        return None
    return float(np.linalg.norm(np.median(xy_now_px[ok] - xy_then_px[ok], axis=0)))


def movement_weight(displacement_px: float | None, sigma_px: float, lo: float, hi: float) -> float:
    """0 (held) to 1 (moving): ``displacement_px`` in units of the landmark noise ``sigma_px``, ramped
    from ``lo`` to ``hi``; 0 when unknown."""
    if displacement_px is None or sigma_px <= 0:
        return 0.0
    return float(np.clip((displacement_px / sigma_px - lo) / (hi - lo), 0.0, 1.0))


class BodyMotion:
    """The frames of the last ``window_s`` seconds; :meth:`push` returns the displacement over them."""

    def __init__(self, window_s: float, min_conf: float) -> None:
        self.window_s, self.min_conf = window_s, min_conf
        self._frames: deque[tuple[float, np.ndarray, np.ndarray]] = deque()

    def push(self, t_s: float, xy_px: np.ndarray, conf: np.ndarray) -> float | None:
        """Add a frame; the body's displacement (px) since ``window_s`` ago (None: too early or too few
        joints seen)."""
        frames = self._frames
        frames.append((t_s, np.array(xy_px, float), np.array(conf, float)))
        while len(frames) > 1 and frames[1][0] <= t_s - self.window_s + 1e-6:
            frames.popleft()
        t0, xy0, conf0 = frames[0]
        if t_s - t0 < self.window_s - 1e-6:
            return None
        return body_displacement_px(frames[-1][1], frames[-1][2], xy0, conf0, self.min_conf)
