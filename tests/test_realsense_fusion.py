"""Depth fusion (pure numpy) against a hand-built skeleton with known 3D joints,
and deprojection against librealsense's own ``rs2_deproject_pixel_to_point``."""

from __future__ import annotations

import numpy as np
import pyrealsense2 as rs
import pytest

from sensors.joints import NUM_JOINTS, Joint
from sensors.pose import JointSource
from sensors.realsense._rs import intrinsics_to_rs
from sensors.realsense.fusion import (
    DISTORTION_MODELS,
    FusionParams,
    Intrinsics,
    deproject_px,
    fuse_depth,
    sample_depth_m,
)
from sensors.realsense.testing import DISC_JOINTS, body_depth_map, default_intrinsics

J = Joint
INTR = Intrinsics(640, 480, 600.0, 605.0, 322.5, 236.0)
HIP_DEPTH_M = 2.5


def t_pose_camera_xyz_m() -> np.ndarray:
    """(33, 3) a person in a T-pose facing the camera, hips 2.5 m away, arms slightly forward."""
    p = np.zeros((NUM_JOINTS, 3))
    for side, sx in (("LEFT", 1.0), ("RIGHT", -1.0)):

        def put(name: str, x: float, y: float, z: float, sx: float = sx, side: str = side) -> None:
            p[J[f"{side}_{name}"]] = (sx * x, y, HIP_DEPTH_M + z)

        put("EYE_INNER", 0.015, -0.63, -0.10)
        put("EYE", 0.03, -0.63, -0.09)
        put("EYE_OUTER", 0.045, -0.63, -0.08)
        put("EAR", 0.07, -0.61, -0.02)
        put("SHOULDER", 0.18, -0.45, 0.0)
        put("ELBOW", 0.45, -0.45, -0.05)
        put("WRIST", 0.70, -0.45, -0.12)
        put("PINKY", 0.78, -0.47, -0.13)
        put("INDEX", 0.79, -0.44, -0.14)
        put("THUMB", 0.75, -0.42, -0.15)
        put("HIP", 0.10, 0.0, 0.0)
        put("KNEE", 0.12, 0.45, -0.06)
        put("ANKLE", 0.12, 0.85, 0.0)
        put("HEEL", 0.12, 0.90, 0.05)
        put("FOOT_INDEX", 0.12, 0.92, -0.12)
    p[J.NOSE] = (0.0, -0.60, HIP_DEPTH_M - 0.11)
    p[J.MOUTH_LEFT] = (0.025, -0.56, HIP_DEPTH_M - 0.09)
    p[J.MOUTH_RIGHT] = (-0.025, -0.56, HIP_DEPTH_M - 0.09)
    return p


def project(xyz_m: np.ndarray, intr: Intrinsics = INTR) -> np.ndarray:
    return np.stack(
        [xyz_m[:, 0] / xyz_m[:, 2] * intr.fx_px + intr.ppx_px, xyz_m[:, 1] / xyz_m[:, 2] * intr.fy_px + intr.ppy_px], 1
    )


def world_from_camera(xyz_m: np.ndarray) -> np.ndarray:
    return xyz_m - (xyz_m[J.LEFT_HIP] + xyz_m[J.RIGHT_HIP]) / 2


@pytest.fixture
def scene() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(truth camera xyz, image xy, world xyz, depth map) of the T-pose."""
    truth = t_pose_camera_xyz_m()
    xy = project(truth)
    world = world_from_camera(truth)
    depth = body_depth_map((INTR.width_px, INTR.height_px), xy, world, hip_depth_m=HIP_DEPTH_M)
    return truth, xy, world, depth


def fuse(xy: np.ndarray, world: np.ndarray, depth: np.ndarray, **params: object):  # type: ignore[no-untyped-def]
    vis = np.ones(NUM_JOINTS)
    present = np.ones(NUM_JOINTS, bool)
    return fuse_depth(xy, world, vis, present, depth, INTR, FusionParams(**params))  # type: ignore[arg-type]


# -- sampling -------------------------------------------------------------------


def occlude(depth_m: np.ndarray, xy_px: np.ndarray, half_px: int, at_m: float) -> None:
    """Put a square occluder of side ``2 * half_px + 1`` at ``at_m`` metres over the pixel ``xy_px`` (in place)."""
    x, y = np.asarray(xy_px).round().astype(int)
    depth_m[y - half_px : y + half_px + 1, x - half_px : x + half_px + 1] = at_m


def test_sample_takes_the_median_of_valid_pixels_ignoring_holes() -> None:
    depth = np.zeros((20, 20), np.float32)
    depth[8:13, 8:13] = 2.0
    depth[8, 8:13] = 0.0  # a row of holes
    depth[12, 12] = 9.0  # one flying pixel
    assert sample_depth_m(depth, np.array([[10.2, 10.7]]))[0] == pytest.approx(2.0)


def test_sample_is_nan_outside_the_image_or_without_enough_depth() -> None:
    depth = np.zeros((20, 20), np.float32)
    depth[0, 0] = 3.0  # one valid pixel among 25
    out = sample_depth_m(depth, np.array([[-3.0, 5.0], [np.nan, 2.0], [25.0, 5.0], [1.0, 1.0]]))
    assert np.all(np.isnan(out))


def test_sample_clips_the_window_at_the_border() -> None:
    depth = np.full((20, 20), 1.5, np.float32)
    assert sample_depth_m(depth, np.array([[0.0, 19.9]]))[0] == pytest.approx(1.5)


# -- deprojection ---------------------------------------------------------------
@pytest.mark.parametrize("model", DISTORTION_MODELS)
def test_deprojection_matches_librealsense(model: str) -> None:
    coeffs = (0.9, 0.0, 0.0, 0.0, 0.0) if model == "ftheta" else (0.12, -0.04, 0.002, -0.001, 0.01)
    intr = Intrinsics(640, 480, 611.0, 609.5, 318.2, 243.9, model, coeffs)
    xy = np.array([[x, y] for x in (0.0, 100.5, 318.2, 500.0, 639.0) for y in (0.0, 120.0, 300.7, 479.0)])
    depth = np.linspace(0.4, 6.0, len(xy))
    ours = deproject_px(xy, depth, intr)
    theirs = np.array(
        [
            rs.rs2_deproject_pixel_to_point(intrinsics_to_rs(intr), list(p), float(d))
            for p, d in zip(xy, depth, strict=True)
        ]
    )
    np.testing.assert_allclose(ours, theirs, atol=2e-5)  # librealsense computes in float32


def test_deprojection_of_nan_depth_is_nan() -> None:
    assert np.all(np.isnan(deproject_px(np.array([[10.0, 10.0]]), np.array([np.nan]), INTR)))


def test_default_intrinsics_centre_the_principal_point() -> None:
    intr = default_intrinsics(640, 480)
    assert (intr.ppx_px, intr.ppy_px, intr.fx_px) == (319.5, 239.5, 615.0)


# -- fusion ---------------------------------------------------------------------
def test_visible_joints_become_depth_at_their_true_position(scene) -> None:  # type: ignore[no-untyped-def]
    truth, xy, world, depth = scene
    out = fuse(xy, world, depth)
    disc = list(DISC_JOINTS)
    assert np.all(out.source[disc] == JointSource.DEPTH)
    np.testing.assert_allclose(out.camera_xyz_m[disc], truth[disc], atol=0.004)  # the pixel is rounded for painting
    assert out.anchor_m == pytest.approx(HIP_DEPTH_M, abs=0.01)


def test_joint_behind_an_occluder_is_not_depth(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    occlude(depth, xy[J.RIGHT_WRIST], 15, HIP_DEPTH_M - 0.4)  # a plate 40 cm in front of the hand
    out = fuse(xy, world, depth)
    assert out.source[J.RIGHT_WRIST] == JointSource.MONOCULAR
    assert out.source[J.LEFT_WRIST] == JointSource.DEPTH


def test_hidden_joint_is_estimated_on_its_ray_at_the_skeleton_depth(scene) -> None:  # type: ignore[no-untyped-def]
    truth, xy, world, depth = scene
    occlude(depth, xy[J.RIGHT_WRIST], 15, 1.0)
    out = fuse(xy, world, depth)
    np.testing.assert_allclose(out.camera_xyz_m[J.RIGHT_WRIST], truth[J.RIGHT_WRIST], atol=0.01)


def test_hidden_joint_is_nan_when_estimates_are_off(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    occlude(depth, xy[J.RIGHT_WRIST], 15, 1.0)
    out = fuse(xy, world, depth, estimate_hidden=False)
    assert np.all(np.isnan(out.camera_xyz_m[J.RIGHT_WRIST]))


def test_pixel_that_misses_the_body_and_hits_the_wall_is_not_depth(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    moved = xy.copy()
    moved[J.LEFT_ANKLE, 0] += 60  # the model put the ankle beside the leg
    out = fuse(moved, world, depth)
    assert out.measured_depth_m[J.LEFT_ANKLE] == pytest.approx(4.0)
    assert out.source[J.LEFT_ANKLE] == JointSource.MONOCULAR


def test_anchor_survives_an_occluded_torso_joint(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    occlude(depth, xy[J.LEFT_SHOULDER], 12, 1.2)
    out = fuse(xy, world, depth)
    assert out.anchor_m == pytest.approx(HIP_DEPTH_M, abs=0.01)
    assert out.source[J.LEFT_SHOULDER] == JointSource.MONOCULAR
    assert out.source[J.RIGHT_SHOULDER] == JointSource.DEPTH


def test_low_visibility_joint_is_never_depth(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    vis = np.ones(NUM_JOINTS)
    vis[J.LEFT_KNEE] = 0.2
    out = fuse_depth(xy, world, vis, np.ones(NUM_JOINTS, bool), depth, INTR)
    assert out.source[J.LEFT_KNEE] == JointSource.MONOCULAR


def test_joint_the_model_did_not_report_stays_missing(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    present = np.ones(NUM_JOINTS, bool)
    present[J.NOSE] = False
    out = fuse_depth(xy, world, np.ones(NUM_JOINTS), present, depth, INTR)
    assert out.source[J.NOSE] == JointSource.MISSING
    assert np.all(np.isnan(out.camera_xyz_m[J.NOSE]))


def test_without_world_landmarks_the_torso_depth_gates_occluders(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, _, depth = scene
    occlude(depth, xy[J.RIGHT_WRIST], 15, 1.0)
    out = fuse(xy, np.full((NUM_JOINTS, 3), np.nan), depth)
    assert out.source[J.RIGHT_WRIST] == JointSource.MONOCULAR
    assert out.source[J.LEFT_WRIST] == JointSource.DEPTH


def test_surface_offset_pushes_depth_points_along_their_ray(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    plain = fuse(xy, world, depth)
    pushed = fuse(xy, world, depth, surface_offset_m=0.05)
    j = J.LEFT_HIP
    a, b = plain.camera_xyz_m[j], pushed.camera_xyz_m[j]
    assert np.linalg.norm(b) - np.linalg.norm(a) == pytest.approx(0.05)
    np.testing.assert_allclose(b / np.linalg.norm(b), a / np.linalg.norm(a), atol=1e-12)


def test_nothing_becomes_depth_without_depth(scene) -> None:  # type: ignore[no-untyped-def]
    _, xy, world, depth = scene
    out = fuse(xy, world, np.zeros_like(depth))
    assert not np.any(out.source == JointSource.DEPTH)
    assert np.isnan(out.anchor_m)
    assert np.all(np.isnan(out.camera_xyz_m))


def cut_beside(depth_m: np.ndarray, xy_px: np.ndarray, gap_px: int, to_m: float) -> None:
    """The body ends ``gap_px`` to the right of the pixel ``xy_px``: farther right, over 31 rows, the
    wall at ``to_m`` (in place)."""
    x, y = np.asarray(xy_px).round().astype(int)
    depth_m[y - 15 : y + 16, x + gap_px :] = to_m


def test_a_skin_point_at_the_silhouette_does_not_take_the_skin_beside_it_for_its_depth(scene) -> None:  # type: ignore[no-untyped-def]
    """The ear seen from the front lies on the head's outline, and its window's nearest surface is the
    head's side in front of it (here the head's disc, painted at the nose's depth, 9 cm in front).
    With the wall beyond it within the window widened by the landmark noise, the ear is not DEPTH, and
    it is put no nearer than that surface. A joint centre (the elbow) as near the wall keeps its depth."""
    truth, xy, world, depth = scene
    cut_beside(depth, xy[J.LEFT_EAR], 4, 4.0)
    cut_beside(depth, xy[J.LEFT_ELBOW], 4, 4.0)
    on = fuse(xy, world, depth)
    off = fuse(xy, world, depth, silhouette_margin_px=-1)
    assert off.source[J.LEFT_EAR] == JointSource.DEPTH
    assert off.camera_xyz_m[J.LEFT_EAR, 2] < truth[J.LEFT_EAR, 2] - 0.08  # the head's front, not the ear
    assert on.source[J.LEFT_EAR] == JointSource.MONOCULAR
    assert on.camera_xyz_m[J.LEFT_EAR, 2] >= on.measured_depth_m[J.LEFT_EAR] - 1e-9
    assert on.camera_xyz_m[J.LEFT_EAR, 2] == pytest.approx(truth[J.LEFT_EAR, 2], abs=0.01)  # the skeleton's depth
    assert on.source[J.LEFT_ELBOW] == off.source[J.LEFT_ELBOW] == JointSource.DEPTH
    assert on.source[J.RIGHT_EAR] == JointSource.DEPTH  # inside the outline: as before


def test_a_skin_point_is_not_at_the_silhouette_when_the_surface_beyond_is_the_same_body(scene) -> None:  # type: ignore[no-untyped-def]
    """Beyond the gap that splits surfaces (5 cm + 1 % of the depth) only: a head's side curving away a
    few centimetres is still the skin the point lies on."""
    _, xy, world, depth = scene
    ear = xy[J.LEFT_EAR].round().astype(int)
    cut_beside(depth, xy[J.LEFT_EAR], 4, float(depth[ear[1], ear[0]]) + 0.04)
    assert fuse(xy, world, depth).source[J.LEFT_EAR] == JointSource.DEPTH
