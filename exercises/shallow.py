"""Shallow sets: a player whose reps consistently turn short of the library's turn threshold.

A partial among full reps is a half rep and stays a partial. But a set whose
reps all turn at a similar depth short of the turn (barbell quarter squats, a
player whose knees do not bend further, a camera that compresses the range)
is that player's own range, repeatable: reporting "0 reps" there is the worst
answer. :class:`ShallowRun` watches the partials the counter reports (each
already past ``partial`` with hysteresis and dwell, so dither and standing
still never reach it): once :data:`MIN_RUN` consecutive partials with no full
rep between them turn within :data:`SIMILAR_OF_SPAN` of the start-to-turn
span of each other, they and the following partials at that depth count as
*shallow reps* (carrying the exercise's depth fault and a lower score). A full
rep ends the run: an isolated partial after it is a partial again.

Pure: fed plain numbers (each partial's extreme, in the signal's units).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from exercises.spec import Rule

MIN_RUN = 2  #: consecutive similar partials that make a shallow set
#: partials are "at a similar depth" when their extremes lie within this share of the start-to-turn span
SIMILAR_OF_SPAN = 0.5
SHALLOW_MAX_SCORE = 50.0  #: a shallow rep scores at most this
FALLBACK_FAULT = ("partial_range", "Use your full range")

T = TypeVar("T")


@dataclass(slots=True)
class ShallowRun(Generic[T]):
    """Which partial reps count as shallow reps. ``span``: |start.enter - turn.enter| (signal units)."""

    span: float
    min_run: int = MIN_RUN
    similar_of_span: float = SIMILAR_OF_SPAN
    _run: list[tuple[float, T]] = field(default_factory=list)  #: the consecutive partials not yet counted
    _counted: list[float] = field(default_factory=list)  #: the extremes of the shallow reps counted

    @property
    def shallow(self) -> bool:
        """The set is shallow: partials at its depth count as reps."""
        return bool(self._counted)

    @property
    def level(self) -> float | None:
        """The extreme the shallow reps turn at (their median, signal units), None until the set is shallow."""
        return statistics.median(self._counted) if self._counted else None

    def full_rep(self) -> None:
        """A full rep: the run of partials is over (an isolated partial stays a partial)."""
        self._run.clear()
        self._counted.clear()

    def partial(self, extreme: float, item: T) -> list[T]:
        """A partial rep that turned at ``extreme``: the items to count as shallow reps now
        (empty: it stays a partial; the run's earlier partials too when the set just became shallow)."""
        tol = self.similar_of_span * abs(self.span)
        level = self.level
        if level is not None:
            if abs(extreme - level) > tol:
                return []
            self._counted.append(extreme)
            return [item]
        self._run = [(e, it) for e, it in self._run if abs(e - extreme) <= tol]
        self._run.append((extreme, item))
        if len(self._run) < self.min_run:
            return []
        self._counted = [e for e, _ in self._run]
        counted = [it for _, it in self._run]
        self._run.clear()
        return counted


def depth_rule(rules: Iterable[Rule], primary_signal: str) -> tuple[str, str]:
    """``(rule id, cue)`` of the exercise's range rule: one judging the counted signal's extreme
    over the rep (a squat's ``depth``), else a generic partial-range fault."""
    for r in rules:
        if getattr(r, "measure", None) == primary_signal and getattr(r, "reduce", None) in ("min", "max"):
            return r.id, r.cue
    return FALLBACK_FAULT
