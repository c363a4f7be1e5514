"""Variants of the base exercises: squats holding a load four ways, knee push-ups, crunches.

The squat variants share the legs and trunk of :func:`~sensors.synthetic.motions_lower.squat`
(and its faults) and differ in the arms and in how far the trunk leans:

* ``squat_overhead``: arms straight overhead, a bar held above the mid-foot (trunk more upright);
* ``squat_goblet``: both hands together in front of the chest (a dumbbell held vertically);
* ``squat_front``: front rack, upper arms pointing forward with the elbows high, hands at the shoulders;
* ``squat_barbell``: back squat, hands gripping a bar on the upper back behind the neck (trunk leans more).

``pushup_knee`` pivots on the knees (shanks resting back on the floor, hips extended);
``crunch`` lies like the sit-up but only curls the shoulders up ~30 deg, hands on the chest,
chin tucked, the pelvis (lower back) on the floor.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np

from sensors.synthetic.body import Body
from sensors.synthetic.kinematics import Command, shoulder_positions, trunk_rotation
from sensors.synthetic.motions_floor import _FLAT_HANDS, _PUSHUP_ELBOW_POLES, _feet_z, _hands_on_floor, _supine
from sensors.synthetic.motions_floor import _wrist_y as wrist_floor_y
from sensors.synthetic.motions_lower import squat_legs
from sensors.synthetic.posture import arm_span_m, arm_targets, make_command

# -- squats holding a load ------------------------------------------------------------------------


def _on_trunk(pelvis: np.ndarray, rot: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Body-frame points (n, 3) (x left, y up the trunk from the pelvis, z forward) -> world."""
    return pelvis + local @ rot.T


def squat_overhead(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Overhead squat: arms straight above the head, 5 deg in front of vertical in the world
    and 14 deg apart (a wide grip), so the bar stays over the feet as the trunk leans."""
    legs = squat_legs(body, s, f, depth, lean_per_deg=0.30)
    flex = 175.0 + legs.pitch_deg  # relative to the trunk: the arm stays near vertical in the world
    arms = arm_targets(body, legs.pelvis, legs.rot, (flex, -14.0, 4.0, 0.0))
    return legs.command(arms)


def squat_goblet(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Goblet squat: both hands together in front of the chest, elbows down."""
    legs = squat_legs(body, s, f, depth)
    sc = body.scale
    y = body.torso_m - 0.17 * sc
    chest = np.array([[0.035 * sc, y, 0.24 * sc], [-0.035 * sc, y, 0.24 * sc]])
    hands = _on_trunk(legs.pelvis, legs.rot, chest)
    poles = np.array([[0.35, -1.0, 0.1], [-0.35, -1.0, 0.1]]) @ legs.rot.T
    return legs.command((hands, poles))


def squat_front(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Front squat, front rack: upper arms forward and level with the shoulders (elbows high),
    elbows bent to ~40 deg so the hands rest just in front of the shoulders."""
    legs = squat_legs(body, s, f, depth, lean_per_deg=0.32)
    arms = arm_targets(body, legs.pelvis, legs.rot, (85.0, 12.0, 140.0, 0.0))
    return legs.command(arms)


def squat_barbell(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Back squat: the hands grip a bar resting on the upper back, just outside the shoulders and
    behind the neck; elbows point down and back. The trunk leans more than unloaded."""
    legs = squat_legs(body, s, f, depth, lean_per_deg=0.46)
    sc = body.scale
    x = body.shoulder_half_w_m + 0.17 * sc
    bar = np.array([[x, body.torso_m + 0.04 * sc, -0.08 * sc], [-x, body.torso_m + 0.04 * sc, -0.08 * sc]])
    hands = _on_trunk(legs.pelvis, legs.rot, bar)
    poles = np.array([[0.3, -1.0, -0.6], [-0.3, -1.0, -0.6]]) @ legs.rot.T
    return legs.command((hands, poles))


def bar_on_back(body: Body, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The back squat's bar through both wrists (camera or world frame): its ends (2, 3),
    where the plates sit, 0.2 m (scaled) outside each hand."""
    left, right = truth[15], truth[16]  # Joint.LEFT_WRIST, Joint.RIGHT_WRIST
    axis = (left - right) / np.linalg.norm(left - right)
    out = 0.2 * body.scale
    return np.stack([left + axis * out, right - axis * out]), axis


# -- knee push-up ------------------------------------------------------------------------------

_KNEE_SHANK_DEG = 12.0  #: the shanks rest back on the floor, feet a little raised


def _knee_y(body: Body) -> float:
    return 0.05 * body.scale  #: knee joint centre above the floor when kneeling


def kneeling_line(body: Body, shoulder_y: float, delta_deg: float) -> tuple[np.ndarray, float]:
    """Knees on the floor at z = 0, thigh and trunk in a line rising to the shoulders, head
    towards +z; ``delta_deg`` > 0: hips sag below the shoulder-knee line, < 0: pike up.
    Returns (pelvis (3,), trunk pitch deg) with the shoulder midpoint at ``shoulder_y``."""
    a, b = body.thigh_m, body.torso_m
    dl = math.radians(delta_deg)
    big_a, big_b = a + b * math.cos(dl), b * math.sin(dl)
    r, psi = math.hypot(big_a, big_b), math.atan2(big_b, big_a)
    beta = math.asin(max(-1.0, min(1.0, (shoulder_y - _knee_y(body)) / r))) - psi
    pelvis = np.array([0.0, _knee_y(body) + a * math.sin(beta), a * math.cos(beta)])
    return pelvis, 90.0 - math.degrees(beta + dl)


def _knee_shoulder(body: Body, shoulder_y: float, delta_deg: float) -> np.ndarray:
    pelvis, pitch = kneeling_line(body, shoulder_y, delta_deg)
    return shoulder_positions(body, pelvis, trunk_rotation(0.0, pitch))[0]


def _knee_top_y(body: Body) -> float:
    return wrist_floor_y(body) + arm_span_m(body, _KNEE_TOP_DEG)


@functools.lru_cache(maxsize=1024)
def _knee_pushup_shoulder_y(body: Body, elbow_deg: float, delta_deg: float) -> float:
    """Shoulder height at which the hands are ``arm_span_m(elbow_deg)`` from the shoulder (bisection)."""
    wrist = _hands_on_floor(body, float(_knee_shoulder(body, _knee_top_y(body), 0.0)[2]))[0]
    span = arm_span_m(body, elbow_deg)
    lo, hi = float(wrist[1]) + 0.02 * body.scale, _knee_top_y(body) + 0.05 * body.scale
    for _ in range(28):
        mid = 0.5 * (lo + hi)
        if float(np.linalg.norm(_knee_shoulder(body, mid, delta_deg) - wrist)) < span:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


_KNEE_TOP_DEG = 165.0
_KNEE_BOTTOM_DEG = 84.0
_KNEE_PARTIAL_DEG = 122.0


def pushup_knee(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Push-up on the hands and knees, hips extended (shoulder, hip and knee in a line), the
    shanks resting back on the floor. Elbows 165 -> 84 deg as :func:`pushup`. Faults: hip_sag
    (hips 18 deg below the shoulder-knee line), hip_pike (30 deg above: bent at the hips),
    partial_range (elbows to 122 deg)."""
    bottom_deg = _KNEE_BOTTOM_DEG + (_KNEE_PARTIAL_DEG - _KNEE_BOTTOM_DEG) * f.get("partial_range", 0.0)
    bottom_deg = _KNEE_TOP_DEG + (bottom_deg - _KNEE_TOP_DEG) * depth
    delta = 18.0 * f.get("hip_sag", 0.0) - 30.0 * f.get("hip_pike", 0.0)
    hands = _hands_on_floor(body, float(_knee_shoulder(body, _knee_top_y(body), 0.0)[2]))
    top_y = _knee_pushup_shoulder_y(body, _KNEE_TOP_DEG, delta)
    bottom_y = _knee_pushup_shoulder_y(body, bottom_deg, delta)
    pelvis, pitch = kneeling_line(body, top_y + (bottom_y - top_y) * s, delta)
    x = body.hip_half_w_m
    g = math.radians(_KNEE_SHANK_DEG)
    knee_y = _knee_y(body)
    ankles = np.array([[x, knee_y + body.shank_m * math.sin(g), -body.shank_m * math.cos(g)]])
    ankles = np.concatenate([ankles, ankles * np.array([-1.0, 1.0, 1.0])])
    knee_poles = np.array([[0.0, -1.0, 0.0], [0.0, -1.0, 0.0]])  # the knees are the low point, on the floor
    foot = np.array([0.0, -math.sin(math.radians(20.0)), -math.cos(math.radians(20.0))])  # toes back, down
    return make_command(
        pelvis, pitch, (hands, _PUSHUP_ELBOW_POLES), (ankles, knee_poles), np.stack([foot, foot]),
        head_pitch_deg=-10.0, hand_dirs=_FLAT_HANDS.copy(),
    )  # fmt: skip


# -- crunch --------------------------------------------------------------------------------------

CRUNCH_RISE_DEG = 30.0  #: how far the shoulders curl up (trunk angle off the floor)


def crunch(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Crunch: on the back, knees bent 80 deg and feet flat; the shoulders curl up to 30 deg
    while the pelvis stays on the floor; hands on the chest, chin tucked as they rise."""
    hip_z = 0.0
    rise = CRUNCH_RISE_DEG * s * depth
    cmd = _supine(body, hip_z, _feet_z(body, hip_z, 80.0), rise, bridge=False)
    rot = cmd.rotation()
    sc = body.scale
    y = body.torso_m
    chest = np.array([[0.07 * sc, y - 0.11 * sc, 0.17 * sc], [-0.07 * sc, y - 0.11 * sc, 0.17 * sc]])
    cmd.targets[:2] = _on_trunk(cmd.pelvis, rot, chest)  # palms on the chest, either side of the sternum
    cmd.poles[:2] = np.array([[1.0, -0.2, -0.5], [-1.0, -0.2, -0.5]]) @ rot.T  # elbows out, towards the floor
    cmd.head_pitch_deg = 20.0 * s * depth
    return cmd
