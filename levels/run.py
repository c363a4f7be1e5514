"""Playing a level: one small run object per mode, all behind the :class:`LevelRun` protocol.

Pure logic fed with numbers (no pygame, no sensors), so the synthetic avatar
can play any level in a test. The game, every frame::

    run = start_run(level)               # ClassicRun, TimedRun, CircuitRun, IntervalsRun or BossRun
    run.tick(dt_s)                       # game-clock seconds (not while paused)
    run.add_rep(score, good)             # each counted rep of run.exercise: returns the points earned
    run.add_partial()                    # a rep that did not reach the turn
    run.take_back_partial()              # ... that later counted as a shallow rep
    run.add_hold(dt_s, in_form)          # while run.exercise is a hold
    run.stop()                           # quit / demo time box
    run.exercise                         # the exercise to do now (it changes between stages)
    run.status()                         # a RunStatus snapshot for the HUD
    run.outcome, run.stars, run.points   # at the end

Scoring (every mode): a rep scores its form score (0..100) times the combo
multiplier (1.0 + 0.1 per good rep in a row, at most 2.0); a bad rep or a
partial resets the combo. Each second held in form earns 10 points. Finishing
before the level's time limit adds 5 points per second left (10 in a timed
challenge). Stars: none unless the level is completed, then one per threshold
(``level.stars``) reached.

Reps and holds during a rest earn nothing. Modes:

- **classic**: the stages in order, each with its goal; a stage time limit or
  the level's time limit running out ends the level (TIME_UP).
- **timed**: classic against the level's clock, with the bigger time bonus.
- **circuit**: ``circuit.rounds`` rounds of the stages (stations), each
  station's ``rest_s`` after it and ``circuit.rest_s`` between rounds.
- **intervals**: ``intervals.rounds`` rounds, stages taking turns. Tabata-style:
  ``work_s`` of reps (or holding) then ``rest_s``. EMOM (``every_s``): the stage's
  goal inside each window (made rounds earn a 50-point bonus), the remainder rest.
  Completed when the last round ends.
- **boss**: the stages are attacks played in turn; a good rep deals its points
  as damage, a bad rep heals the boss, seconds held in form charge a special
  attack. Completed when the boss's health reaches 0, TIME_UP when the level's
  clock runs out.
"""

from __future__ import annotations

from collections.abc import Mapping

from levels.model import Level
from levels.modes import (
    COMBO_MAX_MULTIPLIER,
    COMBO_STEP,
    HOLD_POINTS_PER_S,
    RUNS,
    TIME_BONUS_PER_S,
    BossRun,
    CircuitRun,
    ClassicRun,
    IntervalsRun,
    TimedRun,
)
from levels.protocol import LevelRun, Outcome, RunStatus

__all__ = [
    "COMBO_MAX_MULTIPLIER",
    "COMBO_STEP",
    "HOLD_POINTS_PER_S",
    "TIME_BONUS_PER_S",
    "BossRun",
    "CircuitRun",
    "ClassicRun",
    "IntervalsRun",
    "LevelRun",
    "Outcome",
    "RunStatus",
    "TimedRun",
    "is_unlocked",
    "start_run",
    "unlock_text",
]


def start_run(level: Level) -> LevelRun:
    """A new run of ``level`` in its mode."""
    return RUNS[level.mode](level)


def is_unlocked(level: Level, best_stars: Mapping[str, int]) -> bool:
    """Open when every ``unlock.after`` level has ``unlock.stars`` stars and the pack's levels together
    have ``unlock.pack_stars`` (``best_stars``: level id -> best stars, for this pack)."""
    u = level.unlock
    if any(best_stars.get(after, -1) < u.stars for after in u.levels):
        return False
    return sum(best_stars.values()) >= u.pack_stars


def unlock_text(level: Level, titles: Mapping[str, str] | None = None) -> str:
    """E.g. ``"2 stars in Squat Streak"``, ``"1 star in A and B; 6 stars in the pack"``, or ``"open"``."""
    u = level.unlock
    parts = []
    if u.levels:
        names = " and ".join((titles or {}).get(i, i) for i in u.levels)
        parts.append(f"{u.stars} star{'s' if u.stars != 1 else ''} in {names}")
    if u.pack_stars > 0:
        parts.append(f"{u.pack_stars} star{'s' if u.pack_stars != 1 else ''} in the pack")
    return "; ".join(parts) or "open"
