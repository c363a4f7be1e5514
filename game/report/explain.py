"""Why fewer reps were counted than the signal suggests: the analysis' explanations, in words.

Pure: reads an :class:`~game.report.analysis.Analysis` (per-frame engine
status, thresholds in force, what kept the gates shut) and returns lines
such as ``ready pose never held: knee above 147° (closest: 146°)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from game.report.analysis import READY_EVENT, Analysis
from game.report.plot import primary_kind

#: a reason is given when it lasted at least this long
MIN_REASON_S = 0.3
#: even when the count matches the signal, a player lost this long is noted
NOTE_LOST_S = 1.0
#: the signal "suggests a rep" for each swing over this share of its robust range, past the library's half span
SWING_SHARE = 0.3


def signal_cycles(primary: np.ndarray, start_enter: float, turn_enter: float) -> int:
    """How many reps the primary signal suggests: swings from its rest end to its far end and
    back, with 30 % hysteresis of its robust (5-95 %) range; 0 when it moves less than half the
    library's start-to-turn span."""
    y = primary[np.isfinite(primary)]
    if y.size < 3 or not (math.isfinite(start_enter) and math.isfinite(turn_enter)):
        return 0
    sign = 1.0 if start_enter > turn_enter else -1.0
    y = sign * y
    lo, hi = np.percentile(y, [5, 95])
    if hi - lo < 0.5 * abs(start_enter - turn_enter):
        return 0
    top, bottom = hi - SWING_SHARE * (hi - lo), lo + SWING_SHARE * (hi - lo)
    cycles, down = 0, False
    for v in y:
        if not down and v < bottom:
            down = True
        elif down and v > top:
            down = False
            cycles += 1
    return cycles


def _seconds(analysis: Analysis, status: str) -> float:
    """Seconds spent in an engine status; ``no_player``: every frame without the player (grace included)."""
    if analysis.n_frames < 2 or analysis.status.size != analysis.n_frames:
        return 0.0
    dt = np.diff(analysis.t_s, append=analysis.t_s[-1] + float(np.median(np.diff(analysis.t_s))))
    mask = ~analysis.has_player if status == "no_player" else analysis.status == status
    return float(dt[mask].sum())


def _worst(gate: dict[str, Any] | None, unit: str) -> str | None:
    """The condition that kept a gate shut longest, with the value that came closest to passing."""
    if not gate or not gate.get("blocked_s"):
        return None
    signal = max(gate["blocked_s"], key=gate["blocked_s"].get)
    failure = gate["closest"].get(signal)
    if failure is None:
        return signal
    text = failure.describe(unit if failure.signal == signal else "")
    return text.replace("(measured", "(closest").replace("(not measurable)", "(never measurable)")


def explain(analysis: Analysis) -> list[str]:
    """Reasons for a zero or an undercount (empty when the count matches what the signal suggests)."""
    d = analysis.definition
    counting = getattr(d, "counting", None)
    if counting is None or getattr(d, "kind", "reps") != "reps":
        return []
    s = analysis.summary
    cycles = signal_cycles(analysis.primary, counting.start.enter, counting.turn.enter)
    unit = "°" if primary_kind(analysis) in ("angle", "segment") else ""
    shallow = shallow_note(analysis, unit)
    if s.reps > 0 and s.reps >= cycles:
        lost = _seconds(analysis, "no_player")
        notes = [f"note: nobody (or not the locked player) in view for {lost:.1f} s"] if lost >= NOTE_LOST_S else []
        return ([shallow] if shallow else []) + notes
    suggests = f"; the {analysis.primary_signal} signal suggests about {cycles}" if cycles else ""
    head = f"{s.reps} reps counted{suggests}"
    lines = [head + ". Why:"]
    reasons: list[tuple[float, str]] = []
    lost = _seconds(analysis, "no_player")
    if lost >= MIN_REASON_S:
        reasons.append((lost, f"player lost for {lost:.1f} s (nobody detected, or not the locked player)"))
    wrong_view = _seconds(analysis, "view")
    if wrong_view >= MIN_REASON_S:
        seen = analysis.view[analysis.status == "view"]
        names = sorted({str(v) for v in seen})
        reasons.append(
            (
                wrong_view,
                f"view not supported for {wrong_view:.1f} s: seen from the {'/'.join(names)}; "
                f"{analysis.exercise} counts from the {'/'.join(d.views)}",
            )
        )
    posture = _seconds(analysis, "posture")
    if posture >= MIN_REASON_S:
        why = _worst(analysis.gates.get("posture_log"), unit)
        reasons.append((posture, f"posture gate closed for {posture:.1f} s" + (f": {why}" if why else "")))
    waiting = _seconds(analysis, "waiting")
    held = analysis.events_of(READY_EVENT)
    if waiting >= MIN_REASON_S or not held:
        why = _worst(analysis.gates.get("ready_gate"), unit)
        what = "ready pose never held" if not held else f"ready pose not held for {waiting:.1f} s"
        reasons.append((waiting, what + (f": {why}" if why else "") + " (and no whole rep was seen)"))
    turn = analysis.turn_enter[np.isfinite(analysis.turn_enter)]
    y = analysis.primary[np.isfinite(analysis.primary)]
    if turn.size and y.size:
        sign = 1.0 if counting.start.enter > counting.turn.enter else -1.0
        deepest = float(y.min() if sign > 0 else y.max())
        if sign * (deepest - float(turn[-1])) > 0:
            reasons.append(
                (
                    0.0,
                    f"the {analysis.primary_signal} never got past the turn threshold {float(turn[-1]):g}{unit} "
                    f"(farthest {deepest:.3g}{unit}); {s.partials} partial reps",
                )
            )
    reasons.sort(key=lambda r: -r[0])
    fallback = (
        f"  - a swing of the signal was not a whole rep: quicker than {counting.rep_s.min:g} s, a start or turn "
        f"position not held {counting.min_dwell_s:g} s, or not back at the start when the stream ended"
    )
    lines += [f"  - {text}" for _, text in reasons] or [fallback]
    return ([shallow] if shallow else []) + lines


def shallow_note(analysis: Analysis, unit: str = "°") -> str | None:
    """``counted 3 shallow reps: your reps turned at ~121°, short of the 115° the exercise asks for``
    when partials were counted as this player's shallow range (:mod:`exercises.shallow`); else None."""
    reps = [r for r in analysis.summary.per_rep if getattr(r, "shallow", False)]
    if not reps:
        return None
    extremes = [r.extreme for r in reps if math.isfinite(r.extreme)]
    turn = analysis.turn_enter[np.isfinite(analysis.turn_enter)]
    asked = float(turn[-1]) if turn.size else float(analysis.definition.counting.turn.enter)
    at = f"turned at ~{float(np.median(extremes)):.3g}{unit}" if extremes else "turned early"
    return (
        f"counted {len(reps)} shallow rep{'s' if len(reps) != 1 else ''}: your reps {at}, "
        f"short of the {asked:g}{unit} the exercise asks for (scored lower, with the depth cue)"
    )
