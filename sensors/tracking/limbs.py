"""Limb-length consistency: a depth sample that would stretch a bone is not the joint's.

The player's segment lengths are fixed. A depth sample that lands on an
occluder (a barbell plate, the other arm) moves the joint along its pixel's
ray and changes the length of the bone to its parent; comparing the measured
length with the player's calibrated one exposes it. Pure numpy.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sensors.bones import LIMB_BONES
from sensors.joints import NUM_JOINTS

SEGMENTS = LIMB_BONES  #: (parent, child) bones checked, parents first (one list: sensors/bones.py)
_PARENT = np.array([p for p, _ in SEGMENTS])
_CHILD = np.array([c for _, c in SEGMENTS])


def _levels() -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
    """The segments grouped by depth in their chain (a parent's level comes before its child's)."""
    depth: dict[int, int] = {}
    for p, c in SEGMENTS:
        depth[c] = depth.get(p, 0) + 1
    out = []
    for d in sorted(set(depth.values())):
        ks = np.array([k for k, (_, c) in enumerate(SEGMENTS) if depth[c] == d])
        out.append((_PARENT[ks], _CHILD[ks], ks))
    return tuple(out)


_LEVELS = _levels()


def segment_lengths_m(xyz_m: np.ndarray) -> np.ndarray:
    """(len(SEGMENTS),) bone lengths of one skeleton (33, 3); NaN where an end is unknown."""
    return np.linalg.norm(xyz_m[_CHILD] - xyz_m[_PARENT], axis=1)


def calibrate_segments(skeletons: Iterable[np.ndarray]) -> np.ndarray:
    """The player's bone lengths: the per-bone median over skeletons (33, 3) in metres
    (e.g. the DEPTH-measured joints of a short warm-up). NaN for bones never seen."""
    rows = [segment_lengths_m(s) for s in skeletons]
    if not rows:
        return np.full(len(SEGMENTS), np.nan)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmedian(np.array(rows), axis=0)


def stretched_children(
    measured_m: np.ndarray, usable: np.ndarray, fallback_m: np.ndarray, lengths_m: np.ndarray,
    rel_tol: float, abs_tol_m: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """(33,) bool: joints whose measured 3D position breaks a bone to their parent.

    ``measured_m`` (33, 3) this frame's depth points, ``usable`` (33,) which of
    them are candidates, ``fallback_m`` (33, 3) where a parent is when its own
    measurement is not usable (the tracker's prediction; NaN: unknown),
    ``lengths_m`` calibrated bone lengths (NaN: not calibrated, unchecked),
    tolerance ``rel_tol * length + abs_tol_m[child]``. Parents are checked
    before their children, so a rejected elbow is replaced by its prediction
    before its wrist is judged.
    """
    ok = usable.copy()
    bad = np.zeros(NUM_JOINTS, bool)
    for parent_idx, child_idx, k in _LEVELS:  # one vectorised step per level of the chains
        parent = np.where(ok[parent_idx, None], measured_m[parent_idx], fallback_m[parent_idx])
        length = np.linalg.norm(measured_m[child_idx] - parent, axis=1)
        ref = lengths_m[k]
        with np.errstate(invalid="ignore"):
            broken = ok[child_idx] & (np.abs(length - ref) > rel_tol * ref + abs_tol_m[child_idx])
        # NaN (an unknown parent or an uncalibrated bone) compares False: unchecked
        bad[child_idx[broken]] = True
        ok[child_idx[broken]] = False
    return bad
