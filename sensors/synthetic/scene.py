"""The avatar as render primitives: tapered capsules along the bones, a head sphere,
a two-capsule torso, a hand of four thin capsules. Shared by the depth/RGB renderer
and the occlusion test.

A limb's radius tapers from one joint to the next as a real limb does (a capsule
has one radius at each end), so the skin in front of a joint lies about as far
from its centre as on a person: radii at the joints are circumference / 2 pi of
the ANSUR II survey's means (Gordon et al. 2014, NATICK/TR-15/007; men and women
averaged, rounded): wrist ~16.5 cm -> 2.6 cm, elbow ~27 cm -> 4.2 cm, ankle
~22.5 cm -> 3.6 cm, knee (just above the patella) ~38 cm -> 6.0 cm, calf ~37 cm,
upper arm ~32 cm -> 5.0 cm. :data:`sensors.realsense.fusion.TYPICAL_SURFACE_OFFSET_M`
holds the same figures. Points a pose model puts *on* the skin lie on the drawn
skin: the face points on the head sphere (:mod:`kinematics`), the heel and the
toe tip at the ends of the foot (its capsules stop one radius short of them);
the hand points are knuckles, inside a hand ~3 cm thick.
"""

from __future__ import annotations

import numpy as np

from sensors.joints import NUM_JOINTS, Joint

J = Joint
# extra points appended after the 33 joints
HEAD, NECK, TORSO_TL, TORSO_TR, TORSO_BL, TORSO_BR = range(NUM_JOINTS, NUM_JOINTS + 6)
L_KNUCKLES, R_KNUCKLES, L_TOE_CAP, R_TOE_CAP, L_HEEL_CAP, R_HEEL_CAP = range(NUM_JOINTS + 6, NUM_JOINTS + 12)
SKIN, SHIRT, PANTS, SHOE = 0, 1, 2, 3
FOOT_R_M = 0.035  #: the foot's radius (half its thickness) at 1.75 m height
HAND_R_M = 0.015  #: half the hand's thickness at the knuckles (~3 cm)

#: (a, b, radius at a, radius at b, both at 1.75 m height, colour class); the head's radius comes from the body
_CAPSULES = (
    (HEAD, HEAD, 0.0, 0.0, SKIN), (NECK, HEAD, 0.05, 0.05, SKIN),
    (TORSO_TL, TORSO_BL, 0.10, 0.10, SHIRT), (TORSO_TR, TORSO_BR, 0.10, 0.10, SHIRT),
    (J.LEFT_SHOULDER, J.RIGHT_SHOULDER, 0.05, 0.05, SHIRT), (J.LEFT_HIP, J.RIGHT_HIP, 0.085, 0.085, PANTS),
    (J.LEFT_SHOULDER, J.LEFT_ELBOW, 0.05, 0.042, SHIRT), (J.RIGHT_SHOULDER, J.RIGHT_ELBOW, 0.05, 0.042, SHIRT),
    (J.LEFT_ELBOW, J.LEFT_WRIST, 0.040, 0.026, SKIN), (J.RIGHT_ELBOW, J.RIGHT_WRIST, 0.040, 0.026, SKIN),
    (J.LEFT_WRIST, J.LEFT_INDEX, 0.018, HAND_R_M, SKIN), (J.RIGHT_WRIST, J.RIGHT_INDEX, 0.018, HAND_R_M, SKIN),
    (J.LEFT_WRIST, L_KNUCKLES, 0.018, HAND_R_M, SKIN), (J.RIGHT_WRIST, R_KNUCKLES, 0.018, HAND_R_M, SKIN),
    (J.LEFT_WRIST, J.LEFT_PINKY, 0.018, HAND_R_M, SKIN), (J.RIGHT_WRIST, J.RIGHT_PINKY, 0.018, HAND_R_M, SKIN),
    (J.LEFT_WRIST, J.LEFT_THUMB, 0.018, HAND_R_M, SKIN), (J.RIGHT_WRIST, J.RIGHT_THUMB, 0.018, HAND_R_M, SKIN),
    (J.LEFT_HIP, J.LEFT_KNEE, 0.080, 0.060, PANTS), (J.RIGHT_HIP, J.RIGHT_KNEE, 0.080, 0.060, PANTS),
    (J.LEFT_KNEE, J.LEFT_ANKLE, 0.058, 0.036, PANTS), (J.RIGHT_KNEE, J.RIGHT_ANKLE, 0.058, 0.036, PANTS),
    (J.LEFT_ANKLE, L_TOE_CAP, FOOT_R_M, FOOT_R_M, SHOE), (J.RIGHT_ANKLE, R_TOE_CAP, FOOT_R_M, FOOT_R_M, SHOE),
    (L_HEEL_CAP, L_TOE_CAP, FOOT_R_M, FOOT_R_M, SHOE), (R_HEEL_CAP, R_TOE_CAP, FOOT_R_M, FOOT_R_M, SHOE),
)  # fmt: skip
CAP_A = np.array([c[0] for c in _CAPSULES])
CAP_B = np.array([c[1] for c in _CAPSULES])
CAP_COLOUR = np.array([c[4] for c in _CAPSULES])
_CAP_R = np.array([(c[2], c[3]) for c in _CAPSULES])
_ON_SKIN = (J.LEFT_HEEL, J.RIGHT_HEEL, J.LEFT_FOOT_INDEX, J.RIGHT_FOOT_INDEX)


def capsule_radii(scale: float, head_r_m: float) -> np.ndarray:
    """(n_capsules, 2) radii in metres at each capsule's two ends for a body of ``scale`` (height / 1.75 m)."""
    r = _CAP_R * scale
    r[0] = head_r_m
    return r


def joint_surface_radius(scale: float, head_r_m: float) -> np.ndarray:
    """(33,) how far the body's skin lies in front of each point, seen along the ray: the largest
    capsule radius at a joint (0 for the face points on the head's skin, and for the heel and
    toe tip at the foot's ends)."""
    r = capsule_radii(scale, head_r_m)
    out = np.zeros(NUM_JOINTS)
    for a, b, (ra, rb) in zip(CAP_A, CAP_B, r, strict=True):
        for j, rad in ((a, ra), (b, rb)):
            if j < NUM_JOINTS:
                out[j] = max(out[j], rad)
    out[list(_ON_SKIN)] = 0.0
    return out


def primitive_points(joints: np.ndarray, head_centre: np.ndarray, scale: float) -> np.ndarray:
    """(33 + 12, 3) joints plus the head centre, neck base, torso corners, the middle knuckles
    and the foot capsules' end centres, one foot radius inside the toe tip and the heel (any frame)."""
    ls, rs, lh, rh = joints[J.LEFT_SHOULDER], joints[J.RIGHT_SHOULDER], joints[J.LEFT_HIP], joints[J.RIGHT_HIP]
    sm, hm = (ls + rs) / 2, (lh + rh) / 2
    lat = ls - rs
    lat = lat / np.linalg.norm(lat) * 0.07 * scale
    up = sm - hm
    up = up / np.linalg.norm(up) * 0.08 * scale
    knuckles = (joints[[J.LEFT_INDEX, J.RIGHT_INDEX]] + joints[[J.LEFT_PINKY, J.RIGHT_PINKY]]) / 2
    toe, heel = joints[[J.LEFT_FOOT_INDEX, J.RIGHT_FOOT_INDEX]], joints[[J.LEFT_HEEL, J.RIGHT_HEEL]]
    along = toe - heel
    along *= (FOOT_R_M * scale) / np.linalg.norm(along, axis=1, keepdims=True)
    extra = np.stack([head_centre, sm, sm + lat, sm - lat, hm + lat + up, hm - lat + up])
    return np.concatenate([joints, extra, knuckles, toe - along, heel + along])
