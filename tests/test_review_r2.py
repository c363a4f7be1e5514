"""Regression tests for bugs found in review R2 (form engine and camera code)."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pytest

from exercises import FormEngine, RepCompleted, load_library
from exercises.calibration import Calibration
from exercises.catalog import load_exercise_file
from exercises.reference import compare_to_reference
from exercises.spec import FaultIf, Rule
from exercises.yaml_source import SpecError
from sensors.player_lock import as_no_player
from sensors.pose import PoseFrame
from sensors.synthetic import SyntheticConfig, SyntheticSensor


def _squat_text() -> str:
    return (resources.files("exercises") / "library" / "squat.yaml").read_text(encoding="utf-8")


def _load_edited(old: str, new: str) -> SpecError:
    text = _squat_text()
    assert old in text
    with pytest.raises(SpecError) as info:
        load_exercise_file("edited_squat.yaml", text.replace(old, new))
    return info.value


def test_not_a_number_rule_threshold_is_rejected_with_its_position() -> None:
    # a NaN threshold never compares true: the rule would silently never fire
    error = _load_edited("fault_if: {above: 85}", "fault_if: {above: .nan}")
    assert "edited_squat.yaml:" in str(error)
    assert "finite" in str(error)


def test_infinite_rule_weight_is_rejected() -> None:
    # an infinite weight makes a rep score inf/inf = NaN
    error = _load_edited("weight: 30\n", "weight: .inf\n")
    assert "finite" in str(error)


def test_rep_duration_range_must_be_ordered() -> None:
    # min > max: no rep could ever be counted, silently
    error = _load_edited("rep_s: {min: 0.35, max: 12}", "rep_s: {min: 20, max: 12}")
    message = str(error)
    assert "counting.rep_s: expected min <= max" in message


def _squat_frames(**kw: object) -> list[PoseFrame]:
    config = SyntheticConfig(exercise="squat", seed=5, **{"view": "side", **kw})  # type: ignore[arg-type]
    with SyntheticSensor(config) as sensor:
        return list(sensor)


def test_frame_fault_of_a_dropped_rep_is_not_given_to_later_reps() -> None:
    """A rep cut short by the player leaving must not pass its frame-rule faults on to the
    reps counted after the player comes back (shallower reps that never trip the rule themselves)."""
    squat = load_library()["squat"]
    deep = Rule(id="deep", measure="knee", window="frame", fault_if=FaultIf(below=95), persist_s=0.1,
                cue="Deep", source="review test rule")  # fmt: skip
    engine = FormEngine(squat.model_copy(update={"rules": [*squat.rules, deep]}))
    first = _squat_frames(reps=2)
    stream = [f for f in first if f.t_s < 3.4]  # leaves at the bottom of rep 1 ('deep' active)
    t_s = 3.4
    while t_s < 4.9:  # gone for 1.5 s: the rep is dropped
        stream.append(as_no_player(first[0].with_changes(t_s=t_s, index=len(stream))))
        t_s += 1 / 30
    back = _squat_frames(reps=3, tempo_s=1.2, depth=0.8)  # back mid-set, bottoming out above 95 deg
    stream += [f.with_changes(t_s=f.t_s + 3.0, index=len(stream) + k) for k, f in enumerate(back) if f.t_s >= 2.0]
    events = [e for f in stream for e in engine.update(f)]
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(reps) == 3
    assert all("deep" not in {fault.rule_id for fault in rep.faults} for rep in reps)


def test_reference_without_any_aligned_3d_pair_scores_on_angles_without_warnings() -> None:
    """3D in some frames of each rep but never in an aligned pair: the 3D error is unknown
    (NaN, left out of the score), not a 'Mean of empty slice' warning."""
    rep = _squat_frames(reps=1, view="front")
    gone = np.full((33, 3), np.nan)
    first_only = [f if k == 0 else f.with_changes(world_xyz_m=gone) for k, f in enumerate(rep)]
    last_only = [f if k == len(rep) - 1 else f.with_changes(world_xyz_m=gone) for k, f in enumerate(rep)]
    result = compare_to_reference(first_only, last_only, load_library()["squat"])
    assert math.isnan(result.position_error)
    assert result.score > 90.0


def test_calibration_with_a_zero_torso_does_not_crash_the_engine() -> None:
    """A degenerate calibration (torso length 0) falls back to the default front/side ratio."""
    calibration = Calibration(segments_m={"shoulder_width": 0.4, "hip_width": 0.3, "torso": 0.0})
    engine = FormEngine(load_library()["squat"], calibration)
    for frame in _squat_frames(reps=2):
        engine.update(frame)
    assert engine.summary().reps == 2
