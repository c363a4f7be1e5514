"""A level being played: goal progress, timer, combo, points and stars.

Pure logic, fed with numbers (no pygame, no sensors): the game calls
:meth:`LevelRun.tick` every frame with game-clock seconds, :meth:`add_rep`
for each counted rep and :meth:`add_hold` while a hold exercise is held.

Points: a rep scores its form score (0..100) times the combo multiplier
(1.0 + 0.1 per good rep in a row, capped at 2.0); a bad rep resets the combo.
A hold earns 10 points per second in form. Finishing before a time limit adds
5 points per second left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from levels.schema import Level

COMBO_STEP = 0.1
COMBO_MAX_MULTIPLIER = 2.0
HOLD_POINTS_PER_S = 10.0
TIME_BONUS_PER_S = 5.0


class Outcome(Enum):
    PLAYING = "playing"
    COMPLETED = "completed"  #: goal reached
    TIME_UP = "time_up"  #: the time limit ran out first
    STOPPED = "stopped"  #: the player (or the demo's time box) ended it early


@dataclass
class LevelRun:
    level: Level
    elapsed_s: float = 0.0
    reps: int = 0
    good_reps: int = 0
    partials: int = 0
    held_s: float = 0.0
    combo: int = 0
    best_combo: int = 0
    points: float = 0.0
    rep_scores: list[float] = field(default_factory=list)
    outcome: Outcome = Outcome.PLAYING

    # -- inputs ----------------------------------------------------------------
    def tick(self, dt_s: float) -> None:
        """Advance the level clock by ``dt_s`` game seconds (not called while paused)."""
        if self.outcome is not Outcome.PLAYING:
            return
        self.elapsed_s += dt_s
        limit = self.level.goal.time_limit_s
        if limit is not None and self.elapsed_s >= limit:
            self.elapsed_s = limit
            self.outcome = Outcome.TIME_UP

    def add_rep(self, score: float, good: bool) -> float:
        """Count one rep with form ``score`` (0..100); returns the points it earned."""
        if self.outcome is not Outcome.PLAYING:
            return 0.0
        self.combo = self.combo + 1 if good else 0
        self.best_combo = max(self.best_combo, self.combo)
        earned = max(0.0, min(100.0, score)) * self.multiplier
        self.reps += 1
        self.good_reps += int(good)
        self.rep_scores.append(score)
        self.points += earned
        goal = self.level.goal.reps
        if goal is not None and self.reps >= goal:
            self._complete()
        return earned

    def add_partial(self) -> None:
        if self.outcome is Outcome.PLAYING:
            self.partials += 1
            self.combo = 0

    def add_hold(self, dt_s: float, in_form: bool) -> None:
        """Credit ``dt_s`` seconds of holding (only seconds in form count)."""
        if self.outcome is not Outcome.PLAYING or not in_form:
            return
        self.held_s += dt_s
        self.points += HOLD_POINTS_PER_S * dt_s
        goal = self.level.goal.hold_s
        if goal is not None and self.held_s >= goal:
            self.held_s = goal
            self._complete()

    def stop(self) -> None:
        """End the level early (quit, demo time box, source ran out)."""
        if self.outcome is Outcome.PLAYING:
            self.outcome = Outcome.STOPPED

    def _complete(self) -> None:
        self.outcome = Outcome.COMPLETED
        limit = self.level.goal.time_limit_s
        if limit is not None:
            self.points += TIME_BONUS_PER_S * max(0.0, limit - self.elapsed_s)

    # -- views -----------------------------------------------------------------
    @property
    def multiplier(self) -> float:
        return min(COMBO_MAX_MULTIPLIER, 1.0 + COMBO_STEP * self.combo)

    @property
    def progress(self) -> float:
        """Fraction of the goal done, 0..1."""
        goal = self.level.goal
        if goal.reps is not None:
            return min(1.0, self.reps / goal.reps)
        return min(1.0, self.held_s / (goal.hold_s or 1.0))

    @property
    def time_left_s(self) -> float | None:
        limit = self.level.goal.time_limit_s
        return None if limit is None else max(0.0, limit - self.elapsed_s)

    @property
    def stars(self) -> int:
        """0..3: no star unless the goal was reached, then one per threshold passed."""
        if self.outcome is not Outcome.COMPLETED:
            return 0
        return sum(self.points >= t for t in self.level.stars)

    @property
    def mean_score(self) -> float:
        return sum(self.rep_scores) / len(self.rep_scores) if self.rep_scores else 0.0


def is_unlocked(level: Level, best_stars: dict[str, int]) -> bool:
    """A level is open when it has no unlock rule or its ``after`` level earned enough stars."""
    after = level.unlock.after
    return after is None or best_stars.get(after, -1) >= level.unlock.stars
