"""Metrics for ``bench_tracking``: pure numpy over (T, 33, D) traces with ground truth."""

from __future__ import annotations

import numpy as np


def hold_last(trace: np.ndarray) -> np.ndarray:
    """(T, J, D) with NaN rows replaced by the last finite value (what a naive consumer shows)."""
    out = trace.copy()
    for t in range(1, len(out)):
        gap = ~np.isfinite(out[t]).all(axis=-1)
        out[t][gap] = out[t - 1][gap]
    return out


def joint_errors(est: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Euclidean errors of the (frame, joint) entries in ``mask`` (T, J) that are finite."""
    err = np.linalg.norm(est - truth, axis=-1)
    return err[mask & np.isfinite(err)]


def rmse(err: np.ndarray) -> float:
    return float(np.sqrt(np.mean(err**2))) if err.size else float("nan")


def lag_ms(est: np.ndarray, truth: np.ndarray, mask: np.ndarray, fps: float) -> float:
    """The shift s (ms) minimising the RMSE between est(t) and truth(t - s); positive = est lags.

    Truth is interpolated linearly; shifts from -100 to +200 ms in 2 ms steps."""
    t = np.arange(len(truth)) / fps
    flat = truth.reshape(len(truth), -1)
    best, best_s = np.inf, 0.0
    for s_ms in range(-100, 201, 2):
        ts = t - s_ms / 1000.0
        ok = (ts >= 0) & (ts <= t[-1])
        shifted = np.stack([np.interp(ts, t, flat[:, k]) for k in range(flat.shape[1])], axis=1)
        shifted = shifted.reshape(truth.shape)
        m = mask & ok[:, None]
        e = rmse(joint_errors(est, shifted, m))
        if e < best:
            best, best_s = e, float(s_ms)
    return best_s


def static_jitter(est: np.ndarray, mask: np.ndarray) -> float:
    """Mean over joints of the SD over time of a held joint's position: sqrt(sum of per-axis variances)."""
    sds = []
    for j in range(est.shape[1]):
        rows = est[mask[:, j], j]
        rows = rows[np.isfinite(rows).all(axis=1)]
        if len(rows) > 10:
            sds.append(float(np.sqrt(rows.var(axis=0).sum())))
    return float(np.mean(sds)) if sds else float("nan")


def dynamic_jitter(est: np.ndarray, mask: np.ndarray) -> float:
    """Mean |second difference| of a trace (unit per frame^2) over entries masked in all three frames."""
    d2 = est[2:] - 2 * est[1:-1] + est[:-2]
    m = mask[2:] & mask[1:-1] & mask[:-2]
    n = np.linalg.norm(d2, axis=-1)[m]
    n = n[np.isfinite(n)]
    return float(n.mean()) if n.size else float("nan")


def bias_rms(est: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> float:
    """The part of the RMSE that is a constant offset per joint: each joint's mean error vector over
    the (frame, joint) entries in ``mask`` that are finite, RMS over those entries (a filter cannot
    remove it; RMSE^2 = bias^2 + the rest^2)."""
    d = est - truth
    ok = mask & np.isfinite(d).all(axis=-1)
    total, n = 0.0, 0
    for j in range(d.shape[1]):
        k = int(ok[:, j].sum())
        if k:
            total += k * float(np.sum(d[ok[:, j], j].mean(axis=0) ** 2))
            n += k
    return float(np.sqrt(total / n)) if n else float("nan")


def centred_smooth(est: np.ndarray, sigma_frames: float) -> np.ndarray:
    """``est`` (T, ...) smoothed along time by a centred (zero-lag, non-causal) Gaussian of
    ``sigma_frames``, renormalised over the finite samples near each frame (NaN where none)."""
    radius = int(np.ceil(3 * sigma_frames))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma_frames) ** 2)
    finite = np.isfinite(est)
    values = np.where(finite, est, 0.0)
    flat_v = values.reshape(len(est), -1)
    flat_w = finite.reshape(len(est), -1).astype(float)
    window = slice(radius, radius + len(est))  # ("same" would return the kernel's length if longer)
    num = np.stack([np.convolve(col, kernel)[window] for col in flat_v.T], axis=1)
    den = np.stack([np.convolve(col, kernel)[window] for col in flat_w.T], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 1e-9, num / den, np.nan)
    return out.reshape(est.shape)


SMOOTH_SIGMAS_FRAMES = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0)


def smoothed_floor_rmse(est: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> float:
    """The RMSE of ``est`` after the best centred Gaussian smoothing, its width chosen *on the
    truth* (``SMOOTH_SIGMAS_FRAMES``, or none): what filtering ``est`` any further could still
    remove, with hindsight and no lag. A causal filter of the same estimate cannot do better; the
    rest is slow error (bias, wander) that only better measurements remove."""
    best = rmse(joint_errors(est, truth, mask))
    for sigma in SMOOTH_SIGMAS_FRAMES:
        best = min(best, rmse(joint_errors(centred_smooth(est, sigma), truth, mask)))
    return best
