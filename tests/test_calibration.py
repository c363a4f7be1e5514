"""Calibration from a standing capture: the avatar's own proportions are measured back."""

from __future__ import annotations

import math

import pytest

from exercises import Calibration, FormEngine, load_library
from sensors.pose import PoseFrame
from sensors.synthetic import SyntheticConfig, SyntheticSensor, make_body


def standing(body: str, n: int = 30) -> list[PoseFrame]:
    with SyntheticSensor(SyntheticConfig(exercise="squat", body=body, view="front", reps=1, seed=2)) as s:
        return [f for f, _ in zip(s, range(n), strict=False)]


@pytest.mark.parametrize("body", ["average", "long_legs", "child"])
def test_segment_ratios_match_the_body(body: str) -> None:
    cal = Calibration.from_frames(standing(body))
    b = make_body(body)
    assert cal.ratio("thigh_to_torso") == pytest.approx(b.thigh_m / b.torso_m, rel=0.12)
    assert cal.segments_m["thigh"] == pytest.approx(b.thigh_m, rel=0.12)


def test_long_legs_have_a_larger_thigh_to_torso_ratio() -> None:
    avg = Calibration.from_frames(standing("average")).ratio("thigh_to_torso")
    long_legs = Calibration.from_frames(standing("long_legs")).ratio("thigh_to_torso")
    assert long_legs > avg + 0.1


def test_neutral_angles_are_near_straight_when_standing() -> None:
    cal = Calibration.from_frames(standing("average"))
    assert cal.neutral_deg["knee"] > 160
    assert cal.torso_px > 50


def test_no_player_is_a_clear_error() -> None:
    with SyntheticSensor(SyntheticConfig(exercise="squat", person=False, reps=1)) as s:
        empty = [f for f, _ in zip(s, range(5), strict=False)]
    with pytest.raises(ValueError, match="calibration: expected frames with a player"):
        Calibration.from_frames(empty)


def test_unknown_ratio_is_nan() -> None:
    assert math.isnan(Calibration().ratio("thigh_to_torso"))


def test_engine_adapts_forward_lean_threshold_to_long_femurs() -> None:
    squat = load_library()["squat"]
    rule = next(r for r in squat.rules if r.id == "forward_lean")
    long_femur = Calibration(segments_m={"thigh": 0.6, "torso": 0.5, "shoulder_width": 0.35, "hip_width": 0.3})
    from exercises.rules import threshold_shift

    assert threshold_shift(rule, long_femur) > 5
    engine = FormEngine(squat, long_femur)
    assert engine.effective_calibration is long_femur
