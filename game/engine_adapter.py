"""The one place the game meets the form engine (``exercises.FormEngine``).

The engine's own events (``exercises.RepCompleted``, ``FormCue``, ...) pass
through unchanged; the play scene dispatches them through a table keyed by
their type. This module adds only what the game needs on top: how severe a
cue is, the worst cue of a frame, and a rep as the profile store keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import exercises as ex
from exercises.calibration import Calibration
from game.store import RepRecord
from sensors.pose import PoseFrame

SEVERITY: dict[ex.Severity, float] = {ex.Severity.INFO: 0.3, ex.Severity.WARNING: 0.6, ex.Severity.ERROR: 0.9}
#: how the debug overlay names the engine's phases
PHASE_NAMES: dict[ex.Phase, str] = {
    ex.Phase.IDLE: "waiting",
    ex.Phase.START: "start",
    ex.Phase.AWAY: "moving",
    ex.Phase.TURN: "turn",
    ex.Phase.RETURN: "returning",
    ex.Phase.HOLD: "hold",
}


def severity(s: ex.Severity) -> float:
    return SEVERITY.get(s, 0.5)


def worst_faults(rep: ex.RepResult) -> list[ex.Fault]:
    """A rep's faults, worst first."""
    return sorted(rep.faults, key=lambda f: -severity(f.severity))


def worst_cue(events: Iterable[ex.Event]) -> ex.FormCue | None:
    """Of the frame's form cues, the most severe (the first of equals), not the last."""
    cues = [e for e in events if isinstance(e, ex.FormCue)]
    return max(cues, key=lambda c: severity(c.severity)) if cues else None


def rep_record(rep: ex.RepResult, t_s: float) -> RepRecord:
    """A counted rep as the profile store keeps it (score, faults, ROM, tempo)."""
    return RepRecord(
        index=rep.index, t_s=t_s, score=float(rep.score), good=bool(rep.good),
        faults=tuple(f.cue for f in worst_faults(rep)), rom_deg=float(rep.rom_deg),
        duration_s=float(rep.duration_s), eccentric_s=float(rep.eccentric_s), concentric_s=float(rep.concentric_s),
    )  # fmt: skip


def player_calibration(saved: object) -> Calibration | None:
    """A calibration stored in the profile (segments and neutral angles; the image scale is measured live)."""
    if not isinstance(saved, dict):
        return None
    seg, neutral = saved.get("segments_m"), saved.get("neutral_deg")
    if not isinstance(seg, dict) or not isinstance(neutral, dict):
        return None
    try:
        return Calibration(
            segments_m={str(k): float(v) for k, v in seg.items()},
            neutral_deg={str(k): float(v) for k, v in neutral.items()},
        )
    except (TypeError, ValueError):
        return None


class Coach:
    """Counts reps and judges form for one exercise; wraps the form engine."""

    def __init__(self, exercise: str, extra_files: Sequence[str] = (), calibration: Calibration | None = None) -> None:
        """``extra_files``: exercise YAML files a level pack adds to the library."""
        self.exercise = exercise
        definition = ex.load_library(extra=extra_files)[exercise]  # UnknownExercise has a did-you-mean
        self.definition = definition
        self.engine = ex.FormEngine(definition, calibration)
        self.is_hold = definition.kind == "hold"

    @property
    def view(self) -> str:
        """The camera view the engine sees: "front", "side", "oblique" or "unknown"."""
        return str(self.engine.view.value)

    @property
    def phase(self) -> str:
        return PHASE_NAMES.get(self.engine.phase, str(self.engine.phase.value))

    @property
    def hold_in_form_s(self) -> float:
        """Seconds held in form so far (hold exercises)."""
        return float(self.engine.summary().hold_in_form_s)

    def update(self, frame: PoseFrame) -> list[ex.Event]:
        """The engine's events for one pose frame, as the engine made them."""
        return list(self.engine.update(frame))
