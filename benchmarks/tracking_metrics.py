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
