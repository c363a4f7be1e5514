"""The gates in front of the rep counter: the ready pose and the posture, as small objects over numbers.

* :func:`first_failing` — which condition of a list does not hold for a vector of signal values;
* :class:`Debounced` — a condition that must fail for ``grace_s`` before it counts as failed
  (a one-frame dropout keeps counting going);
* :class:`ReadyGate` — the ready pose held for ``hold_s``, its thresholds on the counted signal
  moved with the player's own range (:class:`exercises.range_model.RangeModel`), and a record
  of what kept it shut (for ``repquest analyze``'s "why zero").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from exercises.spec import Condition


@dataclass(frozen=True, slots=True)
class Failure:
    """A condition that did not hold: the condition as in force, and the value measured (NaN: unmeasurable)."""

    signal: str
    above: float | None
    below: float | None
    value: float

    def describe(self, unit: str = "") -> str:
        """``knee above 155° (measured 151°)`` or ``knee above 155° (not measurable)``."""
        bounds = (("above", self.above), ("below", self.below))
        want = " and ".join(f"{word} {_num(bound)}{unit}" for word, bound in bounds if bound is not None)
        got = f"measured {_num(self.value)}{unit}" if math.isfinite(self.value) else "not measurable"
        return f"{self.signal} {want} ({got})"


def first_failing(
    conds: Sequence[Condition],
    values: np.ndarray,
    index: Mapping[str, int],
    moved: Mapping[str, tuple[float | None, float | None]] | None = None,
) -> Failure | None:
    """The first condition that does not hold (None when all do). ``moved``: per signal, the
    ``(above, below)`` in force instead of the written ones (None keeps the written bound)."""
    for c in conds:
        v = float(values[index[c.signal]])
        above, below = c.above, c.below
        if moved is not None and c.signal in moved:
            m_above, m_below = moved[c.signal]
            above = m_above if (m_above is not None and above is not None) else above
            below = m_below if (m_below is not None and below is not None) else below
        if not math.isfinite(v) or (above is not None and not v > above) or (below is not None and not v < below):
            return Failure(c.signal, above, below, v)
    return None


class Debounced:
    """``update(t, good)`` is True while good, and for ``grace_s`` after it stopped being good."""

    def __init__(self, grace_s: float) -> None:
        self.grace_s = grace_s
        self._bad_since = math.nan

    def reset(self) -> None:
        self._bad_since = math.nan

    def update(self, t_s: float, good: bool) -> bool:
        if good:
            self._bad_since = math.nan
            return True
        if math.isnan(self._bad_since):
            self._bad_since = t_s
        return t_s - self._bad_since < self.grace_s


class ReadyGate:
    """The ready pose: ``conds`` all holding (with moved thresholds) for ``hold_s`` without a break.

    :meth:`update` returns True on the frame the pose has been held long enough.
    While it is shut, :attr:`blocked_s` adds up, per condition, how long that
    condition was the one failing, and :attr:`closest` keeps the value that came
    nearest to passing, so the analysis can say "knee above 147° was never held
    (best 146°)".
    """

    def __init__(self, conds: Sequence[Condition], hold_s: float, index: Mapping[str, int]) -> None:
        self.conds = list(conds)
        self.hold_s = hold_s
        self.index = index
        self.since = math.nan  #: when the pose started holding (NaN: not holding)
        self.blocked_s: dict[str, float] = {}
        self.closest: dict[str, Failure] = {}
        self.last_failure: Failure | None = None
        self._last_t = math.nan

    def reset(self) -> None:
        self.since = math.nan

    def update(
        self,
        t_s: float,
        values: np.ndarray,
        ok: bool,
        moved: Mapping[str, tuple[float | None, float | None]] | None = None,
    ) -> bool:
        """One frame: ``ok`` False (no player, wrong view) breaks the hold."""
        dt = t_s - self._last_t if math.isfinite(self._last_t) else 0.0
        self._last_t = t_s
        failure = first_failing(self.conds, values, self.index, moved) if ok else None
        self.last_failure = failure
        if not ok or failure is not None:
            self.since = math.nan
            if failure is not None:
                self._note(failure, min(max(dt, 0.0), 0.5))
            return False
        if math.isnan(self.since):
            self.since = t_s
        return t_s - self.since >= self.hold_s

    def _note(self, f: Failure, dt: float) -> None:
        key = f.signal
        self.blocked_s[key] = self.blocked_s.get(key, 0.0) + dt
        best = self.closest.get(key)
        if best is None or _gap(f) < _gap(best):
            self.closest[key] = f


def _num(v: float) -> str:
    """Four significant digits without trailing zeros: 179.5, 177, 0.0813."""
    return f"{float(f'{v:.4g}'):g}"


def _gap(f: Failure) -> float:
    """How far the value is from passing (0 when it passes); inf when unmeasurable."""
    if not math.isfinite(f.value):
        return math.inf
    gap = 0.0
    if f.above is not None:
        gap = max(gap, f.above - f.value)
    if f.below is not None:
        gap = max(gap, f.value - f.below)
    return gap
