"""The skeleton's bones: one list for the player lock, depth fusion and the tracker.

:data:`BONES` holds (parent, child) joint pairs ordered from the torso
outwards, so a chain can be walked parents first; :data:`TORSO_BONES` are its
first four (shoulder and hip widths, the two sides), :data:`LIMB_BONES` the
rest (the tracker's limb segments), :data:`SCALE_BONES` the rigid ones whose
length gives a skeleton's scale. :func:`bone_lengths` measures any of them in
2D (pixels) or 3D (metres). Pure numpy.
"""

from __future__ import annotations

import numpy as np

from sensors.joints import MIRROR_INDEX, Joint

J = Joint
Bone = tuple[Joint, Joint]

#: shoulder width, hip width and the trunk's two sides
TORSO_BONES: tuple[Bone, ...] = (
    (J.LEFT_SHOULDER, J.RIGHT_SHOULDER), (J.LEFT_HIP, J.RIGHT_HIP),
    (J.LEFT_SHOULDER, J.LEFT_HIP), (J.RIGHT_SHOULDER, J.RIGHT_HIP),
)  # fmt: skip
#: (parent, child) limb bones, parents first (a chain is walked from the torso outwards)
LIMB_BONES: tuple[Bone, ...] = (
    (J.LEFT_SHOULDER, J.LEFT_ELBOW), (J.RIGHT_SHOULDER, J.RIGHT_ELBOW),
    (J.LEFT_ELBOW, J.LEFT_WRIST), (J.RIGHT_ELBOW, J.RIGHT_WRIST),
    (J.LEFT_WRIST, J.LEFT_PINKY), (J.RIGHT_WRIST, J.RIGHT_PINKY),
    (J.LEFT_WRIST, J.LEFT_INDEX), (J.RIGHT_WRIST, J.RIGHT_INDEX),
    (J.LEFT_WRIST, J.LEFT_THUMB), (J.RIGHT_WRIST, J.RIGHT_THUMB),
    (J.LEFT_HIP, J.LEFT_KNEE), (J.RIGHT_HIP, J.RIGHT_KNEE),
    (J.LEFT_KNEE, J.LEFT_ANKLE), (J.RIGHT_KNEE, J.RIGHT_ANKLE),
    (J.LEFT_ANKLE, J.LEFT_HEEL), (J.RIGHT_ANKLE, J.RIGHT_HEEL),
    (J.LEFT_ANKLE, J.LEFT_FOOT_INDEX), (J.RIGHT_ANKLE, J.RIGHT_FOOT_INDEX),
)  # fmt: skip
#: every bone, torso first
BONES: tuple[Bone, ...] = TORSO_BONES + LIMB_BONES
#: rigid bones whose 2D length gives a skeleton's scale (rarely all foreshortened at once)
SCALE_BONES: tuple[Bone, ...] = TORSO_BONES + tuple(
    b for b in LIMB_BONES if b[1] in (J.LEFT_ELBOW, J.RIGHT_ELBOW, J.LEFT_WRIST, J.RIGHT_WRIST,
                                       J.LEFT_KNEE, J.RIGHT_KNEE, J.LEFT_ANKLE, J.RIGHT_ANKLE)
)  # fmt: skip


def bone_ends(bones: tuple[Bone, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(parents, children) index arrays of ``bones``."""
    return np.array([a for a, _ in bones], dtype=np.intp), np.array([b for _, b in bones], dtype=np.intp)


def bone_lengths(points: np.ndarray, bones: tuple[Bone, ...] = BONES) -> np.ndarray:
    """Lengths of ``bones`` in ``points`` (..., 33, D): (..., len(bones)), in the points' unit
    (pixels for D = 2, metres for D = 3); NaN where an end is NaN."""
    parents, children = bone_ends(bones)
    d = points[..., children, :] - points[..., parents, :]
    return np.sqrt(np.sum(d * d, axis=-1))


def mirror_bone_index(bones: tuple[Bone, ...] = BONES) -> np.ndarray:
    """(len(bones),) index of each bone's left/right mirror in ``bones`` (itself for the widths)."""
    where = {(int(a), int(b)): k for k, (a, b) in enumerate(bones)}
    out = []
    for k, (a, b) in enumerate(bones):
        ma, mb = MIRROR_INDEX[a], MIRROR_INDEX[b]
        out.append(where.get((ma, mb), where.get((mb, ma), k)))
    return np.array(out, dtype=np.intp)
