"""Surface offsets: a depth camera sees the skin. A face point, a heel or a toe tip lies on it; a joint
centre lies half its limb's thickness behind it. The avatar draws its skin where a body has it, and
fusion with the typical offsets puts each landmark back where it is."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.joints import Joint
from sensors.pose import JointSource, PoseFrame
from sensors.realsense.fusion import TYPICAL_SURFACE_OFFSET_M, FusionParams, fuse_depth
from sensors.synthetic import SyntheticConfig, SyntheticSensor
from sensors.synthetic.body import make_body
from sensors.synthetic.kinematics import solve
from sensors.synthetic.motions import SPECS
from sensors.synthetic.scene import joint_surface_radius

J = Joint
FACE = [J.NOSE, J.LEFT_EYE_INNER, J.LEFT_EYE, J.LEFT_EYE_OUTER, J.RIGHT_EYE_INNER, J.RIGHT_EYE,
        J.RIGHT_EYE_OUTER, J.MOUTH_LEFT, J.MOUTH_RIGHT]  # fmt: skip
CENTRES = [J.LEFT_SHOULDER, J.RIGHT_SHOULDER, J.LEFT_ELBOW, J.RIGHT_ELBOW, J.LEFT_WRIST, J.RIGHT_WRIST,
           J.LEFT_KNEE, J.RIGHT_KNEE, J.LEFT_ANKLE, J.RIGHT_ANKLE]  # fmt: skip
HAND = [J.LEFT_PINKY, J.RIGHT_PINKY, J.LEFT_INDEX, J.RIGHT_INDEX, J.LEFT_THUMB, J.RIGHT_THUMB]


def frames(n: int, **kw: object) -> tuple[SyntheticSensor, list[PoseFrame]]:
    """A clean front view (no landmark or depth noise) with a depth map."""
    cfg = SyntheticConfig(**{"exercise": "squat", "view": "front", "distance_m": 2.0, "mode": "depth",
                             "depth_map": True, "noise_px": 0.0, "depth_noise": 0.0, "reps": 1, **kw})  # type: ignore[arg-type]  # fmt: skip
    sensor = SyntheticSensor(cfg).open()
    out = [f for f in (sensor.read() for _ in range(n)) if f is not None and f.has_player]
    return sensor, out


@pytest.fixture(scope="module")
def squat() -> tuple[SyntheticSensor, list[PoseFrame]]:
    return frames(40)


def fused(sensor: SyntheticSensor, f: PoseFrame):  # type: ignore[no-untyped-def]
    assert f.depth_m is not None
    params = FusionParams(surface_offset_m=TYPICAL_SURFACE_OFFSET_M)
    return fuse_depth(f.image_xy_px, f.world_xyz_m, f.confidence, f.visible, f.depth_m, sensor.intrinsics, params)


def test_typical_offsets_are_zero_on_the_skin_and_half_a_limb_at_a_joint_centre() -> None:
    off = TYPICAL_SURFACE_OFFSET_M
    on_skin = [*FACE, J.LEFT_EAR, J.RIGHT_EAR, J.LEFT_HEEL, J.RIGHT_HEEL, J.LEFT_FOOT_INDEX, J.RIGHT_FOOT_INDEX]
    assert np.all(off[on_skin] == 0.0)
    assert np.all((off[CENTRES] >= 0.02) & (off[CENTRES] <= 0.1))
    assert off[J.LEFT_KNEE] > off[J.LEFT_ANKLE]
    assert off[J.LEFT_ELBOW] > off[J.LEFT_WRIST]
    for j in range(len(off)):  # a body is symmetric
        name = Joint(j).name
        if name.startswith("LEFT_"):
            assert off[j] == off[Joint[name.replace("LEFT_", "RIGHT_")]]


def test_the_avatars_face_points_lie_on_its_head_sphere() -> None:
    body = make_body()
    world, _, head = solve(body, SPECS["squat"].motion(body, 0.3, 0, {}, 1.0))
    r = np.linalg.norm(world[FACE + [J.LEFT_EAR, J.RIGHT_EAR]] - head, axis=1)
    np.testing.assert_allclose(r, body.head_r_m, atol=1e-9)


def truth_and_depth_under(sensor: SyntheticSensor, f: PoseFrame) -> tuple[np.ndarray, np.ndarray]:
    """The true joint centres (33, 3) and the depth map's value (m) at each one's pixel (33,)."""
    truth = f.truth_camera_xyz_m
    assert truth is not None
    assert f.depth_m is not None
    u, v = np.rint(sensor.intrinsics.project(truth)).astype(int).T
    return truth, f.depth_m[v, u]


def test_the_depth_map_draws_the_skin_at_face_toe_and_joint_points(squat) -> None:  # type: ignore[no-untyped-def]
    sensor, fs = squat
    radius = joint_surface_radius(sensor.body.scale, sensor.body.head_r_m)
    gaps = []
    for f in fs[::5]:
        truth, depth_m = truth_and_depth_under(sensor, f)
        for j in [*FACE, J.LEFT_FOOT_INDEX, J.RIGHT_FOOT_INDEX, *CENTRES]:
            z = float(depth_m[j])
            if z > 0 and f.source[j] == JointSource.DEPTH:
                gaps.append((j, truth[j, 2] - z, radius[j]))
    assert len(gaps) > 100
    for j, gap_m, r in gaps:  # the skin one radius in front (0 for a face point or a toe tip), to a few mm
        assert gap_m == pytest.approx(r, abs=0.012), Joint(j).name


def test_a_face_point_is_fused_to_its_skin_depth(squat) -> None:  # type: ignore[no-untyped-def]
    sensor, fs = squat
    errs = []
    for f in fs:
        out = fused(sensor, f)
        truth = f.truth_camera_xyz_m
        for j in FACE:
            if out.source[j] == JointSource.DEPTH:
                assert out.camera_xyz_m[j, 2] == pytest.approx(out.measured_depth_m[j])  # no offset: on the skin
                errs.append(out.camera_xyz_m[j, 2] - truth[j, 2])
    assert len(errs) > 200
    assert abs(np.median(errs)) < 0.008  # with a 3 cm offset, as before, it was 3 cm behind


def test_a_joint_centre_is_fused_behind_its_skin(squat) -> None:  # type: ignore[no-untyped-def]
    sensor, fs = squat
    errs = {j: [] for j in CENTRES}
    for f in fs:
        out = fused(sensor, f)
        truth = f.truth_camera_xyz_m
        for j in CENTRES:
            if out.source[j] != JointSource.DEPTH:
                continue
            p = out.camera_xyz_m[j]
            skin = p * out.measured_depth_m[j] / p[2]  # the sampled surface point on the same ray
            assert np.linalg.norm(p) - np.linalg.norm(skin) == pytest.approx(TYPICAL_SURFACE_OFFSET_M[j])
            errs[j].append(p[2] - truth[j, 2])
    for j, e in errs.items():
        assert len(e) > 20, Joint(j).name
        assert abs(np.median(e)) < 0.012, Joint(j).name  # the knee was 3 cm in front before: thigh 7.5 cm thick


def test_the_hand_points_are_on_a_drawn_hand(squat) -> None:  # type: ignore[no-untyped-def]
    sensor, fs = squat
    hit = []
    for f in fs[::4]:
        truth, depth_m = truth_and_depth_under(sensor, f)
        for j in HAND:
            z = float(depth_m[j])
            hit.append(z > 0 and abs(z - truth[j, 2]) < 0.05)  # the hand, not the wall behind it
    assert np.mean(hit) > 0.9
