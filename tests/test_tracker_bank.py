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
