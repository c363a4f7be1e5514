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


def test_place_by_bones_puts_a_hidden_child_a_bone_length_from_its_parent_on_its_ray() -> None:
    xyz = np.array([[0.0, 0.0, 2.0], [np.nan, np.nan, 2.1]])
    rays = np.array([[0.0, 0.0, 1.0], [0.1, 0.0, 1.0]])
    kernel.place_by_bones(
        xyz, rays, np.array([True, False]), np.array([False, True]), np.array([0.3]), np.array([[0, 0, 1]]), 0
    )
    assert np.isclose(np.linalg.norm(xyz[1] - xyz[0]), 0.3)
    assert np.allclose(xyz[1] / xyz[1, 2], rays[1])


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
