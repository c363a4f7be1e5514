"""The benchmark's hindsight smoothing (``benchmarks/tracking_metrics.py``): zero lag, and it
removes fast noise but not a slow error."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from tracking_metrics import centred_smooth, joint_errors, rmse, smoothed_floor_rmse


def _ramp(n: int = 300) -> np.ndarray:
    t = np.arange(n) / 30.0
    return np.stack([np.sin(2 * np.pi * 0.2 * t), np.zeros(n), np.full(n, 2.0)], axis=1)[:, None, :]


def test_centred_smoothing_keeps_a_slow_motion_in_time_and_skips_gaps() -> None:
    truth = _ramp()
    gappy = truth.copy()
    gappy[100:103] = np.nan
    out = centred_smooth(gappy, 2.0)
    # a 0.2 Hz sine through a 2-frame Gaussian: no lag, amplitude kept within 1 % (away from the
    # ends and the gap, where the window is one-sided); the gap is filled from its neighbours
    for part in (slice(10, 90), slice(113, -10)):
        assert np.abs(out[part] - truth[part]).max() < 0.01
    assert np.abs(out[100:103] - truth[100:103]).max() < 0.05


def test_floor_removes_white_noise_but_not_a_constant_bias() -> None:
    rng = np.random.default_rng(3)
    truth = _ramp()
    mask = np.ones(truth.shape[:2], bool)
    noisy = truth + rng.normal(0.0, 0.02, truth.shape)
    assert smoothed_floor_rmse(noisy, truth, mask) < 0.5 * rmse(joint_errors(noisy, truth, mask))
    biased = truth + np.array([0.03, 0.0, 0.0])
    assert abs(smoothed_floor_rmse(biased, truth, mask) - 0.03) < 1e-3


def test_a_stream_shorter_than_the_kernel_keeps_its_length() -> None:
    short = _ramp(20)
    assert centred_smooth(short, 24.0).shape == short.shape
    assert np.isfinite(smoothed_floor_rmse(short, short, np.ones(short.shape[:2], bool)))
