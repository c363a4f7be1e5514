"""The synthetic depth map agrees with the projection; its noise and holes look like a RealSense."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.joints import Joint
from sensors.pose import JointSource, PoseFrame
from sensors.synthetic import SyntheticConfig, SyntheticSensor
from sensors.synthetic.render import MAX_RANGE_M
from sensors.synthetic.scene import joint_surface_radius

J = Joint
LIMB_JOINTS = [J.LEFT_SHOULDER, J.RIGHT_SHOULDER, J.LEFT_ELBOW, J.RIGHT_ELBOW, J.LEFT_WRIST, J.RIGHT_WRIST,
               J.LEFT_HIP, J.RIGHT_HIP, J.LEFT_KNEE, J.RIGHT_KNEE, J.LEFT_ANKLE, J.RIGHT_ANKLE]  # fmt: skip


def depth_frames(n: int, **kw: object) -> tuple[SyntheticSensor, list[PoseFrame]]:
    cfg = SyntheticConfig(**{"mode": "depth", "images": True, "noise_px": 0.0, "reps": 1, **kw})  # type: ignore[arg-type]
    sensor = SyntheticSensor(cfg).open()
    frames = [f for f in (sensor.read() for _ in range(n)) if f is not None]
    return sensor, frames


def surface_errors(sensor: SyntheticSensor, f: PoseFrame) -> list[float]:
    """Distance (m) between each unoccluded limb joint's deprojected depth pixel and
    the body surface point in front of the joint (J - r * J/|J|)."""
    intr = sensor.intrinsics
    radius = joint_surface_radius(sensor.body.scale, sensor.body.head_r_m)
    truth = f.truth_camera_xyz_m
    assert truth is not None
    assert f.depth_m is not None
    out = []
    for j in LIMB_JOINTS:
        if f.source[j] != JointSource.DEPTH:
            continue
        u, v = np.rint(intr.project(truth[j][None])[0]).astype(int)
        z = float(f.depth_m[v, u])
        if z == 0 and _at_depth_edge(f.depth_m[v], u):
            continue  # a far joint seen in a gap beside a nearer limb: its pixel lies on an occlusion edge
        assert z > 0, f"{j.name}: no depth at its pixel"
        point = intr.deproject(np.array([[u, v]], float), np.array([z]))[0]
        surface = truth[j] - radius[j] * truth[j] / np.linalg.norm(truth[j])
        out.append(float(np.linalg.norm(point - surface)))
    return out


def _at_depth_edge(row: np.ndarray, u: int, reach_px: int = 3) -> bool:
    """Whether pixel ``u`` of a depth row lies in the invalid band of an occlusion edge: the nearest valid
    pixels on its left and right (within ``reach_px``) differ by more than the renderer's 8 cm jump."""
    left = [float(row[k]) for k in range(u - 1, max(u - 1 - reach_px, -1), -1) if row[k] > 0]
    right = [float(row[k]) for k in range(u + 1, min(u + 1 + reach_px, len(row))) if row[k] > 0]
    return bool(left and right and abs(left[0] - right[0]) > 0.08)


DEPTH_QUANTUM_M = 0.001  #: the synthetic depth map holds whole millimetres, like a RealSense z16 stream


@pytest.mark.parametrize(
    ("exercise", "view"),
    [
        ("squat", "front"),
        ("squat", "side"),
        ("pushup", "side"),
        ("lateral_raise", "oblique"),
        ("squat_barbell", "side"),
        ("squat_overhead", "side"),
        ("squat_goblet", "front"),
        ("squat_front", "oblique"),
        ("pushup_knee", "side"),
        ("crunch", "oblique"),
        ("mountain_climber", "side"),
    ],
)
def test_deprojected_depth_lands_within_1cm_of_the_joint_surface_without_noise(exercise: str, view: str) -> None:
    sensor, frames = depth_frames(120, exercise=exercise, view=view, depth_noise=0.0)
    errors = [e for f in frames[::10] for e in surface_errors(sensor, f)]
    assert len(errors) > 50
    assert max(errors) < 0.01 + DEPTH_QUANTUM_M / 2  # 1 cm, plus the depth map's rounding to whole millimetres


def test_deprojected_depth_stays_close_to_the_surface_with_noise() -> None:
    sensor, frames = depth_frames(120, exercise="squat", view="oblique")
    errors = np.array([e for f in frames[::10] for e in surface_errors(sensor, f)])
    assert np.median(errors) < 0.02
    assert errors.max() < 0.06


def test_depth_noise_grows_with_distance_squared() -> None:
    def body_noise(distance: float) -> float:
        _, exact = depth_frames(3, distance_m=distance, depth_noise=0.0)
        _, noisy = depth_frames(3, distance_m=distance)
        a, b = exact[-1].depth_m, noisy[-1].depth_m
        assert a is not None
        assert b is not None
        near_body = (a > 0) & (b > 0) & (np.abs(a - distance) < 0.3)  # the body and the floor around it
        assert near_body.sum() > 5000
        return float(np.std((b[near_body] - a[near_body]) / a[near_body] ** 2))

    # the noise divided by z^2 is the same constant at both distances: sigma = k z^2
    near, far = body_noise(2.0), body_noise(4.0)
    assert far == pytest.approx(near, rel=0.25)
    assert near == pytest.approx(0.0015, rel=0.25)


def test_depth_edges_and_far_pixels_are_invalid() -> None:
    _sensor, frames = depth_frames(2, exercise="squat", view="front", depth_noise=0.0)
    d = frames[-1].depth_m
    assert d is not None
    assert d.dtype == np.float32
    assert d.shape == (480, 640)
    row = d[200]  # a row through the torso: body, background, with invalid pixels between
    body = np.flatnonzero((row > 0) & (row < 3.5))
    assert body.size > 0
    assert row[body[0] - 1] == 0
    assert row[body[-1] + 1] == 0
    assert np.all(d[d > 0] <= MAX_RANGE_M)


def test_the_floor_is_in_the_depth_map() -> None:
    sensor, frames = depth_frames(1, depth_noise=0.0)
    d = frames[0].depth_m
    assert d is not None
    bottom_row = d[-1]
    intr, pose = sensor.intrinsics, sensor.camera
    v = intr.height_px - 1
    points = intr.deproject(np.stack([np.arange(640.0), np.full(640, v)], axis=1), bottom_row.astype(float))
    world = points @ pose.rot + pose.centre  # camera -> world
    assert np.allclose(world[bottom_row > 0, 1], 0.0, atol=1e-3)  # on the floor plane y = 0


def test_a_plate_hides_the_hands_in_the_depth_map_and_lowers_their_visibility() -> None:
    _, plain = depth_frames(5, exercise="front_raise", view="front")
    sensor, plated = depth_frames(5, exercise="front_raise", view="front", occluder="plate")
    f = plated[-1]
    truth = f.truth_camera_xyz_m
    assert truth is not None
    assert f.depth_m is not None
    u, v = np.rint(sensor.intrinsics.project(truth[J.LEFT_WRIST][None])[0]).astype(int)
    assert 0 < f.depth_m[v, u] < truth[J.LEFT_WRIST, 2] - 0.08
    for j in (J.LEFT_WRIST, J.RIGHT_WRIST):
        assert f.confidence[j] < 0.3
        assert f.source[j] != JointSource.DEPTH
    assert plain[-1].confidence[J.LEFT_WRIST] > 0.85


def test_rgb_render_shows_the_body_over_the_background() -> None:
    sensor, frames = depth_frames(2)
    f = frames[-1]
    assert f.rgb is not None
    assert f.rgb.shape == (480, 640, 3)
    assert f.rgb.dtype == np.uint8
    truth = f.truth_camera_xyz_m
    assert truth is not None
    u, v = np.rint(sensor.intrinsics.project(truth[J.LEFT_KNEE][None])[0]).astype(int)
    assert np.abs(f.rgb[v, u].astype(int) - f.rgb[v, 5].astype(int)).sum() > 60  # the knee is not the wall


def test_images_carry_rgb_and_depth_in_either_mode_unless_depth_map_is_off() -> None:
    mono = SyntheticSensor(SyntheticConfig(images=True)).open().read()
    assert mono is not None
    assert mono.rgb is not None
    assert mono.depth_m is not None
    assert np.all(mono.source == JointSource.MONOCULAR)  # a depth image does not make the joints measured
    rgb_only = SyntheticSensor(SyntheticConfig(images=True, depth_map=False)).open().read()
    assert rgb_only is not None
    assert rgb_only.depth_m is None
    depth_only = SyntheticSensor(SyntheticConfig(depth_map=True)).open().read()
    assert depth_only is not None
    assert depth_only.rgb is None
    assert depth_only.depth_m is not None


def test_a_walker_appears_in_the_depth_map() -> None:
    _sensor, frames = depth_frames(200, exercise="squat", walker=True, walker_start_s=0.0, depth_noise=0.0)
    active = [f for f in frames if f.meta["walker_active"]]
    assert active
    f = active[len(active) // 4]  # beside the player, not behind them
    _empty_sensor, empty = depth_frames(len(frames), exercise="squat", depth_noise=0.0)
    e = empty[frames.index(f)]
    assert f.depth_m is not None
    assert e.depth_m is not None
    changed = np.abs(f.depth_m - e.depth_m) > 0.2
    assert changed.sum() > 2000


def test_person_zero_renders_an_empty_room() -> None:
    _, with_person = depth_frames(1, depth_noise=0.0)
    _, empty = depth_frames(1, depth_noise=0.0, person=False)
    a, b = with_person[0].depth_m, empty[0].depth_m
    assert a is not None
    assert b is not None
    nearer = (a > 0) & (a < b - 0.3)  # the player stands well in front of the back wall
    assert nearer.sum() > 5000
    assert not ((b > 0) & (b < a - 0.3)).any()
