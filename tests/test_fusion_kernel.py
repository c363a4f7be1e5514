"""The compiled fusion kernels agree with the numpy formulas they replaced (random inputs)."""

from __future__ import annotations

import numpy as np

from sensors.realsense import fusion_kernel as kernel


def _depth_under_numpy(depth_m: np.ndarray, xy_px: np.ndarray, window_px: int, min_valid_fraction: float) -> np.ndarray:
    """The numpy version: every window's sorted depths split into surfaces at jumps of 5 cm + 1 % of depth."""
    h, w = depth_m.shape
    out = np.full(len(xy_px), np.nan)
    r = window_px // 2
    for i, (x, y) in enumerate(xy_px):
        if not (0 <= x < w and 0 <= y < h):
            continue
        patch = depth_m[max(int(y) - r, 0) : int(y) + r + 1, max(int(x) - r, 0) : int(x) + r + 1].ravel()
        vals = np.sort(patch[patch > 0].astype(np.float64))
        if not len(vals) or len(vals) < min_valid_fraction * patch.size:
            continue
        cuts = np.flatnonzero(np.diff(vals) > 0.05 + 0.01 * vals[0]) + 1
        surfaces = np.split(vals, cuts)
        need = max(2.0, np.ceil(min_valid_fraction * len(vals)))
        big = [s for s in surfaces if len(s) >= need]
        out[i] = np.median(big[0] if big else surfaces[0])
    return out


def test_depth_under_matches_numpy_with_holes_edges_and_borders() -> None:
    rng = np.random.default_rng(3)
    depth = np.where(rng.random((40, 50)) < 0.2, 0.0, 2.0 + 0.01 * rng.standard_normal((40, 50)))
    depth[:, 25:] += 0.6  # a depth edge down the middle
    depth[10:14, 5:9] = 1.2  # something nearer
    depth = depth.astype(np.float32)
    xy = np.concatenate([rng.uniform(-3, 53, (300, 2)), [[np.nan, 3.0], [0.0, 0.0], [49.9, 39.9]]])
    got = kernel.depth_under(depth, xy, 5, 0.3, 0.05, 0.01)
    np.testing.assert_allclose(got, _depth_under_numpy(depth, xy, 5, 0.3), equal_nan=True)
    assert np.isfinite(got).sum() > 150  # most points fall inside the image


def test_anchor_depth_is_the_weighted_median_of_the_largest_consensus() -> None:
    rng = np.random.default_rng(4)
    for _ in range(200):
        c = np.concatenate([2.5 + 0.03 * rng.standard_normal(10), rng.uniform(1.0, 4.0, 5), [np.nan]])
        w = rng.uniform(0.0, 2.0, len(c))
        ok = np.isfinite(c) & (w > 0)
        cc, ww = c[ok], w[ok]
        near = np.abs(cc[:, None] - cc[None, :]) < 0.12
        inl = near[int(np.argmax(near @ ww))]
        order = np.argsort(cc[inl])
        cum = np.cumsum(ww[inl][order])
        expected = cc[inl][order][np.searchsorted(cum, 0.5 * cum[-1])]
        assert kernel.anchor_depth(c, w, 0.12) == expected
    assert np.isnan(kernel.anchor_depth(np.array([np.nan, 2.0]), np.array([1.0, 0.0]), 0.12))


def _place(
    xyz: np.ndarray, rays: np.ndarray, vis: np.ndarray, bone: int, ratio: float,
    landmark_sigma_px: float = 0.0, f_px: float = 600.0,
) -> None:  # fmt: skip
    kernel.place_by_bones(
        xyz, rays, np.array([True, False]), np.array([False, True]), np.array([0.3, 0.3, 0.3]),
        np.array([[bone, 0, 1]]), 3, vis, 2, ratio, landmark_sigma_px, f_px,
    )  # fmt: skip


def test_place_by_bones_puts_a_hidden_child_a_bone_length_from_its_parent_on_its_ray() -> None:
    xyz = np.array([[0.0, 0.0, 2.0], [np.nan, np.nan, 2.1]])
    rays = np.array([[0.0, 0.0, 1.0], [0.1, 0.0, 1.0]])
    _place(xyz, rays, np.array([0.9, 0.9]), 2, 0.0)  # a limb bone, the root always trusted
    assert np.isclose(np.linalg.norm(xyz[1] - xyz[0]), 0.3)
    assert np.allclose(xyz[1] / xyz[1, 2], rays[1])
    assert xyz[1, 2] > 2.0  # the root nearer the prediction (2.1): behind the parent


def test_a_bone_across_the_ray_keeps_the_predicted_depth_and_one_along_it_snaps() -> None:
    """A bone near the image plane: its roots are the parent's depth +- a few cm that any error of the
    length moves by many times as much, so the prediction stays; pointing along the ray, the root wins."""
    rays = np.array([[0.0, 0.0, 1.0], [0.295 / 2.0, 0.0, 1.0]])  # the pixel ~0.29 m to the side at 2 m
    xyz = np.array([[0.0, 0.0, 2.0], [np.nan, np.nan, 2.12]])
    snap = xyz.copy()
    _place(xyz, rays, np.array([0.9, 0.9]), 2, 0.3)
    _place(snap, rays, np.array([0.9, 0.9]), 2, 0.0)
    assert abs(snap[1, 2] - 2.12) > 0.09  # the root: 2.0 + a few cm
    assert abs(xyz[1, 2] - 2.12) < 0.4 * abs(snap[1, 2] - 2.12)  # the prediction mostly stays
    rays = np.array([[0.0, 0.0, 1.0], [0.05 / 2.0, 0.0, 1.0]])  # 5 cm to the side: the bone points along the ray
    xyz = np.array([[0.0, 0.0, 2.0], [np.nan, np.nan, 2.2]])
    _place(xyz, rays, np.array([0.9, 0.9]), 2, 0.3)
    assert abs(np.linalg.norm(xyz[1] - xyz[0]) - 0.3) < 0.03


def test_a_hidden_width_end_less_visible_than_its_twin_takes_the_far_root() -> None:
    rays = np.array([[0.0, 0.0, 1.0], [0.05 / 2.0, 0.0, 1.0]])
    xyz = np.array([[0.0, 0.0, 2.0], [np.nan, np.nan, 1.9]])  # the model even guesses it in front
    _place(xyz, rays, np.array([0.9, 0.3]), 0, 0.3)  # bone 0: a width
    assert np.isclose(np.linalg.norm(xyz[1] - xyz[0]), 0.3)
    assert xyz[1, 2] > 2.25


def _walk_chain(xyz: np.ndarray, measured: np.ndarray, lengths_m: tuple[float, float]) -> np.ndarray:
    """Joints 0 - 1 - 2 along two limb bones (2 and 3; bones 0 and 1, the widths, unused); the rays
    through ``xyz``'s points; every joint not ``measured`` hidden. Returns the placed points."""
    rays = xyz / xyz[:, 2:]
    out = xyz.copy()
    kernel.place_by_bones(
        out, rays, measured, ~measured, np.array([np.nan, np.nan, *lengths_m]),
        np.array([[2, 0, 1], [3, 1, 2]]), 2, np.full(3, 0.5), 2, 0.3, 3.0, 600.0,
    )  # fmt: skip
    return out


def test_a_hidden_wrist_is_placed_from_its_measured_knuckle_not_from_its_guessed_elbow() -> None:
    """Fists pumped towards the camera: the knuckles (depth) hide the wrist, and the elbow's landmark
    lies at the silhouette's edge (no depth). The walk from the torso would reach the wrist only through
    the elbow; the knuckle, one short bone away and measured, puts it on its ray a hand's length behind
    (the model's guess 2.2 m picks the root behind the knuckle, not the one in front)."""
    truth = np.array([[0.02, 0.30, 2.20], [0.01, 0.05, 2.00], [0.0, 0.0, 1.92]])  # elbow, wrist, knuckle
    lengths = (float(np.linalg.norm(truth[1] - truth[0])), float(np.linalg.norm(truth[2] - truth[1])))
    guess = truth * np.array([[2.45 / 2.20], [2.2 / 2.0], [1.0]])  # on their rays, at the model's depths
    out = _walk_chain(guess, np.array([False, False, True]), lengths)
    assert np.linalg.norm(out[1] - truth[1]) < 0.03  # the model's guess: 0.2 m off
    assert np.allclose(out[1] / out[1, 2], truth[1] / truth[1, 2])  # on its ray


def test_a_ray_that_misses_a_measured_parents_sphere_takes_its_nearest_point() -> None:
    """The pixel lies farther from the parent than the bone is long (the length's or the pixel's
    error): from a measured parent the point of the ray nearest it, not the model's depth; from a
    parent that was itself placed (no depth) the model's depth, as an error does not carry on down the
    chain."""
    xyz = np.array([[0.0, 0.0, 2.0], [0.4, 0.0, 2.3], [0.9, 0.0, 2.45]])  # ~0.35 m apart across the image
    out = _walk_chain(xyz, np.array([True, False, False]), (0.3, 0.3))
    ray = xyz[1] / xyz[1, 2]
    nearest = ray * (ray @ xyz[0]) / (ray @ ray)
    assert np.allclose(out[1], nearest)
    assert np.isclose(out[2, 2], 2.45)  # joint 1 was placed, not measured: 2 keeps its prediction


def test_pixel_noise_across_the_ray_does_not_pull_a_far_twin_towards_its_near_one() -> None:
    """A side view: the far hip lies a width straight behind the near one, but its landmark jitters (9 px,
    an occluded joint's 3x). Any jitter moves its ray away from the near hip, and sqrt(L^2 - d^2) then
    comes out short, so uncorrected the far hip lands ~d^2 / 2L short on average; with the noise's
    variance taken off d^2 (never below 0, so not all of it) that shortfall is about halved."""
    rng = np.random.default_rng(3)
    f_px, sigma_px, width_m = 500.0, 9.0, 0.3
    near = np.array([0.0, 0.0, 2.5])
    errors: dict[str, list[float]] = {"raw": [], "corrected": []}
    for _ in range(2000):
        pixel_offset = rng.normal(0.0, sigma_px, 2)
        rays = np.array([[0.0, 0.0, 1.0], [pixel_offset[0] / f_px, pixel_offset[1] / f_px, 1.0]])
        for name, landmark_sigma in (("raw", 0.0), ("corrected", 3.0)):  # 3 px / 0.3^2, at most 3x: 9 px
            xyz = np.array([near, [np.nan, np.nan, 2.6]])
            _place(xyz, rays, np.array([0.9, 0.3]), 0, 0.3, landmark_sigma, f_px)  # bone 0: a width, the far root
            errors[name].append(xyz[1, 2] - (near[2] + width_m))
    assert np.mean(errors["raw"]) < -0.006  # (9 px x 2.5 m / 500 px)^2 x 2 / (2 x 0.3 m) ~ 0.007 m
    assert abs(np.mean(errors["corrected"])) < 0.6 * abs(np.mean(errors["raw"]))
    assert np.std(errors["corrected"]) < 2.0 * np.std(errors["raw"])  # not bought with a much wider spread


def test_two_joints_on_one_surface_the_skeleton_cannot_order_the_less_visible_one_is_hidden() -> None:
    """A side view: the far knee's pixel lands on the near knee's surface. The skeleton's own depths
    (MediaPipe's world z, ~3x noisier for an occluded joint) may put them within a few cm of each other,
    or the wrong way round by a few cm: a tie, and the less visible one is behind. Told clearly apart,
    the skeleton decides, whatever the visibilities."""
    xy = np.array([[300.0, 200.0], [304.0, 203.0]])  # near knee, far knee: 5 px apart
    measured = np.array([2.50, 2.52])  # the same surface
    vis = np.array([0.95, 0.55])
    candidates = np.array([True, True])
    same_limb = np.zeros((2, 2), np.bool_)

    def hidden(predicted: list[float], visibility: np.ndarray = vis) -> list[bool]:
        out = kernel.shared_surface(xy, measured, np.array(predicted), visibility, candidates, same_limb, 0.06, 0.07,
                                    500.0)  # fmt: skip
        return [bool(v) for v in out]

    assert hidden([2.55, 2.72]) == [False, True]  # the skeleton: far knee 17 cm behind
    assert hidden([2.55, 2.53]) == [False, True]  # within 6 cm (noise): the less visible one
    assert hidden([2.55, 2.58]) == [False, True]
    assert hidden([2.55, 2.35]) == [True, False]  # clearly in front: the skeleton decides
    assert hidden([2.55, np.nan]) == [False, True]  # no skeleton depth: the visibilities
    far = np.array([[300.0, 200.0], [380.0, 200.0]])  # 80 px apart (more than a limb's 14 px): two surfaces
    assert not kernel.shared_surface(far, measured, np.array([2.55, 2.53]), vis, candidates, same_limb, 0.06, 0.07,
                                     500.0).any()  # fmt: skip


def test_bone_lengths_are_the_median_of_depth_measured_samples_only() -> None:
    """Lengths come from DEPTH pairs (or the mirror bone's), robust to a few wrong samples; a bone never
    measured stays unknown (NaN) however the model's world landmarks place it."""
    from sensors.bones import BONES
    from sensors.joints import NUM_JOINTS, Joint
    from sensors.realsense.fusion import BoneLengthEstimate

    width = BONES.index((Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER))
    hips = BONES.index((Joint.LEFT_HIP, Joint.RIGHT_HIP))
    left_arm = BONES.index((Joint.LEFT_SHOULDER, Joint.LEFT_ELBOW))
    right_arm = BONES.index((Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW))
    est = BoneLengthEstimate(window=16, min_samples=3)
    rng = np.random.default_rng(6)
    depth = np.zeros(NUM_JOINTS, bool)
    depth[[Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_ELBOW]] = True  # hips never DEPTH
    for k in range(12):
        xyz = np.zeros((NUM_JOINTS, 3)) + [0.0, 0.0, 2.5]
        xyz[Joint.RIGHT_SHOULDER, 0] = 0.36 + 0.005 * rng.standard_normal() + (0.3 if k % 4 == 0 else 0.0)
        xyz[Joint.LEFT_ELBOW, 1] = 0.30
        xyz[Joint.RIGHT_HIP, 0] = 0.4  # a wrong hip width, but never measured by depth
        lengths = est.update(xyz, depth, np.ones(NUM_JOINTS))
        if k == 1:
            assert np.isnan(lengths[width])  # fewer than min_samples
    assert abs(lengths[width] - 0.36) < 0.01  # three of twelve samples 0.3 m too long: the median holds
    assert np.isnan(lengths[hips])
    assert np.isclose(lengths[left_arm], 0.30)
    assert np.isclose(lengths[right_arm], 0.30)
    copy = est.copy()
    est.reset()
    assert np.isnan(est.lengths_m).all()
    assert abs(copy.lengths_m[width] - 0.36) < 0.01


def test_lateral_axis_is_the_normal_of_both_limbs_planes_pointing_away() -> None:
    rng = np.random.default_rng(5)
    arm = np.column_stack([np.full(6, 0.1), rng.uniform(-1, 0, 6), rng.uniform(-0.3, 0.3, 6)])  # x = 0.1 plane
    leg = np.column_stack([np.full(6, 0.0), rng.uniform(0, 1, 6), rng.uniform(-0.3, 0.3, 6)])  # x = 0: nearer
    xyz = np.vstack([arm, leg]) + [-2.0, 0.0, 3.0]  # left of the camera: -x points away from it ...
    normal = kernel.lateral_axis(xyz, np.repeat([0, 1], 6), 4, 0.15)
    assert abs(normal[0]) > 0.999  # ... across the planes, the arm's offset from the leg's ignored
    assert normal @ xyz.mean(axis=0) > 0
    line = np.column_stack([np.zeros(8), np.linspace(0, 1, 8), np.zeros(8)]) + [0, 0, 3.0]
    assert np.isnan(kernel.lateral_axis(line, np.zeros(8, np.int64), 4, 0.15)).all()
