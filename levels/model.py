"""The level-pack model: typed, immutable values built by the checker (``levels.checker``).

A pack holds levels; a level is played in one *mode* and is made of *stages*;
each stage is one exercise with a *goal*. See ``docs/level-format.md``.

Values are frozen dataclasses. For code and tests that build levels by hand,
the old single-goal form still works: ``Level(id=..., title=..., exercise="squat",
goal=Goal(reps=5, time_limit_s=60))`` becomes a one-stage classic level (the
goal's time limit is the level's), and ``level.exercise`` / ``level.goal`` always
name the first stage's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: the newest pack format this RepQuest reads (``format:`` in a pack)
FORMAT_VERSION = 1

MODES = ("classic", "timed", "circuit", "intervals", "boss")
Mode = Literal["classic", "timed", "circuit", "intervals", "boss"]
CameraView = Literal["front", "side", "any"]
DepthUse = Literal["none", "improves", "required"]
GOAL_KINDS = ("reps", "good_reps", "hold_s", "amrap_s")
#: a rep with at least this form score counts for a ``good_reps`` goal unless the goal says otherwise
DEFAULT_MIN_SCORE = 70.0


@dataclass(frozen=True, slots=True)
class Goal:
    """What finishes a stage: exactly one of ``reps``, ``good_reps`` (reps scoring at least
    ``min_score``), ``hold_s`` (seconds held in form) or ``amrap_s`` (as many reps as possible
    in that many seconds: the stage ends when the time is up).

    ``time_limit_s`` is the old single-goal form's level time limit (kept for old packs)."""

    reps: int | None = None
    good_reps: int | None = None
    min_score: float | None = None
    hold_s: float | None = None
    amrap_s: float | None = None
    time_limit_s: float | None = None

    def __post_init__(self) -> None:
        set_ = [k for k in GOAL_KINDS if getattr(self, k) is not None]
        if len(set_) > 1:
            raise ValueError(f"a goal has one of {', '.join(GOAL_KINDS)}; found {', '.join(set_)}")

    @property
    def kind(self) -> str:
        """'reps', 'good_reps', 'hold_s', 'amrap_s', or 'open' (no target: reps during an interval)."""
        return next((k for k in GOAL_KINDS if getattr(self, k) is not None), "open")

    @property
    def threshold(self) -> float:
        return DEFAULT_MIN_SCORE if self.min_score is None else self.min_score

    @property
    def target(self) -> float:
        """The number to reach: reps, good reps, seconds held (0 for AMRAP and open goals)."""
        for k in ("reps", "good_reps", "hold_s"):
            v = getattr(self, k)
            if v is not None:
                return float(v)
        return 0.0

    @property
    def is_hold(self) -> bool:
        return self.hold_s is not None

    def describe(self) -> str:
        """E.g. ``"10 reps"``, ``"8 good reps (score 70+)"``, ``"hold 30 s"``, ``"max reps in 60 s"``."""
        if self.reps is not None:
            text = f"{self.reps} rep{'s' if self.reps != 1 else ''}"
        elif self.good_reps is not None:
            text = f"{self.good_reps} good rep{'s' if self.good_reps != 1 else ''} (score {self.threshold:g}+)"
        elif self.hold_s is not None:
            text = f"hold {self.hold_s:g} s"
        elif self.amrap_s is not None:
            text = f"max reps in {self.amrap_s:g} s"
        else:
            text = "as many reps as you can"
        return text + (f" in {self.time_limit_s:g} s" if self.time_limit_s is not None else "")


OPEN_GOAL = Goal()


@dataclass(frozen=True, slots=True)
class Stage:
    """One exercise with its goal, an optional time limit (failing the level when it runs out)
    and an optional rest after it."""

    exercise: str
    goal: Goal = OPEN_GOAL
    time_limit_s: float | None = None
    rest_s: float = 0.0
    title: str = ""

    def describe(self) -> str:
        return f"{self.exercise.replace('_', ' ')}: {self.goal.describe()}"


@dataclass(frozen=True, slots=True)
class Unlock:
    """A level opens once every level in ``after`` earned ``stars`` stars and the pack's
    levels together earned ``pack_stars`` stars. A bare string ``after`` means one level."""

    after: tuple[str, ...] | str | None = ()
    stars: int = 1
    pack_stars: int = 0

    def __post_init__(self) -> None:
        after = self.after
        if after is None:
            object.__setattr__(self, "after", ())
        elif isinstance(after, str):
            object.__setattr__(self, "after", (after,))
        else:
            object.__setattr__(self, "after", tuple(after))

    @property
    def levels(self) -> tuple[str, ...]:
        return self.after if isinstance(self.after, tuple) else ()

    @property
    def always_open(self) -> bool:
        return not self.levels and self.pack_stars <= 0


@dataclass(frozen=True, slots=True)
class Circuit:
    """Rounds of stations (the stages); ``rest_s`` between rounds (each station's own rest between stations)."""

    rounds: int = 1
    rest_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Intervals:
    """Work/rest intervals. Tabata-style: ``work_s`` of as many reps as possible (or holding), ``rest_s``
    of rest, ``rounds`` times. EMOM-style (``every_s``): each round, do the stage's goal; the rest of
    the ``every_s`` window is rest. The stages take turns, one per round."""

    rounds: int = 8
    work_s: float | None = 20.0
    rest_s: float = 10.0
    every_s: float | None = None

    @property
    def emom(self) -> bool:
        return self.every_s is not None


@dataclass(frozen=True, slots=True)
class Boss:
    """A boss with ``health``: each good rep deals its form score x combo multiplier as damage, a bad
    rep heals ``heal_per_bad_rep``; every ``special_charge_s`` seconds held in form fire a special
    attack dealing ``special_damage``. The stages are the attacks, played in turn (looping)."""

    name: str = "Boss"
    health: float = 1000.0
    heal_per_bad_rep: float = 30.0
    special_charge_s: float = 10.0
    special_damage: float = 250.0


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    title: str
    stages: tuple[Stage, ...] = ()
    mode: Mode = "classic"
    description: str = ""
    difficulty: int | None = None  #: 1 (easiest) .. 5
    view: CameraView = "any"  #: where the camera should stand (a hint for the player, and checked)
    distance_m: float | None = None  #: how far from the camera the player should stand
    depth: DepthUse = "none"  #: does a depth camera matter: none, improves, required
    time_limit_s: float | None = None  #: the whole level's clock (timed and boss levels need one)
    stars: tuple[int, int, int] = (100, 200, 300)  #: points for 1, 2, 3 stars (the goal is needed for any)
    unlock: Unlock = Unlock()
    circuit: Circuit | None = None
    intervals: Intervals | None = None
    boss: Boss | None = None
    image: str | None = None  #: a picture in the pack's folder (resolved to an absolute path)
    #: the old single-goal form: set these instead of ``stages`` (and they always name stage 1's)
    exercise: str = ""
    goal: Goal = field(default=OPEN_GOAL)

    def __post_init__(self) -> None:
        if not self.stages:
            if not self.exercise:
                raise ValueError(f"level '{self.id}' has no stages")
            object.__setattr__(self, "stages", (Stage(self.exercise, self.goal),))
            if self.time_limit_s is None and self.goal.time_limit_s is not None:
                object.__setattr__(self, "time_limit_s", self.goal.time_limit_s)
        else:
            object.__setattr__(self, "stages", tuple(self.stages))
            first = self.stages[0]
            object.__setattr__(self, "exercise", first.exercise)
            goal = first.goal
            if len(self.stages) == 1 and self.time_limit_s is not None and goal.time_limit_s is None:
                goal = Goal(goal.reps, goal.good_reps, goal.min_score, goal.hold_s, goal.amrap_s, self.time_limit_s)
            object.__setattr__(self, "goal", goal)
        object.__setattr__(self, "stars", tuple(self.stars))
        if self.mode == "circuit" and self.circuit is None:
            object.__setattr__(self, "circuit", Circuit())
        if self.mode == "intervals" and self.intervals is None:
            object.__setattr__(self, "intervals", Intervals())
        if self.mode == "boss" and self.boss is None:
            object.__setattr__(self, "boss", Boss())

    @property
    def exercises(self) -> tuple[str, ...]:
        """Each exercise of the level once, in stage order."""
        return tuple(dict.fromkeys(s.exercise for s in self.stages))

    def describe(self) -> str:
        """One line for lists: the mode and what to do."""
        if self.mode == "classic" and len(self.stages) == 1:
            return self.stages[0].describe() + (f" in {self.time_limit_s:g} s" if self.time_limit_s else "")
        parts = ", ".join(s.describe() for s in self.stages[:3]) + (", ..." if len(self.stages) > 3 else "")
        if self.mode == "circuit" and self.circuit is not None:
            return f"circuit, {self.circuit.rounds} rounds: {parts}"
        if self.mode == "intervals" and self.intervals is not None:
            iv = self.intervals
            shape = f"every {iv.every_s:g} s" if iv.every_s else f"{iv.work_s:g} s on / {iv.rest_s:g} s off"
            return f"intervals, {iv.rounds} x {shape}: {', '.join(s.exercise for s in self.stages)}"
        if self.mode == "boss" and self.boss is not None:
            return f"boss '{self.boss.name}' ({self.boss.health:g} HP) in {self.time_limit_s or 0:g} s: {parts}"
        if self.mode == "timed":
            return f"beat the clock, {self.time_limit_s or 0:g} s: {parts}"
        return parts


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    title: str = ""
    levels: tuple[Level, ...] = ()
    version: str = "1.0.0"
    author: str = ""
    description: str = ""
    format: int = FORMAT_VERSION  #: the pack format version the pack needs
    difficulty: str = ""
    #: absolute paths of the pack's own exercise files (in the exercise format)
    exercises: tuple[str, ...] = ()
    #: own exercise name -> the synthetic avatar's motion that performs it (for the demo)
    demo_motions: tuple[tuple[str, str], ...] = ()
    folder: str = ""  #: the pack's folder ("" for packs built in code)
    path: str = ""  #: the pack file
    image: str | None = None
    name: str = ""  #: old name of ``title``

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", self.name or self.id)
        object.__setattr__(self, "name", self.title)
        object.__setattr__(self, "levels", tuple(self.levels))
        object.__setattr__(self, "exercises", tuple(self.exercises))

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def demo_motion(self, exercise: str) -> str:
        """The synthetic avatar's motion for ``exercise`` (its own name unless the pack maps it)."""
        return dict(self.demo_motions).get(exercise, exercise)
