"""Clean reps seen from an oblique camera raise no fault (monocular 3D is noisy there)."""

from __future__ import annotations

import pytest

from exercises import FormEngine, load_library
from sensors import open_source

UPPER_BODY = ["bicep_curl", "shoulder_press", "front_raise", "lateral_raise", "squat", "lunge"]


@pytest.mark.parametrize("exercise", UPPER_BODY)
@pytest.mark.parametrize("seed", [1, 2])
def test_clean_oblique_reps_are_counted_without_faults(exercise: str, seed: int) -> None:
    engine = FormEngine(load_library()[exercise])
    with open_source(f"synthetic:{exercise},reps=3,view=oblique,seed={seed}") as source:
        for frame in source:
            engine.update(frame)
    summary = engine.summary()
    assert summary.reps == 3
    assert [rep.faults for rep in summary.per_rep] == [(), (), ()]
