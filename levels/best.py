"""The best a perfect player can do in a level: every rep scores 100 at the exercise's fastest pace,
every hold is in form. The checker warns when 3 stars are out of reach even so, and reports a goal
that cannot be finished in time at all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from levels.model import Level
from levels.protocol import Outcome
from levels.run import start_run

MAX_STEPS = 20_000  #: a safety net; real levels need a few hundred
HOLD_STEP_S = 1.0
DEFAULT_REP_S = 0.4


@dataclass(frozen=True, slots=True)
class Best:
    points: float
    completed: bool  #: False: even a perfect player runs out of time
    stars: int  #: stars a perfect player earns


def best_run(level: Level, fastest_rep_s: Mapping[str, float], holds: frozenset[str] | set[str]) -> Best:
    """Play ``level`` perfectly through its own run object (``fastest_rep_s``: exercise -> shortest rep)."""
    run = start_run(level)
    for _ in range(MAX_STEPS):
        if run.outcome is not Outcome.PLAYING:
            break
        if run.resting:
            run.tick(run.rest_left_s)
            continue
        if run.exercise in holds:
            left = [x for x in (run.time_left_s,) if x is not None]
            goal = run.stage.goal.hold_s
            if goal is not None:
                left.append(goal - getattr(run, "stage_held_s", 0.0))
            dt = max(1e-3, min([HOLD_STEP_S, *left]))
            run.tick(dt)
            run.add_hold(dt, in_form=True)
        else:
            run.tick(max(fastest_rep_s.get(run.exercise, DEFAULT_REP_S), 0.05))
            run.add_rep(100.0, good=True)
    else:
        run.stop()
    return Best(run.points, run.outcome is Outcome.COMPLETED, run.stars)
