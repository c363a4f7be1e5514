"""Left/right swaps by the pose model, detected against the tracker's prediction and undone.

A single-image pose model sometimes labels the left limbs right and the
right ones left (for a frame or a few). Temporal continuity decides it: the
tracker predicts where each joint should be now; if the frame's joints fit
that prediction clearly better with left and right exchanged (for the whole
body, the legs only or the arms only), the frame is mirrored back. Depth
makes the decision possible in a side view, where left and right overlap in
the image but not in depth. Pure numpy.
"""

from __future__ import annotations

import numpy as np

from sensors.joints import LEFT_RIGHT_PAIRS, MIRROR_INDEX, NUM_JOINTS, Joint
from sensors.pose import PoseFrame

_MIRROR = np.array(MIRROR_INDEX)


def _group(names: tuple[str, ...]) -> np.ndarray:
    perm = np.arange(NUM_JOINTS)
    for a, b in LEFT_RIGHT_PAIRS:
        if any(n in a.name for n in names):
            perm[a], perm[b] = b, a
    return perm


#: candidate relabellings: whole body, legs only, arms only
SWAPS: tuple[np.ndarray, ...] = (
    _MIRROR,
    _group(("HIP", "KNEE", "ANKLE", "HEEL", "FOOT")),
    _group(("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")),
)
_SIDED = np.array([j for pair in LEFT_RIGHT_PAIRS for j in pair if j not in (Joint.MOUTH_LEFT, Joint.MOUTH_RIGHT)])


def fit_costs(
    positions: list[np.ndarray], predicted: list[np.ndarray], variances: list[np.ndarray], perms: np.ndarray
) -> np.ndarray:
    """(P,) for each relabelling ``perms[k]`` (a permutation of 33): the sum over sided joints of
    the capped squared Mahalanobis distance between the relabelled measurement
    ``positions[i][perm]`` and ``predicted[i]`` (each (33, A)) with per-axis
    ``variances[i]`` (33, A); unknown entries count nothing."""
    total = np.zeros(len(perms))
    idx = perms[:, _SIDED]  # (P, S)
    for z, mu, var in zip(positions, predicted, variances, strict=True):
        d2 = (z[idx] - mu[_SIDED][None]) ** 2 / var[_SIDED][None]  # (P, S, A)
        d2 = np.where(np.isfinite(d2), np.minimum(d2, 50.0), 0.0)
        total += d2.sum(axis=(1, 2))
    return total


_CANDIDATES = np.stack([np.arange(NUM_JOINTS), *SWAPS])


def best_relabelling(
    positions: list[np.ndarray], predicted: list[np.ndarray], variances: list[np.ndarray], margin: float = 0.5
) -> np.ndarray | None:
    """The relabelling (a permutation of 33) that clearly fits better than the frame as is, or None.

    "Clearly": its cost is below ``margin`` times the unchanged cost, and the
    unchanged cost is itself improbable (above 3 per sided joint)."""
    return best_relabelling_from(fit_costs(positions, predicted, variances, _CANDIDATES), margin)


def best_relabelling_from(costs: np.ndarray, margin: float = 0.5) -> np.ndarray | None:
    """``best_relabelling`` given the (4,) costs of ``_CANDIDATES`` (the frame as is first)."""
    keep = float(costs[0])
    if keep < 3.0 * len(_SIDED):  # the frame fits as it is: no swap
        return None
    best = int(np.argmin(costs[1:]))
    return _CANDIDATES[best + 1] if costs[best + 1] < margin * keep else None


def relabel(frame: PoseFrame, perm: np.ndarray) -> PoseFrame:
    """``frame`` with its joints permuted by ``perm`` (all per-joint fields; truth untouched)."""
    return frame.with_changes(
        image_xy_px=frame.image_xy_px[perm].copy(),
        camera_xyz_m=frame.camera_xyz_m[perm].copy(),
        world_xyz_m=frame.world_xyz_m[perm].copy(),
        confidence=frame.confidence[perm].copy(),
        source=frame.source[perm].copy(),
    )
