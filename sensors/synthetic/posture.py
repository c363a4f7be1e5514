"""Building blocks shared by the exercise motions: standing, arms, legs, planks.

Every function is pure: body + numbers -> positions or a :class:`Command`
(world frame: x = player's left, y = up, z = forward, floor y = 0).
"""

from __future__ import annotations

import math

import numpy as np

from sensors.synthetic.body import Body
from sensors.synthetic.kinematics import (
    Command,
    hip_positions,
    limb_from_angles,
    shoulder_positions,
    trunk_rotation,
)

FORWARD = np.array([0.0, 0.0, 1.0])
ArmAngles = tuple[float, float, float, float]  #: (flex, abd, bend, twist) degrees


def leg_span_m(body: Body, knee_deg: float) -> float:
    """Hip-ankle distance (m) when the knee's interior angle is ``knee_deg``."""
    a, b = body.thigh_m, body.shank_m
    return math.sqrt(a * a + b * b - 2 * a * b * math.cos(math.radians(knee_deg)))


def arm_span_m(body: Body, elbow_deg: float) -> float:
    a, b = body.upper_arm_m, body.forearm_m
    return math.sqrt(a * a + b * b - 2 * a * b * math.cos(math.radians(elbow_deg)))


def standing_pelvis_y(body: Body) -> float:
    return body.ankle_h_m + leg_span_m(body, 178.0)


def foot_dir(toe_out_deg: float, pitch_deg: float = 0.0, right: bool = False) -> np.ndarray:
    """Unit ankle->toe direction: toes turned out by ``toe_out_deg``, pitched down by ``pitch_deg``."""
    o, p = math.radians(toe_out_deg), math.radians(pitch_deg)
    x = math.sin(o) * math.cos(p)
    return np.array([-x if right else x, -math.sin(p), math.cos(o) * math.cos(p)])


def arm_targets(
    body: Body, pelvis: np.ndarray, rot: np.ndarray, left: ArmAngles, right: ArmAngles | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Wrist targets (2, 3) and elbow poles (2, 3) for both arms posed by angles."""
    shoulders = shoulder_positions(body, pelvis, rot)
    lengths = (body.upper_arm_m, body.forearm_m)
    tl, pl = limb_from_angles(shoulders[0], rot, False, lengths, *left)
    tr, pr = limb_from_angles(shoulders[1], rot, True, lengths, *(right or left))
    return np.stack([tl, tr]), np.stack([pl, pr])


def leg_targets(
    body: Body, pelvis: np.ndarray, rot: np.ndarray, left: tuple[float, float, float], right: tuple[float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Ankle targets (2, 3) and knee poles (2, 3) for free legs posed by (flex, abd, knee bend)."""
    hips = hip_positions(body, pelvis, rot)
    lengths = (body.thigh_m, body.shank_m)
    tl, pl = limb_from_angles(hips[0], rot, False, lengths, left[0], left[1], left[2], leg=True)
    tr, pr = limb_from_angles(hips[1], rot, True, lengths, right[0], right[1], right[2], leg=True)
    return np.stack([tl, tr]), np.stack([pl, pr])


def knee_poles(out_deg: float, yaw_deg: float = 0.0) -> np.ndarray:
    """(2, 3) knee poles pointing forward and ``out_deg`` outward (negative: inward)."""
    o = math.radians(out_deg)
    y = math.radians(yaw_deg)
    left = np.array([math.sin(o), 0.0, math.cos(o)])
    right = np.array([-math.sin(o), 0.0, math.cos(o)])
    rot = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    return np.stack([rot @ left, rot @ right])


def make_command(
    pelvis: np.ndarray,
    pitch_deg: float,
    arms: tuple[np.ndarray, np.ndarray],
    legs: tuple[np.ndarray, np.ndarray],
    foot_dirs: np.ndarray,
    yaw_deg: float = 0.0,
    roll_deg: float = 0.0,
    head_pitch_deg: float = 0.0,
    hand_dirs: np.ndarray | None = None,
) -> Command:
    return Command(
        pelvis=np.asarray(pelvis, dtype=float),
        yaw_deg=yaw_deg,
        pitch_deg=pitch_deg,
        roll_deg=roll_deg,
        head_pitch_deg=head_pitch_deg,
        targets=np.concatenate([arms[0], legs[0]]),
        poles=np.concatenate([arms[1], legs[1]]),
        foot_dirs=np.asarray(foot_dirs, dtype=float),
        hand_dirs=hand_dirs,
    )


def standing(
    body: Body,
    left_arm: ArmAngles = (0.0, 6.0, 10.0, 0.0),
    right_arm: ArmAngles | None = None,
    pitch_deg: float = 0.0,
    roll_deg: float = 0.0,
    stance: float = 1.0,
    pelvis_dy: float = 0.0,
) -> Command:
    """Standing upright, feet ``stance`` x hip width apart, arms posed by angles."""
    pelvis = np.array([0.0, standing_pelvis_y(body) + pelvis_dy, 0.0])
    rot = trunk_rotation(0.0, pitch_deg, roll_deg)
    x = body.hip_half_w_m * stance
    ankles = np.array([[x, body.ankle_h_m, 0.0], [-x, body.ankle_h_m, 0.0]])
    feet = np.stack([foot_dir(8.0), foot_dir(8.0, right=True)])
    return make_command(
        pelvis, pitch_deg, arm_targets(body, pelvis, rot, left_arm, right_arm), (ankles, knee_poles(5.0)), feet,
        roll_deg=roll_deg,
    )  # fmt: skip


def plank_line(body: Body, shoulder_y: float, ankle_y: float, delta_deg: float) -> tuple[np.ndarray, float, float]:
    """A prone body resting on its toes (ankles at z = 0), head towards +z.

    Legs straight at elevation beta_l, trunk at beta_l + delta (delta > 0: hips
    sag below the shoulder-ankle line, < 0: hips pike up), solved so the
    shoulder midpoint is at height ``shoulder_y``. Returns (pelvis (3,),
    trunk pitch deg, beta_l deg).
    """
    a, b = leg_span_m(body, 178.0), body.torso_m
    dl = math.radians(delta_deg)
    big_a, big_b = a + b * math.cos(dl), b * math.sin(dl)
    r, psi = math.hypot(big_a, big_b), math.atan2(big_b, big_a)
    beta = math.asin(max(-1.0, min(1.0, (shoulder_y - ankle_y) / r))) - psi
    pelvis = np.array([0.0, ankle_y + a * math.sin(beta), a * math.cos(beta)])
    return pelvis, 90.0 - math.degrees(beta + dl), math.degrees(beta)


def prone_legs(body: Body, beta_deg: float, ankle_y: float) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Ankle targets + knee poles and toe directions for straight legs resting on the toes."""
    x = body.hip_half_w_m
    ankles = np.array([[x, ankle_y, 0.0], [-x, ankle_y, 0.0]])
    b = math.radians(beta_deg)
    poles = np.array([[0.0, -math.cos(b), math.sin(b)]] * 2)  # knees point at the floor
    feet = np.array([[0.0, -math.cos(b), math.sin(b)]] * 2)  # perpendicular to the shank, toes down
    return (ankles, poles), feet


def toe_ankle_y(body: Body) -> float:
    """Ankle height (m) when resting on the toes in a plank."""
    return 0.2 * body.ankle_h_m + body.foot_fwd_m * 0.95
