"""The one place the game meets the form engine (``exercises.FormEngine``).

The game only sees the small event types below; if the engine's API moves,
only this file changes. ``Coach(exercise).update(frame)`` returns the events
for one pose frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import exercises as ex
from sensors.pose import PoseFrame


@dataclass(frozen=True, slots=True)
class RepDone:
    t_s: float
    score: float  #: 0..100
    good: bool
    cues: tuple[str, ...] = ()  #: the faults' cues, worst first


@dataclass(frozen=True, slots=True)
class PartialDone:
    t_s: float


@dataclass(frozen=True, slots=True)
class Cue:
    t_s: float
    text: str
    severity: float = 0.5  #: 0..1


@dataclass(frozen=True, slots=True)
class PhaseNow:
    t_s: float
    name: str


@dataclass(frozen=True, slots=True)
class ReadyNow:
    t_s: float


@dataclass(frozen=True, slots=True)
class HeldInForm:
    """A hold exercise has been held in form for ``in_form_s`` seconds in total."""

    t_s: float
    in_form_s: float


GameEvent = RepDone | PartialDone | Cue | PhaseNow | ReadyNow | HeldInForm

SEVERITY: dict[ex.Severity, float] = {ex.Severity.INFO: 0.3, ex.Severity.WARNING: 0.6, ex.Severity.ERROR: 0.9}
#: how the HUD names the engine's phases
PHASE_NAMES: dict[ex.Phase, str] = {
    ex.Phase.IDLE: "waiting",
    ex.Phase.START: "start",
    ex.Phase.AWAY: "moving",
    ex.Phase.TURN: "turn",
    ex.Phase.RETURN: "returning",
    ex.Phase.HOLD: "hold",
}


def _rep(ev: ex.RepCompleted) -> GameEvent:
    faults = sorted(ev.rep.faults, key=lambda f: -SEVERITY.get(f.severity, 0.5))
    return RepDone(ev.t_s, float(ev.rep.score), bool(ev.rep.good), tuple(f.cue for f in faults))


#: engine event type -> game event (None: nothing for the game)
TRANSLATE: dict[type, Callable[[Any], GameEvent | None]] = {
    ex.RepCompleted: _rep,
    ex.PartialRep: lambda ev: PartialDone(ev.t_s),
    ex.FormCue: lambda ev: Cue(ev.t_s, ev.cue, SEVERITY.get(ev.severity, 0.5)),
    ex.PhaseChanged: lambda ev: PhaseNow(ev.t_s, PHASE_NAMES.get(ev.phase, str(ev.phase.value))),
    ex.Ready: lambda ev: ReadyNow(ev.t_s),
    ex.HoldTick: lambda ev: HeldInForm(ev.t_s, float(ev.in_form_s)),
    ex.ViewChanged: lambda ev: None,
}


class Coach:
    """Counts reps and judges form for one exercise; wraps the form engine."""

    def __init__(self, exercise: str, extra_files: Sequence[str] = ()) -> None:
        """``extra_files``: exercise YAML files a level pack adds to the library."""
        self.exercise = exercise
        definition = ex.load_library(extra=extra_files)[exercise]  # UnknownExercise has a did-you-mean
        self.engine = ex.FormEngine(definition)
        self.is_hold = definition.kind == "hold"

    @property
    def view(self) -> str:
        """The camera view the engine sees: "front", "side", "oblique" or "unknown"."""
        return str(self.engine.view.value)

    @property
    def hold_in_form_s(self) -> float:
        """Seconds held in form so far (hold exercises)."""
        return float(self.engine.summary().hold_in_form_s)

    def update(self, frame: PoseFrame) -> list[GameEvent]:
        out: list[GameEvent] = []
        for ev in self.engine.update(frame):
            translate = TRANSLATE.get(type(ev))
            game_event = translate(ev) if translate is not None else None
            if game_event is not None:
                out.append(game_event)
        return out
