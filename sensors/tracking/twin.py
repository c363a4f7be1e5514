"""The twin pull: in a side view, a far-side joint is pulled toward its near twin's mirror image.

Measured with ``repquest bench tracking`` (tuning seeds): in a side view most
of the tracker's remaining error sat on the far side. The far arm, knee and
foot are hidden behind the body, the model sees them ~3x worse, fusion has
depth for 0-10 % of their frames, and their noise is slow (it wanders for many
frames), so no filter over time averages it away. But a body is nearly
mirror-symmetric about its mid-plane, and in a hold (a wall sit, a plank) or a
two-sided exercise (a push-up, a squat) the far limb mirrors the near one,
which the camera sees well.

So after each update (and after the rigid groups' pull), in camera space:

* the mid-plane passes through the centre of the hips and shoulders; its
  normal is the right-to-left direction (the hips' plus the shoulders'),
  smoothed over ``twin_normal_tau_s`` (:func:`smooth_normal`). Unsmoothed,
  the far hip's and shoulder's wander tilted it by 3-12 degrees (mean; the
  plank at 4 m the most), and a tilt moves the mirror image of a point far
  from the centre (a hand on the floor, a foot) along the normal by twice
  its distance times the tilt: the far hands of a push-up got worse, not
  better. Smoothed, it still tilts, so its uncertainty is taken as the RMS
  angle between the frames' normals and it (over the same time), and along
  the normal a far point's pseudo-measurement gets the variance that adds
  (``pull``): the plank's far foot, a metre from the centre, keeps its own
  depth, the wall sit's knee takes most of its mirror's (tuning seeds
  101-104, RMSE / One Euro's: plank 0.690 -> 0.668, wall sit 0.593 ->
  0.579, push-up 0.662 -> 0.664);
* the view is a side view by how much that normal points along the camera's
  ray to the trunk (:func:`side_view_weight`), and the far side is the one the
  normal points away from the camera;
* each far joint with a near twin gets a pseudo-measurement, the twin's
  mirror image, in a Kalman update of the position shown: variance the
  twin's plus ``twin_sigma_m`` squared (how far a person's two sides differ),
  against the joint's own. Both are the landmark noise at the joint's
  visibility and depth (``image_sigma_px`` / confidence, in metres), not the
  filter's variance, which understates a poorly seen point's slow wander;
* the pull fades with the distance between the joint and the mirror image
  and stops at ``twin_gate_m``: a limb that moves on its own (a lunge's back
  leg, a raised knee) is left alone;
* the far hip and shoulder are pulled too. They place the plane, so their
  mirror images differ from them only where the shoulders' axis and the
  hips' stray from the smoothed normal: the pull keeps the two axes parallel
  and averages out the far hip's and shoulder's slow wander across them
  (tuning seeds 101-104: plank 0.711 -> 0.698 of One Euro's RMSE, wall sit
  0.708 -> 0.702, push-up 0.669 -> 0.662).

As with the rigid groups, only what is shown moves; the filters never learn
from the pull. The image pixels are not pulled. Compiled with numba: in numpy
on (33, 3) arrays it took ~85 us a frame, as long as the rest of the tracker.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from sensors.joints import LEFT_RIGHT_PAIRS, Joint

_JIT = {"cache": True, "nogil": True}
J = Joint
TRUNK = np.array([J.LEFT_HIP, J.RIGHT_HIP, J.LEFT_SHOULDER, J.RIGHT_SHOULDER], np.int64)
#: (left, right) pairs pulled: all, the trunk's included (``project``)
PAIRS = np.array(LEFT_RIGHT_PAIRS, np.int64)


@nb.njit(**_JIT)
def mid_plane(p_m, known, centre_m, normal):  # type: ignore[no-untyped-def]
    """The body's mid-plane from the trunk's four points of ``p_m`` (J, 3) into ``centre_m`` (their
    centre) and ``normal`` (unit, right to left: the hips' plus the shoulders' left - right); False
    when one of them is not ``known`` (J,) or the normal vanishes."""
    for k in range(4):
        if not known[TRUNK[k]]:
            return False
    for i in range(3):
        centre_m[i] = 0.25 * (p_m[TRUNK[0], i] + p_m[TRUNK[1], i] + p_m[TRUNK[2], i] + p_m[TRUNK[3], i])
        normal[i] = p_m[TRUNK[0], i] - p_m[TRUNK[1], i] + p_m[TRUNK[2], i] - p_m[TRUNK[3], i]
    length = math.sqrt(normal[0] ** 2 + normal[1] ** 2 + normal[2] ** 2)
    if length < 1e-6:
        return False
    for i in range(3):
        normal[i] /= length
    return True


@nb.njit(**_JIT)
def smooth_normal(previous, normal, dt_s, tau_s):  # type: ignore[no-untyped-def]
    """``normal`` (unit) smoothed in place with time constant ``tau_s`` after ``previous`` (unit; all
    zero: none), which then takes the result; a turn of more than 90 degrees since, or ``tau_s`` <= 0,
    keeps ``normal`` as it is."""
    dot = previous[0] * normal[0] + previous[1] * normal[1] + previous[2] * normal[2]
    if tau_s > 0 and dot > 0:
        a = dt_s / (tau_s + dt_s)
        for i in range(3):
            normal[i] = previous[i] + a * (normal[i] - previous[i])
        length = math.sqrt(normal[0] ** 2 + normal[1] ** 2 + normal[2] ** 2)
        for i in range(3):
            normal[i] /= length
    previous[:] = normal


@nb.njit(**_JIT)
def side_view_weight(centre_m, normal, lo_cos, hi_cos):  # type: ignore[no-untyped-def]
    """0 in a front view, 1 in a side view: |cos| of the angle between the mid-plane's ``normal`` and
    the camera's ray to ``centre_m``, ramped from ``lo_cos`` to ``hi_cos``."""
    dist = math.sqrt(centre_m[0] ** 2 + centre_m[1] ** 2 + centre_m[2] ** 2)
    if dist < 1e-6:
        return 0.0
    cos = abs(normal[0] * centre_m[0] + normal[1] * centre_m[1] + normal[2] * centre_m[2]) / dist
    return min(max((cos - lo_cos) / (hi_cos - lo_cos), 0.0), 1.0)


@nb.njit(**_JIT)
def reflect(point_m, centre_m, normal, out):  # type: ignore[no-untyped-def]
    """``point_m`` (3,) mirrored in the plane through ``centre_m`` with unit ``normal``, into ``out``."""
    d = 0.0
    for i in range(3):
        d += (point_m[i] - centre_m[i]) * normal[i]
    for i in range(3):
        out[i] = point_m[i] - 2.0 * d * normal[i]


@nb.njit(**_JIT)
def pull(p_m, var_m2, known, centre_m, normal, sigma_m, gate_m, side, tilt_rad, delta):  # type: ignore[no-untyped-def]
    """Into ``delta`` (J, 3, zero elsewhere): the corrections to the positions ``p_m`` (J, 3) that
    pull the far side's joints toward their near twin's mirror image in the plane (``centre_m``, unit
    ``normal``), scaled by ``side`` (the side-view weight); ``var_m2`` (J,) each joint's noise
    variance, ``known`` (J,) which are known, ``tilt_rad`` the normal's uncertainty (std): along the
    normal, a mirror image at ``a`` from the centre within the plane is uncertain by a further
    ``2 a tilt_rad``, which both weakens the pull along the normal and counts less in the fade."""
    delta[:] = 0.0
    if side <= 0 or gate_m <= 0:
        return
    left_near = normal[0] * centre_m[0] + normal[1] * centre_m[1] + normal[2] * centre_m[2] < 0
    mirror = np.empty(3)
    for k in range(PAIRS.shape[0]):
        far, near = (PAIRS[k, 1], PAIRS[k, 0]) if left_near else (PAIRS[k, 0], PAIRS[k, 1])
        if not (known[far] and known[near]):
            continue
        reflect(p_m[near], centre_m, normal, mirror)
        dist2, along, lateral = 0.0, 0.0, 0.0
        for i in range(3):
            dist2 += (mirror[i] - p_m[far, i]) ** 2
            along += (mirror[i] - p_m[far, i]) * normal[i]
            lateral += (p_m[near, i] - centre_m[i]) * normal[i]
        arm2 = 0.0  # the near point's squared distance from the centre within the plane
        for i in range(3):
            arm2 += (p_m[near, i] - centre_m[i] - lateral * normal[i]) ** 2
        var = var_m2[far] + var_m2[near] + sigma_m * sigma_m
        var_along = var + 4.0 * arm2 * tilt_rad * tilt_rad
        dist2 += along * along * (var / var_along - 1.0)
        fade = max(1.0 - math.sqrt(dist2) / gate_m, 0.0) * side
        gain, gain_along = fade * var_m2[far] / var, fade * var_m2[far] / var_along
        for i in range(3):
            delta[far, i] = gain * (mirror[i] - p_m[far, i]) + (gain_along - gain) * along * normal[i]


@nb.njit(**_JIT)
def project(p_m, known, noise_weight, image_sigma_px, fx_px, plane_state, dt_s, tau_s, lo_cos, hi_cos,
            sigma_m, gate_m, delta):  # type: ignore[no-untyped-def]  # fmt: skip
    """The whole step (module docstring): ``delta`` (J, 3) receives the corrections to ``p_m`` (J, 3,
    camera metres; ``known`` (J,)), each joint's noise the landmark noise ``image_sigma_px`` /
    ``noise_weight`` at its depth and the focal length ``fx_px``. ``plane_state`` (4,), updated in
    place: the smoothed normal (zero: none yet) and the mean squared angle (rad^2; < 0: none yet)
    between the frames' normals and it, over the same time constant ``tau_s``, whose root is taken as
    the smoothed normal's uncertainty. Returns the side-view weight (0: nothing pulled)."""
    delta[:] = 0.0
    centre, normal = np.empty(3), np.empty(3)
    if not mid_plane(p_m, known, centre, normal):
        return 0.0
    raw = normal.copy()
    smooth_normal(plane_state[:3], normal, dt_s, tau_s)
    angle2 = (raw[0] - normal[0]) ** 2 + (raw[1] - normal[1]) ** 2 + (raw[2] - normal[2]) ** 2
    if plane_state[3] < 0 or tau_s + dt_s <= 0:
        plane_state[3] = angle2
    else:
        plane_state[3] += dt_s / (tau_s + dt_s) * (angle2 - plane_state[3])
    side = side_view_weight(centre, normal, lo_cos, hi_cos)
    var = np.empty(p_m.shape[0])
    for j in range(p_m.shape[0]):
        var[j] = (image_sigma_px / noise_weight[j] * max(p_m[j, 2], 0.1) / fx_px) ** 2
    pull(p_m, var, known, centre, normal, sigma_m, gate_m, side, math.sqrt(plane_state[3]), delta)
    return side
