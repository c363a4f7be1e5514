"""``--reference FILE``: score each rep against a coach's recorded rep or set (a ``.rq`` or a video).

The reference recording is run through the same form engine; when it holds
complete reps, its best-scoring rep is the reference, otherwise the whole
recording is taken as one rep. Each rep of the analysed stream is compared
with it by :func:`exercises.compare_to_reference` (DTW on joint-angle
trajectories, plus aligned 3D when both have it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.cli import UserError
from game.report.analysis import Analysis, analyze_frames
from sensors.pose import PoseFrame


@dataclass(frozen=True, slots=True)
class Reference:
    path: Path
    frames: list[PoseFrame]  #: every frame of the recording
    rep_frames: list[PoseFrame]  #: the frames of the reference rep
    rep_index: int | None  #: which of the recording's reps (1-based); None = the whole recording
    definition: Any

    def describe(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "frames": len(self.frames),
            "rep": self.rep_index,
            "rep_frames": len(self.rep_frames),
        }


def rep_slice(analysis: Analysis, start_t_s: float, end_t_s: float) -> list[PoseFrame]:
    """The frames of ``analysis`` from ``start_t_s`` to ``end_t_s`` inclusive."""
    lo = int(np.searchsorted(analysis.t_s, start_t_s, side="left"))
    hi = int(np.searchsorted(analysis.t_s, end_t_s, side="right"))
    return analysis.frames[lo:hi]


def load_reference(path: Path, definition: Any) -> Reference:
    """Read the recording at ``path`` and pick its reference rep; UserError when it holds no pose."""
    from sensors.recording.format import MAGIC
    from sensors.registry import SourceOptions, open_source

    poses = path
    if path.is_file():
        with open(path, "rb") as f:
            is_recording = f.read(len(MAGIC)) == MAGIC
        if not is_recording:  # a coach's video: its poses through the cache
            from sensors.errors import SourceUnavailable
            from sensors.pose_cache import cached_poses

            try:
                poses = cached_poses(path)
            except SourceUnavailable as e:
                raise UserError(f"reference {path}: expected a pose recording (.rq) or a video; {e}") from None
    with open_source(f"recording:{poses}", SourceOptions(images=False, realtime=False)) as sensor:
        frames = list(sensor)
    if not frames:
        raise UserError(f"reference {path}: the recording holds no frames")
    if not any(f.has_player for f in frames):
        raise UserError(f"reference {path}: no person was detected in its {len(frames)} frames")
    reps = analyze_frames(frames, definition)
    if reps.summary.per_rep:
        best = max(reps.summary.per_rep, key=lambda r: r.score)
        return Reference(path, frames, rep_slice(reps, best.start_t_s, best.end_t_s), best.index, definition)
    return Reference(path, frames, [f for f in frames if f.has_player], None, definition)


def _score_of(result: Any) -> float | None:
    score = getattr(result, "score", result)
    try:
        value = float(score)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def reference_scores(analysis: Analysis, reference: Reference) -> list[float | None]:
    """One 0-100 similarity per rep of ``analysis`` (None where a rep has too few frames)."""
    from exercises import compare_to_reference

    out: list[float | None] = []
    for rep in analysis.summary.per_rep:
        frames = rep_slice(analysis, rep.start_t_s, rep.end_t_s)
        if len(frames) < 2:
            out.append(None)
            continue
        out.append(_score_of(compare_to_reference(frames, reference.rep_frames, reference.definition)))
    return out
