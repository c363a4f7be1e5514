"""Rigid groups: the head, each hand and each foot keep their shape (compiled with numba).

Measured with ``repquest bench tracking`` (tuning seed): most of the
tracker's error that is not a bias of the depth itself sits in points the
model sees poorly and that carry no depth sample -- the ears, the far eye in
a side view, the heels, the hand points -- and their noise is slow (it
wanders for several frames), so no filter over time averages it away; the
tracker and a tuned One Euro filter had the same error on them. But each of
them belongs to a rigid body whose other points are seen: the 11 face points
move with the skull, wrist + pinky / index / thumb knuckles with the hand,
ankle + heel + toe with the foot, and each point's noise is its own.

So after each update, per group and per 3D space (hip-centred world metres
and camera metres): the group's pose (rotation R, translation t) is fitted to
the members' estimates, each weighted by its precision (1 / position
variance), against a template of the group's shape learnt online; then each
member gets a pseudo-measurement, where the *other* members put it
(``R template_j + t`` with t from the others only, so a point never confirms
itself), with variance ``1 / (sum of the others' precisions) + rigid_sigma^2``
(``rigid_sigma_m``: how far the body part bends from its rigid shape), in a
Kalman update of the position shown: a poorly seen point is pulled onto the
group's shape, a well seen one barely moves. The filters themselves are left
as they are (the pull is added to what ``update`` and ``predict`` return), so
the shape never learns from its own pull. No gate: the filter's variance of
a poorly seen point understates its slow wander, and a chi-square gate (3
dof, p = 0.999) held back exactly the pulls that help (tuning seed: high
knees 0.83 -> 0.89 of One Euro's RMSE with it).

The template starts from the first frame where every member is known (R = I)
and learns from the members' estimates (before the pull: it never learns from
itself) in the group's frame: the mean of the frames so far, then a moving
window of ``1 / rigid_rate`` frames (fingers curl, the face moves a little). The rotation is found by
Gauss-Newton steps from the last frame's (two steps; a frame's rotation is
small), which needs no SVD (numba's would import scipy into every tracking
process).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from sensors.joints import Joint

_JIT = {"cache": True, "nogil": True}
J = Joint

#: the rigid groups (BlazePose indices): the head's 11 face points, each hand, each foot
GROUPS: tuple[tuple[int, ...], ...] = (
    tuple(range(11)),
    (J.LEFT_WRIST, J.LEFT_PINKY, J.LEFT_INDEX, J.LEFT_THUMB),
    (J.RIGHT_WRIST, J.RIGHT_PINKY, J.RIGHT_INDEX, J.RIGHT_THUMB),
    (J.LEFT_ANKLE, J.LEFT_HEEL, J.LEFT_FOOT_INDEX),
    (J.RIGHT_ANKLE, J.RIGHT_HEEL, J.RIGHT_FOOT_INDEX),
)
MEMBERS = np.array([j for g in GROUPS for j in g], np.int64)  #: the groups' joints, concatenated
STARTS = np.cumsum([0] + [len(g) for g in GROUPS]).astype(np.int64)  #: group g is MEMBERS[STARTS[g]:STARTS[g+1]]


class RigidState:
    """The groups' learnt shapes and last rotations, per 3D space (what :func:`project` keeps)."""

    def __init__(self, n_spaces: int) -> None:
        self.template = np.zeros((n_spaces, len(MEMBERS), 3))  #: members' offsets in the group's frame
        self.rotation = np.tile(np.eye(3), (n_spaces, len(GROUPS), 1, 1))  #: last fitted R per group
        self.ready = np.zeros((n_spaces, len(GROUPS)), np.bool_)  #: template known
        self.frames = np.zeros((n_spaces, len(GROUPS)))  #: frames the template has learnt from


@nb.njit(**_JIT)
def _solve3(a, b):  # type: ignore[no-untyped-def]
    """x with a x = b for a symmetric positive (3, 3) ``a`` (Cramer's rule); zeros if singular."""
    det = (a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
           + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]))  # fmt: skip
    x = np.zeros(3)
    if abs(det) < 1e-18:
        return x
    for k in range(3):
        m = a.copy()
        for i in range(3):
            m[i, k] = b[i]
        x[k] = (m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
                + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0])) / det  # fmt: skip
    return x


@nb.njit(**_JIT)
def _rotate(rot, w):  # type: ignore[no-untyped-def]
    """exp([w]x) rot (Rodrigues)."""
    th = math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2])
    if th < 1e-12:
        return rot
    k = w / th
    s, c = math.sin(th), math.cos(th)
    kx = np.array([[0.0, -k[2], k[1]], [k[2], 0.0, -k[0]], [-k[1], k[0], 0.0]])
    e = np.eye(3) + s * kx + (1 - c) * (kx @ kx)
    return e @ rot


@nb.njit(**_JIT)
def project(alive, est, space_starts, template, rotation, ready, frames, sigma, rate, delta):  # type: ignore[no-untyped-def]
    """Pull each group's members toward the shape the other members give them (module docstring).

    ``alive`` and ``est`` as in ``kernels.py``; ``space_starts`` the first axis of each 3D space;
    ``template`` (S, len(MEMBERS), 3), ``rotation`` (S, G, 3, 3), ``ready`` and ``frames`` (S, G) are
    updated in place; ``delta`` (J, A) receives each position's correction (zero elsewhere)."""
    p, c00 = est[0], est[2]
    delta[:] = 0.0
    for s in range(space_starts.shape[0]):
        a0 = space_starts[s]
        for g in range(STARTS.shape[0] - 1):
            lo, hi = STARTS[g], STARTS[g + 1]
            n = hi - lo
            known = np.zeros(n, np.bool_)
            n_known = 0
            for k in range(n):
                j = MEMBERS[lo + k]
                known[k] = alive[j, a0] and alive[j, a0 + 1] and alive[j, a0 + 2]
                n_known += known[k]
            if not ready[s, g]:
                if n_known == n:  # the first frame that shows the whole group: its shape, R = I
                    for i in range(3):
                        mean = 0.0
                        for k in range(n):
                            mean += p[MEMBERS[lo + k], a0 + i]
                        mean /= n
                        for k in range(n):
                            template[s, lo + k, i] = p[MEMBERS[lo + k], a0 + i] - mean
                    rotation[s, g] = np.eye(3)
                    ready[s, g] = True
                    frames[s, g] = 1.0
                continue
            if n_known < 3:
                continue
            # precisions: per axis (translation) and per joint (rotation)
            wa = np.zeros((n, 3))
            wj = np.zeros(n)
            for k in range(n):
                if known[k]:
                    j = MEMBERS[lo + k]
                    tr = 0.0
                    for i in range(3):
                        wa[k, i] = 1.0 / max(c00[j, a0 + i], 1e-12)
                        tr += c00[j, a0 + i]
                    wj[k] = 3.0 / max(tr, 1e-12)
            wsum = wj.sum()
            # rotation: Gauss-Newton from the last frame's, on the weighted-centred points
            rot = rotation[s, g].copy()
            for _ in range(2):
                q = np.zeros((n, 3))
                cq = np.zeros(3)
                cp = np.zeros(3)
                for k in range(n):
                    if known[k]:
                        q[k] = rot @ template[s, lo + k]
                        for i in range(3):
                            cq[i] += wj[k] * q[k, i] / wsum
                            cp[i] += wj[k] * p[MEMBERS[lo + k], a0 + i] / wsum
                h = np.eye(3) * 1e-9
                b = np.zeros(3)
                for k in range(n):
                    if not known[k]:
                        continue
                    qk = q[k] - cq
                    rk = np.empty(3)
                    for i in range(3):
                        rk[i] = p[MEMBERS[lo + k], a0 + i] - cp[i] - qk[i]
                    qq = qk[0] * qk[0] + qk[1] * qk[1] + qk[2] * qk[2]
                    for i in range(3):
                        for i2 in range(3):
                            h[i, i2] += wj[k] * ((qq if i == i2 else 0.0) - qk[i] * qk[i2])
                    b[0] += wj[k] * (qk[1] * rk[2] - qk[2] * rk[1])
                    b[1] += wj[k] * (qk[2] * rk[0] - qk[0] * rk[2])
                    b[2] += wj[k] * (qk[0] * rk[1] - qk[1] * rk[0])
                rot = _rotate(rot, _solve3(h, b))
            rotation[s, g] = rot
            # translation per axis, and each member's leave-one-out pseudo-measurement
            q = np.zeros((n, 3))
            wt = np.zeros(3)
            tt = np.zeros(3)
            for k in range(n):
                q[k] = rot @ template[s, lo + k]
                if known[k]:
                    for i in range(3):
                        wt[i] += wa[k, i]
                        tt[i] += wa[k, i] * (p[MEMBERS[lo + k], a0 + i] - q[k, i])
            for k in range(n):
                j = MEMBERS[lo + k]
                if not known[k]:
                    continue
                for i in range(3):  # the Kalman update of the position with z, variance r (H = [1, 0])
                    a = a0 + i
                    w_other = wt[i] - wa[k, i]
                    if w_other > 0.0:
                        z = q[k, i] + (tt[i] - wa[k, i] * (p[j, a] - q[k, i])) / w_other
                        r = 1.0 / w_other + sigma * sigma
                        delta[j, a] = c00[j, a] / (c00[j, a] + r) * (z - p[j, a])
            # the shape follows the members slowly, in the group's frame (R' (p - t))
            if rate > 0.0:
                frames[s, g] += 1.0
                gain = max(rate, 1.0 / frames[s, g])  # the mean of the frames so far, then a window of 1 / rate
                for i in range(3):
                    tt[i] = tt[i] / wt[i] if wt[i] > 0 else 0.0
                for k in range(n):
                    if known[k]:
                        j = MEMBERS[lo + k]
                        d = np.empty(3)
                        for i in range(3):
                            d[i] = p[j, a0 + i] - tt[i]
                        local = rot.T @ d
                        for i in range(3):
                            template[s, lo + k, i] += gain * (local[i] - template[s, lo + k, i])
