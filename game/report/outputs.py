"""Write the plot and key frames of one analysis run to a folder."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from game.form_limbs import limb_faults
from game.report.analysis import Analysis, key_frame_positions
from game.report.keyframes import FAULT_RGB, GOOD_RGB, TEXT_RGB, read_video_frames, write_key_frames
from game.report.plot import plot_analysis

Caption = list[tuple[str, tuple[int, int, int]]]


def key_frame_captions(
    analysis: Analysis, reference_scores: Sequence[float | None] | None = None
) -> list[tuple[str, int, Caption]]:
    """``(label, position, caption lines)`` for every key frame of ``analysis``."""
    reps = {f"rep{r.index}": (k, r) for k, r in enumerate(analysis.summary.per_rep)}
    picks = []
    for label, pos in key_frame_positions(analysis):
        value = analysis.primary[pos]
        signal = f"{analysis.primary_signal} {value:.0f}" if math.isfinite(value) else f"{analysis.primary_signal} -"
        t_s = analysis.t_s[pos] - analysis.t_s[0]
        entry = reps.get(label)
        if entry is None:
            lines: Caption = [(f"{analysis.exercise}  t {t_s:.2f} s  {signal}", TEXT_RGB)]
            if getattr(analysis.definition, "kind", "reps") == "hold":
                lines.append((f"held in form {analysis.summary.hold_in_form_s:.1f} s", GOOD_RGB))
            picks.append((label, pos, lines))
            continue
        k, rep = entry
        head = f"{analysis.exercise} rep {rep.index}  t {t_s:.2f} s  {signal}  score {rep.score:.0f}"
        if reference_scores is not None and k < len(reference_scores) and reference_scores[k] is not None:
            head += f"  vs coach {reference_scores[k]:.0f}"
        lines = [(head, TEXT_RGB)]
        lines += [(f"{f.rule_id}: {f.cue}", FAULT_RGB) for f in rep.faults] or [("good form", GOOD_RGB)]
        picks.append((label, pos, lines))
    return picks


def fault_limbs(analysis: Analysis) -> dict[str, dict[tuple[int, int], int]]:
    """Per key-frame label (``rep3``), the limbs its rep's faults are about (drawn dashed)."""
    if analysis.definition is None:
        return {}
    return {
        f"rep{r.index}": limb_faults(analysis.definition, [(f.rule_id, f.severity) for f in r.faults])
        for r in analysis.summary.per_rep
        if r.faults
    }


def key_frame_images(run: Any, frame_indices: Sequence[int], positions: Sequence[int]) -> dict[int, np.ndarray]:
    """RGB images by frame index, from wherever ``run``'s source keeps them (empty: draw on a blank canvas)."""
    from sensors.recording import RecordingReader

    if run.pose_file is not None and run.src.scheme == "recording":
        reader = RecordingReader(run.pose_file)
        try:
            if not reader.has_images:
                return {}
            return {
                i: f.rgb
                for i, p in zip(frame_indices, positions, strict=True)
                if (f := reader.frame(p, images=True)).rgb is not None
            }
        finally:
            reader.close()
    if run.src.scheme == "video" and run.src.path is not None:
        return read_video_frames(run.src.path, frame_indices)
    if run.images is not None:
        return run.images.as_mapping(frame_indices)
    return {}


def write_outputs(run: Any, out_dir: Path, reference_scores: Sequence[float | None] | None = None) -> dict[str, Any]:
    """Write ``plot.png`` and ``keyframe_*.png`` into ``out_dir``; return their paths for the JSON document."""
    analysis: Analysis = run.analysis
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("keyframe_*.png"):  # a rerun must not leave another run's frames behind
        old.unlink()
    plot = plot_analysis(analysis, out_dir / "plot.png", title=f"{analysis.exercise} — {run.src.stem}")
    picks = key_frame_captions(analysis, reference_scores)
    positions = [p for _, p, _ in picks]
    indices = [analysis.frames[p].index for p in positions]
    images = key_frame_images(run, indices, positions)
    frames = write_key_frames(analysis.frames, picks, images, out_dir, fault_limbs(analysis))
    return {"dir": out_dir, "plot": plot, "key_frames": frames, "json": out_dir / "analysis.json"}
