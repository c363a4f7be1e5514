"""What happened in one level: the summary line, the ``--json`` document and the results screen's numbers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LevelResult:
    level_id: str
    title: str
    exercise: str
    source: str
    outcome: str  #: "completed", "time up" or "stopped"
    reps: int
    good_reps: int
    partials: int
    held_s: float
    points: int
    stars: int
    best_combo: int
    mean_score: float
    frames: int
    hold: bool = False  #: a hold level (seconds in form, not reps)
    mode: str = "classic"
    duration_s: float = 0.0  #: level seconds played (pauses excluded)
    rep_scores: tuple[float, ...] = ()
    faults: dict[str, int] = field(default_factory=dict)  #: cue -> reps that had it
    personal_best: bool = False  #: more points than any earlier session of this level
    previous_best: int = 0
    stopped_by: str = ""  #: "time box" when the demo's --seconds ran out, "player" for Q

    def summary(self) -> str:
        if self.hold:
            did = f"held in form {self.held_s:.1f} s"
        else:
            did = (
                f"{self.reps} reps ({self.good_reps} good, {self.partials} partial), "
                f"form {self.mean_score:.0f}/100, best streak {self.best_combo} good reps"
            )
        outcome = self.outcome
        if self.stopped_by == "time box":
            outcome = "stopped by --seconds before the goal"
        return (
            f"level {self.level_id} '{self.title}' ({self.exercise}, source {self.source}): {outcome}; "
            f"{did}; score {self.points}, stars {self.stars}/3"
        )

    def as_json(self) -> dict[str, object]:
        """The ``repquest play --json`` document."""
        return {
            "level": self.level_id,
            "title": self.title,
            "mode": self.mode,
            "exercise": self.exercise,
            "source": self.source,
            "outcome": self.outcome,
            "stars": self.stars,
            "score": self.points,
            "reps": self.reps,
            "good_reps": self.good_reps,
            "partials": self.partials,
            "held_s": round(self.held_s, 2),
            "faults": dict(self.faults),
            "duration_s": round(self.duration_s, 2),
            "personal_best": self.personal_best,
        }
