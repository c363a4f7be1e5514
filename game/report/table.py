"""Per-rep table and totals as plain text (for the terminal)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from game.report.analysis import Analysis
from game.report.plot import primary_kind


def _num(value: float | None, fmt: str, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:{fmt}}{unit}"


def format_faults(faults: Sequence[Any]) -> str:
    """``rule_id (severity): cue; ...`` or ``-``."""
    if not faults:
        return "-"
    return "; ".join(f"{f.rule_id} ({getattr(f.severity, 'value', f.severity)}): {f.cue}" for f in faults)


def format_rep_table(analysis: Analysis, reference_scores: Sequence[float | None] | None = None) -> str:
    """One line per rep: index, start and end (s), ROM (deg), eccentric/concentric (s), score, faults."""
    per_side = any(getattr(r, "side", "") for r in analysis.summary.per_rep)
    headers = ["rep", *(["side"] if per_side else []), "start s", "end s", "ROM", "ecc s", "con s", "sym", "score"]
    if reference_scores is not None:
        headers.append("vs ref")
    headers.append("faults (cue)")
    # ROM is in degrees for angle signals; other signals (heights, distances) are in torso lengths
    rom_unit = "°" if primary_kind(analysis) in ("angle", "segment", None) else " torso"
    rows = []
    for i, rep in enumerate(analysis.summary.per_rep):
        row = [
            str(rep.index),
            *([getattr(rep, "side", "") or "-"] if per_side else []),
            _num(rep.start_t_s, ".2f"),
            _num(rep.end_t_s, ".2f"),
            _num(rep.rom_deg, ".0f" if rom_unit == "°" else ".2f", rom_unit),
            _num(rep.eccentric_s, ".2f"),
            _num(rep.concentric_s, ".2f"),
            _num(rep.symmetry, ".2f"),
            _num(rep.score, ".0f"),
        ]
        if reference_scores is not None:
            ref = reference_scores[i] if i < len(reference_scores) else None
            row.append(_num(ref, ".0f"))
        row.append(format_faults(rep.faults))
        rows.append(row)
    if not rows:
        return "(no complete reps)"
    widths = [max(len(h), *(len(r[c]) for r in rows)) for c, h in enumerate(headers)]
    last = len(headers) - 1

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c if k == last else c.rjust(widths[k]) for k, c in enumerate(cells)).rstrip()

    return "\n".join(
        [line(headers), line(["-" * w for w in widths[:last]] + ["-" * len(headers[last])])] + [line(r) for r in rows]
    )


def format_legend(analysis: Analysis) -> str:
    """What each column of the rep table means (printed under it)."""
    kind = primary_kind(analysis)
    unit = "deg" if kind in ("angle", "segment", None) else "torso lengths"
    lines = [
        "columns: rep = number; start/end s = when the rep left / came back to the start position;",
        f"  ROM = the rep's whole range of the {analysis.primary_signal} signal ({unit}), from the rest it left to its",
        "  extreme; ecc/con s = time lowering / raising (eccentric / concentric, pauses at the extreme excluded);",
        "  sym = left/right agreement of the range, 1.00 = even (- = one side not seen well, e.g. from the side);",
        "  score = form 0-100 from the rules' weights; faults = the rules that failed, with their cues",
    ]
    if any(getattr(r, "side", "") for r in analysis.summary.per_rep):
        lines.insert(1, "  side = the leg (or arm) whose drive this rep was;")
    return "\n".join(lines)


def format_totals(analysis: Analysis) -> str:
    """``13 reps, 2 partials, 11 good reps; time under tension 31.2 s`` (+ hold time for holds)."""
    s = analysis.summary
    sides = s.per_side if hasattr(s, "per_side") else {}
    reps = f"{s.reps} reps" + (f" ({', '.join(f'{k} {v}' for k, v in sorted(sides.items()))})" if sides else "")
    parts = [reps, f"{s.partials} partials", f"{s.good_reps} good reps"]
    text = ", ".join(parts) + f"; time under tension {_num(s.time_under_tension_s, '.1f', ' s')}"
    if getattr(analysis.definition, "kind", "") == "hold" or (s.hold_in_form_s or 0) > 0:
        text += f"; held in form {_num(s.hold_in_form_s, '.1f', ' s')}"
    return text
