"""The JSON document ``repquest analyze --json`` prints (one object, NaN -> null)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from game.report.analysis import Analysis
from game.report.explain import explain

#: bump when a field changes meaning or is removed (adding fields keeps the version)
DOCUMENT_VERSION = 1


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN/inf -> None, numpy scalars -> Python, tuples -> lists, Paths -> str."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return str(value)


def rep_to_dict(rep: Any, reference_score: float | None = None) -> dict[str, Any]:
    out = {
        "index": rep.index,
        "start_t_s": rep.start_t_s,
        "end_t_s": rep.end_t_s,
        "rom_deg": rep.rom_deg,
        "eccentric_s": rep.eccentric_s,
        "concentric_s": rep.concentric_s,
        "symmetry": rep.symmetry,
        "score": rep.score,
        "good": bool(rep.good),
        "side": getattr(rep, "side", "") or None,
        "faults": [
            {"rule_id": f.rule_id, "cue": f.cue, "severity": str(getattr(f.severity, "value", f.severity))}
            for f in rep.faults
        ],
    }
    if reference_score is not None:
        out["reference_score"] = reference_score
    return out


def build_document(
    analysis: Analysis,
    source: str,
    outputs: Mapping[str, Any] | None = None,
    reference: Mapping[str, Any] | None = None,
    reference_scores: Sequence[float | None] | None = None,
    timing: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The analysis as one JSON-ready dict (see ``docs``: fields are stable within a version)."""
    s = analysis.summary
    refs = list(reference_scores) if reference_scores is not None else []
    per_rep = [rep_to_dict(r, refs[i] if i < len(refs) else None) for i, r in enumerate(s.per_rep)]
    frames_by_label = {Path(p).stem.removeprefix("keyframe_"): p for p in (outputs or {}).get("key_frames", [])}
    for entry in per_rep:
        if (path := frames_by_label.get(f"rep{entry['index']}")) is not None:
            entry["key_frame"] = path
    doc: dict[str, Any] = {
        "version": DOCUMENT_VERSION,
        "exercise": analysis.exercise,
        "primary_signal": analysis.primary_signal,
        "source": source,
        "frames": analysis.n_frames,
        "frames_with_person": analysis.frames_with_player,
        "duration_s": analysis.duration_s,
        "reps": s.reps,
        "reps_per_side": dict(getattr(s, "per_side", {})),
        "partials": s.partials,
        "why": explain(analysis),
        "good_reps": s.good_reps,
        "time_under_tension_s": s.time_under_tension_s,
        "hold_in_form_s": s.hold_in_form_s,
        "per_rep": per_rep,
        "partial_at_t_s": [e.t_s for e in analysis.partials()],
        "engine_ms_per_frame": analysis.engine_ms_per_frame,
    }
    if reference is not None:
        doc["reference"] = dict(reference)
    if outputs is not None:
        doc["outputs"] = dict(outputs)
    if timing is not None:
        doc["timing_s"] = dict(timing)
    cleaned: dict[str, Any] = _clean(doc)
    return cleaned


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, allow_nan=False)
