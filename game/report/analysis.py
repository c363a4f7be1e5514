"""The pure analysis loop: pose frames -> form engine -> per-frame trace + summary.

No I/O here; ``repquest analyze``, the benchmarks and the tests all call
:func:`analyze_frames`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sensors.pose import PoseFrame

#: event class names the engine emits that the report marks on the timeline
PARTIAL_EVENT = "PartialRep"
CUE_EVENT = "FormCue"
REP_EVENT = "RepCompleted"
READY_EVENT = "Ready"
HOLD_EVENT = "HoldTick"


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One engine event, flattened for reports: when, what kind, and its cue text if any."""

    t_s: float
    frame_index: int
    kind: str  #: the event class name, e.g. ``"RepCompleted"``
    cue: str | None = None


@dataclass(slots=True)
class Analysis:
    """Everything one pass of the form engine over a stream produced.

    Arrays have one entry per frame read: ``t_s`` (N,) seconds,
    ``frame_index`` (N,) the source's frame numbers, ``primary`` (N,) the
    definition's primary signal (NaN where unmeasurable), ``has_player`` (N,).
    ``frames`` are the pose frames without their images (for key frames and
    reference comparison).
    """

    exercise: str
    primary_signal: str
    frames: list[PoseFrame]
    t_s: np.ndarray
    frame_index: np.ndarray
    primary: np.ndarray
    has_player: np.ndarray
    events: list[EventRecord]
    summary: Any  #: exercises.SessionSummary
    engine_time_s: float  #: wall time spent inside ``FormEngine.update``
    definition: Any = field(repr=False, default=None)
    #: per frame: the engine's status (``counting``, ``waiting``, ``no_player``, ``view``, ``posture``)
    status: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    view: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))  #: per frame: the view seen
    #: per frame, the counting thresholds in force (start.enter, turn.enter; NaN for holds)
    start_enter: np.ndarray = field(default_factory=lambda: np.empty(0))
    turn_enter: np.ndarray = field(default_factory=lambda: np.empty(0))
    gates: dict[str, Any] = field(default_factory=dict)  #: what kept the ready/posture gates shut (see explain)

    @property
    def n_frames(self) -> int:
        return len(self.t_s)

    @property
    def frames_with_player(self) -> int:
        return int(self.has_player.sum())

    @property
    def duration_s(self) -> float:
        """Span of the stream, counting the last frame's own interval: N frames at 30 fps -> N/30 s."""
        if self.n_frames == 0:
            return 0.0
        if self.n_frames == 1:
            return 0.0
        dt = np.diff(self.t_s)
        return float(self.t_s[-1] - self.t_s[0] + np.median(dt))

    @property
    def engine_ms_per_frame(self) -> float:
        return 1000.0 * self.engine_time_s / self.n_frames if self.n_frames else math.nan

    def events_of(self, kind: str) -> list[EventRecord]:
        return [e for e in self.events if e.kind == kind]

    def partials(self) -> list[EventRecord]:
        """The partial reps that stayed partial: a partial later counted as a shallow rep
        (:mod:`exercises.shallow`) is a rep, not a partial, so its event is left out."""
        shallow = [(r.start_t_s, r.end_t_s) for r in self.summary.per_rep if getattr(r, "shallow", False)]
        return [
            e for e in self.events_of(PARTIAL_EVENT)
            if not any(a - 1e-6 <= e.t_s <= b + 1e-6 for a, b in shallow)
        ]  # fmt: skip

    def frame_at(self, t_s: float) -> int:
        """Position (not source index) of the frame nearest to ``t_s``; -1 when there are none."""
        if self.n_frames == 0:
            return -1
        return int(np.argmin(np.abs(self.t_s - t_s)))


def strip_images(frame: PoseFrame) -> PoseFrame:
    """The frame without its RGB and depth images (keeps memory flat on long clips)."""
    if frame.rgb is None and frame.depth_m is None:
        return frame
    return frame.with_changes(rgb=None, depth_m=None)


def _record(event: Any, frame: PoseFrame) -> EventRecord:
    t_s = getattr(event, "t_s", None)
    cue = getattr(event, "cue", None)
    return EventRecord(
        t_s=float(t_s) if isinstance(t_s, int | float) else frame.t_s,
        frame_index=frame.index,
        kind=type(event).__name__,
        cue=str(cue) if cue else None,
    )


def analyze_frames(
    frames: Iterable[PoseFrame],
    definition: Any,
    on_frame: Callable[[int], None] | None = None,
    engine: Any = None,
) -> Analysis:
    """Run ``definition``'s form engine over ``frames`` and collect the trace.

    ``on_frame(n)`` is called after each frame with the number done so far
    (progress bars). ``engine`` may be a prepared :class:`exercises.FormEngine`
    (e.g. calibrated); by default a fresh one is built for ``definition``.
    """
    from exercises import FormEngine

    eng = engine if engine is not None else FormEngine(definition)
    signal_name = definition.primary_signal
    kept: list[PoseFrame] = []
    t_s: list[float] = []
    idx: list[int] = []
    primary: list[float] = []
    player: list[bool] = []
    status: list[str] = []
    view: list[str] = []
    start_enter: list[float] = []
    turn_enter: list[float] = []
    events: list[EventRecord] = []
    engine_s = 0.0
    clock = time.perf_counter
    for n, frame in enumerate(frames, start=1):
        t0 = clock()
        new_events = eng.update(frame)
        value = eng.signals.get(signal_name, math.nan) if hasattr(eng.signals, "get") else eng.signals[signal_name]
        engine_s += clock() - t0
        status.append(str(getattr(getattr(eng, "status", None), "value", "counting")))
        view.append(str(getattr(getattr(eng, "view", None), "value", "unknown")))
        th = getattr(eng, "thresholds", None)
        start_enter.append(th.start_enter if th is not None else math.nan)
        turn_enter.append(th.turn_enter if th is not None else math.nan)
        kept.append(strip_images(frame))
        t_s.append(frame.t_s)
        idx.append(frame.index)
        primary.append(float(value) if value is not None else math.nan)
        player.append(frame.has_player)
        events.extend(_record(e, frame) for e in new_events)
        if on_frame is not None:
            on_frame(n)
    t0 = clock()
    if hasattr(eng, "finish") and kept:
        events.extend(_record(e, kept[-1]) for e in eng.finish())
    summary = eng.summary()
    engine_s += clock() - t0
    return Analysis(
        exercise=str(getattr(definition, "name", "")),
        primary_signal=signal_name,
        frames=kept,
        t_s=np.asarray(t_s, dtype=np.float64),
        frame_index=np.asarray(idx, dtype=np.int64),
        primary=np.asarray(primary, dtype=np.float64),
        has_player=np.asarray(player, dtype=bool),
        events=events,
        summary=summary,
        engine_time_s=engine_s,
        definition=definition,
        status=np.asarray(status, dtype=object),
        view=np.asarray(view, dtype=object),
        start_enter=np.asarray(start_enter, dtype=np.float64),
        turn_enter=np.asarray(turn_enter, dtype=np.float64),
        gates=gate_report(eng),
    )


def gate_report(engine: Any) -> dict[str, Any]:
    """What kept the engine's ready and posture gates shut: per gate, seconds each signal was the
    failing one, and the failure that came closest to passing (a :class:`exercises.gates.Failure`)."""
    out: dict[str, Any] = {}
    for name in ("ready_gate", "posture_log"):
        gate = getattr(engine, name, None)
        if gate is not None:
            out[name] = {"blocked_s": dict(gate.blocked_s), "closest": dict(gate.closest)}
    return out


def key_frame_positions(analysis: Analysis) -> list[tuple[str, int]]:
    """Which frames to draw: ``(label, position in analysis.frames)``.

    For each rep, its extreme frame: the one whose primary signal is farthest
    from its value at the rep's start (the bottom of a squat, the top of a
    curl). For a hold with no reps, the middle frame with a player. Positions
    index ``analysis.frames``.
    """
    out: list[tuple[str, int]] = []
    for rep in analysis.summary.per_rep:
        lo = int(np.searchsorted(analysis.t_s, rep.start_t_s, side="left"))
        hi = int(np.searchsorted(analysis.t_s, rep.end_t_s, side="right"))
        if hi <= lo:
            continue
        window = analysis.primary[lo:hi]
        finite = np.isfinite(window)
        if not finite.any():
            out.append((f"rep{rep.index}", (lo + hi - 1) // 2))
            continue
        start_value = window[finite][0]
        dist = np.where(finite, np.abs(window - start_value), -1.0)
        out.append((f"rep{rep.index}", lo + int(np.argmax(dist))))
    if not out:
        seen = np.flatnonzero(analysis.has_player)
        if seen.size:
            out.append(("middle", int(seen[seen.size // 2])))
    return out
