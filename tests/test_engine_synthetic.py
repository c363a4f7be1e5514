"""Acceptance on the synthetic avatar: every exercise x fault x front/side view x body proportion.

Counts are exact, each injected fault is reported on >= 90 % of its reps
where the library says it is observable from that view, and clean reps raise
no fault (see :mod:`exercises.accuracy` for how each kind of fault counts).
Streams run at 10 fps with 2 reps to keep the matrix to seconds;
``benchmarks/bench_form_accuracy.py`` runs it at 30 fps with 3 reps and
prints precision/recall per fault.
"""

from __future__ import annotations

import pytest

from exercises import load_library
from exercises.accuracy import BODIES, VIEWS, CaseResult, run_case
from sensors.synthetic import BASE_EXERCISE, FAULTS

LIBRARY = load_library()


def _cases() -> list[object]:
    return [
        pytest.param(name, fault, id=f"{name}-{fault or 'clean'}")
        for name in sorted(LIBRARY)
        if name in FAULTS  # the exercises the avatar performs
        for fault in ("", *FAULTS[name])
    ]


def _describe(r: CaseResult) -> str:
    return (
        f"{r.view}/{r.body}: injected={r.injected} reps={r.reps} partials={r.partials} "
        f"flagged={r.flagged} rules={dict(r.rule_hits)}"
    )


@pytest.mark.parametrize(("exercise", "fault"), _cases())
def test_counts_and_faults_over_views_and_bodies(exercise: str, fault: str) -> None:
    results = [
        run_case(LIBRARY[exercise], fault, view, body, reps=2, fps=10.0, seed=3) for view in VIEWS for body in BODIES
    ]
    failed = [_describe(r) for r in results if not r.passed]
    assert not failed, "\n".join(failed)


def _in_library(avatar_exercise: str) -> str:
    """The library exercise that judges an avatar exercise: its own, else (a variant) its base's."""
    return avatar_exercise if avatar_exercise in LIBRARY else BASE_EXERCISE.get(avatar_exercise, avatar_exercise)


def test_every_avatar_exercise_is_in_the_library() -> None:
    assert {_in_library(n) for n in FAULTS} <= set(LIBRARY)


def test_every_fault_is_observable_from_some_view() -> None:
    from exercises.accuracy import observable

    blind = [
        (n, f)
        for n, faults in FAULTS.items()
        for f in faults
        if not any(observable(LIBRARY[_in_library(n)], f, v) for v in VIEWS)
    ]
    assert blind == []
