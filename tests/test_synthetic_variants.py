"""The avatar's exercise variants do what their names say; alternating exercises give per-leg truth.

Invariants shared with every exercise (rigid bones, recovered angles, framing, floor contact,
depth map, conformance with setup and images) are checked by the parametrised tests over
``EXERCISES`` in ``test_synthetic_kinematics``, ``test_synthetic_camera``, ``test_synthetic_sensor``
and ``test_synthetic_depth``; this file checks what is particular to each variant.
"""

from __future__ import annotations

import numpy as np
import pytest

from sensors import open_source
from sensors.joints import Joint
from sensors.pose import PoseFrame
from sensors.synthetic import BASE_EXERCISE, BODIES, EXERCISES, FAULTS, RepTruth, SyntheticConfig, SyntheticSensor
from sensors.synthetic.timeline import Timeline
from sensors.synthetic.truth import rep_side, reps_done_at, split_by_side

J = Joint
VARIANTS = ("squat_overhead", "squat_goblet", "squat_front", "squat_barbell", "pushup_knee", "crunch")


def frames_of(exercise: str, **kw: object) -> list[PoseFrame]:
    cfg = SyntheticConfig(exercise=exercise, **{"reps": 2, "noise_px": 0.0, "fps": 10.0, **kw})  # type: ignore[arg-type]
    with SyntheticSensor(cfg) as cam:
        return list(cam)


def t(f: PoseFrame) -> np.ndarray:
    assert f.truth_camera_xyz_m is not None
    return f.truth_camera_xyz_m


def up(f: PoseFrame) -> np.ndarray:
    return np.array(f.meta["up_camera"])


def fwd(f: PoseFrame) -> np.ndarray:
    return np.array(f.meta["forward_camera"])


def left_of(f: PoseFrame) -> np.ndarray:
    return np.cross(up(f), fwd(f))


def mid(f: PoseFrame, a: Joint, b: Joint) -> np.ndarray:
    return (t(f)[a] + t(f)[b]) / 2


def rep_frames(frames: list[PoseFrame]) -> list[PoseFrame]:
    return [f for f in frames if f.meta["rep_index"] >= 0]


def deepest(frames: list[PoseFrame]) -> PoseFrame:
    return max(rep_frames(frames), key=lambda f: f.meta["progress"])


def test_every_variant_is_an_avatar_exercise_with_a_base() -> None:
    assert set(VARIANTS) <= set(EXERCISES)
    assert set(BASE_EXERCISE) == set(VARIANTS)
    for variant, base in BASE_EXERCISE.items():
        assert base in EXERCISES
        assert set(FAULTS[variant]) <= set(FAULTS[base])  # the base's rules can judge the variant's faults


def world_frames(exercise: str, **kw: object) -> list[np.ndarray]:
    """Truth joints (33, 3) in the world frame (the camera is placed per exercise)."""
    cfg = SyntheticConfig(exercise=exercise, **{"reps": 2, "noise_px": 0.0, "fps": 10.0, **kw})  # type: ignore[arg-type]
    sensor = SyntheticSensor(cfg)
    with sensor:
        return [t(f) @ sensor.camera.rot + sensor.camera.centre for f in sensor]


@pytest.mark.parametrize("variant", ["squat_overhead", "squat_goblet", "squat_front", "squat_barbell"])
def test_squat_variants_squat_as_deep_as_the_squat_on_the_same_legs(variant: str) -> None:
    squat, other = frames_of("squat", view="side"), frames_of(variant, view="side")
    knees = [f.meta["joint_angles_deg"]["left_knee"] for f in other]
    assert min(knees) < 85
    assert max(knees) > 175
    for a, b in zip(squat, other, strict=True):
        assert a.meta["joint_angles_deg"]["left_knee"] == pytest.approx(b.meta["joint_angles_deg"]["left_knee"])
    legs = [J.LEFT_HIP, J.RIGHT_HIP, J.LEFT_KNEE, J.RIGHT_KNEE, J.LEFT_ANKLE, J.RIGHT_ANKLE, J.LEFT_HEEL]
    for a, b in zip(world_frames("squat"), world_frames(variant), strict=True):
        assert np.allclose(a[legs], b[legs], atol=1e-9)  # the same legs; only the arms and trunk lean differ


def test_overhead_squat_keeps_straight_arms_above_the_head() -> None:
    for f in frames_of("squat_overhead", view="oblique"):
        head_h = t(f)[J.NOSE] @ up(f)
        assert min(t(f)[J.LEFT_WRIST] @ up(f), t(f)[J.RIGHT_WRIST] @ up(f)) > head_h + 0.3
        assert f.meta["joint_angles_deg"]["left_elbow"] > 170
        arm = t(f)[J.LEFT_WRIST] - t(f)[J.LEFT_SHOULDER]
        assert np.degrees(np.arccos(arm @ up(f) / np.linalg.norm(arm))) < 20  # near vertical in the world


def test_goblet_squat_holds_both_hands_together_in_front_of_the_chest() -> None:
    for f in frames_of("squat_goblet", view="front"):
        wrists = t(f)[[J.LEFT_WRIST, J.RIGHT_WRIST]]
        assert np.linalg.norm(wrists[0] - wrists[1]) < 0.12
        shoulders, hips = mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER), mid(f, J.LEFT_HIP, J.RIGHT_HIP)
        hands = wrists.mean(axis=0)
        trunk = shoulders - hips
        along = (hands - hips) @ trunk / (trunk @ trunk)
        assert 0.5 < along < 1.0  # between the hips and the shoulders, along the trunk
        chest_dir = np.cross(left_of(f), trunk / np.linalg.norm(trunk))  # forward, square to the trunk
        assert (hands - shoulders) @ chest_dir > 0.15  # in front of the chest
        assert f.meta["joint_angles_deg"]["left_elbow"] < 70


def test_front_squat_holds_the_elbows_high_and_forward() -> None:
    for f in frames_of("squat_front", view="side"):
        elbow, shoulder = t(f)[J.LEFT_ELBOW], t(f)[J.LEFT_SHOULDER]
        trunk = mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER) - mid(f, J.LEFT_HIP, J.RIGHT_HIP)
        upper_arm = elbow - shoulder
        # the upper arm points forward, square to the trunk (elbows high), the hands back at the shoulders
        assert 70 < np.degrees(np.arccos(upper_arm @ trunk / np.linalg.norm(upper_arm) / np.linalg.norm(trunk))) < 110
        assert (elbow - shoulder) @ fwd(f) > 0.15
        assert np.linalg.norm(t(f)[J.LEFT_WRIST] - shoulder) < 0.25


def test_back_squat_grips_the_bar_behind_the_neck_outside_the_shoulders() -> None:
    for f in frames_of("squat_barbell", view="side"):
        shoulders = mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER)
        trunk = shoulders - mid(f, J.LEFT_HIP, J.RIGHT_HIP)
        chest_dir = np.cross(left_of(f), trunk / np.linalg.norm(trunk))  # forward, square to the trunk
        for wrist, shoulder, outward in ((J.LEFT_WRIST, J.LEFT_SHOULDER, 1), (J.RIGHT_WRIST, J.RIGHT_SHOULDER, -1)):
            w = t(f)[wrist]
            assert (w - shoulders) @ chest_dir < -0.03  # behind the shoulder line
            assert outward * (w - t(f)[shoulder]) @ left_of(f) > 0.1  # wider than the shoulders
            assert abs((w - t(f)[shoulder]) @ trunk / np.linalg.norm(trunk)) < 0.1  # at shoulder height


def test_back_squat_plate_hides_the_hands_from_the_side_but_not_from_the_front() -> None:
    def hidden_share(view: str) -> float:
        frames = frames_of("squat_barbell", view=view, occluder="plate", reps=1)
        return float(np.mean([f.confidence[[J.LEFT_WRIST, J.RIGHT_WRIST]].max() < 0.22 for f in frames]))

    assert hidden_share("side") > 0.9  # the plate on the bar's end covers both hands
    assert hidden_share("front") == 0.0  # seen edge-on, outside the hands


def test_knee_pushup_rests_on_the_knees_with_the_hips_extended() -> None:
    frames = frames_of("pushup_knee", view="side")
    for f in frames:
        floor = min(t(f)[j] @ up(f) for j in (J.LEFT_WRIST, J.RIGHT_WRIST))  # the hands are on the floor
        assert t(f)[J.LEFT_KNEE] @ up(f) - floor < 0.06  # so are the knees
        assert t(f)[J.LEFT_ANKLE] @ up(f) > t(f)[J.LEFT_KNEE] @ up(f)  # the shanks rest back, feet raised
        assert f.meta["joint_angles_deg"]["left_hip"] > 170  # shoulder, hip and knee in a line
    elbows = [f.meta["joint_angles_deg"]["left_elbow"] for f in frames]
    assert min(elbows) == pytest.approx(84, abs=1.5)
    assert max(elbows) == pytest.approx(165, abs=1.5)
    pushup = frames_of("pushup", view="side")
    shoulder_drop = np.ptp([mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER) @ up(f) for f in frames])
    assert shoulder_drop > 0.15
    # pivoting on the knees, the body is shorter than on the toes: the hips sit much nearer the hands
    assert np.linalg.norm(mid(frames[0], J.LEFT_HIP, J.RIGHT_HIP) - t(frames[0])[J.LEFT_WRIST]) < np.linalg.norm(
        mid(pushup[0], J.LEFT_HIP, J.RIGHT_HIP) - t(pushup[0])[J.LEFT_WRIST]
    )


def test_crunch_curls_the_shoulders_a_short_way_with_the_lower_back_down() -> None:
    frames = frames_of("crunch", view="side")
    hips_h = [mid(f, J.LEFT_HIP, J.RIGHT_HIP) @ up(f) for f in frames]
    assert np.ptp(hips_h) < 1e-6  # the pelvis stays on the floor
    rise = []
    for f in frames:
        trunk = mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER) - mid(f, J.LEFT_HIP, J.RIGHT_HIP)
        rise.append(np.degrees(np.arcsin(trunk @ up(f) / np.linalg.norm(trunk))))
        hands = mid(f, J.LEFT_WRIST, J.RIGHT_WRIST)
        assert np.linalg.norm(hands - mid(f, J.LEFT_SHOULDER, J.RIGHT_SHOULDER)) < 0.3  # hands on the chest
    assert min(rise) < 2
    assert 25 < max(rise) < 35  # a crunch, not a sit-up (75 deg)
    situp_rise = max(f.meta["joint_angles_deg"]["trunk_lean"] for f in frames_of("situp", view="side"))
    crunch_lean = min(f.meta["joint_angles_deg"]["trunk_lean"] for f in frames)
    assert crunch_lean > 50  # never sits up past 40 deg from lying ...
    assert situp_rise > crunch_lean  # ... while the sit-up does


@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_are_deterministic_per_seed_for_every_body(variant: str) -> None:
    for body in BODIES:
        a = frames_of(variant, body=body, reps=1, noise_px=1.5, seed=7)
        b = frames_of(variant, body=body, reps=1, noise_px=1.5, seed=7)
        c = frames_of(variant, body=body, reps=1, noise_px=1.5, seed=8)
        assert all(np.array_equal(x.image_xy_px, y.image_xy_px, equal_nan=True) for x, y in zip(a, b, strict=True))
        assert not all(np.array_equal(x.image_xy_px, y.image_xy_px, equal_nan=True) for x, y in zip(a, c, strict=True))


# -- alternating exercises: per-leg truth, also from the side ------------------------------------
@pytest.mark.parametrize("exercise", ["high_knees", "mountain_climber", "lunge"])
@pytest.mark.parametrize("view", ["side", "front"])
def test_alternating_legs_match_the_per_leg_truth(exercise: str, view: str) -> None:
    with open_source(f"synthetic:{exercise},view={view},reps=5,noise_px=0,fps=15") as cam:
        frames = list(cam)
        truth = cam.truth_reps  # type: ignore[attr-defined]
    assert truth == RepTruth(5, 3, 2)
    last = frames[-1].meta
    assert (last["reps_done"], last["reps_done_left"], last["reps_done_right"]) == (5, 3, 2)
    for k in range(5):
        rep = [f for f in frames if f.meta["rep_index"] == k]
        side = {f.meta["side"] for f in rep}
        assert side == {"left" if k % 2 == 0 else "right"}
        f = max(rep, key=lambda f: f.meta["progress"])
        working, resting = (J.LEFT_KNEE, J.RIGHT_KNEE) if k % 2 == 0 else (J.RIGHT_KNEE, J.LEFT_KNEE)
        if exercise == "lunge":  # the stepping leg's knee goes forward
            assert (t(f)[working] - t(f)[resting]) @ fwd(f) > 0.3
        elif exercise == "high_knees":  # the driven knee rises
            assert (t(f)[working] - t(f)[resting]) @ up(f) > 0.15
        else:  # mountain climber: the driven knee comes towards the hands
            hands = mid(f, J.LEFT_WRIST, J.RIGHT_WRIST)
            assert np.linalg.norm(t(f)[resting] - hands) - np.linalg.norm(t(f)[working] - hands) > 0.3
        # the working side's count goes up by one during its rep, the other side's not at all
        before, after = rep[0].meta, rep[-1].meta
        key, other = ("reps_done_left", "reps_done_right") if k % 2 == 0 else ("reps_done_right", "reps_done_left")
        assert after[key] == before[key] + 1
        assert after[other] == before[other]


def test_bilateral_exercises_have_no_side_and_holds_no_reps() -> None:
    with open_source("synthetic:squat_goblet,reps=3,fps=10") as cam:
        frames = list(cam)
        assert cam.truth_reps == RepTruth(3)  # type: ignore[attr-defined]
    assert {f.meta["side"] for f in frames} == {None}
    assert frames[-1].meta["reps_done"] == 3
    with open_source("synthetic:plank,hold_s=2,fps=10") as cam:
        assert cam.truth_reps == RepTruth(0)  # type: ignore[attr-defined]
        assert {f.meta["reps_done"] for f in cam} == {0}
    assert SyntheticSensor(SyntheticConfig(reps=0)).truth_reps is None


def test_a_rep_is_done_when_its_return_ends() -> None:
    tl = Timeline(reps=3, tempo_s=2.0)  # reps start at 2, 4, 6 s; each returns to the top 90 % in
    assert reps_done_at(tl, 0.0, False).total == 0
    assert reps_done_at(tl, 2.0 + 1.79, False).total == 0
    assert reps_done_at(tl, 2.0 + 1.81, False).total == 1
    assert reps_done_at(tl, 100.0, True) == RepTruth(3, 2, 1)
    assert next(f.meta["phase"] for f in frames_of("squat", reps=1, fps=10.0) if f.meta["reps_done"] == 1) == "top"
    assert rep_side(-1, True) is None
    assert rep_side(3, True) == "right"
    assert split_by_side(4, True) == RepTruth(4, 2, 2)
