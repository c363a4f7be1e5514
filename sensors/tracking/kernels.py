"""The tracker's per-frame arithmetic, compiled with numba (the same equations as ``bank.py`` states).

Why compiled: a frame is 33 joints x 8 axes x 2 models of scalar Kalman
algebra; written with numpy on (33, 8) arrays it took ~250 numpy calls of
~1-3 us each, 1.8-2.9 ms per frame against a budget of 1 ms for the whole
pipeline. The same arithmetic as scalar loops, compiled, takes a few
microseconds; what is left is the Python around it (``repquest bench
tracking`` reports both, next to One Euro's cost in the same run).

Every function here is written out for the bank's layout (see ``bank.py``):
models M = (still, moving), positions/velocities ``(M, J, A)``, covariance
entries ``p00, p01, p11`` ``(M, J, A)``, mode probabilities ``mu`` ``(J, M)``,
the combined estimate ``p, v, c00, c01, c11`` ``(J, A)``. They change their
arguments in place and allocate little. ``fastmath`` is off: the numbers are
numpy's (``tests/test_tracker_bank.py`` checks them against filterpy's
``IMMEstimator``). ``cache=True`` keeps the machine code on disk
(``__pycache__``), so only the first run on a machine compiles;
``nogil=True`` lets the game thread run while a frame is filtered on another
thread. ``warm_up`` (run by the first ``PoseTracker``) loads or compiles them
before the first frame arrives.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

_JIT = {"cache": True, "nogil": True}
_STILL, _MOVING = 0, 1


@nb.njit(**_JIT)
def estimate(xp, xv, p00, p01, p11, mu, single, p, v, c00, c01, c11):  # type: ignore[no-untyped-def]
    """x = sum_k mu_k x_k; P = sum_k mu_k (P_k + (x_k - x)(x_k - x)')  (single: the moving model's)."""
    J, A = p.shape
    for j in range(J):
        w0, w1 = mu[j, 0], mu[j, 1]
        for a in range(A):
            if single:
                p[j, a], v[j, a] = xp[1, j, a], xv[1, j, a]
                c00[j, a], c01[j, a], c11[j, a] = p00[1, j, a], p01[1, j, a], p11[1, j, a]
                continue
            pp = w0 * xp[0, j, a] + w1 * xp[1, j, a]
            vv = w0 * xv[0, j, a] + w1 * xv[1, j, a]
            dp0, dp1 = xp[0, j, a] - pp, xp[1, j, a] - pp
            dv0, dv1 = xv[0, j, a] - vv, xv[1, j, a] - vv
            p[j, a], v[j, a] = pp, vv
            c00[j, a] = w0 * (p00[0, j, a] + dp0 * dp0) + w1 * (p00[1, j, a] + dp1 * dp1)
            c01[j, a] = w0 * (p01[0, j, a] + dp0 * dv0) + w1 * (p01[1, j, a] + dp1 * dv1)
            c11[j, a] = w0 * (p11[0, j, a] + dv0 * dv0) + w1 * (p11[1, j, a] + dv1 * dv1)


@nb.njit(**_JIT)
def predict(xp, xv, p00, p01, p11, mu, T, single, dt, q, speed, space_of_axis, noise, est):  # type: ignore[no-untyped-def]
    """IMM mixing (unless ``single``), then each model's x = F x, P = F P F' + Q, in place.

    ``q`` = (q00, q01, q11) of the unit white-noise Q for ``dt``; ``noise`` (5, A) per axis:
    accel_min, accel_per_speed, accel_max, speed deadband, still drift; then the combined ``est``."""
    J, A = xp.shape[1], xp.shape[2]
    q00, q01, q11 = q[0], q[1], q[2]
    o00 = o01 = o10 = o11 = 0.0
    for j in range(J):
        if not single:  # cbar = mu T, omega_ik = T_ik mu_i / cbar_k; mu becomes cbar
            m0, m1 = mu[j, 0], mu[j, 1]
            cb0 = max(m0 * T[0, 0] + m1 * T[1, 0], 1e-300)
            cb1 = max(m0 * T[0, 1] + m1 * T[1, 1], 1e-300)
            o00, o10 = T[0, 0] * m0 / cb0, T[1, 0] * m1 / cb0
            o01, o11 = T[0, 1] * m0 / cb1, T[1, 1] * m1 / cb1
            mu[j, 0], mu[j, 1] = cb0, cb1
        for a in range(A):
            # moving model's acceleration std: min(accel_min + accel_per_speed * max(speed - deadband, 0), max)
            s = speed[j, space_of_axis[a]] - noise[3, a]
            if s < 0.0:
                s = 0.0
            sig = noise[0, a] + noise[1, a] * s
            if sig > noise[2, a]:
                sig = noise[2, a]
            var = sig * sig
            if single:
                mp, mv, m00, m01, m11 = xp[1, j, a], xv[1, j, a], p00[1, j, a], p01[1, j, a], p11[1, j, a]
            else:  # x0_k = sum_i omega_ik x_i, P0_k = sum_i omega_ik (P_i + (x_i - x0_k)(x_i - x0_k)')
                x0, x1, v0, v1 = xp[0, j, a], xp[1, j, a], xv[0, j, a], xv[1, j, a]
                sp = o00 * x0 + o10 * x1
                mp = o01 * x0 + o11 * x1
                mv = o01 * v0 + o11 * v1
                a0, a1 = x0 - sp, x1 - sp
                s00 = o00 * (p00[0, j, a] + a0 * a0) + o10 * (p00[1, j, a] + a1 * a1)
                a0, a1, b0, b1 = x0 - mp, x1 - mp, v0 - mv, v1 - mv
                m00 = o01 * (p00[0, j, a] + a0 * a0) + o11 * (p00[1, j, a] + a1 * a1)
                m01 = o01 * (p01[0, j, a] + a0 * b0) + o11 * (p01[1, j, a] + a1 * b1)
                m11 = o01 * (p11[0, j, a] + b0 * b0) + o11 * (p11[1, j, a] + b1 * b1)
                # still: F = [[1, 0], [0, 0]], Q = diag((d dt)^2, d^2)
                d2 = noise[4, a] * noise[4, a]
                xp[0, j, a], xv[0, j, a] = sp, 0.0
                p00[0, j, a] = s00 + d2 * dt * dt
                p01[0, j, a] = 0.0
                p11[0, j, a] = d2
            # moving: F = [[1, dt], [0, 1]], Q = q * sigma_a^2
            xp[1, j, a] = mp + dt * mv
            xv[1, j, a] = mv
            p00[1, j, a] = m00 + 2 * dt * m01 + dt * dt * m11 + q00 * var
            p01[1, j, a] = m01 + dt * m11 + q01 * var
            p11[1, j, a] = m11 + q11 * var
    estimate(xp, xv, p00, p01, p11, mu, single, est[0], est[1], est[2], est[3], est[4])


@nb.njit(**_JIT)
def update(xp, xv, p00, p01, p11, mu, alive, keep_v, v_lp, speed, est, z, R, use, dt, single, mu0, accel_max, tau_axis,
           space_start, mode_axis):  # type: ignore[no-untyped-def]  # fmt: skip
    """First sight initialises, the rest get y = z - H x, S = H P H' + R, K = P H' / S, x += K y,
    P = (I - K H) P per model, the mode probabilities times each model's likelihood (over the axes
    ``mode_axis`` (A,) marks); then the combined estimate ``est`` = (p, v, c00, c01, c11) and the
    velocity low-pass and speeds."""
    p, v, c00, c01, c11 = est
    J, A = z.shape
    any_upd = False
    upd = np.zeros((J, A), np.bool_)
    for j in range(J):
        joint_alive = False
        joint_fresh = False
        for a in range(A):
            joint_alive |= alive[j, a]
        for a in range(A):
            if not use[j, a]:
                continue
            if alive[j, a]:
                upd[j, a] = True
                any_upd = True
                continue
            # first sight: position measured, velocity unknown (a loose prior)
            joint_fresh = True
            vel = v[j, a] if keep_v[j, a] else 0.0
            half = 0.5 * accel_max[a]
            for m in range(2):
                xp[m, j, a], xv[m, j, a] = z[j, a], vel
                p00[m, j, a], p01[m, j, a], p11[m, j, a] = R[j, a], 0.0, half * half * 0.1
            v_lp[j, a] = 0.0
            alive[j, a] = True
            keep_v[j, a] = False
        if joint_fresh and not joint_alive:
            mu[j, 0], mu[j, 1] = mu0[0], mu0[1]
    if any_upd:
        m_first = 1 if single else 0
        for j in range(J):
            ll0 = 0.0
            ll1 = 0.0
            for m in range(m_first, 2):
                for a in range(A):
                    if not upd[j, a]:
                        continue
                    y = z[j, a] - xp[m, j, a]  # y = z - H x
                    S = p00[m, j, a] + R[j, a]  # S = H P H' + R
                    K0 = p00[m, j, a] / S  # K = P H' S^-1
                    K1 = p01[m, j, a] / S
                    if mode_axis[a]:
                        if m == 0:
                            ll0 += y * y / S + math.log(S)
                        else:
                            ll1 += y * y / S + math.log(S)
                    xp[m, j, a] += K0 * y  # x = x + K y
                    xv[m, j, a] += K1 * y
                    p11[m, j, a] = p11[m, j, a] - K1 * p01[m, j, a]  # P = (I - K H) P
                    p01[m, j, a] = (1 - K0) * p01[m, j, a]
                    p00[m, j, a] = (1 - K0) * p00[m, j, a]
            if not single:  # mu_k = cbar_k L_k / sum (log N(y; 0, S) over the used axes, 2 pi cancels)
                ll0, ll1 = -0.5 * ll0, -0.5 * ll1
                top = max(ll0, ll1)
                u0, u1 = mu[j, 0] * math.exp(ll0 - top), mu[j, 1] * math.exp(ll1 - top)
                mu[j, 0], mu[j, 1] = u0 / (u0 + u1), u1 / (u0 + u1)
    estimate(xp, xv, p00, p01, p11, mu, single, p, v, c00, c01, c11)
    if dt > 0:  # velocity low-pass (coasting joints keep theirs); noise averages out, motion stays
        for j in range(J):
            for a in range(A):
                if use[j, a]:
                    k = dt / (tau_axis[a] + dt)
                    v_lp[j, a] = v_lp[j, a] + k * (v[j, a] - v_lp[j, a])
            for s in range(len(space_start) - 1):
                acc = 0.0
                for a in range(space_start[s], space_start[s + 1]):
                    acc += v_lp[j, a] * v_lp[j, a]
                speed[j, s] = math.sqrt(acc)


@nb.njit(**_JIT)
def noise_weight(confidence, min_confidence, power, max_noise_scale):  # type: ignore[no-untyped-def]
    """(J,) divisor of the measurement stds: clip(confidence, min, 1) ** power, at least 1 / max scale."""
    out = np.empty(len(confidence))
    for j in range(len(confidence)):
        w = min(max(np.float64(confidence[j]), min_confidence), 1.0) ** power
        out[j] = max(w, 1.0 / max_noise_scale)
    return out


@nb.njit(**_JIT)
def swap_costs(spaces, alive, est, dt, sided, r_scale, perms):  # type: ignore[no-untyped-def]
    """``swap.fit_costs`` against the prediction ``dt`` ahead: for each relabelling ``perms[k]``,
    the sum over sided joints of min(d2, 50) (unknown entries count nothing); ``spaces`` =
    (image, world, camera) measurements and ``r_scale`` (J, 3) their variances."""
    p, v, c00, c01, c11 = est
    out = np.zeros(perms.shape[0])
    start = 0
    for k in range(3):
        zk = spaces[k]
        for s in sided:
            if not alive[s, start]:
                continue  # no prediction: counts nothing
            for i in range(zk.shape[1]):
                a = start + i
                pred = p[s, a] + dt * v[s, a]
                var = c00[s, a] + 2 * dt * c01[s, a] + dt * dt * c11[s, a] + r_scale[s, k]
                for n in range(perms.shape[0]):
                    d = zk[perms[n, s], i] - pred
                    d2 = d * d / var
                    if np.isfinite(d2):
                        out[n] += min(d2, 50.0)
        start += zk.shape[1]
    return out


@nb.njit(**_JIT)
def compose(alive, last_seen_s, t_s, dt, max_coast_s, measured, depth, frame_source, frame_conf, est, sigma_px,
            img, world, cam, conf, source):  # type: ignore[no-untyped-def]  # fmt: skip
    """The output pose ``dt`` past the last update into ``img`` (J, 2), ``world``/``cam`` (J, 3),
    ``conf`` (J,) float32, ``source`` (J,) uint8; returns whether any joint is alive."""
    p, v, c00, c01, c11 = est
    any_alive = False
    for j in range(alive.shape[0]):
        ok = alive[j, 0] and (t_s - last_seen_s[j]) <= max_coast_s
        any_alive |= ok
        if not ok:
            source[j], conf[j] = 0, 0.0  # MISSING
        elif measured[j]:
            source[j] = 3 if frame_source[j] == 3 else (2 if depth[j] else 1)  # PREDICTED / DEPTH / MONOCULAR
            conf[j] = frame_conf[j]
        else:  # coasting: confidence decays as the position std grows
            source[j] = 3
            var = max(c00[j, 0] + 2 * dt * c01[j, 0] + dt * dt * c11[j, 0],
                      c00[j, 1] + 2 * dt * c01[j, 1] + dt * dt * c11[j, 1])  # fmt: skip
            conf[j] = 0.5 * min(max(sigma_px / math.sqrt(var + 1e-9), 0.0), 1.0)
        for a in range(8):
            x = p[j, a] + dt * v[j, a] if ok and alive[j, a] else np.nan
            if a < 2:
                img[j, a] = x
            elif a < 5:
                world[j, a - 2] = x
            else:
                cam[j, a - 5] = x
    return any_alive
