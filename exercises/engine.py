"""The form engine: pose frames in, events out, for one exercise definition.

The conductor: per frame it runs view detection -> named signals -> the
gates (:mod:`exercises.gates`: ready pose, posture) and the player's range
(:mod:`exercises.range_model`) -> the rep state machine
(:mod:`exercises.counter`) or the hold timer -> rules; completed reps are
judged over the recent history (:mod:`exercises.rep_window`). The per-frame
path is a few vectorised numpy calls.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

import numpy as np

from exercises import geometry as geo
from exercises.calibration import Calibration
from exercises.counter import RepCounter, RepTiming
from exercises.despike import Despiker
from exercises.events import (
    Event,
    Fault,
    FormCue,
    HoldTick,
    PartialRep,
    Phase,
    PhaseChanged,
    Ready,
    RepCompleted,
    RepResult,
    SessionSummary,
    Severity,
    View,
    ViewChanged,
)
from exercises.gates import Debounced, ReadyGate
from exercises.range_model import DEFAULT_TUNING, RangeModel, Thresholds, Tuning
from exercises.rep_window import RepWindow
from exercises.rules import FrameRuleTracker
from exercises.shadow import ShadowCounters
from exercises.shallow import SHALLOW_MAX_SCORE, ShallowRun, depth_rule
from exercises.signals import SignalPlan
from exercises.spec import ExerciseDefinition
from exercises.view import ViewTracker
from sensors.pose import PoseFrame

MAX_GAP_S = 0.5  #: a hold's in-form time never grows by more than this between two frames
NO_PLAYER_GRACE_S = 1.0  #: without a posture section: stop counting after this long without a player


class Status(Enum):
    """Whether the engine counts on this frame, and if not, why (for the analysis' explanations)."""

    COUNTING = "counting"  #: ready, or following the movement before the ready pose (a whole rep is credited)
    WAITING = "waiting"  #: seen in a valid view and posture, waiting for the ready pose or a first rep
    NO_PLAYER = "no_player"
    VIEW = "view"  #: seen from a view the exercise does not support
    POSTURE = "posture"  #: the posture gate is shut (standing up during push-ups...)


_COUNTING, _WAITING, _NO_PLAYER, _VIEW, _POSTURE = (
    Status.COUNTING,
    Status.WAITING,
    Status.NO_PLAYER,
    Status.VIEW,
    Status.POSTURE,
)  # enum member lookups are slow next to a per-frame budget of 0.3 ms


class FormEngine:
    """Counts and judges one exercise from a stream of :class:`PoseFrame`.

    Counting starts when the ready pose is held, its thresholds on the counted
    signal moved with the player's own range (:mod:`exercises.range_model`),
    or when a whole rep is seen first: a shadow counter follows the player from
    the first frame in a valid view and posture, and its reps are credited as
    soon as either happens (a clip that starts mid-set, or one rep in 2 s).

    ``calibration`` (the player's proportions) adapts proportion-dependent
    thresholds and the 2D distance scale; without it, both are measured
    while the ready pose is held. ``tuning``: the player-relative counting's
    few numbers (:class:`exercises.range_model.Tuning`).
    """

    def __init__(
        self, definition: ExerciseDefinition, calibration: Calibration | None = None, tuning: Tuning = DEFAULT_TUNING
    ) -> None:
        d = definition
        self.definition = d
        self.calibration = calibration
        self._plan = SignalPlan(dict(d.signals), counted=d.primary_signal)
        self._index = self._plan.index
        self._primary = self._index[d.primary_signal]
        c = d.counting if d.kind == "reps" else None
        #: what each counter counts: the primary signal (""), or each of its sides on its own
        self._sides: tuple[str, ...] = ("left", "right") if c is not None and c.per_side else ("",)
        n_counters = len(self._sides) if c is not None else 0
        slack = tuning.return_slack_of_depth
        self._counters = [RepCounter(c, slack) for _ in range(n_counters)] if c is not None else []
        self._ranges = [RangeModel(c, _ready_demand(d), tuning) for _ in range(n_counters)] if c is not None else []
        #: per counter: whether its partials are this player's shallow range, counted as reps
        span = abs(c.start.enter - c.turn.enter) if c is not None else 0.0
        self._shallow: list[ShallowRun[tuple[PartialRep, RepTiming]]] = [ShallowRun(span) for _ in range(n_counters)]
        self._depth_fault = depth_rule(d.rules, d.primary_signal)
        front_ratio = geo.FRONT_WIDTH_RATIO
        if calibration is not None:
            seg = calibration.segments_m
            torso_m = seg.get("torso", math.nan)
            widths_m = seg.get("shoulder_width", math.nan) + 1.35 * seg.get("hip_width", math.nan)
            r = 0.5 * widths_m / torso_m if torso_m > 0 else math.nan  # NaN/0 torso: the default ratio
            front_ratio = r if math.isfinite(r) and r > 0.3 else front_ratio
        self._views = ViewTracker(front_ratio)
        self._valid_views = {View(v) for v in d.views}
        self._frame_rules = FrameRuleTracker(d.rules, self._index)
        self._rep_rules = list(d.rules)
        n = len(self._plan.names)
        self._window = RepWindow(n, self._primary)
        self._despike = Despiker(n)
        self._signals: dict[str, float] = dict.fromkeys(self._plan.names, math.nan)
        self.signals: Mapping[str, float] = MappingProxyType(self._signals)
        self.ready = False
        self.ready_gate = ReadyGate(d.ready.when, d.ready.hold_s, self._index)
        #: the posture conditions, and what broke them (a gate without a hold time)
        self.posture_log = ReadyGate(d.posture.when, 0.0, self._index) if d.posture is not None else None
        grace = d.posture.grace_s if d.posture is not None else NO_PLAYER_GRACE_S
        self._posture = Debounced(grace)
        # the shadows count before the ready pose is confirmed; credited when it is, or by a whole rep
        self._shadow = ShadowCounters(c, slack, n_counters, grace)
        self.status = Status.WAITING
        self._phase = Phase.IDLE
        self._scale_px = calibration.torso_px if calibration is not None else math.nan
        self._torso_px_samples: list[float] = []
        self._ready_frames: list[PoseFrame] = []
        self._auto_cal: Calibration | None = None
        self._reps: list[RepResult] = []
        self._partials = 0
        self._tut_s = 0.0
        self._hold_s = 0.0
        self._next_tick_s = 1.0
        self._last_t = math.nan
        self._rep_frame_faults: set[str] = set()

    # -- public state --------------------------------------------------------
    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def view(self) -> View:
        return self._views.view

    @property
    def thresholds(self) -> Thresholds | None:
        """The counting thresholds in force (the library's, moved with the player's range); None for holds."""
        return self._counters[0].thresholds if self._counters else None

    @property
    def range_model(self) -> RangeModel | None:
        """The player's range of the counted signal (the side that moved its thresholds most)."""
        return max(self._ranges, key=lambda r: r.moved) if self._ranges else None

    @property
    def effective_calibration(self) -> Calibration | None:
        """The calibration in use: the one given, else the one measured during the ready pose."""
        return self.calibration if self.calibration is not None else self._auto_cal

    def summary(self) -> SessionSummary:
        return SessionSummary(
            reps=len(self._reps),
            partials=self._partials,
            good_reps=sum(r.good for r in self._reps),
            time_under_tension_s=self._tut_s if self._counters else self._hold_s,
            hold_in_form_s=self._hold_s,
            per_rep=list(self._reps),
        )

    # -- per frame -----------------------------------------------------------
    def update(self, frame: PoseFrame) -> list[Event]:
        """Feed one frame (in time order); returns the events it caused."""
        t = frame.t_s
        events: list[Event] = []
        present = frame.has_player
        if present and self._views.update(frame, present):
            events.append(ViewChanged(t, self._views.view))
        view = self._views.view
        if present:
            sv = self._plan.evaluate(frame, view, self._scale_px, _gravity(frame))
            vals = sv.values
            sides = (float(sv.left[self._primary]), float(sv.right[self._primary]))
        else:
            vals = np.full(len(self._plan.names), np.nan)
            sides = (math.nan, math.nan)
        steady = self._despike(t, vals)  # for the gates and the range model only
        self._window.push(t, vals, *sides)
        counted = [float(vals[self._primary])] if self._sides == ("",) else list(sides)
        for name, v in zip(self._plan.names, vals.tolist(), strict=True):
            self._signals[name] = v

        seen = present and view in self._valid_views
        in_posture = seen
        if self.posture_log is not None:
            self.posture_log.update(t, steady, seen)
            in_posture = seen and self.posture_log.last_failure is None
        if in_posture:  # the player's range, seen in the exercise's posture only
            steady_counted = [float(steady[self._primary])] if self._sides == ("",) else counted
            for k, rm in enumerate(self._ranges):
                if rm.update(t, steady_counted[k]):
                    self._counters[k].set_thresholds(rm.thresholds)
                    self._shadow.counters[k].set_thresholds(rm.thresholds)
        if not self.ready and self._shadow.step(t, counted, in_posture):
            self._become_ready(t, events)
        if not self.ready:
            self._wait_ready(frame, t, steady, seen, events)
        elif not self._posture.update(t, in_posture):
            self._unready(t, events)
        if self.ready:
            fired = self._frame_rules.update(t, view, vals, self.effective_calibration)
            events += [FormCue(t, r.id, r.cue, Severity(r.severity)) for r in fired]
            if self._counters:
                self._count(t, counted, events)
            else:
                self._hold(t, present, events)
        self.status = self._status(present, seen, in_posture)
        self._last_t = t
        return events

    def finish(self) -> list[Event]:
        """The stream has ended: a rep already back at the start counts without waiting out the dwell."""
        events: list[Event] = []
        t = self._last_t
        if self.ready and self._counters:
            for k, (counter, side) in enumerate(zip(self._counters, self._sides, strict=True)):
                for ev in counter.flush(t):
                    if isinstance(ev, RepTiming):
                        self._shallow[k].full_rep()
                        self._add_rep(t, ev, events, side)
        elif self._shadow.flush(t):
            self._become_ready(t, events)
        return events

    def _status(self, present: bool, seen: bool, in_posture: bool) -> Status:
        if self.ready or self._shadow.primed:
            return _COUNTING
        if not present:
            return _NO_PLAYER
        if not seen:
            return _VIEW
        return _WAITING if in_posture else _POSTURE

    def ready_thresholds(self) -> dict[str, tuple[float | None, float | None]] | None:
        """The ready pose's bounds on the counted signal as in force (moved with the player's range)."""
        r = self.range_model
        if r is None or r.moved == 0.0:
            return None
        name = self.definition.primary_signal
        conds = [c for c in self.definition.ready.when if c.signal == name]
        if r.sign > 0:
            above = next((r.shifted_condition(c.above) for c in conds if c.above is not None), None)
            return {name: (above, None)}
        below = next((r.shifted_condition(c.below) for c in conds if c.below is not None), None)
        return {name: (None, below)}

    def _wait_ready(self, frame: PoseFrame, t: float, vals: np.ndarray, ok: bool, events: list[Event]) -> None:
        held = self.ready_gate.update(t, vals, ok, self.ready_thresholds())
        if math.isnan(self.ready_gate.since):
            self._torso_px_samples.clear()
            self._ready_frames.clear()
            return
        self._torso_px_samples.append(_torso_px(frame))
        if len(self._ready_frames) < 30:
            self._ready_frames.append(frame)
        if not held:
            return
        if self.calibration is None or not math.isfinite(self._scale_px):
            px = np.asarray(self._torso_px_samples)
            px = px[np.isfinite(px)]
            if px.size:
                self._scale_px = float(np.median(px))
        if self.calibration is None:
            try:
                self._auto_cal = Calibration.from_frames(self._ready_frames)
            except ValueError:
                self._auto_cal = None
        self._become_ready(t, events)

    def _become_ready(self, t: float, events: list[Event]) -> None:
        self.ready = True
        self._posture.reset()
        self._ready_frames = []
        events.append(Ready(t))
        self._frame_rules.reset()
        if self._counters:
            for k, ev in self._shadow.take_seen():
                if isinstance(ev, PartialRep):
                    self._partial(t, ev, k, events)
                else:
                    self._shallow[k].full_rep()
                    self._add_rep(t, ev, events, self._sides[k])
            for k, sh in enumerate(self._shadow.counters):
                if sh.phase is not Phase.IDLE:  # the counter carries on from the shadow (mid-rep too)
                    events.append(PhaseChanged(t, sh.phase))
                else:
                    events += _phase_events(self._counters[k].arm(t))
                self._counters[k] = self._shadow.hand_over(k, self._counters[k], t)
            self._phase = self._counters[0].phase
        else:
            self._phase = Phase.HOLD
            events.append(PhaseChanged(t, Phase.HOLD))

    def _unready(self, t: float, events: list[Event]) -> None:
        """The player left, turned away or broke the posture for the grace time: stop counting."""
        self.ready = False
        self.ready_gate.reset()
        self._shadow.reset_posture()
        self._rep_frame_faults.clear()  # the rep in progress is dropped, and its frame faults with it
        if self._counters:
            for counter in self._counters:
                events += _phase_events(counter.disarm(t))[:1]
        elif self._phase is not Phase.IDLE:
            events.append(PhaseChanged(t, Phase.IDLE))
        self._phase = Phase.IDLE

    def _add_rep(self, t: float, timing: RepTiming, events: list[Event], side: str = "", shallow: bool = False) -> None:
        rep = self._judge(timing, side)
        if shallow:
            rep = self._as_shallow(rep)
        self._reps.append(rep)
        self._tut_s += rep.duration_s
        events.append(RepCompleted(t, rep))
        events += [FormCue(t, f.rule_id, f.cue, f.severity) for f in rep.faults]

    def _partial(self, t: float, ev: PartialRep, k: int, events: list[Event]) -> None:
        """A partial rep: counted as one, or as a shallow rep when this player's set is shallow
        (:mod:`exercises.shallow`; the run's earlier partials then become reps too)."""
        timing = RepTiming(ev.start_t_s, ev.extreme_t_s, ev.extreme_t_s, ev.t_s, ev.extreme)
        counted = self._shallow[k].partial(ev.extreme, (ev, timing)) if math.isfinite(ev.extreme) else []
        if not any(p is ev for p, _ in counted):
            self._partials += 1
            events.append(ev)
        for p, rep_timing in counted:
            if p is not ev:
                self._partials -= 1
            self._add_rep(t, rep_timing, events, self._sides[k], shallow=True)

    def _as_shallow(self, rep: RepResult) -> RepResult:
        """A shallow rep carries the exercise's depth fault and scores at most :data:`SHALLOW_MAX_SCORE`."""
        rule_id, cue = self._depth_fault
        faults = rep.faults
        if all(f.rule_id != rule_id for f in faults):
            faults = (*faults, Fault(rule_id, cue, Severity.WARNING))
        score = min(rep.score, SHALLOW_MAX_SCORE)
        return dataclasses.replace(rep, faults=faults, score=score, good=False, shallow=True)

    def _count(self, t: float, counted: list[float], events: list[Event]) -> None:
        moving: Phase | None = None
        for k, (counter, side, value) in enumerate(zip(self._counters, self._sides, counted, strict=True)):
            for ev in counter.update(t, value):
                if isinstance(ev, RepTiming):
                    self._shallow[k].full_rep()
                    self._add_rep(t, ev, events, side)
                elif isinstance(ev, PartialRep):
                    self._partial(t, ev, k, events)
                else:
                    if ev.phase is Phase.AWAY:
                        self._rep_frame_faults.clear()
                    events.append(ev)
            if counter.phase is not Phase.START and moving is None:
                moving = counter.phase
        self._phase = moving if moving is not None else self._counters[0].phase
        if self._phase in (Phase.AWAY, Phase.TURN, Phase.RETURN):
            self._rep_frame_faults.update(
                r.id for r, a in zip(self._frame_rules.rules, self._frame_rules.active, strict=True) if a
            )

    def _judge(self, timing: RepTiming, side: str) -> RepResult:
        d = self.definition
        assert d.counting is not None
        frame_faults = [
            Fault(r.id, r.cue, Severity(r.severity)) for r in self._frame_rules.rules if r.id in self._rep_frame_faults
        ]
        return self._window.judge(
            timing,
            len(self._reps) + 1,
            self._counters[0].sign,
            d.counting.away_is,
            self._rep_rules,
            self.view,
            self._index,
            self.effective_calibration,
            frame_faults,
            side,
        )

    def _hold(self, t: float, present: bool, events: list[Event]) -> None:
        dt = t - self._last_t if math.isfinite(self._last_t) else 0.0
        if present and self._frame_rules.in_form and dt > 0:
            self._hold_s += min(dt, MAX_GAP_S)
            while self._hold_s >= self._next_tick_s:
                events.append(HoldTick(t, self._next_tick_s))
                self._next_tick_s += 1.0


def _ready_demand(d: ExerciseDefinition) -> float | None:
    """The ready pose's start-side bound on the counted signal (it may be stricter than the start zone)."""
    c = d.counting
    if c is None:
        return None
    up = c.start.enter > c.turn.enter
    for cond in d.ready.when:
        bound = cond.above if up else cond.below
        if cond.signal == d.primary_signal and bound is not None:
            return bound
    return None


def _phase_events(evs: list) -> list[Event]:
    return [e for e in evs if isinstance(e, PhaseChanged)]


def _gravity(frame: PoseFrame) -> np.ndarray | None:
    """Gravity in the camera frame: the pipeline's ``frame.gravity_camera`` (IMU, floor plane or
    image vertical); frames that never went through the pipeline fall back to their meta."""
    if frame.gravity_camera is not None:
        return frame.gravity_camera
    meta = frame.meta
    if not meta:
        return None
    g = meta.get("gravity_xyz")
    if g is not None:
        return np.asarray(g, dtype=np.float64)
    up = meta.get("up_camera")
    return -np.asarray(up, dtype=np.float64) if up is not None else None


def _torso_px(frame: PoseFrame) -> float:
    return geo.torso_length(frame.image_xy_px)
