"""The 33 BlazePose joints, the skeleton's edges and its left/right pairs.

The order is MediaPipe Pose's landmark order, so arrays of shape (33, ...)
index directly by :class:`Joint`.
"""

from __future__ import annotations

from enum import IntEnum


class Joint(IntEnum):
    """BlazePose landmark index (MediaPipe ``PoseLandmark`` order)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


NUM_JOINTS = len(Joint)

J = Joint

#: Bones drawn and measured: (parent, child) pairs, MediaPipe's POSE_CONNECTIONS.
SKELETON_EDGES: tuple[tuple[Joint, Joint], ...] = (
    (J.NOSE, J.LEFT_EYE_INNER), (J.LEFT_EYE_INNER, J.LEFT_EYE), (J.LEFT_EYE, J.LEFT_EYE_OUTER),
    (J.LEFT_EYE_OUTER, J.LEFT_EAR), (J.NOSE, J.RIGHT_EYE_INNER), (J.RIGHT_EYE_INNER, J.RIGHT_EYE),
    (J.RIGHT_EYE, J.RIGHT_EYE_OUTER), (J.RIGHT_EYE_OUTER, J.RIGHT_EAR), (J.MOUTH_LEFT, J.MOUTH_RIGHT),
    (J.LEFT_SHOULDER, J.RIGHT_SHOULDER), (J.LEFT_SHOULDER, J.LEFT_ELBOW), (J.LEFT_ELBOW, J.LEFT_WRIST),
    (J.LEFT_WRIST, J.LEFT_PINKY), (J.LEFT_WRIST, J.LEFT_INDEX), (J.LEFT_WRIST, J.LEFT_THUMB),
    (J.LEFT_PINKY, J.LEFT_INDEX), (J.RIGHT_SHOULDER, J.RIGHT_ELBOW), (J.RIGHT_ELBOW, J.RIGHT_WRIST),
    (J.RIGHT_WRIST, J.RIGHT_PINKY), (J.RIGHT_WRIST, J.RIGHT_INDEX), (J.RIGHT_WRIST, J.RIGHT_THUMB),
    (J.RIGHT_PINKY, J.RIGHT_INDEX), (J.LEFT_SHOULDER, J.LEFT_HIP), (J.RIGHT_SHOULDER, J.RIGHT_HIP),
    (J.LEFT_HIP, J.RIGHT_HIP), (J.LEFT_HIP, J.LEFT_KNEE), (J.RIGHT_HIP, J.RIGHT_KNEE),
    (J.LEFT_KNEE, J.LEFT_ANKLE), (J.RIGHT_KNEE, J.RIGHT_ANKLE), (J.LEFT_ANKLE, J.LEFT_HEEL),
    (J.RIGHT_ANKLE, J.RIGHT_HEEL), (J.LEFT_HEEL, J.LEFT_FOOT_INDEX), (J.RIGHT_HEEL, J.RIGHT_FOOT_INDEX),
    (J.LEFT_ANKLE, J.LEFT_FOOT_INDEX), (J.RIGHT_ANKLE, J.RIGHT_FOOT_INDEX),
)  # fmt: skip

#: (left, right) joint pairs; used for mirroring, symmetry and left/right swap checks.
LEFT_RIGHT_PAIRS: tuple[tuple[Joint, Joint], ...] = tuple(
    (j, Joint[j.name.replace("LEFT", "RIGHT")]) for j in Joint if j.name.startswith("LEFT")
) + ((J.MOUTH_LEFT, J.MOUTH_RIGHT),)

#: Index permutation that swaps every left joint with its right partner.
MIRROR_INDEX: tuple[int, ...] = tuple(
    next((b if a == j else a for a, b in LEFT_RIGHT_PAIRS if j in (a, b)), j) for j in Joint
)


def joint_by_name(name: str) -> Joint:
    """Return the joint called ``name`` (case-insensitive, e.g. ``"left_knee"``).

    Raises ``KeyError`` naming the closest known joint when the name is unknown.
    """
    key = name.strip().upper().replace("-", "_").replace(" ", "_")
    try:
        return Joint[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, Joint.__members__, n=1)
        hint = f"; did you mean '{close[0].lower()}'?" if close else ""
        raise KeyError(f"unknown joint '{name}'{hint}") from None
