"""The pose pipeline: stages in one chain, gravity, the conformance of wrapped sources."""

from __future__ import annotations

import numpy as np

from exercises.geometry import angle_to_direction_deg
from sensors import Joint, JointSource, open_source
from sensors.pipeline import PipelineConfig, PipelineSensor, open_pipeline
from sensors.pipeline.gravity import IMAGE_DOWN, angle_between_deg, gravity_from_accel
from sensors.pipeline.stages import GravityStage


def _trunk_lean_deg(xyz: np.ndarray, down: np.ndarray) -> float:
    hip = (xyz[Joint.LEFT_HIP] + xyz[Joint.RIGHT_HIP]) / 2
    shoulder = (xyz[Joint.LEFT_SHOULDER] + xyz[Joint.RIGHT_SHOULDER]) / 2
    return float(angle_to_direction_deg(hip[None], shoulder[None], -down)[0])


def test_floor_plane_gives_the_true_vertical_under_a_tilted_camera() -> None:
    """A camera pitched 25 degrees down: gravity from the floor in the depth map matches the
    truth, and a standing player's trunk lean is ~0 against it (~25 against the image vertical)."""
    stage = GravityStage()
    with open_source("synthetic:squat,reps=1,tilt_deg=25,depth_map=1,noise_px=0") as cam:
        frame = cam.read()
    assert frame is not None
    truth = -np.asarray(frame.meta["up_camera"])
    no_pose_knowledge = {k: v for k, v in frame.meta.items() if k != "up_camera"}
    out = stage(frame.with_changes(meta=no_pose_knowledge))
    assert out.meta["gravity_from"] == "floor"
    assert out.gravity_camera is not None
    assert angle_between_deg(out.gravity_camera, truth) < 2.0
    standing = frame.truth_camera_xyz_m
    assert standing is not None
    assert _trunk_lean_deg(standing, out.gravity_camera) < 3.0
    assert _trunk_lean_deg(standing, IMAGE_DOWN) > 20.0


def test_webcam_without_depth_gets_the_image_vertical() -> None:
    with open_source("synthetic:squat,reps=1") as cam:
        frame = cam.read()
    assert frame is not None
    plain = frame.with_changes(meta={})
    out = GravityStage()(plain)
    assert out.meta["gravity_from"] == "image"
    assert np.allclose(out.gravity_camera, IMAGE_DOWN)


def test_gravity_from_an_accelerometer_at_rest() -> None:
    tilt = np.radians(20)
    reading = -9.81 * np.array([0.0, np.cos(tilt), np.sin(tilt)])  # the accelerometer reads -g
    samples = reading + np.random.default_rng(0).normal(0, 0.05, (50, 3))
    g = gravity_from_accel(samples)
    assert g is not None
    assert angle_between_deg(g, np.array([0.0, np.cos(tilt), np.sin(tilt)])) < 1.0
    assert gravity_from_accel(np.array([0.0, 0.0, 0.0])) is None


def test_pipeline_tracks_and_fuses_a_synthetic_depth_stream() -> None:
    with open_pipeline("synthetic:squat,reps=1,depth_map=1,seed=3") as cam:
        frames = list(cam)
        ahead = cam.predict(frames[-1].t_s + 0.033)
    late = frames[-1]
    assert late.gravity_camera is not None
    assert (late.source == JointSource.DEPTH).sum() >= 10
    assert ahead is not None
    assert ahead.t_s > late.t_s


def test_pipeline_engine_sees_gravity_as_a_typed_field() -> None:
    from exercises.engine import _gravity

    with open_pipeline("synthetic:squat,reps=1,tilt_deg=20", config=PipelineConfig(track=False)) as cam:
        frame = cam.read()
    assert frame is not None
    assert frame.gravity_camera is not None
    assert np.allclose(_gravity(frame), frame.gravity_camera)


def test_finite_source_replays_identically_through_the_pipeline() -> None:
    def run() -> list:
        with PipelineSensor(open_source("synthetic:jumping_jack,reps=1,swap=0.05,dropout=0.05,seed=9")) as cam:
            return list(cam)

    a, b = run(), run()
    assert len(a) == len(b)
    assert all(x.same_pose_as(y) for x, y in zip(a, b, strict=True))


def test_floor_is_fitted_once_for_a_still_camera_and_again_when_it_moves() -> None:
    """RANSAC runs on the first frame, not on the next ones while the camera holds still, and
    again (replacing the old floor) as soon as the camera's tilt changes."""

    def frames(tilt_deg: int) -> list:
        with open_source(f"synthetic:squat,reps=1,tilt_deg={tilt_deg},depth_map=1,noise_px=0") as cam:
            return list(cam)[:40]

    stage = GravityStage()
    first, second = frames(10), frames(30)
    for f in first:
        out = stage(f.with_changes(meta={}))
    assert stage.fits == 1
    assert angle_between_deg(out.gravity_camera, -np.asarray(first[0].meta["up_camera"])) < 2.0
    for f in second[:3]:
        out = stage(f.with_changes(meta={}))
    assert stage.fits == 2
    assert angle_between_deg(out.gravity_camera, -np.asarray(second[0].meta["up_camera"])) < 2.0


def test_hold_levels_switch_the_trackers_still_model_on_and_off() -> None:
    """set_holds gives a held plank the IMM's hold transitions (steadier joints than with the
    movement ones, same stream) and the movement ones again for reps; the analysis builds the same config."""
    from sensors.pipeline import PosePipeline, holds_config

    def jitter_px(holds: bool) -> float:  # mean |second difference| of every joint (dynamic jitter)
        pipe = PosePipeline()
        pipe.set_holds(holds)
        with open_source("synthetic:plank,reps=1,noise_px=3,seed=4") as cam:
            xy = np.array([pipe.process(f).image_xy_px for f in cam])[30:]
        return float(np.nanmean(np.abs(np.diff(xy, 2, axis=0))))

    assert jitter_px(True) < 0.6 * jitter_px(False)
    pipe = PosePipeline()
    moving_only = pipe.tracker.config
    pipe.set_holds(True)
    assert pipe.tracker.config == holds_config(True).tracker != moving_only
    pipe.set_holds(False)
    assert pipe.tracker.config == moving_only
