"""Form rules as data: reduce a signal over a window, compare with a threshold, weigh the result.

Pure functions over arrays; the engine decides when to call them. A rule
never runs Python code from a file: ``measure``, ``reduce``, ``window`` and
``fault_if`` are looked up in closed tables here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exercises.calibration import Calibration
from exercises.events import Fault, Severity, View
from exercises.spec import Rule

_REDUCE: dict[str, Callable[[np.ndarray], Any]] = {
    "min": np.min,
    "max": np.max,
    "mean": np.mean,
    "range": np.ptp,
    "first": lambda a: a[0],
    "last": lambda a: a[-1],
}


def reduce(values: np.ndarray, how: str) -> float:
    """Reduce a window of samples (NaN ignored) with ``how`` (min/max/mean/range/first/last); NaN if empty."""
    v = values[np.isfinite(values)]
    return float(_REDUCE[how](v)) if v.size else math.nan


def threshold_shift(rule: Rule, calibration: Calibration | None) -> float:
    """How far the player's proportions move this rule's thresholds (0 without calibration)."""
    if rule.adapt is None or calibration is None:
        return 0.0
    r = calibration.ratio(rule.adapt.by)
    return rule.adapt.gain * (r - rule.adapt.reference) if math.isfinite(r) else 0.0


def fails(rule: Rule, value: float, shift: float = 0.0) -> bool:
    """True when ``value`` meets the rule's ``fault_if`` (a NaN value never fails)."""
    if not math.isfinite(value):
        return False
    f = rule.fault_if
    above = f.above is None or value > f.above + shift
    below = f.below is None or value < f.below + shift
    return above and below


def observable(rule: Rule, view: View) -> bool:
    return view.value in rule.views


def fault_of(rule: Rule) -> Fault:
    return Fault(rule.id, rule.cue, Severity(rule.severity))


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rep's faults and score."""

    faults: tuple[Fault, ...]
    score: float
    good: bool
    measured: Mapping[str, float]  #: rule id -> measured value (NaN when not observable)


def window_mask(times_s: np.ndarray, window: str, bounds: Sequence[float]) -> np.ndarray:
    """Samples of a rep's window; ``bounds`` = (start, turn, leave_turn, end) times."""
    start, turn, leave, end = bounds
    lo, hi = {"rep": (start, end), "away": (start, turn), "turn": (turn, leave), "return": (leave, end)}[window]
    return (times_s >= lo) & (times_s <= hi)


def judge_rep(
    rules: Sequence[Rule],
    view: View,
    times_s: np.ndarray,
    signals: np.ndarray,
    signal_index: Mapping[str, int],
    bounds: Sequence[float],
    rep_metrics: Mapping[str, float],
    calibration: Calibration | None = None,
    frame_faults: Sequence[Fault] = (),
) -> Verdict:
    """Evaluate every rep-window rule on one rep.

    ``times_s`` (N,) and ``signals`` (N, S) are the rep's samples, ``bounds``
    its (start, turn, leave_turn, end) times, ``rep_metrics`` the values of
    ``rep.duration_s`` and the other REP_METRICS. Rules not observable from
    ``view``, or whose measure is NaN, are left out of the score.
    ``frame_faults`` (frame rules that fired during the rep) are added.
    """
    faults: list[Fault] = []
    measured: dict[str, float] = {}
    total_w = 0.0
    failed_w = 0.0
    frame_ids = {f.rule_id for f in frame_faults}
    for rule in rules:
        if not observable(rule, view):
            measured[rule.id] = math.nan
            continue
        if rule.window == "frame":
            total_w += rule.weight
            if rule.id in frame_ids:
                failed_w += rule.weight
                faults.append(fault_of(rule))
            continue
        if rule.measure in rep_metrics:
            value = float(rep_metrics[rule.measure])
        else:
            mask = window_mask(times_s, rule.window, bounds)
            value = reduce(signals[mask, signal_index[rule.measure]], rule.reduce)
        measured[rule.id] = value
        if not math.isfinite(value):
            continue
        total_w += rule.weight
        if fails(rule, value, threshold_shift(rule, calibration)):
            failed_w += rule.weight
            faults.append(fault_of(rule))
    score = 100.0 * (1.0 - failed_w / total_w) if total_w > 0 else 100.0
    good = not any(f.severity is not Severity.INFO for f in faults)
    return Verdict(tuple(faults), round(score, 1), good, measured)


class FrameRuleTracker:
    """Frame-window rules: a rule must fail for ``persist_s`` before it counts (and cues once)."""

    def __init__(self, rules: Sequence[Rule], signal_index: Mapping[str, int]) -> None:
        self.rules = [r for r in rules if r.window == "frame"]
        self._col = [signal_index[r.measure] for r in self.rules]
        self._since = [math.nan] * len(self.rules)
        self.active = [False] * len(self.rules)  #: failing for at least persist_s

    def reset(self) -> None:
        self._since = [math.nan] * len(self.rules)
        self.active = [False] * len(self.rules)

    def update(self, t_s: float, view: View, values: np.ndarray, calibration: Calibration | None) -> list[Rule]:
        """Feed one frame's signal values (S,); returns the rules that just became active (cue them)."""
        fired: list[Rule] = []
        for k, rule in enumerate(self.rules):
            bad = observable(rule, view) and fails(
                rule, float(values[self._col[k]]), threshold_shift(rule, calibration)
            )
            if not bad:
                self._since[k] = math.nan
                self.active[k] = False
                continue
            if math.isnan(self._since[k]):
                self._since[k] = t_s
            if not self.active[k] and t_s - self._since[k] >= rule.persist_s:
                self.active[k] = True
                fired.append(rule)
        return fired

    @property
    def in_form(self) -> bool:
        """No rule above 'info' severity is failing (an info cue is a hint, the hold goes on)."""
        return not any(a and r.severity != "info" for r, a in zip(self.rules, self.active, strict=True))
