"""Form-engine accuracy on the synthetic avatar: rep counts and per-fault precision/recall.

For every exercise of the library x (clean + each of its faults) x front and
side views x the four body proportions, the avatar performs a few reps with
the fault on every rep (see :mod:`exercises.accuracy` for how a fault counts
as reported). Figures:

* ``count_exact_rate``: share of streams whose count is exact (``reps``, or
  ``reps + partials`` for range faults such as ``shallow``);
* ``clean_false_fault_rate``: share of clean streams on which any rule fired;
* ``per_fault``: for each ``exercise.fault``, recall (share of injected reps
  reported, over the views where the library says it is observable) and
  precision (share of the rule's firings that were on reps carrying it);
* ``failures``: the failing cases, one line each.

Targets (issue 5): every count exact, recall >= 0.9 where observable, clean
reps raise no fault. ``--quick`` runs the average body only, 2 reps.

Run: ``python benchmarks/bench_form_accuracy.py [--quick]``.
"""

from __future__ import annotations

import math
from typing import Any


def run_matrix(quick: bool, fps: float | None = None, bodies: tuple[str, ...] | None = None) -> list[Any]:
    from exercises import load_library
    from exercises.accuracy import BODIES, VIEWS, run_case
    from sensors.synthetic import FAULTS

    lib = load_library()
    bodies = bodies or (("average",) if quick else BODIES)
    reps = 2 if quick else 3
    fps = fps or (15.0 if quick else 30.0)
    out = []
    for name in sorted(n for n in lib if n in FAULTS):  # the exercises the avatar performs
        for fault in ("", *FAULTS[name]):
            for view in VIEWS:
                for body in bodies:
                    out.append(run_case(lib[name], fault, view, body, reps=reps, fps=fps))
    return out


def summarise(results: list[Any]) -> dict[str, Any]:
    per_fault: dict[str, dict[str, float]] = {}
    keys = {(r.exercise, r.fault) for r in results if r.fault}
    for ex, fault in sorted(keys):
        mine = [r for r in results if r.exercise == ex]
        injected = sum(r.injected or 1 for r in mine if r.fault == fault and r.observable)
        found = sum(r.flagged for r in mine if r.fault == fault and r.observable)
        fired = sum(dict(r.rule_hits).get(fault, 0) for r in mine)
        true_fired = sum(dict(r.rule_hits).get(fault, 0) for r in mine if r.fault == fault)
        per_fault[f"{ex}.{fault}"] = {
            "recall": round(found / injected, 3) if injected else math.nan,
            "precision": round(true_fired / fired, 3) if fired else math.nan,
            "observable_streams": sum(1 for r in mine if r.fault == fault and r.observable),
        }
    clean = [r for r in results if not r.fault]
    failures = [
        f"{r.exercise}/{r.fault or 'clean'}/{r.view}/{r.body}: injected={r.injected} reps={r.reps} "
        f"partials={r.partials} flagged={r.flagged} hits={dict(r.rule_hits)}"
        for r in results
        if not r.passed
    ]
    return {
        "streams": len(results),
        "count_exact_rate": round(sum(r.count_ok for r in results) / len(results), 3),
        "passed_rate": round(sum(r.passed for r in results) / len(results), 3),
        "clean_false_fault_rate": round(sum(bool(r.rule_hits) for r in clean) / max(len(clean), 1), 3),
        "per_fault": per_fault,
        "failures": failures,
    }


def main(quick: bool = False) -> dict[str, Any]:
    return summarise(run_matrix(quick))


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "form_accuracy")
