"""Score the form engine against the synthetic avatar's ground truth (acceptance matrix).

For one (exercise, fault, view, body) the avatar performs ``reps`` reps with
the fault injected on every rep (or clean); the engine's count and verdicts
are compared with what was injected. Used by ``tests/test_engine_synthetic.py``
and ``benchmarks/bench_form_accuracy.py``.

How a fault counts as reported:

* a form fault (``knee_valgus``, ``hip_sag``...): the rep carries a fault
  whose rule id is the fault's name; it is expected only where that rule
  declares the view (``views:``) — elsewhere it is "not observable";
* a range fault (``shallow``, ``partial_range``...): the half rep is reported
  as a :class:`~exercises.events.PartialRep`, or, when it still passes the
  turn threshold, carries the rule of the same name, or, in a set whose every rep
  turns at that depth, is counted as a shallow rep (``RepResult.shallow``,
  :mod:`exercises.shallow`); the count rule is then
  ``reps + partials == injected`` (as for the real clips' shallow reps);
* hold exercises: a :class:`~exercises.events.FormCue` of the rule during the hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercises.engine import FormEngine
from exercises.events import FormCue, RepCompleted
from exercises.spec import ExerciseDefinition

#: faults that shorten the range of motion: reported as partial reps
RANGE_FAULTS = frozenset({"shallow", "partial_range", "partial_arms", "low_knees"})
BODIES = ("average", "long_legs", "short_legs", "child")
VIEWS = ("front", "side")


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What the engine made of one synthetic stream."""

    exercise: str
    fault: str  #: "" for clean
    view: str
    body: str
    injected: int  #: reps performed (0 for holds)
    reps: int
    partials: int
    flagged: int  #: reps (or partials, for range faults) on which the fault was reported; holds: 0/1
    rule_hits: tuple[tuple[str, int], ...]  #: rule id -> reps (hold: cues) that raised it
    hold_in_form_s: float
    observable: bool

    @property
    def count_ok(self) -> bool:
        if self.injected == 0:
            return self.reps == 0 and self.partials == 0
        if self.fault in RANGE_FAULTS:
            return self.reps + self.partials == self.injected
        return self.reps == self.injected

    @property
    def recall(self) -> float:
        """Share of injected reps on which the fault was reported (NaN when clean or not observable)."""
        if not self.fault or not self.observable:
            return math.nan
        return self.flagged / self.injected if self.injected else float(self.flagged > 0)

    @property
    def false_faults(self) -> tuple[str, ...]:
        """Rule ids raised that were not injected."""
        return tuple(rid for rid, n in self.rule_hits if n and rid != self.fault)

    @property
    def passed(self) -> bool:
        if not self.count_ok:
            return False
        if not self.fault:
            return not self.rule_hits
        return not self.observable or self.recall >= 0.9


def observable(definition: ExerciseDefinition, fault: str, view: str) -> bool:
    """Whether the library says ``fault`` can be judged from ``view``."""
    if not fault:
        return False
    if fault in RANGE_FAULTS and definition.kind == "reps":
        return True
    return any(r.id == fault and view in r.views for r in definition.rules)


def run_case(
    definition: ExerciseDefinition,
    fault: str = "",
    view: str = "side",
    body: str = "average",
    reps: int = 3,
    fps: float = 30.0,
    seed: int = 0,
) -> CaseResult:
    """Run the avatar doing ``definition.name`` with ``fault`` and score the engine."""
    from sensors.synthetic import SyntheticConfig, SyntheticSensor

    config = SyntheticConfig(
        exercise=definition.name,
        view=view,
        body=body,
        fault=(fault,) if fault else (),
        reps=reps,
        fps=fps,
        seed=seed,
    )
    engine = FormEngine(definition)
    hits: dict[str, int] = {}
    flagged = 0
    hold = definition.kind == "hold"
    with SyntheticSensor(config) as sensor:
        for frame in sensor:
            for ev in engine.update(frame):
                if isinstance(ev, RepCompleted):
                    ids = {f.rule_id for f in ev.rep.faults}
                    for rid in ids:
                        hits[rid] = hits.get(rid, 0) + 1
                    flagged += fault in ids or (fault in RANGE_FAULTS and ev.rep.shallow)
                elif hold and isinstance(ev, FormCue):
                    hits[ev.rule_id] = hits.get(ev.rule_id, 0) + 1
    s = engine.summary()
    if hold:
        flagged = int(hits.get(fault, 0) > 0)
    elif fault in RANGE_FAULTS:
        flagged += s.partials
    return CaseResult(
        exercise=definition.name,
        fault=fault,
        view=view,
        body=body,
        injected=0 if hold else reps,
        reps=s.reps,
        partials=s.partials,
        flagged=flagged,
        rule_hits=tuple(sorted(hits.items())),
        hold_in_form_s=s.hold_in_form_s,
        observable=observable(definition, fault, view),
    )
