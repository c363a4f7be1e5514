"""The One Euro filter (Casiez, Roussel & Vogel, CHI 2012), vectorised, as a baseline.

For each coordinate, with ``alpha(fc, dt) = 1 / (1 + 1 / (2 pi fc dt))``:

    dx    = (x - x_hat_prev) / dt            derivative variant: see below
    dx_hat = dx_hat_prev + alpha(d_cutoff) (dx - dx_hat_prev)
    fc    = min_cutoff + beta |dx_hat|
    x_hat = x_hat_prev + alpha(fc) (x - x_hat_prev)

Derivative variant: ``"filtered"`` (default) differentiates against the
previous *filtered* value, as the authors' reference code does
(``OneEuroFilter.py``: ``dx = (x - self.__x.lastValue()) * freq``);
``"raw"`` against the previous raw sample, as the paper's equations read. A
missing sample (NaN) holds the previous output and does not advance the
filter's clock for that coordinate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class OneEuroParams:
    min_cutoff_hz: float = 1.0
    beta: float = 0.0  #: cutoff increase per unit of speed (1/unit)
    d_cutoff_hz: float = 1.0
    derivative: str = "filtered"  #: "filtered" (reference code) or "raw" (paper's equations)


def _alpha(cutoff_hz: np.ndarray | float, dt_s: np.ndarray | float) -> np.ndarray:
    tau = 1.0 / (2 * math.pi * np.asarray(cutoff_hz))
    return 1.0 / (1.0 + tau / np.asarray(dt_s))


class OneEuroFilter:
    """One Euro filters over an array of coordinates of any shape."""

    def __init__(self, params: OneEuroParams = OneEuroParams()) -> None:
        if params.derivative not in ("filtered", "raw"):
            raise ValueError(f"derivative: expected 'filtered' or 'raw', found {params.derivative!r}")
        self.params = params
        self._x: np.ndarray | None = None
        self._raw: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: np.ndarray | None = None

    def __call__(self, x: np.ndarray, t_s: float) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        p = self.params
        if self._x is None:
            self._x, self._raw = x.copy(), x.copy()
            self._dx = np.zeros_like(x)
            self._t = np.where(np.isfinite(x), t_s, np.nan)
            return self._x.copy()
        assert self._raw is not None
        assert self._dx is not None
        assert self._t is not None
        seen = np.isfinite(x)
        fresh = seen & ~np.isfinite(self._x)
        self._x[fresh], self._raw[fresh], self._dx[fresh], self._t[fresh] = x[fresh], x[fresh], 0.0, t_s
        upd = seen & ~fresh
        dt = np.where(upd, t_s - np.nan_to_num(self._t, nan=t_s), 1.0)
        upd &= dt > 0
        dt = np.where(upd, dt, 1.0)
        prev = self._x if p.derivative == "filtered" else self._raw
        dx = np.where(upd, (x - prev) / dt, 0.0)
        dx_hat = self._dx + _alpha(p.d_cutoff_hz, dt) * (dx - self._dx)
        cutoff = p.min_cutoff_hz + p.beta * np.abs(dx_hat)
        x_hat = self._x + _alpha(cutoff, dt) * (np.where(upd, x, self._x) - self._x)
        self._x = np.where(upd, x_hat, self._x)
        self._dx = np.where(upd, dx_hat, self._dx)
        self._raw = np.where(upd, x, self._raw)
        self._t = np.where(upd, t_s, self._t)
        return self._x.copy()
