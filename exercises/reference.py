"""Compare a rep with a reference rep ("compare me with the coach").

Both reps are turned into trajectories of the definition's angle signals
(and, when 3D joints are available in both, hip-centred 3D positions scaled
by torso length), normalised per signal, time-aligned with dynamic time
warping, and the mean aligned error is mapped to a 0..100 score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from exercises import geometry as geo
from exercises.events import View
from exercises.signals import SignalPlan
from exercises.spec import ExerciseDefinition
from exercises.view import classify_yaw, estimate_yaw_deg
from sensors.joints import Joint
from sensors.pose import PoseFrame

#: joints compared in 3D (limbs and trunk; the face is left out)
BODY_JOINTS = np.array([j for j in Joint if j >= Joint.LEFT_SHOULDER and j not in range(17, 23)])
#: normalised error at which the score reaches 0 (angles: 45 deg; 3D: 0.5 torso lengths)
ANGLE_SCALE_DEG = 45.0
POSITION_SCALE = 0.5


@dataclass(frozen=True, slots=True)
class ReferenceComparison:
    """Score 0..100; per-signal mean aligned error (signal units); DTW path (rep index, reference index)."""

    score: float
    errors: Mapping[str, float]
    path: tuple[tuple[int, int], ...]
    position_error: float  #: mean aligned 3D error in torso lengths (NaN without 3D)


def dtw(a: np.ndarray, b: np.ndarray) -> tuple[float, list[tuple[int, int]]]:
    """Dynamic time warping of (N, K) and (M, K) sequences (NaN features ignored per pair).

    Returns (mean cost along the path, path as (i, j) pairs from (0, 0) to (N-1, M-1)).
    """
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return math.nan, []
    diff = np.abs(a[:, None, :] - b[None, :, :])  # (N, M, K)
    valid = np.isfinite(diff)
    cnt = valid.sum(axis=2)
    cost = np.where(cnt > 0, np.where(valid, diff, 0.0).sum(axis=2) / np.maximum(cnt, 1), 1e3)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        row = cost[i - 1]
        prev = acc[i - 1]
        cur = acc[i]
        for j in range(1, m + 1):
            cur[j] = row[j - 1] + min(prev[j], prev[j - 1], cur[j - 1])
    i, j = n, m
    path = [(n - 1, m - 1)]
    while (i, j) != (1, 1):
        steps = [(acc[i - 1, j - 1], i - 1, j - 1), (acc[i - 1, j], i - 1, j), (acc[i, j - 1], i, j - 1)]
        _, i, j = min((s for s in steps if s[1] >= 1 and s[2] >= 1), key=lambda s: s[0])
        path.append((i - 1, j - 1))
    path.reverse()
    return float(acc[n, m] / len(path)), path


def _angle_signals(definition: ExerciseDefinition) -> list[str]:
    return [n for n, s in definition.signals.items() if s.kind in ("angle", "segment")]


def trajectory(frames: Sequence[PoseFrame], definition: ExerciseDefinition) -> tuple[np.ndarray, np.ndarray]:
    """(N, K) angle signals (degrees) and (N, J*3) hip-centred 3D positions / torso length (NaN without 3D)."""
    plan = SignalPlan(dict(definition.signals))
    names = _angle_signals(definition)
    cols = [plan.index[n] for n in names]
    ang = np.full((len(frames), len(cols)), np.nan)
    pos = np.full((len(frames), len(BODY_JOINTS) * 3), np.nan)
    view = View.UNKNOWN
    for k, f in enumerate(frames):
        if not f.has_player:
            continue
        view = classify_yaw(estimate_yaw_deg(f), view)
        ang[k] = plan.evaluate(f, view).values[cols]
        w = f.world_xyz_m
        torso = geo.torso_length(w)
        if math.isfinite(torso) and torso > 1e-6:
            hip = geo.midpoint(w, Joint.LEFT_HIP, Joint.RIGHT_HIP)
            pos[k] = ((w[BODY_JOINTS] - hip) / torso).ravel()
    return ang, pos


def compare_to_reference(
    rep_frames: Sequence[PoseFrame], reference_frames: Sequence[PoseFrame], definition: ExerciseDefinition
) -> ReferenceComparison:
    """Score ``rep_frames`` against ``reference_frames`` (both one rep of ``definition``)."""
    names = _angle_signals(definition)
    a_ang, a_pos = trajectory(rep_frames, definition)
    b_ang, b_pos = trajectory(reference_frames, definition)
    has_3d = bool(np.isfinite(a_pos).any() and np.isfinite(b_pos).any())
    feats_a = a_ang / ANGLE_SCALE_DEG
    feats_b = b_ang / ANGLE_SCALE_DEG
    if has_3d:
        feats_a = np.hstack([feats_a, a_pos / POSITION_SCALE])
        feats_b = np.hstack([feats_b, b_pos / POSITION_SCALE])
    _, path = dtw(feats_a, feats_b)
    if not path:
        return ReferenceComparison(0.0, dict.fromkeys(names, math.nan), (), math.nan)
    ia = np.array([p[0] for p in path])
    ib = np.array([p[1] for p in path])
    with np.errstate(invalid="ignore"):
        err_ang = np.abs(a_ang[ia] - b_ang[ib])
        errors = {
            n: float(np.nanmean(err_ang[:, k])) if np.isfinite(err_ang[:, k]).any() else math.nan
            for k, n in enumerate(names)
        }
        pos_err = math.nan
        if has_3d:
            d = (a_pos[ia] - b_pos[ib]).reshape(len(path), -1, 3)
            dist = np.sqrt((d**2).sum(axis=2))
            pos_err = float(np.nanmean(dist)) if np.isfinite(dist).any() else math.nan
    parts = [v / ANGLE_SCALE_DEG for v in errors.values() if math.isfinite(v)]
    if math.isfinite(pos_err):
        parts.append(pos_err / POSITION_SCALE)
    score = 100.0 * max(0.0, 1.0 - float(np.mean(parts))) if parts else 0.0
    return ReferenceComparison(round(score, 1), errors, tuple(path), pos_err)
