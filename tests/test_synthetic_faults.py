"""Each named fault changes the avatar's motion the way its name says."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sensors import open_source
from sensors.joints import Joint
from sensors.pose import PoseFrame
from sensors.synthetic import FAULTS, SyntheticConfig, SyntheticSensor, make_body

J = Joint
SQUAT_VARIANTS = ("squat_overhead", "squat_goblet", "squat_front", "squat_barbell")
Metric = Callable[[list[PoseFrame]], float]


def rep0(exercise: str, fault: str = "", **kw: object) -> list[PoseFrame]:
    """Frames of the first rep (or the hold) with noise off."""
    settings = {"reps": 1, "noise_px": 0.0, "fps": 20.0, **kw}
    cfg = SyntheticConfig(exercise=exercise, fault=(fault,) if fault else (), **settings)  # type: ignore[arg-type]
    with SyntheticSensor(cfg) as cam:
        return [f for f in cam if f.meta["rep_index"] == 0]


def t(f: PoseFrame) -> np.ndarray:
    assert f.truth_camera_xyz_m is not None
    return f.truth_camera_xyz_m


def up(f: PoseFrame) -> np.ndarray:
    return np.array(f.meta["up_camera"])


def fwd(f: PoseFrame) -> np.ndarray:
    return np.array(f.meta["forward_camera"])


def mid(f: PoseFrame, a: Joint, b: Joint) -> np.ndarray:
    return (t(f)[a] + t(f)[b]) / 2


def hips_above_line(f: PoseFrame, left: Joint = J.LEFT_ANKLE, right: Joint = J.RIGHT_ANKLE) -> float:
    """Signed height (m) of the hip midpoint above the shoulder-ankle line (> 0: piked);
    ``left``/``right``: another end of the line (the knees of a knee push-up)."""
    s, h, a = (
        mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER),
        mid(f, J.LEFT_HIP, J.RIGHT_HIP),
        mid(f, left, right),
    )
    k = np.dot(h - a, s - a) / np.dot(s - a, s - a)
    return float((h - (a + k * (s - a))) @ up(f))


def angle(f: PoseFrame, a: Joint, b: Joint, c: Joint) -> float:
    v1, v2 = t(f)[a] - t(f)[b], t(f)[c] - t(f)[b]
    return float(np.degrees(np.arccos(np.clip(v1 @ v2 / np.linalg.norm(v1) / np.linalg.norm(v2), -1, 1))))


def trunk_forward_lean(f: PoseFrame) -> float:
    """Trunk angle from vertical (deg), positive leaning forward."""
    trunk = mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER) - mid(f, J.LEFT_HIP, J.RIGHT_HIP)
    return float(np.degrees(np.arctan2(trunk @ fwd(f), trunk @ up(f))))


def bottom(frames: list[PoseFrame]) -> PoseFrame:
    return next(f for f in frames if f.meta["phase"] in ("bottom", "hold"))


def peak(fn: Callable[[PoseFrame], float]) -> Metric:
    return lambda frames: max(fn(f) for f in frames)


def low(fn: Callable[[PoseFrame], float]) -> Metric:
    return lambda frames: min(fn(f) for f in frames)


def at_bottom(fn: Callable[[PoseFrame], float]) -> Metric:
    return lambda frames: fn(bottom(frames))


def knee_gap(f: PoseFrame) -> float:
    return float(np.linalg.norm(t(f)[J.LEFT_KNEE] - t(f)[J.RIGHT_KNEE]))


def elbow_ahead_of_shoulder(f: PoseFrame) -> float:
    return float((t(f)[J.LEFT_ELBOW] - t(f)[J.LEFT_SHOULDER]) @ fwd(f))


def knee_past_toe(f: PoseFrame) -> float:
    return float((t(f)[J.LEFT_KNEE] - t(f)[J.LEFT_FOOT_INDEX]) @ fwd(f))  # rep 0 steps with the left leg


def step_length(f: PoseFrame) -> float:
    return float((t(f)[J.LEFT_ANKLE] - t(f)[J.RIGHT_ANKLE]) @ fwd(f))


def wrist_gap(f: PoseFrame) -> float:
    return abs(float((t(f)[J.LEFT_WRIST] - t(f)[J.RIGHT_WRIST]) @ up(f)))


def wrist_over_shoulder(f: PoseFrame) -> float:
    return float((t(f)[J.LEFT_WRIST] - t(f)[J.LEFT_SHOULDER]) @ up(f))


def hip_h(f: PoseFrame) -> float:
    return float(mid(f, J.LEFT_HIP, J.RIGHT_HIP) @ up(f))


def shoulder_h(f: PoseFrame) -> float:
    return float(mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER) @ up(f))


def trunk_rise(f: PoseFrame) -> float:
    trunk = mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER) - mid(f, J.LEFT_HIP, J.RIGHT_HIP)
    return float(np.degrees(np.arcsin(np.clip(trunk @ up(f) / np.linalg.norm(trunk), -1, 1))))


def left_knee_h(f: PoseFrame) -> float:
    return float(t(f)[J.LEFT_KNEE] @ up(f))


def heel_rise(f: PoseFrame) -> float:
    return float(t(f)[J.LEFT_HEEL] @ up(f))


# (exercise, fault, metric over rep 0, change faulted - clean must exceed; negative: must drop below)
CASES: list[tuple[str, str, Metric, float]] = [
    ("squat", "shallow", low(lambda f: angle(f, J.LEFT_HIP, J.LEFT_KNEE, J.LEFT_ANKLE)), 30.0),
    ("squat", "knee_valgus", at_bottom(knee_gap), -0.08),
    ("squat", "forward_lean", at_bottom(trunk_forward_lean), 20.0),
    ("squat", "heels_up", at_bottom(heel_rise), 0.03),
    ("pushup", "hip_sag", at_bottom(hips_above_line), -0.05),
    ("pushup", "hip_pike", at_bottom(hips_above_line), 0.08),
    ("pushup", "partial_range", low(shoulder_h), 0.1),
    ("lunge", "knee_past_toe", at_bottom(knee_past_toe), 0.1),
    ("lunge", "short_step", at_bottom(step_length), -0.2),
    ("bicep_curl", "upper_arm_swing", at_bottom(elbow_ahead_of_shoulder), 0.1),
    ("bicep_curl", "partial_range", low(lambda f: angle(f, J.LEFT_SHOULDER, J.LEFT_ELBOW, J.LEFT_WRIST)), 40.0),
    ("shoulder_press", "partial_range", peak(wrist_over_shoulder), -0.15),
    ("shoulder_press", "uneven_arms", at_bottom(wrist_gap), 0.1),
    ("lateral_raise", "too_high", peak(wrist_over_shoulder), 0.15),
    ("lateral_raise", "bent_arms", low(lambda f: angle(f, J.LEFT_SHOULDER, J.LEFT_ELBOW, J.LEFT_WRIST)), -30.0),
    ("lateral_raise", "uneven_arms", at_bottom(wrist_gap), 0.1),
    ("front_raise", "swing", low(trunk_forward_lean), -10.0),
    ("front_raise", "too_high", peak(wrist_over_shoulder), 0.15),
    ("plank", "hips_high", at_bottom(hips_above_line), 0.08),
    ("plank", "hips_low", at_bottom(hips_above_line), -0.05),
    ("glute_bridge", "shallow", peak(hip_h), -0.1),
    ("situp", "partial_range", peak(trunk_rise), -30.0),
    ("jumping_jack", "partial_arms", peak(wrist_over_shoulder), -0.3),
    ("high_knees", "low_knees", peak(left_knee_h), -0.1),
    ("wall_sit", "hips_high", at_bottom(hip_h), 0.1),
    ("mountain_climber", "hips_high", at_bottom(hips_above_line), 0.08),
]

#: the squat variants carry the squat's legs and faults; the knee push-up the push-up's, judged
#: against the shoulder-knee line it keeps
CASES += [(v, f, metric, change) for v in SQUAT_VARIANTS for e, f, metric, change in list(CASES) if e == "squat"]
CASES += [
    ("pushup_knee", "hip_sag", at_bottom(lambda f: hips_above_line(f, J.LEFT_KNEE, J.RIGHT_KNEE)), -0.03),
    ("pushup_knee", "hip_pike", at_bottom(lambda f: hips_above_line(f, J.LEFT_KNEE, J.RIGHT_KNEE)), 0.06),
    ("pushup_knee", "partial_range", low(shoulder_h), 0.1),
]


def test_every_fault_of_every_exercise_has_a_case() -> None:
    covered = {(e, f) for e, f, _, _ in CASES}
    assert covered == {(e, f) for e, faults in FAULTS.items() for f in faults}


@pytest.mark.parametrize(("exercise", "fault", "metric", "change"), CASES, ids=[f"{e}-{f}" for e, f, _, _ in CASES])
def test_fault_changes_the_motion_as_named(exercise: str, fault: str, metric: Metric, change: float) -> None:
    clean, faulty = metric(rep0(exercise)), metric(rep0(exercise, fault))
    if change > 0:
        assert faulty - clean > change, (clean, faulty)
    else:
        assert faulty - clean < change, (clean, faulty)


@pytest.mark.slow
@pytest.mark.parametrize("body", ["long_legs", "short_legs", "child"])
def test_every_fault_changes_the_motion_for_every_body(body: str) -> None:
    scale = make_body(body).scale
    for exercise, fault, metric, change in CASES:
        clean = metric(rep0(exercise, body=body, fps=10.0))
        faulty = metric(rep0(exercise, fault, body=body, fps=10.0))
        needed = change if abs(change) >= 5 else change * scale  # degrees stay, metres scale with the body
        assert (faulty - clean > needed) if change > 0 else (faulty - clean < needed), (exercise, fault, clean, faulty)


def test_knee_valgus_moves_the_knees_medially_while_the_feet_stay() -> None:
    clean, valgus = bottom(rep0("squat")), bottom(rep0("squat", "knee_valgus"))
    assert np.allclose(t(clean)[J.LEFT_ANKLE], t(valgus)[J.LEFT_ANKLE])
    lateral = np.cross(up(clean), fwd(clean))  # the player's left
    assert (t(valgus)[J.LEFT_KNEE] - t(clean)[J.LEFT_KNEE]) @ lateral < -0.04
    assert (t(valgus)[J.RIGHT_KNEE] - t(clean)[J.RIGHT_KNEE]) @ lateral > 0.04


def test_a_clean_pushup_keeps_the_body_straight() -> None:
    assert abs(hips_above_line(bottom(rep0("pushup")))) < 0.02


def test_faults_apply_only_to_the_chosen_reps_and_are_reported_in_meta() -> None:
    cfg = SyntheticConfig(exercise="squat", fault=("knee_valgus",), fault_reps="odd", reps=4, noise_px=0.0, fps=10.0)
    with SyntheticSensor(cfg) as cam:
        frames = list(cam)
    by_rep = {r: [f for f in frames if f.meta["rep_index"] == r] for r in range(4)}
    assert [by_rep[r][0].meta["faults_active"] for r in range(4)] == [("knee_valgus",), (), ("knee_valgus",), ()]
    gaps = [knee_gap(bottom(by_rep[r])) for r in range(4)]
    assert gaps[0] < gaps[1] - 0.08
    assert gaps[2] < gaps[3] - 0.08
    assert all(f.meta["faults_active"] == () for f in frames if f.meta["rep_index"] == -1)


def test_setup_shows_getting_down_before_the_ready_pose_and_is_not_a_rep() -> None:
    cfg = SyntheticConfig(exercise="pushup", setup=True, reps=1, noise_px=0.0, fps=10.0)
    with SyntheticSensor(cfg) as cam:
        frames = list(cam)
    setup = [f for f in frames if f.meta["phase"] == "setup"]
    assert len(setup) >= 30
    assert all(f.meta["rep_index"] == -1 for f in setup)
    assert shoulder_h(setup[0]) - shoulder_h(frames[-1]) > 0.6  # stood up first, then got down


def test_several_faults_joined_with_plus_act_together() -> None:
    with open_source("synthetic:squat,fault=knee_valgus+forward_lean,reps=1,noise_px=0,fps=20") as cam:
        both = bottom([f for f in cam if f.meta["rep_index"] == 0])
    clean = bottom(rep0("squat"))
    assert both.meta["faults_active"] == ("knee_valgus", "forward_lean")
    assert knee_gap(both) < knee_gap(clean) - 0.08
    assert trunk_forward_lean(both) > trunk_forward_lean(clean) + 20
