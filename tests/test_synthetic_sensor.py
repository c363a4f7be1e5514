"""The synthetic sensor as a pose source: contract, spec strings, determinism, corruption."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from sensors import SourceOptions, SourceSpecError, check_sensor, open_source
from sensors.joints import Joint
from sensors.pose import JointSource, PoseFrame, TrackingState
from sensors.synthetic import EXERCISES, FAULTS, SyntheticConfig, SyntheticSensor

J = Joint


@pytest.mark.parametrize(
    "spec",
    [
        "synthetic:squat",
        "synthetic:pushup,view=side,reps=1",
        "synthetic:bicep_curl,images=1,reps=1",
        "synthetic:squat,mode=depth,images=1,reps=1",
        "synthetic:lunge,person=0,reps=1",
        "synthetic:plank,reps=0",
        "synthetic:squat,dropout=0.3,swap=0.2,walker=1,occluder=plate,seed=4",
    ],
)
def test_synthetic_sources_pass_the_conformance_checker(spec: str) -> None:
    check_sensor(lambda: open_source(spec))


def test_every_exercise_and_fault_opens_from_a_spec_string() -> None:
    for exercise in EXERCISES:
        for fault in ("", *FAULTS[exercise]):
            sensor = open_source(f"synthetic:{exercise},fault={fault}" if fault else f"synthetic:{exercise}")
            assert sensor.describe() == f"synthetic:{exercise}"


def test_a_finite_stream_ends_after_its_reps_and_lead_out() -> None:
    with open_source("synthetic:squat,reps=2,tempo_s=2,fps=10") as cam:
        frames = list(cam)
        assert cam.ended
    assert len(frames) == (2.0 + 2 * 2.0 + 1.0) * 10
    reps = sorted({f.meta["rep_index"] for f in frames} - {-1})
    assert reps == [0, 1]
    assert frames[0].meta["phase"] == "ready"
    assert frames[-1].meta["phase"] == "ready"


def test_reps_zero_is_endless() -> None:
    with open_source("synthetic:jumping_jack,reps=0,fps=60") as cam:
        assert not cam.capabilities.is_finite
        for _ in range(60 * 30):
            assert cam.read() is not None
        assert not cam.ended


def test_same_seed_gives_bit_identical_frames() -> None:
    spec = "synthetic:lunge,noise_px=2,dropout=0.1,swap=0.05,walker=1,seed=7,reps=1"
    a, b = list(open_source(spec).open()), list(open_source(spec).open())
    assert len(a) == len(b)
    assert all(x.same_pose_as(y) for x, y in zip(a, b, strict=True))


def test_a_different_seed_gives_different_noise() -> None:
    a = open_source("synthetic:squat,seed=1").open().read()
    b = open_source("synthetic:squat,seed=2").open().read()
    assert a is not None
    assert b is not None
    assert not np.array_equal(a.image_xy_px, b.image_xy_px)
    assert np.array_equal(a.truth_camera_xyz_m, b.truth_camera_xyz_m)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("synthetic:sqaut", ["unknown exercise 'sqaut'", "did you mean 'squat'"]),
        ("synthetic:squat,veiw=side", ["unknown parameter 'veiw'", "did you mean 'view'"]),
        ("synthetic:squat,fault=knee_valgs", ["no fault 'knee_valgs'", "did you mean 'knee_valgus'"]),
        ("synthetic:squat,fault=hip_sag", ["no fault 'hip_sag'", "knee_valgus"]),
        ("synthetic:squat,body=giant", ["unknown body 'giant'"]),
        ("synthetic:squat,view=top", ["unknown view 'top'"]),
        ("synthetic:squat,reps=-1", ["reps must be"]),
        ("synthetic:squat,depth=2", ["depth must be between 0 and 1"]),
        ("synthetic:squat,tempo_s=fast", ["tempo_s='fast'", "a number"]),
        ("synthetic:squat,walker=maybe", ["expected 0 or 1"]),
        ("synthetic:squat,fault_reps=third", ["fault_reps"]),
        ("synthetic:squat,pushup", ["one exercise name"]),
    ],
)
def test_bad_parameters_give_a_one_line_source_spec_error(spec: str, words: list[str]) -> None:
    with pytest.raises(SourceSpecError) as info:
        open_source(spec)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_source_options_set_images_seed_and_size() -> None:
    sensor = open_source("synthetic:squat", SourceOptions(images=True, seed=5, width_px=320, height_px=240))
    frame = sensor.open().read()
    assert frame is not None
    assert frame.rgb is not None
    assert frame.rgb.shape == (240, 320, 3)
    assert frame.image_size_px == (320, 240)


def test_python_api_matches_the_spec_string() -> None:
    a = SyntheticSensor(SyntheticConfig(exercise="pushup", view="side", fault=("hip_sag",), seed=3)).open()
    b = open_source("synthetic:pushup,view=side,fault=hip_sag,seed=3").open()
    for _ in range(5):
        fa, fb = a.read(), b.read()
        assert fa is not None
        assert fb is not None
        assert fa.same_pose_as(fb)


def test_person_zero_gives_no_player_frames() -> None:
    frames = list(open_source("synthetic:squat,person=0,reps=1").open())
    assert frames
    assert all(f.tracking is TrackingState.NO_PLAYER and not f.visible.any() for f in frames)


def test_dropout_makes_joints_missing_with_zero_confidence_and_nan_positions() -> None:
    frames = [f for f in open_source("synthetic:squat,dropout=0.2,mode=depth,reps=1").open() if f.has_player]
    missing = np.stack([f.source == JointSource.MISSING for f in frames])
    assert 0.1 < missing.mean() < 0.35
    for f in frames:
        m = f.source == JointSource.MISSING
        assert np.all(f.confidence[m] == 0)
        assert np.all(np.isnan(f.image_xy_px[m]))
        assert np.all(np.isnan(f.world_xyz_m[m]))
        assert np.all(np.isnan(f.camera_xyz_m[m]))


def test_dropout_also_drops_whole_frames_but_keeps_the_truth() -> None:
    frames = list(open_source("synthetic:squat,dropout=0.5,reps=1").open())
    dropped = [f for f in frames if f.tracking is TrackingState.NO_PLAYER]
    assert 0.04 * len(frames) < len(dropped) < 0.2 * len(frames)
    assert all(f.truth_camera_xyz_m is not None for f in dropped)


def test_swaps_exchange_left_and_right_landmarks_for_a_few_frames() -> None:
    frames = list(open_source("synthetic:lateral_raise,swap=0.05,noise_px=0,reps=2").open())
    swapped = [f for f in frames if f.meta["swapped"]]
    assert 0.05 < len(swapped) / len(frames) < 0.5
    f = swapped[0]
    t = f.truth_camera_xyz_m
    assert t is not None
    fx, _, cx, _ = f.meta["intrinsics"]
    left_wrist_x = fx * t[J.LEFT_WRIST, 0] / t[J.LEFT_WRIST, 2] + cx
    assert f.image_xy_px[J.RIGHT_WRIST, 0] == pytest.approx(left_wrist_x)
    clean = next(f for f in frames if not f.meta["swapped"])
    ct = clean.truth_camera_xyz_m
    assert ct is not None
    assert clean.image_xy_px[J.LEFT_WRIST, 0] == pytest.approx(fx * ct[J.LEFT_WRIST, 0] / ct[J.LEFT_WRIST, 2] + cx)


def test_a_walker_makes_the_landmarks_jump_while_the_truth_does_not() -> None:
    frames = list(open_source("synthetic:squat,walker=1,noise_px=0,reps=3").open())
    active = [f for f in frames if f.meta["walker_active"]]
    jumped = [f for f in frames if f.meta["walker_reported"]]
    assert active
    assert jumped
    assert len(jumped) < len(active)
    fx, fy, cx, cy = frames[0].meta["intrinsics"]

    def truth_px(f: PoseFrame) -> np.ndarray:
        t = f.truth_camera_xyz_m
        assert t is not None
        return np.stack([fx * t[:, 0] / t[:, 2] + cx, fy * t[:, 1] / t[:, 2] + cy], axis=1)

    for f in jumped:
        assert np.nanmean(np.linalg.norm(f.image_xy_px - truth_px(f), axis=1)) > 20
    for f in frames:
        if not f.meta["walker_reported"]:
            assert np.nanmax(np.linalg.norm(f.image_xy_px - truth_px(f), axis=1)) < 1e-6
    truth_step = max(np.abs(b.truth_camera_xyz_m - a.truth_camera_xyz_m).max() for a, b in itertools.pairwise(frames))  # type: ignore[operator]
    assert truth_step < 0.1


def test_monocular_mode_has_no_camera_xyz_and_hip_centred_world() -> None:
    f = open_source("synthetic:squat,noise_px=0").open().read()
    assert f is not None
    assert f.truth_camera_xyz_m is not None
    assert np.all(np.isnan(f.camera_xyz_m))
    assert np.all(f.source == JointSource.MONOCULAR)
    hip_mid = (f.world_xyz_m[J.LEFT_HIP] + f.world_xyz_m[J.RIGHT_HIP]) / 2
    assert np.allclose(hip_mid, 0.0)
    t = f.truth_camera_xyz_m
    assert np.allclose(f.world_xyz_m, t - (t[J.LEFT_HIP] + t[J.RIGHT_HIP]) / 2)


def test_monocular_world_depth_is_noisier_than_x_and_y() -> None:
    frames = list(open_source("synthetic:squat,noise_px=2,reps=1").open())
    err = np.concatenate(
        [
            f.world_xyz_m - (f.truth_camera_xyz_m - (f.truth_camera_xyz_m[23] + f.truth_camera_xyz_m[24]) / 2)
            for f in frames
        ]  # type: ignore[operator]
    )
    sx, sy, sz = np.nanstd(err, axis=0)
    assert sz > 2 * sx
    assert sz > 2 * sy


def test_depth_mode_measures_unoccluded_joints_with_noise_growing_with_distance() -> None:
    def z_error(distance: float) -> float:
        spec = f"synthetic:squat,mode=depth,noise_px=1,distance_m={distance},reps=1"
        errs = [
            (f.camera_xyz_m - f.truth_camera_xyz_m)[f.source == JointSource.DEPTH, 2]  # type: ignore[operator]
            for f in open_source(spec).open()
        ]
        return float(np.std(np.concatenate(errs)))

    f = open_source("synthetic:squat,mode=depth").open().read()
    assert f is not None
    assert (f.source == JointSource.DEPTH).sum() > 25
    near, far = z_error(2.0), z_error(4.0)
    assert far > 3.0 * near  # sigma grows with distance squared


def test_side_view_lowers_the_visibility_of_far_side_limbs() -> None:
    frames = list(open_source("synthetic:squat,view=side,reps=1").open())
    near = np.mean([f.confidence[J.LEFT_ELBOW] for f in frames])  # the camera is on the left
    far = np.mean([f.confidence[J.RIGHT_ELBOW] for f in frames])
    assert near > 0.85
    assert far < 0.6


def test_joints_outside_the_image_get_low_visibility() -> None:
    frame = open_source("synthetic:jumping_jack,distance_m=1.2,noise_px=0").open().read()
    assert frame is not None
    w, h = frame.image_size_px
    xy = frame.image_xy_px
    outside = (xy[:, 0] < 0) | (xy[:, 0] >= w) | (xy[:, 1] < 0) | (xy[:, 1] >= h)
    assert outside.any()
    assert np.all(frame.confidence[outside] < 0.2)
    assert np.all(frame.confidence[~outside] > 0.2)


def test_realtime_paces_reads_to_the_frame_rate() -> None:
    with open_source("synthetic:squat,realtime=1,fps=20") as cam:
        t0 = time.monotonic()
        for _ in range(6):
            assert cam.read() is not None
        assert time.monotonic() - t0 >= 0.24
        t1 = time.monotonic()
        cam.read(timeout_s=0.0)  # the next frame is not due yet: a zero timeout returns at once
        assert time.monotonic() - t1 < 0.02


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_exercise_passes_the_conformance_checker_with_setup_and_images(exercise: str) -> None:
    check_sensor(lambda: open_source(f"synthetic:{exercise},setup=1,images=1,mode=depth,reps=1"), frames=3)


def test_a_fault_string_is_accepted_by_the_python_api() -> None:
    assert SyntheticConfig(exercise="squat", fault="knee_valgus+heels_up").fault == ("knee_valgus", "heels_up")  # type: ignore[arg-type]


def test_holds_descend_hold_for_hold_s_and_come_back() -> None:
    frames = list(open_source("synthetic:plank,hold_s=4,fps=10,noise_px=0").open())
    phases = [f.meta["phase"] for f in frames]
    assert phases.count("hold") == 40
    assert phases.index("descent") < phases.index("hold") < phases.index("ascent")
    assert {f.meta["rep_index"] for f in frames if f.meta["phase"] != "ready"} == {0}
    assert phases[0] == phases[-1] == "ready"


def test_noise_is_accepted_as_an_alias_of_noise_px() -> None:
    assert open_source("synthetic:squat,noise=0.5").config.noise_px == 0.5  # type: ignore[attr-defined]


def test_outliers_throw_a_few_confident_landmarks_far_off() -> None:
    frames = list(open_source("synthetic:squat,noise_px=0,outliers=0.02,reps=1").open())
    fx, fy, cx, cy = frames[0].meta["intrinsics"]
    errors = []
    for f in frames:
        t = f.truth_camera_xyz_m
        assert t is not None
        px = np.stack([fx * t[:, 0] / t[:, 2] + cx, fy * t[:, 1] / t[:, 2] + cy], axis=1)
        errors.append(np.linalg.norm(f.image_xy_px - px, axis=1))
    err = np.concatenate(errors)
    off = err > 1e-6
    assert 0.01 < off.mean() < 0.03
    assert np.all((err[off] >= 20) & (err[off] <= 60))


def test_a_late_realtime_reader_gets_the_newest_frame() -> None:
    with open_source("synthetic:squat,realtime=1,fps=50,reps=0") as cam:
        first = cam.read()
        time.sleep(0.2)  # the reader falls ~10 frames behind
        late = cam.read()
    assert first is not None
    assert late is not None
    assert late.index - first.index >= 8
    assert late.t_s - first.t_s == pytest.approx((late.index - first.index) / 50)
