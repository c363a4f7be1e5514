"""The vectorised IMM bank does filterpy's IMMEstimator algebra, and its modes mean what they say."""

from __future__ import annotations

import numpy as np
from filterpy.kalman import IMMEstimator, KalmanFilter

from sensors.tracking.bank import MOVING, KalmanBank, MotionNoise

DT = 1 / 30


def _filterpy_imm(
    accel: float, drift: float, r: float, z0: float, p0: np.ndarray, mu0: np.ndarray, t: np.ndarray
) -> IMMEstimator:
    """filterpy's IMM with the bank's two models: still (F = [[1, 0], [0, 0]]) and constant velocity."""
    still, moving = KalmanFilter(dim_x=2, dim_z=1), KalmanFilter(dim_x=2, dim_z=1)
    still.F = np.array([[1.0, 0.0], [0.0, 0.0]])
    still.Q = np.diag([(drift * DT) ** 2, drift**2])
    moving.F = np.array([[1.0, DT], [0.0, 1.0]])
    moving.Q = accel**2 * np.array([[DT**4 / 4, DT**3 / 2], [DT**3 / 2, DT**2]])
    for kf in (still, moving):
        kf.H = np.array([[1.0, 0.0]])
        kf.R = np.array([[r]])
        kf.x = np.array([[z0], [0.0]])
        kf.P = p0.copy()
    return IMMEstimator([still, moving], mu0, t)


def test_bank_matches_filterpy_imm_estimator() -> None:
    accel, drift, r = 300.0, 2.0, 4.0
    t = np.array([[0.95, 0.05], [0.1, 0.9]])
    bank = KalmanBank(
        1, ((1, MotionNoise(accel_min=accel, accel_per_speed=0.0, accel_max=accel, still_drift=drift)),), t
    )
    rng = np.random.default_rng(0)
    # still, then a ramp, then still again: both models get their turn
    truth = np.concatenate([np.zeros(20), np.linspace(0, 60, 20), np.full(20, 60.0)])
    zs = truth + rng.normal(0, 2, len(truth))
    use = np.ones((1, 1), bool)
    bank.update(np.array([[zs[0]]]), np.array([[r]]), use, 0.0)
    p0 = np.array([[bank.p00[0, 0, 0], 0.0], [0.0, bank.p11[0, 0, 0]]])
    imm = _filterpy_imm(accel, drift, r, zs[0], p0, bank.mu[0].copy(), t)
    for z in zs[1:]:
        bank.predict(DT)
        imm.predict()
        bank.update(np.array([[z]]), np.array([[r]]), use, DT)
        imm.update(np.array([[z]]))
        for k, kf in enumerate(imm.filters):
            assert np.allclose([bank.xp[k, 0, 0], bank.xv[k, 0, 0]], kf.x.ravel())
            assert np.allclose([[bank.p00[k, 0, 0], bank.p01[k, 0, 0]], [bank.p01[k, 0, 0], bank.p11[k, 0, 0]]], kf.P)
        assert np.allclose(bank.mu[0], imm.mu)
        assert np.allclose([bank.p[0, 0], bank.v[0, 0]], imm.x.ravel())
        assert np.allclose([[bank.c00[0, 0], bank.c01[0, 0]], [bank.c01[0, 0], bank.c11[0, 0]]], imm.P)


def test_a_held_joint_is_still_and_a_swinging_one_is_moving() -> None:
    """The mode probabilities: a held joint (noise only) is judged still, one swinging at
    1.5 Hz over 100 px is judged moving, from the same noise model."""
    noise = MotionNoise(accel_min=10.0, accel_per_speed=25.0, accel_max=8000.0, still_drift=3.0)
    bank = KalmanBank(2, ((2, noise),), np.array([[0.99, 0.01], [0.05, 0.95]]))  # the tracker's defaults
    rng = np.random.default_rng(4)
    r = np.full((2, 2), 9.0)
    use = np.ones((2, 2), bool)
    moving = []
    for i in range(90):
        swing = 50.0 * np.sin(2 * np.pi * 1.5 * i * DT)
        z = np.array([[100.0, 100.0], [300.0 + swing, 100.0]]) + rng.normal(0, 3, (2, 2))
        bank.predict(DT if i else 0.0)
        bank.update(z, r, use, DT if i else 0.0)
        if i >= 30:
            moving.append(bank.mu[:, MOVING].copy())
    held, swinging = np.mean(moving, axis=0)
    assert held < 0.2
    assert swinging > 0.7


def test_moving_only_bank_matches_filterpy_kalman_filters_with_gaps() -> None:
    """The moving-only bank (the tracker's default) is one filterpy ``KalmanFilter`` per entry:
    several joints and axes, entries skipped on some frames (predict only), a late first sight,
    speed-adaptive process noise recomputed from the bank's own speeds."""
    noise = MotionNoise(accel_min=10.0, accel_per_speed=25.0, accel_max=8000.0, speed_tau_s=0.15)
    bank = KalmanBank(3, ((2, noise),), np.array([[0.0, 1.0], [0.0, 1.0]]))
    assert bank.single
    rng = np.random.default_rng(7)
    r = 9.0
    filters: dict[tuple[int, int], KalmanFilter] = {}
    for i in range(60):
        dt = DT if i else 0.0
        t = i * DT
        z = np.array([[100 + 80 * t, 50.0], [200 + 40 * np.sin(6 * t), 80 - 30 * t], [300.0, 300 + 90 * t]])
        z = z + rng.normal(0, 3, z.shape)
        use = rng.random((3, 2)) > 0.2
        use[2] &= i >= 10  # joint 2 is first seen at frame 10
        sigma = bank.sigma_a()  # the noise the bank's predict uses
        bank.predict(dt)
        bank.update(z, np.full((3, 2), r), use, dt)
        for (j, a), kf in filters.items():  # filterpy: predict every frame, update when used
            kf.F = np.array([[1.0, dt], [0.0, 1.0]])
            kf.Q = sigma[j, a] ** 2 * np.array([[dt**4 / 4, dt**3 / 2], [dt**3 / 2, dt**2]])
            kf.predict()
            if use[j, a]:
                kf.update(np.array([[z[j, a]]]))
        for j, a in zip(*np.nonzero(use), strict=True):
            if (int(j), int(a)) in filters:
                continue
            kf = KalmanFilter(dim_x=2, dim_z=1)  # first sight: position measured, velocity 0 (a loose prior)
            kf.H, kf.R = np.array([[1.0, 0.0]]), np.array([[r]])
            kf.x = np.array([[z[j, a]], [0.0]])
            kf.P = np.diag([r, (0.5 * noise.accel_max) ** 2 * 0.1])
            filters[(int(j), int(a))] = kf
        for (j, a), kf in filters.items():
            assert np.allclose([bank.p[j, a], bank.v[j, a]], kf.x.ravel(), rtol=1e-9, atol=1e-9)
            assert np.allclose([[bank.c00[j, a], bank.c01[j, a]], [bank.c01[j, a], bank.c11[j, a]]], kf.P, rtol=1e-9)
    assert len(filters) == 6


def test_compiled_swap_costs_and_bone_checks_match_the_numpy_definitions() -> None:
    """``kernels.swap_costs`` is ``swap.fit_costs`` and ``measure.stretched`` is
    ``limbs.stretched_children``, on random skeletons with unknown entries."""
    from sensors.tracking import kernels, measure
    from sensors.tracking.limbs import SEGMENTS, segment_lengths_m, stretched_children
    from sensors.tracking.swap import _CANDIDATES, _SIDED, fit_costs

    rng = np.random.default_rng(3)
    broken = 0
    for trial in range(20):
        spaces = [rng.normal(0, 1, (33, n)) for n in (2, 3, 3)]
        spaces[trial % 3][rng.random(33) < 0.2] = np.nan
        alive = np.ones((33, 8), bool)
        alive[rng.random(33) < 0.2] = False
        p, v = rng.normal(0, 1, (33, 8)), rng.normal(0, 1, (33, 8))
        c00, c01, c11 = rng.uniform(0.1, 1, (33, 8)), rng.uniform(-0.05, 0.05, (33, 8)), rng.uniform(0.1, 1, (33, 8))
        r = rng.uniform(0.1, 1, (33, 3))
        dt = 1 / 30
        predicted, variances = [], []
        for k, axes in enumerate((slice(0, 2), slice(2, 5), slice(5, 8))):
            predicted.append(np.where(alive[:, axes.start, None], p[:, axes] + dt * v[:, axes], np.nan))
            variances.append(c00[:, axes] + 2 * dt * c01[:, axes] + dt * dt * c11[:, axes] + r[:, k, None])
        expected = fit_costs(spaces, predicted, variances, _CANDIDATES)
        got = kernels.swap_costs(tuple(spaces), alive, (p, v, c00, c01, c11), dt, _SIDED, r, _CANDIDATES)
        assert np.allclose(got, expected, rtol=1e-12)

        skeleton = rng.normal(0, 0.3, (33, 3)) + [0, 0, 2.5]
        lengths = segment_lengths_m(skeleton) * rng.uniform(0.85, 1.15, len(SEGMENTS))
        lengths[rng.random(len(SEGMENTS)) < 0.2] = np.nan
        usable = rng.random(33) > 0.2
        fallback = np.where(rng.random((33, 1)) > 0.3, skeleton + rng.normal(0, 0.05, (33, 3)), np.nan)
        tol = rng.uniform(0.0, 0.05, 33)
        expected_bad = stretched_children(skeleton, usable, fallback, lengths, 0.1, tol)
        got_bad = measure.stretched(skeleton, usable, fallback, lengths, 0.1, tol, measure.SEGMENT_ORDER)
        assert np.array_equal(got_bad, expected_bad)
        broken += int(expected_bad.sum())
    assert 0 < broken < 20 * len(SEGMENTS)  # some bones break, not all
