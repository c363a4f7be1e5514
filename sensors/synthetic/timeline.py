"""When each rep happens: a stream's time -> rep index, phase and progress.

A stream is: optional setup (standing, then getting into position), a ready
lead-in, the reps (or one hold), and a ready lead-out. Within a rep of
``tempo_s`` seconds the progress ``s`` (0 = ready/top pose, 1 = bottom)
follows: descent (0-40 %), bottom (40-50 %), ascent (50-90 %), top (90-100 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SETUP_STAND_S = 1.0  #: standing still before getting down (setup=1)
SETUP_MOVE_S = 3.0  #: standing -> in position (setup=1)
LEAD_IN_S = 2.0  #: ready pose before the first rep
LEAD_OUT_S = 1.0  #: ready pose after the last rep
HOLD_MOVE_S = 1.0  #: ready -> hold and back, for holds
FAULT_RAMP = 0.12  #: fraction of a rep over which a fault fades in/out


@dataclass(frozen=True, slots=True)
class Moment:
    """Where the stream is at one instant."""

    rep_index: int  #: 0-based rep number, -1 outside a rep
    phase: str  #: setup | ready | descent | bottom | ascent | top | hold
    s: float  #: 0 = ready pose .. 1 = bottom of the rep / hold position
    fault_w: float  #: 0..1 how strongly this rep's faults act now (fades at rep ends)
    setup_w: float  #: -1 outside setup; else 0 = standing .. 1 = in the ready pose


def smoothstep(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def rep_profile(u: float) -> tuple[str, float]:
    """Phase and progress s at fraction ``u`` in [0, 1) of a rep."""
    if u < 0.4:
        return "descent", smoothstep(u / 0.4)
    if u < 0.5:
        return "bottom", 1.0
    if u < 0.9:
        return "ascent", 1.0 - smoothstep((u - 0.5) / 0.4)
    return "top", 0.0


def fault_weight(u: float) -> float:
    return smoothstep(min(u, 1.0 - u) / FAULT_RAMP)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Schedule of one stream. ``reps`` = 0 means endless."""

    reps: int
    tempo_s: float
    hold: bool = False
    hold_s: float = 10.0
    setup: bool = False

    @property
    def start_s(self) -> float:
        """Time of the first rep's start."""
        return (SETUP_STAND_S + SETUP_MOVE_S if self.setup else 0.0) + LEAD_IN_S

    @property
    def duration_s(self) -> float:
        """Length of the stream (inf when endless)."""
        if self.reps == 0:
            return math.inf
        body = 2 * HOLD_MOVE_S + self.hold_s if self.hold else self.reps * self.tempo_s
        return self.start_s + body + LEAD_OUT_S

    def at(self, t_s: float) -> Moment:
        if self.setup and t_s < SETUP_STAND_S + SETUP_MOVE_S:
            w = smoothstep((t_s - SETUP_STAND_S) / SETUP_MOVE_S) if t_s > SETUP_STAND_S else 0.0
            return Moment(-1, "setup", 0.0, 0.0, w)
        t = t_s - self.start_s
        if t < 0:
            return Moment(-1, "ready", 0.0, 0.0, -1.0)
        if self.hold:
            return self._hold_at(t)
        k = int(t // self.tempo_s)
        if self.reps and k >= self.reps:
            return Moment(-1, "ready", 0.0, 0.0, -1.0)
        u = t / self.tempo_s - k
        phase, s = rep_profile(u)
        return Moment(k, phase, s, fault_weight(u), -1.0)

    def _hold_at(self, t: float) -> Moment:
        hold_s = math.inf if self.reps == 0 else self.hold_s
        if t < HOLD_MOVE_S:
            return Moment(0, "descent", smoothstep(t / HOLD_MOVE_S), smoothstep(t / HOLD_MOVE_S), -1.0)
        if t < HOLD_MOVE_S + hold_s:
            return Moment(0, "hold", 1.0, 1.0, -1.0)
        t -= HOLD_MOVE_S + hold_s
        if t < HOLD_MOVE_S:
            s = 1.0 - smoothstep(t / HOLD_MOVE_S)
            return Moment(0, "ascent", s, s, -1.0)
        return Moment(-1, "ready", 0.0, 0.0, -1.0)


def parse_fault_reps(text: str) -> frozenset[int] | str:
    """``all`` | ``odd`` | ``even`` | ``1+3+4`` (1-based rep numbers) -> 'all'/'odd'/'even' or a set of rep_index."""
    text = text.strip().lower()
    if text in ("all", "odd", "even"):
        return text
    try:
        nums = frozenset(int(p) - 1 for p in text.split("+") if p.strip())
    except ValueError:
        nums = frozenset({-1})
    if not nums or min(nums) < 0:
        raise ValueError(f"fault_reps: expected all, odd, even or 1-based rep numbers joined by '+', found {text!r}")
    return nums


def rep_has_fault(rep_index: int, which: frozenset[int] | str) -> bool:
    """Whether rep ``rep_index`` (0-based) carries the faults; 'odd' = 1st, 3rd, ... rep."""
    if rep_index < 0:
        return False
    if which == "all":
        return True
    if which == "odd":
        return rep_index % 2 == 0
    if which == "even":
        return rep_index % 2 == 1
    return rep_index in which
