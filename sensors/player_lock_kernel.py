"""The player lock's per-frame arithmetic, compiled with numba (see ``sensors/player_lock.py``).

A skeleton's extent (the joints used, its scale bones, its size) and the shift
and scale change between two extents: in numpy each is a dozen small-array
operations (~0.3 ms per frame in all); here one compiled call each. The loops
are the numpy formulas of :func:`sensors.player_lock.body_extent` and
:func:`sensors.player_lock.shift_and_log_scale`, step for step. Cached on disk
(``cache=True``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def extent(
    xy_px: np.ndarray, source: np.ndarray, confidence: np.ndarray, min_confidence: float, min_joints: int,
    parents: np.ndarray, children: np.ndarray,
):  # fmt: skip
    """(joints used (N, 2) NaN elsewhere, bone lengths (B,) NaN where an end is unused, size px);
    size 0 when no joint is seen."""
    n = xy_px.shape[0]
    seen = np.zeros(n, np.bool_)
    n_confident = 0
    for j in range(n):
        seen[j] = source[j] != 0 and math.isfinite(xy_px[j, 0]) and math.isfinite(xy_px[j, 1])
        if seen[j] and confidence[j] >= min_confidence:
            n_confident += 1
    use_confident = n_confident >= min_joints
    xy = np.full((n, 2), np.nan)
    n_used = 0
    for j in range(n):
        if seen[j] and (not use_confident or confidence[j] >= min_confidence):
            xy[j, 0], xy[j, 1] = xy_px[j, 0], xy_px[j, 1]
            n_used += 1
    n_bones = parents.shape[0]
    bones = np.empty(n_bones)
    sum_sq, n_seen = 0.0, 0
    for b in range(n_bones):
        dx = xy[children[b], 0] - xy[parents[b], 0]
        dy = xy[children[b], 1] - xy[parents[b], 1]
        bones[b] = math.sqrt(dx * dx + dy * dy)
        if math.isfinite(bones[b]):
            sum_sq += bones[b] * bones[b]
            n_seen += 1
    if n_used == 0:
        return xy, bones, 0.0
    if n_seen >= 3:
        size = math.sqrt(sum_sq / n_seen)
    else:  # too few bones: a quarter of the bounding box's larger side
        lo_x = lo_y = math.inf
        hi_x = hi_y = -math.inf
        for j in range(n):
            if math.isfinite(xy[j, 0]):
                lo_x, hi_x = min(lo_x, xy[j, 0]), max(hi_x, xy[j, 0])
                lo_y, hi_y = min(lo_y, xy[j, 1]), max(hi_y, xy[j, 1])
        size = max(hi_x - lo_x, hi_y - lo_y) / 4
    return xy, bones, max(size, 1.0)


@njit(cache=True, nogil=True)
def _median(v: np.ndarray) -> float:
    s = np.sort(v)
    n = s.shape[0]
    return 0.5 * (s[(n - 1) // 2] + s[n // 2])


@njit(cache=True, nogil=True)
def shift_and_log_scale(prev_xy: np.ndarray, prev_bones: np.ndarray, cur_xy: np.ndarray, cur_bones: np.ndarray):
    """(shift px: the median displacement of the joints seen in both, else of the medians;
    |ln scale change|: RMS ratio of the bones seen in both, less the two that changed most from six)."""
    n = prev_xy.shape[0]
    dx = np.empty(n)
    dy = np.empty(n)
    m = 0
    for j in range(n):
        if math.isfinite(prev_xy[j, 0]) and math.isfinite(cur_xy[j, 0]):
            dx[m] = cur_xy[j, 0] - prev_xy[j, 0]
            dy[m] = cur_xy[j, 1] - prev_xy[j, 1]
            m += 1
    if m >= 3:
        shift = math.hypot(_median(dx[:m]), _median(dy[:m]))
    else:  # the centroids (medians of the joints used)
        c = np.empty(4)
        for k, xy in enumerate((prev_xy, cur_xy)):
            ok = np.isfinite(xy[:, 0])
            c[2 * k] = _median(xy[ok, 0]) if ok.any() else math.nan
            c[2 * k + 1] = _median(xy[ok, 1]) if ok.any() else math.nan
        shift = math.hypot(c[2] - c[0], c[3] - c[1])
    nb = prev_bones.shape[0]
    p = np.empty(nb)
    q = np.empty(nb)
    k = 0
    for b in range(nb):
        if math.isfinite(prev_bones[b]) and math.isfinite(cur_bones[b]):
            p[k], q[k] = prev_bones[b], cur_bones[b]
            k += 1
    if k < 2:
        return shift, 0.0  # too few bones seen in both to judge the scale
    keep = np.ones(k, np.bool_)
    if k >= 6:  # one landmark thrown far off changes two bones: drop the two that changed most
        change = np.abs(np.log(np.maximum(q[:k], 1e-9) / np.maximum(p[:k], 1e-9)))
        order = np.argsort(change)
        keep[order[k - 1]] = keep[order[k - 2]] = False
    sp = sq = 0.0
    used = 0
    for b in range(k):
        if keep[b]:
            sp += p[b] * p[b]
            sq += q[b] * q[b]
            used += 1
    ratio = math.sqrt((sq / used) / max(sp / used, 1e-9))
    return shift, abs(math.log(max(ratio, 1e-9)))
