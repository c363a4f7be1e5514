"""Ground-truth rep counts of a synthetic stream: in total and per leg/arm for alternating exercises.

A rep is *done* when its return to the ready pose ends (the start of its ``top``
phase, 90 % into the rep; :mod:`sensors.synthetic.timeline`). Alternating
exercises (lunge, high knees, mountain climber) work the left side on even
``rep_index`` (the first rep) and the right side on odd ones. Holds have no reps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sensors.synthetic.timeline import Timeline

#: fraction of a rep after which it counts as done (the end of the ascent)
DONE_AT = 0.9
SIDES = ("left", "right")


@dataclass(frozen=True, slots=True)
class RepTruth:
    """Reps done: ``total``, and ``left``/``right`` for alternating exercises (None otherwise)."""

    total: int
    left: int | None = None
    right: int | None = None

    def as_meta(self) -> dict[str, int | None]:
        return {"reps_done": self.total, "reps_done_left": self.left, "reps_done_right": self.right}


def rep_side(rep_index: int, alternating: bool) -> str | None:
    """``"left"`` / ``"right"``: the side rep ``rep_index`` works (alternating exercises, inside a rep)."""
    if not alternating or rep_index < 0:
        return None
    return SIDES[rep_index % 2]


def split_by_side(total: int, alternating: bool) -> RepTruth:
    """``total`` reps done, left first: 5 alternating reps = 3 left + 2 right."""
    if not alternating:
        return RepTruth(total)
    return RepTruth(total, (total + 1) // 2, total // 2)


def reps_done_at(timeline: Timeline, t_s: float, alternating: bool) -> RepTruth:
    """Reps done by time ``t_s`` (seconds from the stream's start)."""
    if timeline.hold:
        return split_by_side(0, alternating)
    t = t_s - timeline.start_s
    done = max(0, math.floor((t - DONE_AT * timeline.tempo_s) / timeline.tempo_s) + 1) if t >= 0 else 0
    if timeline.reps:
        done = min(done, timeline.reps)
    return split_by_side(done, alternating)


def stream_truth(timeline: Timeline, alternating: bool) -> RepTruth | None:
    """Reps done by the end of a finite stream (None: endless)."""
    if timeline.reps == 0:
        return None
    return split_by_side(0 if timeline.hold else timeline.reps, alternating)
