"""Rigid groups: the head, each hand and each foot keep their shape (compiled with numba).

Measured with ``repquest bench tracking`` (tuning seed): most of the
tracker's error that is not a bias of the depth itself sits in points the
model sees poorly and that carry no depth sample -- the ears, the far eye in
a side view, the heels, the hand points -- and their noise is slow (it
wanders for several frames), so no filter over time averages it away; the
tracker and a tuned One Euro filter had the same error on them. But each of
them belongs to a rigid body whose other points are seen: the 11 face points
move with the skull, wrist + pinky / index / thumb knuckles with the hand,
ankle + heel + toe with the foot, shoulders and hips (nearly) with the trunk,
and each point's noise is its own.

So after each update, per group and per 3D space (hip-centred world metres
and camera metres): the group's pose (rotation R, translation t) is fitted to
the members' estimates, each weighted by its precision (1 / position
variance), against a template of the group's shape learnt online; then each
member gets a pseudo-measurement, where the *other* members put it
(``R template_j + t`` with t from the others only, so a point never confirms
itself), with variance ``1 / (sum of the others' precisions) + bend^2``
(``rigid_sigma_m`` x ``BEND``: how far the body part bends from its rigid shape), in a
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
small), which needs no SVD, under a prior that the group turned little since
the last frame: std (``rigid_turn_rad_s`` + its members' mean speed /
``rigid_swing_radius_m``) x dt, :func:`turn_prior` (a hand at the end of a
swinging arm turns with it). Without the prior, a turn that only one poorly
seen member shows -- the foot's turn about its ankle-toe line, which only the
heel shows -- was fitted to that member's noise, so the pull handed the member
its own error back. Tuning seed 101, 3 rad/s and no swing term: squat at 3 m,
heels 92 -> 52 mm MPJPE, tracker RMSE / One Euro's 0.69 -> 0.57, high knees
0.73 -> 0.63 (2-5 rad/s all within 0.01 of that), but a jumping jack's hands
6-9 mm worse (eval seeds 1-2); the swing term (0.5 m; 0.3-0.6 alike) took that
back. The kernel is scalar loops over scratch arrays
allocated once per call (with numba's ``@`` on 3x3 matrices and arrays made in
the loops it took ~240 us a frame; now ~20-30 us).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from sensors.joints import Joint

_JIT = {"cache": True, "nogil": True}
J = Joint

#: the rigid groups (BlazePose indices): the head's 11 face points, each hand, each foot, the trunk
#: (shoulders and hips: the far side's, hidden in a side view or behind the knees in a deep squat, follow
#: the near side's; tuning seed: squat at 3 m 0.72 -> 0.69 of One Euro's RMSE, curl 0.83 -> 0.81)
GROUPS: tuple[tuple[int, ...], ...] = (
    tuple(range(11)),
    (J.LEFT_WRIST, J.LEFT_PINKY, J.LEFT_INDEX, J.LEFT_THUMB),
    (J.RIGHT_WRIST, J.RIGHT_PINKY, J.RIGHT_INDEX, J.RIGHT_THUMB),
    (J.LEFT_ANKLE, J.LEFT_HEEL, J.LEFT_FOOT_INDEX),
    (J.RIGHT_ANKLE, J.RIGHT_HEEL, J.RIGHT_FOOT_INDEX),
    (J.LEFT_SHOULDER, J.RIGHT_SHOULDER, J.LEFT_HIP, J.RIGHT_HIP),
)
#: each group's bend std in units of ``rigid_sigma_m`` (0.5 cm by default): the trunk bends at the spine
#: (a crunch, a shrug: a few cm; 3 cm at the default) where a skull, a palm's knuckles or a foot do not.
#: The trunk's is set for the exercises the bench lacks (on its streams x2 or x4 changed the RMSE by under
#: 1 %); the others were 1 cm until the turn prior: with the rotation held, 0.5 cm gains on every stream
#: (tuning seeds 101-106, RMSE / One Euro's: raise 0.760 -> 0.729, push-up 0.737 -> 0.730, squat 3 m
#: 0.574 -> 0.569; 0.25 cm a little more, but the avatar's parts are exactly rigid and a person's are not
#: quite)
BEND = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 6.0])
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
def turn_prior(turn_rad_s: float, dt_s: float) -> float:
    """The precision (1 / rad^2) of a group's turn over ``dt_s``: a turn of std ``turn_rad_s * dt_s``; 0
    (no prior) for ``turn_rad_s`` 0 or a frame without time between (the fit alone decides)."""
    step_rad = turn_rad_s * dt_s
    return 1.0 / (step_rad * step_rad) if step_rad > 0 else 0.0


@nb.njit(**_JIT)
def _det3(m):  # type: ignore[no-untyped-def]
    return (m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
            + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]))  # fmt: skip


@nb.njit(**_JIT)
def _solve3(a, b, x, work):  # type: ignore[no-untyped-def]
    """x with a x = b for a (3, 3) ``a`` (Cramer's rule); zeros if singular. ``work``: (3, 3) scratch."""
    det = _det3(a)
    for k in range(3):
        x[k] = 0.0
    if abs(det) < 1e-18:
        return
    for k in range(3):
        for i in range(3):
            for i2 in range(3):
                work[i, i2] = b[i] if i2 == k else a[i, i2]
        x[k] = _det3(work) / det


@nb.njit(**_JIT)
def _rotate(rot, w, work):  # type: ignore[no-untyped-def]
    """rot <- exp([w]x) rot (Rodrigues), in place; ``work``: (2, 3, 3) scratch."""
    th = math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2])
    if th < 1e-12:
        return
    kx, e = work[0], work[1]
    k0, k1, k2 = w[0] / th, w[1] / th, w[2] / th
    kx[0, 0], kx[0, 1], kx[0, 2] = 0.0, -k2, k1
    kx[1, 0], kx[1, 1], kx[1, 2] = k2, 0.0, -k0
    kx[2, 0], kx[2, 1], kx[2, 2] = -k1, k0, 0.0
    s, c = math.sin(th), math.cos(th)
    for i in range(3):
        for i2 in range(3):
            kk = 0.0
            for m in range(3):
                kk += kx[i, m] * kx[m, i2]
            e[i, i2] = (1.0 if i == i2 else 0.0) + s * kx[i, i2] + (1 - c) * kk
    for i2 in range(3):  # rot = e rot, a column at a time
        c0, c1, c2 = rot[0, i2], rot[1, i2], rot[2, i2]
        for i in range(3):
            rot[i, i2] = e[i, 0] * c0 + e[i, 1] * c1 + e[i, 2] * c2


@nb.njit(**_JIT)
def project(alive, est, space_starts, template, rotation, ready, frames, sigma, rate, turn_rad_s, swing_m, dt_s, delta):  # type: ignore[no-untyped-def]
    """Pull each group's members toward the shape the other members give them (module docstring).

    ``alive`` and ``est`` as in ``kernels.py``; ``space_starts`` the first axis of each 3D space;
    ``template`` (S, len(MEMBERS), 3), ``rotation`` (S, G, 3, 3), ``ready`` and ``frames`` (S, G) are
    updated in place; ``turn_rad_s`` how fast a still group turns (std) and ``swing_m`` the radius a
    moving one swings at (its turn's std grows by its speed / ``swing_m``), ``dt_s`` the time since the
    last frame: the prior on the turn (:func:`turn_prior`); ``delta`` (J, A) receives each position's
    correction (zero elsewhere)."""
    p, v, c00 = est[0], est[1], est[2]
    delta[:] = 0.0
    nmax = 0
    for g in range(STARTS.shape[0] - 1):
        nmax = max(nmax, STARTS[g + 1] - STARTS[g])
    known = np.zeros(nmax, np.bool_)
    wa = np.zeros((nmax, 3))
    wj = np.zeros(nmax)
    q = np.zeros((nmax, 3))
    h = np.zeros((3, 3))
    b = np.zeros(3)
    omega = np.zeros(3)
    turned = np.zeros(3)
    work = np.zeros((2, 3, 3))
    cq = np.zeros(3)
    cp = np.zeros(3)
    wt = np.zeros(3)
    tt = np.zeros(3)
    for s in range(space_starts.shape[0]):
        a0 = space_starts[s]
        for g in range(STARTS.shape[0] - 1):
            lo, hi = STARTS[g], STARTS[g + 1]
            n = hi - lo
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
                        for i2 in range(3):
                            rotation[s, g, i, i2] = 1.0 if i == i2 else 0.0
                    ready[s, g] = True
                    frames[s, g] = 1.0
                continue
            if n_known < 3:
                continue
            # precisions: per axis (translation) and per joint (rotation)
            wsum = 0.0
            for k in range(n):
                wj[k] = 0.0
                if known[k]:
                    j = MEMBERS[lo + k]
                    tr = 0.0
                    for i in range(3):
                        wa[k, i] = 1.0 / max(c00[j, a0 + i], 1e-12)
                        tr += c00[j, a0 + i]
                    wj[k] = 3.0 / max(tr, 1e-12)
                    wsum += wj[k]
            rot = rotation[s, g]  # (a view: updated in place)
            speed = 0.0  # the members' mean speed (by precision): a swinging hand or foot turns faster
            for k in range(n):
                if known[k]:
                    j = MEMBERS[lo + k]
                    speed += wj[k] / wsum * math.sqrt(v[j, a0] ** 2 + v[j, a0 + 1] ** 2 + v[j, a0 + 2] ** 2)
            prior = turn_prior(turn_rad_s + speed / swing_m, dt_s)
            # rotation: Gauss-Newton from the last frame's, on the weighted-centred points
            for i in range(3):
                turned[i] = 0.0
            for _ in range(2):
                for i in range(3):
                    cq[i] = cp[i] = 0.0
                for k in range(n):
                    for i in range(3):
                        q[k, i] = (rot[i, 0] * template[s, lo + k, 0] + rot[i, 1] * template[s, lo + k, 1]
                                   + rot[i, 2] * template[s, lo + k, 2])  # fmt: skip
                    if known[k]:
                        for i in range(3):
                            cq[i] += wj[k] * q[k, i] / wsum
                            cp[i] += wj[k] * p[MEMBERS[lo + k], a0 + i] / wsum
                for i in range(3):  # the prior: no turn since the last frame, std 1 / sqrt(turn_prior)
                    b[i] = -prior * turned[i]
                    for i2 in range(3):
                        h[i, i2] = prior + 1e-9 if i == i2 else 0.0
                for k in range(n):
                    if not known[k]:
                        continue
                    j = MEMBERS[lo + k]
                    q0, q1, q2 = q[k, 0] - cq[0], q[k, 1] - cq[1], q[k, 2] - cq[2]
                    r0 = p[j, a0] - cp[0] - q0
                    r1 = p[j, a0 + 1] - cp[1] - q1
                    r2 = p[j, a0 + 2] - cp[2] - q2
                    w = wj[k]
                    qq = q0 * q0 + q1 * q1 + q2 * q2
                    h[0, 0] += w * (qq - q0 * q0)
                    h[1, 1] += w * (qq - q1 * q1)
                    h[2, 2] += w * (qq - q2 * q2)
                    h[0, 1] -= w * q0 * q1
                    h[0, 2] -= w * q0 * q2
                    h[1, 2] -= w * q1 * q2
                    b[0] += w * (q1 * r2 - q2 * r1)
                    b[1] += w * (q2 * r0 - q0 * r2)
                    b[2] += w * (q0 * r1 - q1 * r0)
                h[1, 0], h[2, 0], h[2, 1] = h[0, 1], h[0, 2], h[1, 2]
                _solve3(h, b, omega, work[0])
                for i in range(3):
                    turned[i] += omega[i]
                _rotate(rot, omega, work)
            # translation per axis, and each member's leave-one-out pseudo-measurement
            for i in range(3):
                wt[i] = tt[i] = 0.0
            for k in range(n):
                for i in range(3):
                    q[k, i] = (rot[i, 0] * template[s, lo + k, 0] + rot[i, 1] * template[s, lo + k, 1]
                               + rot[i, 2] * template[s, lo + k, 2])  # fmt: skip
                if known[k]:
                    for i in range(3):
                        wt[i] += wa[k, i]
                        tt[i] += wa[k, i] * (p[MEMBERS[lo + k], a0 + i] - q[k, i])
            for k in range(n):
                if not known[k]:
                    continue
                j = MEMBERS[lo + k]
                for i in range(3):  # the Kalman update of the position with z, variance r (H = [1, 0])
                    a = a0 + i
                    w_other = wt[i] - wa[k, i]
                    if w_other > 0.0:
                        z = q[k, i] + (tt[i] - wa[k, i] * (p[j, a] - q[k, i])) / w_other
                        r = 1.0 / w_other + (sigma * BEND[g]) ** 2
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
                        d0, d1, d2 = p[j, a0] - tt[0], p[j, a0 + 1] - tt[1], p[j, a0 + 2] - tt[2]
                        for i in range(3):
                            local = rot[0, i] * d0 + rot[1, i] * d1 + rot[2, i] * d2
                            template[s, lo + k, i] += gain * (local - template[s, lo + k, i])
