"""The level-logic protocol: what every mode's run object offers (see ``levels.run`` for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

from levels.model import Level, Stage


class Outcome(Enum):
    PLAYING = "playing"
    COMPLETED = "completed"  #: goal reached (boss beaten, last interval done)
    TIME_UP = "time_up"  #: a time limit ran out first
    STOPPED = "stopped"  #: the player (or the demo's time box) ended it early


@dataclass(frozen=True, slots=True)
class RunStatus:
    """Everything a HUD shows about a run, at one moment."""

    mode: str
    outcome: Outcome
    exercise: str  #: the exercise to do now
    stage_index: int  #: 0-based index into level.stages (for code; show stage_number)
    stage_number: int  #: 1-based
    stage_count: int
    goal_text: str  #: e.g. "3 / 10 reps", "12 / 30 s", "7 reps" (AMRAP), "" while resting
    stage_progress: float  #: 0..1 of the current stage's goal
    progress: float  #: 0..1 of the whole level
    round: int  #: 1-based (1 for classic and timed)
    rounds: int
    resting: bool
    rest_left_s: float  #: 0 when not resting
    time_left_s: float | None  #: the level's clock (or the current stage's / interval's when shorter)
    elapsed_s: float
    points: float
    multiplier: float
    combo: int
    stars: int
    boss_health: float | None  #: None outside boss levels
    boss_max_health: float | None
    special_charge: float | None  #: 0..1 towards the boss special attack (None outside boss levels)
    headline: str  #: a short line such as "Round 2/8 - work", "Rest 8 s", "Stage 1/3"


@runtime_checkable
class LevelRun(Protocol):
    """What every mode's run object offers (see the module docstring)."""

    level: Level
    outcome: Outcome
    elapsed_s: float
    reps: int
    good_reps: int
    partials: int
    held_s: float
    combo: int
    best_combo: int
    points: float
    rep_scores: list[float]
    stage_index: int
    round: int
    resting: bool
    rest_left_s: float

    def tick(self, dt_s: float) -> None: ...
    def add_rep(self, score: float, good: bool) -> float: ...
    def add_partial(self) -> None: ...
    def take_back_partial(self) -> None: ...
    def add_hold(self, dt_s: float, in_form: bool) -> None: ...
    def stop(self) -> None: ...
    def status(self) -> RunStatus: ...

    @property
    def stage(self) -> Stage: ...
    @property
    def exercise(self) -> str: ...
    @property
    def rounds(self) -> int: ...
    @property
    def multiplier(self) -> float: ...
    @property
    def progress(self) -> float: ...
    @property
    def stage_progress(self) -> float: ...
    @property
    def time_left_s(self) -> float | None: ...
    @property
    def stars(self) -> int: ...
    @property
    def mean_score(self) -> float: ...
    @property
    def boss_health(self) -> float | None: ...
    @property
    def special_charge(self) -> float | None: ...
