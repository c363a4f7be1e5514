"""Floor exercises: push-up, plank, glute bridge, sit-up, mountain climber.

Prone bodies rest on their toes at z = 0 with the head towards +z; supine
bodies lie with the head towards -z. Each motion maps (body, progress s,
side, fault weights, depth) to a :class:`Command`; s = 0 is the ready pose.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np

from sensors.synthetic.body import Body
from sensors.synthetic.kinematics import Command, shoulder_positions, trunk_rotation
from sensors.synthetic.motions_lower import squat
from sensors.synthetic.posture import (
    arm_span_m,
    arm_targets,
    foot_dir,
    leg_span_m,
    leg_targets,
    make_command,
    plank_line,
    prone_legs,
    toe_ankle_y,
)


def _wrist_y(body: Body) -> float:
    return 0.035 * body.scale


def _hands_on_floor(body: Body, z: float, out: float = 0.06) -> np.ndarray:
    x = body.shoulder_half_w_m + out * body.scale
    return np.array([[x, _wrist_y(body), z], [-x, _wrist_y(body), z]])


_FLAT_HANDS = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])  #: palms on the floor, fingers towards +z


def _prone(
    body: Body, shoulder_y: float, delta_deg: float, hands: np.ndarray, elbow_poles: np.ndarray, head_deg: float = -10.0
) -> Command:
    """Prone on the toes: the ankle height is solved so the toes touch the floor."""
    ankle_y = toe_ankle_y(body)
    for _ in range(3):
        pelvis, pitch, beta = plank_line(body, shoulder_y, ankle_y, delta_deg)
        b = math.radians(beta)
        ankle_y = 0.01 * body.scale + body.foot_fwd_m * math.cos(b) + 0.75 * body.ankle_h_m * math.sin(b)
    pelvis, pitch, beta = plank_line(body, shoulder_y, ankle_y, delta_deg)
    legs, feet = prone_legs(body, beta, ankle_y)
    return make_command(
        pelvis, pitch, (hands, elbow_poles), legs, feet, head_pitch_deg=head_deg, hand_dirs=_FLAT_HANDS.copy()
    )


def _top_shoulder_z(body: Body, shoulder_y: float) -> float:
    pelvis, pitch, _ = plank_line(body, shoulder_y, toe_ankle_y(body), 0.0)
    return float(shoulder_positions(body, pelvis, trunk_rotation(0.0, pitch))[0][2])


_PUSHUP_POLES = np.array([[0.55, 0.45, -0.7], [-0.55, 0.45, -0.7]])  #: mountain climber: elbows flared
#: push-up elbows point back and out, ~25 deg from the body (tucked, as coached)
_PUSHUP_ELBOW_POLES = np.array([[0.2, 0.4, -0.9], [-0.2, 0.4, -0.9]])
_PUSHUP_TOP_DEG = 165.0  #: arms straight but not locked at the top
_PUSHUP_BOTTOM_DEG = 84.0  #: elbows just past 90 deg at the bottom (ACSM push-up test: chest a fist off the floor)
_PUSHUP_PARTIAL_DEG = 122.0  #: the 'partial_range' fault stops half way down


def _prone_shoulder(body: Body, shoulder_y: float, delta_deg: float) -> np.ndarray:
    """The left shoulder joint (3,) of :func:`_prone` at shoulder height ``shoulder_y``."""
    ankle_y = toe_ankle_y(body)
    for _ in range(3):
        _, _, beta = plank_line(body, shoulder_y, ankle_y, delta_deg)
        b = math.radians(beta)
        ankle_y = 0.01 * body.scale + body.foot_fwd_m * math.cos(b) + 0.75 * body.ankle_h_m * math.sin(b)
    pelvis, pitch, _ = plank_line(body, shoulder_y, ankle_y, delta_deg)
    return shoulder_positions(body, pelvis, trunk_rotation(0.0, pitch))[0]


@functools.lru_cache(maxsize=1024)
def _pushup_shoulder_y(body: Body, elbow_deg: float, delta_deg: float) -> float:
    """Shoulder height (m) at which the push-up's hands are ``arm_span_m(elbow_deg)`` from the
    shoulder (bisection: the shoulders swing on an arc about the toes, so they drift forward as
    they drop). Cached: a clean rep reuses its top and bottom."""
    reach = _wrist_y(body) + arm_span_m(body, _PUSHUP_TOP_DEG)
    wrist = _hands_on_floor(body, _top_shoulder_z(body, reach))[0]
    span = arm_span_m(body, elbow_deg)
    lo, hi = float(wrist[1]) + 0.02 * body.scale, reach + 0.05 * body.scale
    for _ in range(28):
        mid = 0.5 * (lo + hi)
        if float(np.linalg.norm(_prone_shoulder(body, mid, delta_deg) - wrist)) < span:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def pushup(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Push-up on the hands and toes, from straight arms (165 deg) down until the elbows reach
    84 deg; the shoulders move at an even pace (s), so the elbows bend fastest near the top.
    ``depth`` scales the elbow bend. Faults: hip_sag (hips 18 deg below the shoulder-ankle
    line), hip_pike (30 deg above it), partial_range (half way down: elbows to 122 deg)."""
    reach = _wrist_y(body) + arm_span_m(body, _PUSHUP_TOP_DEG)
    bottom_deg = _PUSHUP_BOTTOM_DEG + (_PUSHUP_PARTIAL_DEG - _PUSHUP_BOTTOM_DEG) * f.get("partial_range", 0.0)
    bottom_deg = _PUSHUP_TOP_DEG + (bottom_deg - _PUSHUP_TOP_DEG) * depth
    delta = 18.0 * f.get("hip_sag", 0.0) - 30.0 * f.get("hip_pike", 0.0)
    hands = _hands_on_floor(body, _top_shoulder_z(body, reach))
    top_y = _pushup_shoulder_y(body, _PUSHUP_TOP_DEG, delta)
    bottom_y = _pushup_shoulder_y(body, bottom_deg, delta)
    return _prone(body, top_y + (bottom_y - top_y) * s, delta, hands, _PUSHUP_ELBOW_POLES)


def plank(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Forearm plank; s = 0 on the knees, 1 the plank (shoulders, hips and ankles in line).
    Faults: hips_high (a 40 deg pike: shoulder-hip-ankle ~140 deg), hips_low (a 16 deg sag)."""
    shoulder_y = 0.05 * body.scale + body.upper_arm_m
    delta = 16.0 * f.get("hips_low", 0.0) - 40.0 * f.get("hips_high", 0.0)
    straight = _prone_forearms(body, shoulder_y, delta)
    knees = _kneeling_forearms(body, shoulder_y)
    return knees.lerp(straight, s)


def _prone_forearms(body: Body, shoulder_y: float, delta: float) -> Command:
    sz = _top_shoulder_z(body, shoulder_y)
    # the elbow sits under the shoulder; the wrist target lies forward on the floor
    x = body.shoulder_half_w_m
    hands = np.array(
        [[x * 0.8, _wrist_y(body), sz + body.forearm_m * 0.98], [-x * 0.8, _wrist_y(body), sz + body.forearm_m * 0.98]]
    )
    poles = np.array([[0.0, -1.0, -0.3], [0.0, -1.0, -0.3]])
    return _prone(body, shoulder_y, delta, hands, poles, head_deg=-5.0)


def _kneeling_forearms(body: Body, shoulder_y: float) -> Command:
    """On the knees and forearms: the plank's upper body, thighs down to the floor."""
    cmd = _prone_forearms(body, shoulder_y, 0.0)
    knee_y = 0.05 * body.scale
    pelvis = cmd.pelvis.copy()
    pelvis[1] = knee_y + body.thigh_m * 0.75
    pelvis[2] = cmd.pelvis[2] + 0.2 * body.scale
    rise = (
        math.degrees(math.asin((shoulder_y - pelvis[1]) / body.torso_m))
        if shoulder_y < pelvis[1] + body.torso_m
        else 0.0
    )
    pitch = 90.0 - rise
    x = body.hip_half_w_m
    knee_z = pelvis[2] - math.sqrt(max(body.thigh_m**2 - (pelvis[1] - knee_y) ** 2, 1e-6))
    ankle_y = 0.09 * body.scale
    ankles = np.array([[x, ankle_y, knee_z - body.shank_m], [-x, ankle_y, knee_z - body.shank_m]])
    poles = np.array([[0.0, -1.0, 0.2], [0.0, -1.0, 0.2]])
    feet = np.array([[0.0, 0.0, -1.0], [0.0, 0.0, -1.0]])
    return make_command(
        pelvis, pitch, (cmd.targets[:2], cmd.poles[:2]), (ankles, poles), feet, head_pitch_deg=-5.0,
        hand_dirs=_FLAT_HANDS.copy(),
    )  # fmt: skip


def mountain_climber(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """From a high plank, drive one knee to the chest per rep (side 0: left).
    Fault: hips_high (hips piked 24 deg)."""
    top = _wrist_y(body) + 0.97 * (body.upper_arm_m + body.forearm_m)
    delta = -24.0 * f.get("hips_high", 0.0)
    hands = _hands_on_floor(body, _top_shoulder_z(body, top), out=0.0)
    cmd = _prone(body, top, delta, hands, _PUSHUP_POLES)
    lift = s * depth
    rot = cmd.rotation()
    drive, rest = (115.0 * lift, 0.0, 110.0 * lift), (0.0, 0.0, 2.0)
    free, free_poles = leg_targets(body, cmd.pelvis, rot, drive if side == 0 else rest, rest if side == 0 else drive)
    k = 2 + side
    w = min(1.0, lift * 3.0)
    cmd.targets[k] = cmd.targets[k] + (free[side] - cmd.targets[k]) * w
    cmd.targets[k][1] = max(cmd.targets[k][1], body.ankle_h_m)
    cmd.poles[k] = free_poles[side]
    tucked = np.array([0.0, -0.35, -1.0]) / math.hypot(0.35, 1.0)  # toes trail behind the tucked knee
    cmd.foot_dirs[side] = cmd.foot_dirs[side] + (tucked - cmd.foot_dirs[side]) * w
    cmd.foot_dirs[side] /= np.linalg.norm(cmd.foot_dirs[side])
    return cmd


def _supine(body: Body, hip_z: float, feet_z: float, trunk_up_deg: float, bridge: bool) -> Command:
    """Lying on the back, knees bent, feet flat at ``feet_z``; head towards -z.

    ``trunk_up_deg``: sit-up angle of the trunk about the hips (bridge=False),
    or bridge angle of the trunk about the shoulders (bridge=True).
    """
    r_back = 0.10 * body.scale  # joint centres' height when lying
    a = math.radians(trunk_up_deg)
    if bridge:
        shoulder_mid = np.array([0.0, r_back, hip_z - body.torso_m])
        pelvis = shoulder_mid + body.torso_m * np.array([0.0, math.sin(a), math.cos(a)])
        pitch = -90.0 - trunk_up_deg
    else:
        pelvis = np.array([0.0, r_back, hip_z])
        pitch = trunk_up_deg - 90.0
    rot = trunk_rotation(0.0, pitch)
    x = body.hip_half_w_m * 1.2
    ankles = np.array([[x, body.ankle_h_m, feet_z], [-x, body.ankle_h_m, feet_z]])
    poles = np.array([[0.1, 1.0, 0.3], [-0.1, 1.0, 0.3]])
    feet = np.stack([foot_dir(5.0), foot_dir(5.0, right=True)])
    shoulders = shoulder_positions(body, pelvis, rot)
    if bridge:  # hands flat on the floor beside the hips
        reach = arm_span_m(body, 172.0) * 0.97
        wx = body.shoulder_half_w_m + 0.08 * body.scale
        hands = np.array(
            [[wx, _wrist_y(body), shoulders[0][2] + reach], [-wx, _wrist_y(body), shoulders[1][2] + reach]]
        )
        arm_poles = np.array([[0.3, 1.0, 0.0], [-0.3, 1.0, 0.0]])
    else:  # arms by the sides, reaching forward past the knees as the trunk rises
        hands, arm_poles = arm_targets(body, pelvis, rot, (15.0 + 0.9 * trunk_up_deg, 8.0, 8.0, 0.0))
        hands[:, 1] = np.maximum(hands[:, 1], _wrist_y(body))
    hand_dirs = _FLAT_HANDS.copy() if bridge else None
    head = trunk_up_deg if bridge else 0.0  # the head stays on the floor while the hips rise
    return make_command(
        pelvis, pitch, (hands, arm_poles), (ankles, poles), feet, head_pitch_deg=head, hand_dirs=hand_dirs
    )


def _feet_z(body: Body, hip_z: float, knee_deg: float) -> float:
    span = leg_span_m(body, knee_deg)
    return hip_z + math.sqrt(max(span**2 - (body.ankle_h_m - 0.10 * body.scale) ** 2, 1e-6))


def glute_bridge(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Glute bridge about the shoulders: hips rise until shoulder-hip-knee is
    straight. Fault: shallow (40 % of the rise)."""
    hip_z = 0.0
    angle = 30.0 * s * depth * (1.0 - 0.6 * f.get("shallow", 0.0))
    return _supine(body, hip_z, _feet_z(body, hip_z, 85.0), angle, bridge=True)


def situp(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Sit-up about the hips to 75 deg. Fault: partial_range (a crunch, 35 %)."""
    hip_z = 0.0
    angle = 75.0 * s * depth * (1.0 - 0.65 * f.get("partial_range", 0.0))
    return _supine(body, hip_z, _feet_z(body, hip_z, 70.0), angle, bridge=False)


def sitting(body: Body, hip_z: float, feet_z: float) -> Command:
    """Sitting on the floor, trunk upright, knees bent (setup of supine exercises)."""
    return _supine(body, hip_z, feet_z, 80.0, bridge=False)


def crouch(body: Body, reach_z: float) -> Command:
    """Squatting with the hands near the floor in front (setup of prone exercises)."""
    cmd = squat(body, 0.85, 0, {}, 1.0)
    hands = _hands_on_floor(body, reach_z)
    cmd.targets[:2] = hands
    cmd.hand_dirs = _FLAT_HANDS.copy()
    cmd.pitch_deg = 55.0
    return cmd
