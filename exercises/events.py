"""What the form engine tells the game: phases, views, per-rep results and events.

Every event is a frozen dataclass with the time ``t_s`` (the pose frame's
capture time) at which it happened. The game dispatches on the class.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum


class Phase(Enum):
    """Where the rep state machine is.

    A rep goes START -> AWAY (leaving the start position, e.g. a squat's
    descent) -> TURN (the far end, e.g. the bottom) -> RETURN -> START.
    Hold exercises use HOLD. IDLE: not counting (no player, getting into
    position, wrong view).
    """

    IDLE = "idle"
    START = "start"
    AWAY = "away"
    TURN = "turn"
    RETURN = "return"
    HOLD = "hold"


class View(Enum):
    """Where the camera stands relative to the body."""

    UNKNOWN = "unknown"
    FRONT = "front"
    SIDE = "side"
    OBLIQUE = "oblique"


class Severity(Enum):
    INFO = "info"  #: a hint; does not make a rep "not good"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Fault:
    """A form rule that failed on a rep (or during a hold)."""

    rule_id: str
    cue: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class RepResult:
    """One completed repetition and its verdict.

    ``symmetry`` is 1 - |ROM_left - ROM_right| / max(ROM_left, ROM_right) of
    the primary signal (NaN when the signal has no two sides or one is
    unseen). ``score`` is 0..100 from the weights of the rules that failed.
    """

    index: int  #: 1-based
    start_t_s: float
    end_t_s: float
    rom_deg: float  #: range of the primary signal over the rep (its unit when not an angle)
    eccentric_s: float
    concentric_s: float
    symmetry: float
    score: float
    faults: tuple[Fault, ...] = ()
    good: bool = True
    side: str = ""  #: "left" / "right" for exercises counted per side (a high knee's leg), else ""
    #: a partial counted as a rep because the whole set turns at this depth (:mod:`exercises.shallow`)
    shallow: bool = False
    extreme: float = math.nan  #: the farthest value the counted signal reached (signal units)

    @property
    def duration_s(self) -> float:
        return self.end_t_s - self.start_t_s


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """Totals of a session so far."""

    reps: int
    partials: int
    good_reps: int
    time_under_tension_s: float
    hold_in_form_s: float
    per_rep: list[RepResult] = field(default_factory=list)

    @property
    def per_side(self) -> dict[str, int]:
        """Reps per side for exercises counted per side (``{"left": 5, "right": 5}``); empty otherwise."""
        out: dict[str, int] = {}
        for r in self.per_rep:
            if r.side:
                out[r.side] = out.get(r.side, 0) + 1
        return out

    @property
    def mean_score(self) -> float:
        return sum(r.score for r in self.per_rep) / len(self.per_rep) if self.per_rep else math.nan


@dataclass(frozen=True, slots=True)
class Ready:
    """The ready pose was held: counting starts now."""

    t_s: float


@dataclass(frozen=True, slots=True)
class PhaseChanged:
    t_s: float
    phase: Phase


@dataclass(frozen=True, slots=True)
class RepCompleted:
    t_s: float
    rep: RepResult


@dataclass(frozen=True, slots=True)
class PartialRep:
    """A movement that left the start position but never reached the turn; not counted."""

    t_s: float
    depth_fraction: float  #: 0 = stayed at start, 1 = reached the turn threshold
    start_t_s: float = math.nan  #: when the movement left the start position
    extreme_t_s: float = math.nan  #: when it reached its farthest value
    extreme: float = math.nan  #: that value (signal units)


@dataclass(frozen=True, slots=True)
class FormCue:
    t_s: float
    rule_id: str
    cue: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class ViewChanged:
    t_s: float
    view: View


@dataclass(frozen=True, slots=True)
class HoldTick:
    """Emitted each whole second held in form during a hold exercise."""

    t_s: float
    in_form_s: float


Event = Ready | PhaseChanged | RepCompleted | PartialRep | FormCue | ViewChanged | HoldTick
