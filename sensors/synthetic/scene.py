"""The avatar as render primitives: capsules along the bones, a head sphere,
a two-capsule torso. Shared by the depth/RGB renderer and the occlusion test.
"""

from __future__ import annotations

import numpy as np

from sensors.joints import NUM_JOINTS, Joint

J = Joint
# extra points appended after the 33 joints
HEAD, NECK, TORSO_TL, TORSO_TR, TORSO_BL, TORSO_BR = range(NUM_JOINTS, NUM_JOINTS + 6)
SKIN, SHIRT, PANTS, SHOE = 0, 1, 2, 3

#: (a, b, radius at 1.75 m height, colour class); head radius comes from the body
_CAPSULES = (
    (HEAD, HEAD, 0.0, SKIN), (NECK, HEAD, 0.05, SKIN),
    (TORSO_TL, TORSO_BL, 0.10, SHIRT), (TORSO_TR, TORSO_BR, 0.10, SHIRT),
    (J.LEFT_SHOULDER, J.RIGHT_SHOULDER, 0.055, SHIRT), (J.LEFT_HIP, J.RIGHT_HIP, 0.085, PANTS),
    (J.LEFT_SHOULDER, J.LEFT_ELBOW, 0.045, SHIRT), (J.RIGHT_SHOULDER, J.RIGHT_ELBOW, 0.045, SHIRT),
    (J.LEFT_ELBOW, J.LEFT_WRIST, 0.037, SKIN), (J.RIGHT_ELBOW, J.RIGHT_WRIST, 0.037, SKIN),
    (J.LEFT_WRIST, J.LEFT_INDEX, 0.032, SKIN), (J.RIGHT_WRIST, J.RIGHT_INDEX, 0.032, SKIN),
    (J.LEFT_HIP, J.LEFT_KNEE, 0.075, PANTS), (J.RIGHT_HIP, J.RIGHT_KNEE, 0.075, PANTS),
    (J.LEFT_KNEE, J.LEFT_ANKLE, 0.052, PANTS), (J.RIGHT_KNEE, J.RIGHT_ANKLE, 0.052, PANTS),
    (J.LEFT_ANKLE, J.LEFT_FOOT_INDEX, 0.035, SHOE), (J.RIGHT_ANKLE, J.RIGHT_FOOT_INDEX, 0.035, SHOE),
    (J.LEFT_HEEL, J.LEFT_FOOT_INDEX, 0.035, SHOE), (J.RIGHT_HEEL, J.RIGHT_FOOT_INDEX, 0.035, SHOE),
)  # fmt: skip
CAP_A = np.array([c[0] for c in _CAPSULES])
CAP_B = np.array([c[1] for c in _CAPSULES])
CAP_COLOUR = np.array([c[3] for c in _CAPSULES])
_CAP_R = np.array([c[2] for c in _CAPSULES])


def capsule_radii(scale: float, head_r_m: float) -> np.ndarray:
    """(n_capsules,) radii in metres for a body of ``scale`` (height / 1.75 m)."""
    r = _CAP_R * scale
    r[0] = head_r_m
    return r


def joint_surface_radius(scale: float, head_r_m: float) -> np.ndarray:
    """(33,) radius of the body surface around each joint: the largest capsule
    ending at it (0 for face points, which lie on the head's surface)."""
    r = capsule_radii(scale, head_r_m)
    out = np.zeros(NUM_JOINTS)
    for a, b, rad in zip(CAP_A, CAP_B, r, strict=True):
        for j in (a, b):
            if j < NUM_JOINTS:
                out[j] = max(out[j], rad)
    return out


def primitive_points(joints: np.ndarray, head_centre: np.ndarray, scale: float) -> np.ndarray:
    """(33 + 6, 3) joints plus the head centre, neck base and torso corners (any frame)."""
    ls, rs, lh, rh = joints[J.LEFT_SHOULDER], joints[J.RIGHT_SHOULDER], joints[J.LEFT_HIP], joints[J.RIGHT_HIP]
    sm, hm = (ls + rs) / 2, (lh + rh) / 2
    lat = ls - rs
    lat = lat / np.linalg.norm(lat) * 0.07 * scale
    up = sm - hm
    up = up / np.linalg.norm(up) * 0.08 * scale
    extra = np.stack([head_centre, sm, sm + lat, sm - lat, hm + lat + up, hm - lat + up])
    return np.concatenate([joints, extra])
