"""Each exercise variant counts exactly on the synthetic avatar, under its own name and under the
base exercise's (arms overhead, hands on a bar or a weight, knees on the floor block no gate);
alternating drives are counted per leg against the avatar's own per-leg truth."""

from __future__ import annotations

import pytest

from exercises import FormEngine, load_library
from sensors.pose import PoseFrame
from sensors.synthetic import SyntheticConfig, SyntheticSensor

LIB = load_library()
VARIANTS = {
    "squat_overhead": "squat",
    "squat_goblet": "squat",
    "squat_front": "squat",
    "squat_barbell": "squat",
    "pushup_knee": "pushup",
    "crunch": "crunch",
}


def stream(exercise: str, view: str, reps: int = 3, **kw: object) -> list[PoseFrame]:
    config = SyntheticConfig(exercise=exercise, view=view, reps=reps, seed=7, **kw)  # type: ignore[arg-type]
    with SyntheticSensor(config) as sensor:
        return list(sensor)


def count(definition_name: str, frames: list[PoseFrame]) -> FormEngine:
    engine = FormEngine(LIB[definition_name])
    for frame in frames:
        engine.update(frame)
    engine.finish()
    return engine


@pytest.mark.parametrize("view", ["front", "side"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_counts_exactly_under_its_own_name_and_the_base_name(variant: str, view: str) -> None:
    frames = stream(variant, view)
    assert count(variant, frames).summary().reps == 3
    assert count(VARIANTS[variant], frames).summary().reps == 3


@pytest.mark.parametrize("view", ["front", "side"])
@pytest.mark.parametrize("exercise", ["high_knees", "mountain_climber"])
def test_alternating_drives_are_counted_per_leg(exercise: str, view: str) -> None:
    frames = stream(exercise, view, reps=6)
    truth = frames[-1].meta
    s = count(exercise, frames).summary()
    assert s.reps == truth["reps_done"] == 6
    assert s.per_side == {"left": truth["reps_done_left"], "right": truth["reps_done_right"]}


def test_a_sit_up_is_a_crunch_that_went_further_and_a_crunch_is_no_full_sit_up() -> None:
    """Crunches in a sit-up level are that player's partial-range sit-ups, repeated at one depth: counted as
    shallow sit-ups (as quarter squats are shallow squats), none good, each told to come all the way up;
    not zero, and never a full sit-up."""
    summary = count("situp", stream("crunch", "side")).summary()
    assert summary.reps == 3
    assert summary.good_reps == 0
    for rep in summary.per_rep:
        assert rep.shallow
        assert [f.rule_id for f in rep.faults] == ["partial_range"]
    assert count("crunch", stream("crunch", "side")).summary().good_reps == 3
