"""The five mode run objects (classic, timed, circuit, intervals, boss); the rules are in ``levels.run``."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar

from levels.model import Boss, Intervals, Level, Stage
from levels.protocol import LevelRun, Outcome, RunStatus

COMBO_STEP = 0.1
COMBO_MAX_MULTIPLIER = 2.0
HOLD_POINTS_PER_S = 10.0
TIME_BONUS_PER_S = 5.0
TIMED_BONUS_PER_S = 10.0
EMOM_ROUND_BONUS = 50.0
_EPS = 1e-9


class _Run:
    """State and scoring every mode shares; subclasses decide what happens when a stage ends."""

    mode: ClassVar[str] = "classic"
    time_bonus_per_s: ClassVar[float] = TIME_BONUS_PER_S

    def __init__(self, level: Level) -> None:
        self.level = level
        self.outcome = Outcome.PLAYING
        self.elapsed_s = 0.0
        self.reps = 0
        self.good_reps = 0
        self.partials = 0
        self.held_s = 0.0
        self.combo = 0
        self.best_combo = 0
        self.points = 0.0
        self.rep_scores: list[float] = []
        self.stage_index = 0
        self.round = 1
        self.resting = False
        self.rest_left_s = 0.0
        self.stage_reps = 0
        self.stage_good = 0  #: reps at or above the goal's minimum score
        self.stage_held_s = 0.0
        self.stage_elapsed_s = 0.0  #: work seconds in this stage (rests excluded)

    # -- inputs --------------------------------------------------------------------------
    def tick(self, dt_s: float) -> None:
        """Advance the level clock by ``dt_s`` game seconds (not called while paused)."""
        if self.outcome is not Outcome.PLAYING or not dt_s > 0:
            return
        self.elapsed_s += dt_s
        if self.resting:
            self.rest_left_s -= dt_s
            if self.rest_left_s <= _EPS:
                self.rest_left_s = 0.0
                self.resting = False
        else:
            self.stage_elapsed_s += dt_s
            self._work_time()
        limit = self.level.time_limit_s
        if self.outcome is Outcome.PLAYING and limit is not None and self.elapsed_s >= limit - _EPS:
            self.elapsed_s = limit
            self.outcome = Outcome.TIME_UP

    def add_rep(self, score: float, good: bool) -> float:
        """Count one rep with form ``score`` (0..100); returns the points it earned (0 while resting)."""
        if self.outcome is not Outcome.PLAYING or self.resting:
            return 0.0
        score = max(0.0, min(100.0, float(score))) if math.isfinite(score) else 0.0
        combo = self.combo = self.combo + 1 if good else 0
        if combo > self.best_combo:
            self.best_combo = combo
        earned = score * min(COMBO_MAX_MULTIPLIER, 1.0 + COMBO_STEP * combo)
        self.reps += 1
        self.good_reps += good
        self.rep_scores.append(score)
        self.points += earned
        self.stage_reps += 1
        goal = self.level.stages[self.stage_index].goal
        if score >= goal.threshold:
            self.stage_good += 1
        self._on_rep(earned, good)
        if self.outcome is Outcome.PLAYING and not self.resting and self._goal_met():
            self._stage_done()
        return earned

    def add_partial(self) -> None:
        if self.outcome is Outcome.PLAYING and not self.resting:
            self.partials += 1
            self.combo = 0

    def take_back_partial(self) -> None:
        """A partial counted earlier became a (shallow) rep: it is no longer a partial."""
        self.partials = max(0, self.partials - 1)

    def add_hold(self, dt_s: float, in_form: bool) -> None:
        """Credit ``dt_s`` seconds of holding (only seconds in form count)."""
        if self.outcome is not Outcome.PLAYING or self.resting or not in_form or not dt_s > 0:
            return
        goal_s = self.stage.goal.hold_s
        if goal_s is not None:
            dt_s = min(dt_s, goal_s - self.stage_held_s)
        self.held_s += dt_s
        self.stage_held_s += dt_s
        self.points += HOLD_POINTS_PER_S * dt_s
        self._on_hold(dt_s)
        self._check_stage()

    def stop(self) -> None:
        """End the level early (quit, demo time box, source ran out)."""
        if self.outcome is Outcome.PLAYING:
            self.outcome = Outcome.STOPPED

    # -- what subclasses change ---------------------------------------------------------
    def _on_rep(self, earned: float, good: bool) -> None:
        pass

    def _on_hold(self, dt_s: float) -> None:
        pass

    def _stage_done(self) -> None:
        raise NotImplementedError

    def _work_time(self) -> None:
        """Work time passed: a stage time limit may run out, an AMRAP may end."""
        limit = self.level.stages[self.stage_index].time_limit_s
        if limit is not None and self.stage_elapsed_s >= limit - _EPS and not self._goal_met():
            self.outcome = Outcome.TIME_UP
            return
        self._check_stage()

    def _goal_met(self) -> bool:
        g = self.level.stages[self.stage_index].goal
        if g.reps is not None:
            return self.stage_reps >= g.reps
        if g.good_reps is not None:
            return self.stage_good >= g.good_reps
        if g.hold_s is not None:
            return self.stage_held_s >= g.hold_s - _EPS
        if g.amrap_s is not None:
            return self.stage_elapsed_s >= g.amrap_s - _EPS
        return False

    # -- helpers -----------------------------------------------------------------------------
    def _check_stage(self) -> None:
        if self.outcome is Outcome.PLAYING and not self.resting and self._goal_met():
            self._stage_done()

    def _begin(self, stage_index: int, round_: int, rest_s: float) -> None:
        """Move to a stage (shown during the rest before it)."""
        self.stage_index, self.round = stage_index, round_
        self.stage_reps = self.stage_good = 0
        self.stage_held_s = self.stage_elapsed_s = 0.0
        self.resting = rest_s > 0
        self.rest_left_s = max(0.0, rest_s)

    def _complete(self) -> None:
        self.outcome = Outcome.COMPLETED
        self.resting, self.rest_left_s = False, 0.0
        limit = self.level.time_limit_s
        if limit is not None:
            self.points += self.time_bonus_per_s * max(0.0, limit - self.elapsed_s)

    # -- views ---------------------------------------------------------------------------------
    @property
    def stage(self) -> Stage:
        return self.level.stages[self.stage_index]

    @property
    def exercise(self) -> str:
        return self.stage.exercise

    @property
    def rounds(self) -> int:
        return 1

    @property
    def multiplier(self) -> float:
        return min(COMBO_MAX_MULTIPLIER, 1.0 + COMBO_STEP * self.combo)

    @property
    def stage_progress(self) -> float:
        g = self.stage.goal
        if g.amrap_s is not None:
            return min(1.0, self.stage_elapsed_s / g.amrap_s)
        target = g.target
        if target <= 0:
            return 0.0
        done = {"reps": self.stage_reps, "good_reps": self.stage_good, "hold_s": self.stage_held_s}[g.kind]
        return min(1.0, done / target)

    @property
    def progress(self) -> float:
        """Fraction of the level done, 0..1."""
        if self.outcome is Outcome.COMPLETED:
            return 1.0
        n = len(self.level.stages)
        return min(1.0, (self.stage_index + (0.0 if self.resting else self.stage_progress)) / n)

    def _clocks(self) -> list[float]:
        """Seconds left on each running clock (the level's, the stage's, an AMRAP's)."""
        left = []
        if self.level.time_limit_s is not None:
            left.append(self.level.time_limit_s - self.elapsed_s)
        if not self.resting:
            for limit in (self.stage.time_limit_s, self.stage.goal.amrap_s):
                if limit is not None:
                    left.append(limit - self.stage_elapsed_s)
        return left

    @property
    def time_left_s(self) -> float | None:
        clocks = self._clocks()
        return max(0.0, min(clocks)) if clocks else None

    @property
    def stars(self) -> int:
        """0..3: no star unless the level was completed, then one per threshold reached."""
        if self.outcome is not Outcome.COMPLETED:
            return 0
        return sum(self.points >= t for t in self.level.stars)

    @property
    def mean_score(self) -> float:
        return sum(self.rep_scores) / len(self.rep_scores) if self.rep_scores else 0.0

    @property
    def boss_health(self) -> float | None:
        return None

    @property
    def special_charge(self) -> float | None:
        return None

    def goal_text(self) -> str:
        g = self.stage.goal
        if self.resting:
            return f"next: {self.stage.describe()}"
        if g.reps is not None:
            return f"{self.stage_reps} / {g.reps} reps"
        if g.good_reps is not None:
            return f"{self.stage_good} / {g.good_reps} good reps"
        if g.hold_s is not None:
            return f"{self.stage_held_s:.0f} / {g.hold_s:g} s"
        if self.stage_held_s > 0:
            return f"{self.stage_held_s:.0f} s held"
        return f"{self.stage_reps} reps"

    def headline(self) -> str:
        if self.resting:
            return f"Rest {math.ceil(self.rest_left_s)} s"
        n = len(self.level.stages)
        return f"Stage {self.stage_index + 1}/{n}" if n > 1 else ""

    def status(self) -> RunStatus:
        boss = self.level.boss
        return RunStatus(
            mode=self.mode, outcome=self.outcome, exercise=self.exercise, stage_index=self.stage_index,
            stage_number=self.stage_index + 1, stage_count=len(self.level.stages), goal_text=self.goal_text(),
            stage_progress=self.stage_progress, progress=self.progress, round=self.round, rounds=self.rounds,
            resting=self.resting, rest_left_s=self.rest_left_s, time_left_s=self.time_left_s,
            elapsed_s=self.elapsed_s, points=self.points, multiplier=self.multiplier, combo=self.combo,
            stars=self.stars, boss_health=self.boss_health,
            boss_max_health=boss.health if boss is not None and self.mode == "boss" else None,
            special_charge=self.special_charge, headline=self.headline(),
        )  # fmt: skip


class _SequenceRun(_Run):
    """Stages in order (``rounds`` times); a stage's rest follows it."""

    def __init__(self, level: Level) -> None:
        super().__init__(level)
        n = len(level.stages)
        self._steps = [(r, i) for r in range(1, self.rounds + 1) for i in range(n)]
        self._step = 0

    def _between_rounds_rest_s(self) -> float:
        return 0.0

    def _stage_done(self) -> None:
        if self._step + 1 >= len(self._steps):
            self._complete()
            return
        rest_s = self.stage.rest_s
        self._step += 1
        round_, index = self._steps[self._step]
        if round_ != self.round:
            rest_s = max(rest_s, self._between_rounds_rest_s())
        self._begin(index, round_, rest_s)

    @property
    def progress(self) -> float:
        if self.outcome is Outcome.COMPLETED:
            return 1.0
        return min(1.0, (self._step + (0.0 if self.resting else self.stage_progress)) / len(self._steps))


class ClassicRun(_SequenceRun):
    mode = "classic"


class TimedRun(_SequenceRun):
    """Classic against the level's clock, with a bigger bonus for each second left."""

    mode = "timed"
    time_bonus_per_s = TIMED_BONUS_PER_S


class CircuitRun(_SequenceRun):
    mode = "circuit"

    @property
    def rounds(self) -> int:
        return self.level.circuit.rounds if self.level.circuit is not None else 1

    def _between_rounds_rest_s(self) -> float:
        return self.level.circuit.rest_s if self.level.circuit is not None else 0.0

    def headline(self) -> str:
        if self.resting:
            return f"Rest {math.ceil(self.rest_left_s)} s"
        return f"Round {self.round}/{self.rounds} - station {self.stage_index + 1}/{len(self.level.stages)}"


class IntervalsRun(_Run):
    """Work/rest rounds (Tabata) or a goal every ``every_s`` seconds (EMOM)."""

    mode = "intervals"

    def __init__(self, level: Level) -> None:
        super().__init__(level)
        self.iv: Intervals = level.intervals if level.intervals is not None else Intervals()
        self.rounds_made = 0  #: EMOM rounds whose goal was reached in time

    @property
    def rounds(self) -> int:
        return self.iv.rounds

    @property
    def window_s(self) -> float:
        return float(self.iv.every_s if self.iv.every_s is not None else (self.iv.work_s or 0.0))

    def _goal_met(self) -> bool:  # Tabata: the work time is the goal; EMOM: the stage's goal
        return self.iv.emom and self.stage.goal.kind != "open" and super()._goal_met()

    def _work_time(self) -> None:
        if self.stage_elapsed_s >= self.window_s - _EPS:  # the window ended (EMOM: the round was missed)
            self._next_round(0.0 if self.iv.emom else self.iv.rest_s)
        else:
            self._check_stage()

    def _stage_done(self) -> None:  # EMOM: goal reached inside the window; rest until the window ends
        self.rounds_made += 1
        self.points += EMOM_ROUND_BONUS
        self._next_round(max(0.0, self.window_s - self.stage_elapsed_s))

    def _next_round(self, rest_s: float) -> None:
        if self.round >= self.rounds:
            self._complete()
            return
        self._begin(self.round % len(self.level.stages), self.round + 1, rest_s)

    @property
    def stage_progress(self) -> float:
        if self.iv.emom and self.stage.goal.kind != "open":
            return super().stage_progress
        return min(1.0, self.stage_elapsed_s / self.window_s) if self.window_s > 0 else 0.0

    @property
    def progress(self) -> float:
        if self.outcome is Outcome.COMPLETED:
            return 1.0
        window = 0.0 if self.resting else min(1.0, self.stage_elapsed_s / max(self.window_s, _EPS))
        return min(1.0, (self.round - 1 + window) / self.rounds)

    def _clocks(self) -> list[float]:
        left = super()._clocks()
        left.append(self.rest_left_s if self.resting else self.window_s - self.stage_elapsed_s)
        return left

    def headline(self) -> str:
        what = "rest" if self.resting else "work"
        return f"Round {self.round}/{self.rounds} - {what}"


class BossRun(_Run):
    """Good reps hurt the boss, bad reps heal it, holds charge a special attack; stages loop."""

    mode = "boss"

    def __init__(self, level: Level) -> None:
        super().__init__(level)
        self.boss: Boss = level.boss if level.boss is not None else Boss()
        self.health = float(self.boss.health)
        self.charge_s = 0.0
        self.specials = 0  #: special attacks fired

    def _on_rep(self, earned: float, good: bool) -> None:
        if good:
            self.health -= earned
        else:
            self.health = min(float(self.boss.health), self.health + self.boss.heal_per_bad_rep)
        self._check_beaten()

    def _on_hold(self, dt_s: float) -> None:
        self.charge_s += dt_s
        while self.charge_s >= self.boss.special_charge_s - _EPS and self.outcome is Outcome.PLAYING:
            self.charge_s = max(0.0, self.charge_s - self.boss.special_charge_s)
            self.specials += 1
            self.health -= self.boss.special_damage
            self._check_beaten()

    def _check_beaten(self) -> None:
        if self.health <= _EPS:
            self.health = 0.0
            self._complete()

    def _work_time(self) -> None:  # a stage time limit switches to the next attack instead of failing
        limit = self.stage.time_limit_s
        if limit is not None and self.stage_elapsed_s >= limit - _EPS:
            self._stage_done()
        else:
            self._check_stage()

    def _stage_done(self) -> None:
        n = len(self.level.stages)
        nxt = (self.stage_index + 1) % n
        self._begin(nxt, self.round + (1 if nxt == 0 else 0), self.stage.rest_s)

    @property
    def progress(self) -> float:
        return 1.0 - self.health / self.boss.health if self.boss.health > 0 else 1.0

    @property
    def boss_health(self) -> float | None:
        return self.health

    @property
    def special_charge(self) -> float | None:
        return min(1.0, self.charge_s / self.boss.special_charge_s) if self.boss.special_charge_s > 0 else 0.0

    def headline(self) -> str:
        if self.resting:
            return f"Rest {math.ceil(self.rest_left_s)} s"
        return f"boss {math.ceil(self.health)} HP"


RUNS: dict[str, Callable[[Level], LevelRun]] = {
    "classic": ClassicRun,
    "timed": TimedRun,
    "circuit": CircuitRun,
    "intervals": IntervalsRun,
    "boss": BossRun,
}
