"""PNG plot of the primary signal with rep boundaries, partials and faults marked.

Uses matplotlib's object API on the Agg canvas (no pyplot, no global state,
no display needed).
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from game.report.analysis import CUE_EVENT, HOLD_EVENT, READY_EVENT, Analysis, key_frame_positions

GOOD_COLOUR = "#3aa655"
FAULT_COLOUR = "#e8862a"
MARK_COLOUR = "#d62728"
PARTIAL_COLOUR = "#8e44ad"
NO_PLAYER_COLOUR = "#bbbbbb"
COUNTING_COLOUR = "#4a90d9"
THRESHOLD_COLOUR = "#17a589"
#: shading of the frames where the engine did not count, by status
GATE_SHADES = {"view": ("#f1c40f", "view not supported"), "posture": ("#e74c3c", "posture gate closed")}


def _spans(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, stop)`` index runs where ``mask`` is True."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2], edges[1::2], strict=True))


def primary_kind(analysis: Analysis) -> str | None:
    """The primary signal's measurement kind (``angle``, ``segment``, ``height``...), if known."""
    spec = getattr(getattr(analysis.definition, "signals", {}), "get", lambda _: None)(analysis.primary_signal)
    return getattr(spec, "kind", None)


def signal_label(analysis: Analysis) -> str:
    """The primary signal's name with its unit, e.g. ``knee angle (deg)``."""
    name = analysis.primary_signal
    kind = primary_kind(analysis)
    if kind in ("angle", "segment"):
        return f"{name} {kind} (deg)"
    return f"{name} ({kind})" if kind else name


def _draw_gates(ax: Any, analysis: Analysis) -> None:
    """The thresholds in force (they follow the player's range), a band where counting was active,
    and shading where a gate kept it shut."""
    t = analysis.t_s
    if analysis.status.size != t.size or t.size == 0:
        return
    for k, (a, b) in enumerate(_spans(analysis.status == "counting")):
        right = t[b] if b < len(t) else t[-1]
        label = "counting active" if k == 0 else None
        ax.axvspan(t[a], right, ymin=0.0, ymax=0.025, color=COUNTING_COLOUR, lw=0, label=label)
    for status, (colour, label) in GATE_SHADES.items():
        for k, (a, b) in enumerate(_spans(analysis.status == status)):
            right = t[b] if b < len(t) else t[-1]
            ax.axvspan(t[a], right, color=colour, alpha=0.15, lw=0, label=label if k == 0 else None)
    for values, name, style in ((analysis.start_enter, "start", "--"), (analysis.turn_enter, "turn", ":")):
        if np.isfinite(values).any():
            ax.step(t, values, where="post", color=THRESHOLD_COLOUR, lw=1.0, ls=style, label=f"{name} threshold")


def plot_analysis(analysis: Analysis, path: Path, title: str = "") -> Path:
    """Write the plot (:func:`analysis_figure`) to ``path`` (PNG) and return it."""
    fig = analysis_figure(analysis, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def analysis_figure(analysis: Analysis, title: str = "") -> Figure:
    """The plot of one analysis run.

    Shaded green/orange: each rep from start to end (orange when it has a
    fault); red x and cue text: the faults of a rep at its key point; purple
    triangles: partial reps; grey: frames with nobody in view; yellow/red:
    a view the exercise does not support / the posture gate shut; blue band
    at the bottom: counting active; dashed/dotted grey steps: the start and
    turn thresholds in force; red text below, in its own row under the
    x-axis label: why fewer reps were counted than the signal suggests.
    """
    from game.report.explain import explain

    why = [textwrap.shorten(w, 150, placeholder="…") for w in explain(analysis)[:5]]
    why_h = 0.18 * len(why) + 0.12 if why else 0.0  # inches for the explanation lines under the x-axis label
    fig = Figure(figsize=(12, 4.8 + why_h), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    if why:  # their own row below the axes, so they never overlap the x-axis label
        ax, note = fig.subplots(2, 1, height_ratios=[4.8, why_h])
        note.axis("off")
        note.text(0.0, 1.0, "\n".join(why), fontsize=8, va="top", ha="left", color=MARK_COLOUR,
                  transform=note.transAxes)  # fmt: skip
    else:
        ax = fig.add_subplot()
    t, y = analysis.t_s, analysis.primary
    ax.plot(t, y, color="#1f4e79", lw=1.4, label=signal_label(analysis))
    finite = y[np.isfinite(y)]
    y_lo, y_hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pad = max(0.08 * (y_hi - y_lo), 1.0)
    ax.set_ylim(y_lo - 3 * pad, y_hi + 3 * pad)  # headroom for rep labels (top) and fault cues (bottom)

    for k, (a, b) in enumerate(_spans(~analysis.has_player)):
        right = t[b] if b < len(t) else t[-1]
        ax.axvspan(t[a], right, color=NO_PLAYER_COLOUR, alpha=0.35, lw=0, label="no person" if k == 0 else None)
    _draw_gates(ax, analysis)

    reps = list(analysis.summary.per_rep)
    key_pos = dict(key_frame_positions(analysis))
    labelled_good = labelled_fault = False
    for rep in reps:
        faulty = bool(rep.faults)
        colour = FAULT_COLOUR if faulty else GOOD_COLOUR
        label = None
        if faulty and not labelled_fault:
            label, labelled_fault = "rep with fault", True
        elif not faulty and not labelled_good:
            label, labelled_good = "rep", True
        ax.axvspan(rep.start_t_s, rep.end_t_s, color=colour, alpha=0.18, lw=0, label=label)
        ax.axvline(rep.start_t_s, color=colour, lw=0.8, alpha=0.8)
        ax.axvline(rep.end_t_s, color=colour, lw=0.8, alpha=0.8)
        mid = 0.5 * (rep.start_t_s + rep.end_t_s)
        ax.text(mid, y_hi + 2.2 * pad, f"{rep.index}\n{rep.score:.0f}", ha="center", va="center", fontsize=8)
        pos = key_pos.get(f"rep{rep.index}")
        if faulty and pos is not None:
            kt, ky = t[pos], y[pos] if np.isfinite(y[pos]) else y_lo
            ax.plot([kt], [ky], "x", color=MARK_COLOUR, ms=9, mew=2)
            cues = sorted({f.cue for f in rep.faults})
            text = "\n".join(textwrap.shorten(c, 28, placeholder="…") for c in cues[:3])
            ax.annotate(
                text,
                (kt, ky),
                xytext=(0, -14),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
                color=MARK_COLOUR,
            )

    first_start = min((r.start_t_s for r in reps), default=math.inf)
    for k, ready in enumerate(analysis.events_of(READY_EVENT)):
        # a rep credited when it completes (before the ready pose) started counting at its own start
        at = min(ready.t_s, first_start) if k == 0 else ready.t_s
        ax.axvline(at, color="#555555", lw=1.0, ls="--", label="counting starts" if k == 0 else None)
    partials = analysis.partials()  # a partial later counted as a shallow rep is marked as that rep
    if partials:
        pt = np.array([e.t_s for e in partials])
        py = np.interp(pt, t[np.isfinite(y)], finite) if finite.size else np.full(pt.shape, y_lo)
        ax.plot(pt, py, "v", color=PARTIAL_COLOUR, ms=8, label="partial rep")
    cues = analysis.events_of(CUE_EVENT)
    if cues:
        ax.plot([e.t_s for e in cues], [y_lo - 0.5 * pad] * len(cues), "|", color=MARK_COLOUR, ms=10, label="form cue")

    ticks = analysis.events_of(HOLD_EVENT)
    if ticks:
        ax.plot(
            [e.t_s for e in ticks],
            [y_hi + pad] * len(ticks),
            "s",
            color=GOOD_COLOUR,
            ms=4,
            label="each second held in form",
        )
    s = analysis.summary
    head = title or analysis.exercise
    if getattr(analysis.definition, "kind", "reps") == "hold":
        ax.set_title(f"{head}: held in form {s.hold_in_form_s:.1f} s", fontsize=11)
    else:
        ax.set_title(f"{head}: {s.reps} reps, {s.partials} partials, {s.good_reps} good", fontsize=11)
    ax.set_xlabel("time (s)")
    ax.set_ylabel(signal_label(analysis))
    if len(t):
        ax.set_xlim(t[0], t[-1])
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)  # outside: never over the data
    return fig
