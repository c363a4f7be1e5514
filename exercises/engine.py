"""The form engine: pose frames in, events out, for one exercise definition.

Per frame: view detection -> named signals -> ready gate / posture gate ->
rep state machine (or hold timer) -> rules. The per-frame path is a few
vectorised numpy calls; rep-window rules run once per rep on a ring buffer.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from exercises import geometry as geo
from exercises.calibration import Calibration
from exercises.counter import RepCounter, RepTiming
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
from exercises.rules import FrameRuleTracker, judge_rep
from exercises.signals import SignalPlan
from exercises.spec import Condition, ExerciseDefinition
from exercises.view import ViewTracker
from sensors.pose import PoseFrame

MEDIAN_FRAMES = 3  #: the ready/posture gates see the median of this many newest frames
MEDIAN_WINDOW_S = 0.2  #: ...taken only within this much time (low frame rates are not smoothed over seconds)
RING = 2048  #: frames kept for rep-window rules (68 s at 30 fps; longer than any rep)
MAX_GAP_S = 0.5  #: a hold's in-form time never grows by more than this between two frames
NO_PLAYER_GRACE_S = 1.0  #: without a posture section: stop counting after this long without a player


def _holds(conds: list[Condition], values: np.ndarray, index: Mapping[str, int]) -> bool:
    for c in conds:
        v = float(values[index[c.signal]])
        if not math.isfinite(v):
            return False
        if c.above is not None and not v > c.above:
            return False
        if c.below is not None and not v < c.below:
            return False
    return True


class FormEngine:
    """Counts and judges one exercise from a stream of :class:`PoseFrame`.

    ``calibration`` (the player's proportions) adapts proportion-dependent
    thresholds and the 2D distance scale; without it, both are measured
    while the ready pose is held.
    """

    def __init__(self, definition: ExerciseDefinition, calibration: Calibration | None = None) -> None:
        d = definition
        self.definition = d
        self.calibration = calibration
        self._plan = SignalPlan(dict(d.signals))
        self._index = self._plan.index
        self._primary = self._index[d.primary_signal]
        self._counter = RepCounter(d.counting) if d.kind == "reps" and d.counting is not None else None
        # counts reps before the ready pose is confirmed; they are credited only if it then is
        self._shadow = RepCounter(d.counting) if self._counter is not None and d.counting is not None else None
        self._shadow_reps: list[RepTiming] = []
        self._shadow_bad_since = math.nan
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
        self._t = np.full(RING, -np.inf)
        self._vals = np.full((RING, n), np.nan)
        self._raw = np.full((MEDIAN_FRAMES, n), np.nan)
        self._raw_t = np.full(MEDIAN_FRAMES, -np.inf)
        self._raw_w = 0
        self._left = np.full((RING, n), np.nan)
        self._right = np.full((RING, n), np.nan)
        self._w = 0
        self._signals: dict[str, float] = dict.fromkeys(self._plan.names, math.nan)
        self.signals: Mapping[str, float] = MappingProxyType(self._signals)
        self.ready = False
        self._ready_since = math.nan
        self._lost_since = math.nan
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
    def effective_calibration(self) -> Calibration | None:
        """The calibration in use: the one given, else the one measured during the ready pose."""
        return self.calibration if self.calibration is not None else self._auto_cal

    def summary(self) -> SessionSummary:
        return SessionSummary(
            reps=len(self._reps),
            partials=self._partials,
            good_reps=sum(r.good for r in self._reps),
            time_under_tension_s=self._tut_s if self._counter is not None else self._hold_s,
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
            self._left[self._w], self._right[self._w] = sv.left, sv.right
        else:
            vals = np.full(len(self._plan.names), np.nan)
            self._left[self._w] = np.nan
            self._right[self._w] = np.nan
        steady = self._despike(t, vals)  # for the ready and posture gates only
        self._t[self._w] = t
        self._vals[self._w] = vals
        self._w = (self._w + 1) % RING
        for name, v in zip(self._plan.names, vals.tolist(), strict=True):
            self._signals[name] = v

        view_ok = view in self._valid_views
        if not self.ready:
            self._shadow_step(t, vals, view_ok and present)
            self._wait_ready(frame, t, steady, view_ok and present, events)
        else:
            self._check_posture(t, steady, view_ok and present, events)
        if self.ready:
            fired = self._frame_rules.update(t, view, vals, self.effective_calibration)
            events += [FormCue(t, r.id, r.cue, Severity(r.severity)) for r in fired]
            if self._counter is not None:
                self._count(t, float(vals[self._primary]), events)
            else:
                self._hold(t, present, events)
        self._last_t = t
        return events

    def _despike(self, t: float, vals: np.ndarray) -> np.ndarray:
        """Causal median of the last :data:`MEDIAN_FRAMES` raw values of each signal (within
        :data:`MEDIAN_WINDOW_S`), for the gates that must hold steadily (the ready pose, the
        posture): landmark jitter must not break a held pose. Counting and rules see raw values,
        whose short peaks (a fast jumping jack's top) a median would clip."""
        self._raw[self._raw_w] = vals
        self._raw_t[self._raw_w] = t
        self._raw_w = (self._raw_w + 1) % MEDIAN_FRAMES
        recent = self._raw[self._raw_t >= t - MEDIAN_WINDOW_S]
        if len(recent) < 3 or np.isnan(vals).all():
            return vals
        if np.isnan(recent).any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
                out: np.ndarray = np.nanmedian(recent, axis=0)
        else:
            out = np.median(recent, axis=0)
        return np.where(np.isnan(vals), np.nan, out)  # a signal that is unmeasurable now stays so

    def _wait_ready(self, frame: PoseFrame, t: float, vals: np.ndarray, ok: bool, events: list[Event]) -> None:
        d = self.definition
        if not (ok and _holds(d.ready.when, vals, self._index)):
            self._ready_since = math.nan
            self._torso_px_samples.clear()
            self._ready_frames.clear()
            return
        if math.isnan(self._ready_since):
            self._ready_since = t
        self._torso_px_samples.append(_torso_px(frame))
        if len(self._ready_frames) < 30:
            self._ready_frames.append(frame)
        if t - self._ready_since < d.ready.hold_s:
            return
        self.ready = True
        self._lost_since = math.nan
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
        self._ready_frames = []
        events.append(Ready(t))
        self._frame_rules.reset()
        if self._counter is not None:
            for timing in self._shadow_reps:
                self._add_rep(t, timing, events)
            self._shadow_reps.clear()
            if self._shadow is not None:
                self._shadow.disarm(t)
            events += _phase_events(self._counter.arm(t))
            self._phase = self._counter.phase
        else:
            self._phase = Phase.HOLD
            events.append(PhaseChanged(t, Phase.HOLD))

    def _check_posture(self, t: float, vals: np.ndarray, ok: bool, events: list[Event]) -> None:
        p = self.definition.posture
        good = ok and (p is None or _holds(p.when, vals, self._index))
        if good:
            self._lost_since = math.nan
            return
        if math.isnan(self._lost_since):
            self._lost_since = t
        grace = p.grace_s if p is not None else NO_PLAYER_GRACE_S
        if t - self._lost_since < grace:
            return
        self.ready = False
        self._ready_since = math.nan
        self._rep_frame_faults.clear()  # the rep in progress is dropped, and its frame faults with it
        if self._counter is not None:
            events += _phase_events(self._counter.disarm(t))
        elif self._phase is not Phase.IDLE:
            events.append(PhaseChanged(t, Phase.IDLE))
        self._phase = Phase.IDLE

    def _shadow_step(self, t: float, vals: np.ndarray, ok: bool) -> None:
        """Count reps while the ready pose is not yet confirmed (a stream that starts mid-set).

        The shadow counter runs only while the player is seen from a valid
        view in a valid posture, and starts only once near the start position; its
        reps are credited when the ready pose is then held (see ``_wait_ready``)
        and dropped when the player leaves, the posture breaks or the view is wrong.
        """
        sh = self._shadow
        if sh is None:
            return
        p = self.definition.posture
        value = float(vals[self._primary])
        if not (ok and (p is None or _holds(p.when, vals, self._index))):
            if math.isnan(self._shadow_bad_since):
                self._shadow_bad_since = t
            grace = p.grace_s if p is not None else NO_PLAYER_GRACE_S
            if t - self._shadow_bad_since >= grace:  # a one-frame dropout keeps the shadow going
                if sh.phase is not Phase.IDLE:
                    sh.disarm(t)
                self._shadow_reps.clear()
            return
        self._shadow_bad_since = math.nan
        if sh.phase is Phase.IDLE:
            sh.arm(t)
        self._shadow_reps += [e for e in sh.update(t, value) if isinstance(e, RepTiming)]

    def _add_rep(self, t: float, timing: RepTiming, events: list[Event]) -> None:
        rep = self._judge(timing)
        self._reps.append(rep)
        self._tut_s += rep.duration_s
        events.append(RepCompleted(t, rep))
        events += [FormCue(t, f.rule_id, f.cue, f.severity) for f in rep.faults]

    def _count(self, t: float, value: float, events: list[Event]) -> None:
        assert self._counter is not None
        for ev in self._counter.update(t, value):
            if isinstance(ev, RepTiming):
                self._add_rep(t, ev, events)
            elif isinstance(ev, PartialRep):
                self._partials += 1
                events.append(ev)
            else:
                if ev.phase is Phase.AWAY:
                    self._rep_frame_faults.clear()
                events.append(ev)
        self._phase = self._counter.phase
        if self._phase in (Phase.AWAY, Phase.TURN, Phase.RETURN):
            self._rep_frame_faults.update(
                r.id for r, a in zip(self._frame_rules.rules, self._frame_rules.active, strict=True) if a
            )

    def _judge(self, timing: RepTiming) -> RepResult:
        d = self.definition
        assert d.counting is not None
        mask = (self._t >= timing.start_t_s) & (self._t <= timing.end_t_s)
        order = np.argsort(self._t[mask])
        times = self._t[mask][order]
        vals = self._vals[mask][order]
        prim = vals[:, self._primary]
        rom = float(np.nanmax(prim) - np.nanmin(prim)) if np.isfinite(prim).any() else math.nan
        away_s, back_s = _away_and_back_s(times, prim, self._counter.sign if self._counter else 1.0, timing)
        ecc, con = (away_s, back_s) if d.counting.away_is == "eccentric" else (back_s, away_s)
        symmetry = self._symmetry(mask)
        metrics = {
            "rep.duration_s": timing.end_t_s - timing.start_t_s,
            "rep.eccentric_s": ecc,
            "rep.concentric_s": con,
            "rep.symmetry": symmetry,
            "rep.rom": rom,
        }
        bounds = (timing.start_t_s, timing.turn_t_s, timing.leave_turn_t_s, timing.end_t_s)
        frame_faults = [
            Fault(r.id, r.cue, Severity(r.severity)) for r in self._frame_rules.rules if r.id in self._rep_frame_faults
        ]
        verdict = judge_rep(
            self._rep_rules,
            self.view,
            times,
            vals,
            self._index,
            bounds,
            metrics,
            self.effective_calibration,
            frame_faults,
        )
        return RepResult(
            index=len(self._reps) + 1,
            start_t_s=timing.start_t_s,
            end_t_s=timing.end_t_s,
            rom_deg=rom,
            eccentric_s=ecc,
            concentric_s=con,
            symmetry=symmetry,
            score=verdict.score,
            faults=verdict.faults,
            good=verdict.good,
        )

    def _symmetry(self, mask: np.ndarray) -> float:
        left = self._left[mask, self._primary]
        right = self._right[mask, self._primary]
        if not (np.isfinite(left).sum() > 2 and np.isfinite(right).sum() > 2):
            return math.nan
        # ranges between the 10th and 90th percentiles: one noisy sample must not make a lagging arm look even
        lo_l, hi_l = np.nanpercentile(left, [10, 90])
        lo_r, hi_r = np.nanpercentile(right, [10, 90])
        rl, rr = float(hi_l - lo_l), float(hi_r - lo_r)
        big = max(rl, rr)
        return 1.0 - abs(rl - rr) / big if big > 1e-9 else 1.0

    def _hold(self, t: float, present: bool, events: list[Event]) -> None:
        dt = t - self._last_t if math.isfinite(self._last_t) else 0.0
        if present and self._frame_rules.in_form and dt > 0:
            self._hold_s += min(dt, MAX_GAP_S)
            while self._hold_s >= self._next_tick_s:
                events.append(HoldTick(t, self._next_tick_s))
                self._next_tick_s += 1.0


def _away_and_back_s(times: np.ndarray, prim: np.ndarray, sign: float, timing: RepTiming) -> tuple[float, float]:
    """Time from the rep's start to reaching its extreme, and from leaving the extreme to the end.

    "At the extreme" is within 10 % of the rep's range of it, so a pause at
    the bottom counts in neither phase.
    """
    y = sign * prim
    ok = np.isfinite(y)
    if ok.sum() < 3:
        return timing.turn_t_s - timing.start_t_s, timing.end_t_s - timing.leave_turn_t_s
    lo, hi = float(np.min(y[ok])), float(np.max(y[ok]))
    near = np.flatnonzero(ok & (y <= lo + 0.1 * (hi - lo)))
    return float(times[near[0]] - timing.start_t_s), float(timing.end_t_s - times[near[-1]])


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
    from exercises.geometry import torso_length

    return torso_length(frame.image_xy_px)
