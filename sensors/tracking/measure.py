"""The tracker's measurement step, compiled with numba (see ``kernels.py`` for why).

``measure`` turns one frame into the bank's measurement ``z`` (J, 8),
variances ``R`` (J, 8) and use mask (J, 8): the pixel gate, manoeuvres,
re-acquisition, and the depth checks (the depth gate and the bone lengths of
``limbs.py``). ``share`` runs after the update: poorly seen joints take the
body's mode, and the pixels' speed drives the 3D axes' process noise.
``tracker.py`` documents what each rule is for; this file is the arithmetic.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from sensors.tracking.kernels import estimate
from sensors.tracking.limbs import _LEVELS, SEGMENTS

_JIT = {"cache": True, "nogil": True}
_MISSING, _DEPTH = 0, 2

#: the bone segments (parent, child, index into the calibrated lengths) in level order, parents first
SEGMENT_ORDER = np.concatenate([np.column_stack(level) for level in _LEVELS]).astype(np.int64)
assert len(SEGMENT_ORDER) == len(SEGMENTS)


@nb.njit(**_JIT)
def stretched(measured, usable, fallback, lengths, rel_tol, abs_tol, order):  # type: ignore[no-untyped-def]
    """``limbs.stretched_children``, one segment at a time in level order (the same result: a
    joint is never the parent of a segment of its own level)."""
    ok = usable.copy()
    bad = np.zeros(len(usable), np.bool_)
    for n in range(order.shape[0]):
        par, ch, k = order[n, 0], order[n, 1], order[n, 2]
        acc = 0.0
        for i in range(3):
            d = measured[ch, i] - (measured[par, i] if ok[par] else fallback[par, i])
            acc += d * d
        ref = lengths[k]
        if ok[ch] and abs(math.sqrt(acc) - ref) > rel_tol * ref + abs_tol[ch]:  # NaN: unchecked
            bad[ch] = True
            ok[ch] = False
    return bad


@nb.njit(**_JIT)
def _d2_image(image, est, j, r):  # type: ignore[no-untyped-def]
    """Mahalanobis d^2 of joint ``j``'s pixels against the prediction (NaN terms count 0)."""
    p, c00 = est[0], est[2]
    total = 0.0
    for a in range(2):
        y = image[j, a] - p[j, a]
        t = y * y / (c00[j, a] + r)
        if not np.isnan(t):
            total += t
    return total


@nb.njit(**_JIT)
def measure(image, world, xyz, confidence, fsource, conf, bank, est, single, track, lengths, order, cfg, cfg32, t_s,
            dt, fx, q, z, R, use, flags, depth_edge_var):  # type: ignore[no-untyped-def]  # fmt: skip
    """Gate the frame and fill ``z``, ``R``, ``use`` (J, 8) and ``flags`` (5, J): accepted, depth used,
    gated, depth offered, depth rejected. ``bank`` = (xp, xv, p00, p01, p11, mu, alive, keep_v,
    accel_max), ``track`` = (last_seen_s, gated_run, depth_run), ``cfg``: image_sigma_px,
    world_sigma_m, gate_chi2, snap_after_s, reacquire_frames, maneuver position variance, depth
    gate, depth_noise_k, depth floor, mono depth sigma, limb rel tol, limb abs tol; ``cfg32``
    (float32, compared with the float32 confidences): min_confidence, depth_min_confidence;
    ``depth_edge_var`` (J,): variance added to each joint's depth sample (``depth_edge_variance``)."""
    xp, xv, p00, p01, p11, mu, alive, keep_v, accel_max = bank
    last_seen, gated_run, depth_run = track
    p, c00 = est[0], est[2]
    sigma_px, sigma_w, gate, snap_after, reacquire, man_var = cfg[0], cfg[1], cfg[2], cfg[3], cfg[4], cfg[5]
    depth_gate, depth_k, depth_floor, mono_sigma, rel_tol, abs_tol_m = cfg[6], cfg[7], cfg[8], cfg[9], cfg[10], cfg[11]
    J, A = alive.shape
    accept, used_depth, gated, offered, rejected = flags[0], flags[1], flags[2], flags[3], flags[4]
    # pixels: gate before the update
    outlier = np.zeros(J, np.bool_)
    any_outlier = False
    for j in range(J):
        seen = (fsource[j] != _MISSING and confidence[j] >= cfg32[0] and np.isfinite(image[j, 0])
                and np.isfinite(image[j, 1]))  # fmt: skip
        r_px = (sigma_px / conf[j]) ** 2
        accept[j] = seen
        if seen and alive[j, 0] and _d2_image(image, est, j, r_px) > gate:
            if t_s - last_seen[j] > snap_after:  # back from behind an occluder: re-placed, velocity kept
                for a in range(A):
                    alive[j, a] = False
                    keep_v[j, a] = True
            else:
                outlier[j] = True
                any_outlier = True
    if any_outlier:  # a kick or a reversal, not a glitch: plausible once the largest acceleration is allowed
        grown = False
        for j in range(J):
            if outlier[j] and _d2_image(image, est, j, (sigma_px / conf[j]) ** 2 + man_var) <= gate:
                outlier[j] = False
                if dt > 0:
                    grown = True
                    for a in range(A):
                        var = accel_max[a] * accel_max[a]
                        for m in range(2):
                            p00[m, j, a] += q[0] * var
                            p01[m, j, a] += q[1] * var
                            p11[m, j, a] += q[2] * var
        if grown:
            estimate(xp, xv, p00, p01, p11, mu, single, est[0], est[1], est[2], est[3], est[4])
    for j in range(J):
        gated_run[j] = gated_run[j] + 1 if outlier[j] else 0
        reinit = outlier[j] and gated_run[j] >= reacquire
        if reinit:
            for a in range(A):
                alive[j, a] = False
                keep_v[j, a] = False
        accept[j] = accept[j] and (not outlier[j] or reinit)
        gated[j] = outlier[j] and not reinit
        r_px = (sigma_px / conf[j]) ** 2
        r_w = (sigma_w / conf[j]) ** 2
        world_ok = accept[j] and np.isfinite(world[j, 0]) and np.isfinite(world[j, 1]) and np.isfinite(world[j, 2])
        for a in range(2):
            z[j, a], R[j, a], use[j, a] = image[j, a], r_px, accept[j]
        for a in range(3):
            z[j, 2 + a], R[j, 2 + a], use[j, 2 + a] = world[j, a], r_w, world_ok
            z[j, 5 + a], R[j, 5 + a], use[j, 5 + a] = xyz[j, a], 1.0, False
        used_depth[j] = offered[j] = rejected[j] = False

    # depth: the camera axes
    finite = np.zeros(J, np.bool_)
    for j in range(J):
        finite[j] = (accept[j] and np.isfinite(xyz[j, 0]) and np.isfinite(xyz[j, 1]) and np.isfinite(xyz[j, 2])
                     and xyz[j, 2] > 0)  # fmt: skip
    if not finite.any():
        return
    zc = np.ones(J)
    sz_depth = np.empty(J)
    gate_fail = np.zeros(J, np.bool_)
    fallback = np.full((J, 3), np.nan)
    for j in range(J):
        offered[j] = finite[j] and fsource[j] == _DEPTH and confidence[j] >= cfg32[1]
        if finite[j]:
            zc[j] = xyz[j, 2]
        sz_depth[j] = math.sqrt((max(depth_k * zc[j] * zc[j], depth_floor) / conf[j]) ** 2 + depth_edge_var[j])
        # depth gate (1 dof on z) against the prediction
        d2z = (zc[j] - p[j, 7]) ** 2 / (c00[j, 7] + sz_depth[j] ** 2)
        gate_fail[j] = offered[j] and alive[j, 7] and d2z > depth_gate
        # a parent stands in with its prediction only while its depth is well known (std < 3 cm)
        if alive[j, 7] and c00[j, 7] < 0.03**2:
            for i in range(3):
                fallback[j, i] = p[j, 5 + i]
    abs_tol = abs_tol_m + 2 * sz_depth
    broken = stretched(xyz, offered & ~gate_fail, fallback, lengths, rel_tol, abs_tol, order)
    for j in range(J):
        held_back = gate_fail[j] and not broken[j]
        depth_run[j] = depth_run[j] + 1 if held_back else 0
        moved = held_back and depth_run[j] >= reacquire  # the body really moved: depth re-initialised
        if moved:
            for a in range(5, 8):
                alive[j, a] = False
                keep_v[j, a] = False
        used_depth[j] = offered[j] and not broken[j] and (not gate_fail[j] or moved)
        rejected[j] = offered[j] and not used_depth[j]
        # rejected depth: the joint lies on its pixel's ray at the predicted depth (a monocular guess)
        along_ray = rejected[j] and alive[j, 7]
        if along_ray:
            for i in range(3):
                z[j, 5 + i] = xyz[j, i] / xyz[j, 2] * p[j, 7]
        ok = used_depth[j] or along_ray or (finite[j] and not offered[j])
        sxy = sigma_px * zc[j] / fx / conf[j]
        sz = sz_depth[j] if used_depth[j] else mono_sigma / conf[j]
        for i in range(3):
            use[j, 5 + i] = ok
        R[j, 5], R[j, 6], R[j, 7] = sxy**2, sxy**2, sz**2


@nb.njit(**_JIT)
def share(xp, xv, p00, p01, p11, mu, alive, speed, est, single, confidence, conf, accept, mode_min32, speed_min,
          fx, groups, min_good, sums):  # type: ignore[no-untyped-def]  # fmt: skip
    """After the update: joints seen worse than ``mode_min32`` take the mean mode of the well-seen
    ones of their group (``groups`` (J,): a group index per joint) when ``min_good`` or more of the
    group are well seen, else they keep their own; the pixels' speed, in metres at the joint's
    distance, raises the 3D axes' speed (for joints seen at least ``speed_min``). ``sums`` (3, G):
    scratch for the groups' well-seen counts and mode sums."""
    J = alive.shape[0]
    if not single:
        sums[:] = 0.0
        n_good, m0, m1 = sums[0], sums[1], sums[2]
        any_poor = False
        for j in range(J):
            g = groups[j]
            if accept[j] and confidence[j] >= mode_min32:
                n_good[g] += 1.0
                m0[g] += mu[j, 0]
                m1[g] += mu[j, 1]
            elif alive[j, 0]:
                any_poor = True
        if any_poor:
            changed = False
            for j in range(J):
                g = groups[j]
                if not (accept[j] and confidence[j] >= mode_min32) and alive[j, 0] and n_good[g] >= min_good:
                    mu[j, 0], mu[j, 1] = m0[g] / n_good[g], m1[g] / n_good[g]
                    changed = True
            if changed:
                estimate(xp, xv, p00, p01, p11, mu, single, est[0], est[1], est[2], est[3], est[4])
    p = est[0]
    total, n = 0.0, 0
    for j in range(J):
        if alive[j, 7] and p[j, 7] > 0:  # (NaN compares False)
            total += p[j, 7]
            n += 1
    fill = total / n if n else 2.5
    for j in range(J):
        if conf[j] < speed_min:
            metric = 0.0
        else:
            zj = p[j, 7] if alive[j, 7] and p[j, 7] > 0 else fill
            metric = speed[j, 0] * zj / fx
        for s in range(1, speed.shape[1]):
            speed[j, s] = max(speed[j, s], metric)


#: the axes' noise classes: world x, world y, world z, depth z (-1: not learnt)
_NOISE_CLASS = np.array([-1, -1, 0, 1, 2, -1, -1, 3], np.int64)
_N_CLASSES = 4


@nb.njit(**_JIT)
def learn_noise(z, R, use, est, alive, mu, confidence, depth, min_conf32, rate, top, scale):  # type: ignore[no-untyped-def]
    """Covariance matching on held joints: for the joints seen at least ``min_conf32`` that the IMM
    holds still (still probability over 0.5), per noise class (``_NOISE_CLASS``; depth only where
    the depth sample is used), the mean of (y^2 - P) / R1 over this frame's innovations y = z - p
    (R1: the variance at scale 1) estimates the measurement noise's variance scale; ``scale`` (4,)
    follows it by ``rate``, kept within [1, ``top``]. Call before the update (``p``, ``P`` the prior)."""
    p, c00 = est[0], est[2]
    J, A = z.shape
    acc = np.zeros(_N_CLASSES)
    n = np.zeros(_N_CLASSES)
    for j in range(J):
        if confidence[j] < min_conf32 or mu[j, 0] <= 0.5:
            continue
        for a in range(A):
            k = _NOISE_CLASS[a]
            if k < 0 or not use[j, a] or not alive[j, a] or (k == 3 and not depth[j]):
                continue
            y = z[j, a] - p[j, a]
            acc[k] += (y * y - c00[j, a]) / (R[j, a] / scale[k])
            n[k] += 1.0
    for k in range(_N_CLASSES):
        if n[k] >= 4:
            s = (1.0 - rate) * scale[k] + rate * acc[k] / n[k]
            scale[k] = min(max(s, 1.0), top)


@nb.njit(**_JIT)
def prediction_velocity(v, v_lp, use, alive, k, weight, noise, out):  # type: ignore[no-untyped-def]
    """``out`` (J, 8): the velocity ``v`` times its Wiener gain s^2 / (s^2 + weight n^2) per joint and
    space (image px, world, camera), s the low-passed velocity ``v_lp``, n^2 = ``noise`` (J, 3): a
    moving average (rate ``k``) of |v - v_lp|^2 over the frames the space was measured."""
    J = v.shape[0]
    for j in range(J):
        for s in range(3):
            lo, hi = (0, 2) if s == 0 else ((2, 5) if s == 1 else (5, 8))
            measured = False
            dd = 0.0
            s2 = 0.0
            for a in range(lo, hi):
                measured |= use[j, a] and alive[j, a]
                d = v[j, a] - v_lp[j, a]
                dd += d * d
                s2 += v_lp[j, a] * v_lp[j, a]
            if measured:
                noise[j, s] += k * (dd - noise[j, s])
            gain = s2 / (s2 + weight * noise[j, s]) if s2 > 0.0 else 0.0
            for a in range(lo, hi):
                out[j, a] = v[j, a] * gain


@nb.njit(**_JIT)
def depth_edge_variance(fsource, confidence, xyz, min_conf32, rate, frames, share, scale_m, out):  # type: ignore[no-untyped-def]
    """``out`` (J,): the variance a depth sample adds when its joint gets depth from fusion only some
    of the time: ``scale_m``^2 ((1 - s) / s)^2, s the joint's share of frames with depth (``share``
    (J,): the mean over the frames so far, counted in ``frames`` (J,), then a moving average over ~1
    / ``rate`` frames) among the frames it was seen with a 3D point and a visibility of at least
    ``min_conf32`` (below it the model calls it occluded: no depth is expected).

    Why: such a joint sits at a depth edge (an ear at the head's silhouette, a heel, the edge of a
    hand), where fusion's window keeps the nearest consistent surface, so the samples that pass are
    biased, mostly towards the camera, not noisy around the joint. Measured (``bench tracking``,
    tuning seed, every stream, each joint's depth samples' mean z error, RMS over joints): depth in
    >= 97 % of the frames 7-24 mm, 50-75 % 20-27 mm, 25-50 % 26-38 mm, < 25 % 119-139 mm. Trusted as
    the camera's noise says, they set the joint's position and its bias; raw depth-lifted points and
    One Euro average them with the other frames' (anchor + world z) and are less biased."""
    for j in range(len(share)):
        seen = (fsource[j] != _MISSING and confidence[j] >= min_conf32 and np.isfinite(xyz[j, 0])
                and np.isfinite(xyz[j, 1]) and np.isfinite(xyz[j, 2]))  # fmt: skip
        if seen:
            frames[j] += 1.0
            k = max(1.0 / frames[j], rate)
            share[j] += k * ((1.0 if fsource[j] == _DEPTH else 0.0) - share[j])
        s = max(share[j], 0.02)
        out[j] = scale_m * scale_m * ((1.0 - s) / s) ** 2 if frames[j] > 0 else 0.0
