"""A causal median of each signal's last few values, for the gates that must hold steadily."""

from __future__ import annotations

import warnings

import numpy as np

MEDIAN_FRAMES = 3  #: the ready/posture gates see the median of this many newest frames
MEDIAN_WINDOW_S = 0.2  #: ...taken only within this much time (low frame rates are not smoothed over seconds)


class Despiker:
    """Causal median of the last :data:`MEDIAN_FRAMES` raw values of each signal (within
    :data:`MEDIAN_WINDOW_S`), for the gates that must hold steadily (the ready pose, the
    posture): landmark jitter must not break a held pose. Counting and rules see raw values,
    whose short peaks (a fast jumping jack's top) a median would clip."""

    def __init__(self, n_signals: int) -> None:
        self._raw = np.full((MEDIAN_FRAMES, n_signals), np.nan)
        self._raw_t = np.full(MEDIAN_FRAMES, -np.inf)
        self._w = 0

    def __call__(self, t_s: float, vals: np.ndarray) -> np.ndarray:
        self._raw[self._w] = vals
        self._raw_t[self._w] = t_s
        self._w = (self._w + 1) % MEDIAN_FRAMES
        recent = self._raw[self._raw_t >= t_s - MEDIAN_WINDOW_S]
        if len(recent) < 3 or np.isnan(vals).all():
            return vals
        if np.isnan(recent).any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
                out: np.ndarray = np.nanmedian(recent, axis=0)
        elif len(recent) == 3:  # the median of three, without np.median's machinery (this runs every frame)
            a, b, c = recent
            out = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
        else:
            out = np.median(recent, axis=0)
        return np.where(np.isnan(vals), np.nan, out)  # a signal that is unmeasurable now stays so
