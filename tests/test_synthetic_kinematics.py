"""The synthetic avatar's skeleton: rigid bones, recoverable angles, proportions."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.joints import SKELETON_EDGES, Joint
from sensors.pose import PoseFrame
from sensors.synthetic import BODIES, EXERCISES, SyntheticConfig, SyntheticSensor

J = Joint


def frames_of(**kw: object) -> list[PoseFrame]:
    cfg = SyntheticConfig(**{"reps": 2, "noise_px": 0.0, "fps": 15.0, **kw})  # type: ignore[arg-type]
    with SyntheticSensor(cfg) as cam:
        return list(cam)


def angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    v1, v2 = a - b, c - b
    cos = np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2))
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_bone_lengths_stay_constant_within_1mm_over_a_whole_exercise(exercise: str) -> None:
    frames = frames_of(exercise=exercise, setup=True, fault=())
    truth = np.stack([f.truth_camera_xyz_m for f in frames])
    for a, b in SKELETON_EDGES:
        length = np.linalg.norm(truth[:, a] - truth[:, b], axis=1)
        assert length.max() - length.min() < 1e-3, f"{exercise}: bone {a.name}-{b.name} varies by {np.ptp(length)} m"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_commanded_joint_angles_are_recovered_from_ground_truth_within_half_a_degree(exercise: str) -> None:
    triples = {
        "left_knee": (J.LEFT_HIP, J.LEFT_KNEE, J.LEFT_ANKLE),
        "right_knee": (J.RIGHT_HIP, J.RIGHT_KNEE, J.RIGHT_ANKLE),
        "left_elbow": (J.LEFT_SHOULDER, J.LEFT_ELBOW, J.LEFT_WRIST),
        "right_elbow": (J.RIGHT_SHOULDER, J.RIGHT_ELBOW, J.RIGHT_WRIST),
        "left_hip": (J.LEFT_SHOULDER, J.LEFT_HIP, J.LEFT_KNEE),
        "right_hip": (J.RIGHT_SHOULDER, J.RIGHT_HIP, J.RIGHT_KNEE),
        "left_shoulder": (J.LEFT_HIP, J.LEFT_SHOULDER, J.LEFT_ELBOW),
        "right_shoulder": (J.RIGHT_HIP, J.RIGHT_SHOULDER, J.RIGHT_ELBOW),
    }
    for f in frames_of(exercise=exercise, view="oblique"):
        t, commanded = f.truth_camera_xyz_m, f.meta["joint_angles_deg"]
        for name, (a, b, c) in triples.items():
            assert abs(angle(t[a], t[b], t[c]) - commanded[name]) < 0.5, (exercise, f.index, name)
        trunk = (t[J.LEFT_SHOULDER] + t[J.RIGHT_SHOULDER] - t[J.LEFT_HIP] - t[J.RIGHT_HIP]) / 2
        up = np.array(f.meta["up_camera"])
        lean = np.degrees(np.arccos(np.clip(np.dot(trunk, up) / np.linalg.norm(trunk), -1, 1)))
        assert abs(lean - commanded["trunk_lean"]) < 0.5


def test_the_squat_really_bends_the_knees_to_about_80_degrees() -> None:
    knees = [f.meta["joint_angles_deg"]["left_knee"] for f in frames_of(exercise="squat")]
    assert min(knees) < 85
    assert max(knees) > 175


def test_feet_stay_on_the_floor_during_a_squat() -> None:
    frames = frames_of(exercise="squat")
    up = np.array(frames[0].meta["up_camera"])
    heel_height = np.array([f.truth_camera_xyz_m[J.LEFT_HEEL] @ up for f in frames])
    assert np.ptp(heel_height) < 1e-6  # the camera is fixed, so a planted heel does not move


def _segments(f: PoseFrame) -> tuple[float, float, float]:
    t = f.truth_camera_xyz_m
    leg = np.linalg.norm(t[J.LEFT_HIP] - t[J.LEFT_KNEE]) + np.linalg.norm(t[J.LEFT_KNEE] - t[J.LEFT_ANKLE])
    torso = np.linalg.norm((t[J.LEFT_SHOULDER] + t[J.RIGHT_SHOULDER] - t[J.LEFT_HIP] - t[J.RIGHT_HIP]) / 2)
    up = np.array(f.meta["up_camera"])
    height = (t[J.NOSE] - t[J.LEFT_HEEL]) @ up
    return float(leg), float(torso), float(height)


def test_body_presets_differ_in_proportions() -> None:
    ready = {name: frames_of(body=name, reps=1)[0] for name in BODIES}
    ratio = {name: _segments(f)[0] / _segments(f)[1] for name, f in ready.items()}
    assert ratio["long_legs"] > ratio["average"] * 1.1
    assert ratio["short_legs"] < ratio["average"] / 1.1
    assert _segments(ready["child"])[2] < 0.8 * _segments(ready["average"])[2]


def test_height_scales_every_segment() -> None:
    tall = _segments(frames_of(height_m=2.0, reps=1)[0])
    short = _segments(frames_of(height_m=1.5, reps=1)[0])
    assert tall[0] / short[0] == pytest.approx(2.0 / 1.5, rel=1e-6)
    assert tall[1] / short[1] == pytest.approx(2.0 / 1.5, rel=1e-6)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_body_rests_on_the_floor_and_never_sinks_into_it(exercise: str) -> None:
    for body in BODIES:
        cfg = SyntheticConfig(exercise=exercise, body=body, reps=1, noise_px=0.0, fps=10.0)
        sensor = SyntheticSensor(cfg)
        pose = sensor.camera
        with sensor:
            for f in sensor:
                assert f.truth_camera_xyz_m is not None
                height = (f.truth_camera_xyz_m @ pose.rot + pose.centre)[:, 1]  # camera -> world y
                assert height.min() > -0.02, (body, f.index)
                if exercise not in ("jumping_jack", "high_knees"):  # these two have a flight phase
                    assert height.min() < 0.03, (body, f.index)  # something touches the floor
