"""The exercise format: plain pydantic values, loaded from YAML with positions.

See ``docs/exercise-format.md`` for the format with examples. Unknown keys
are rejected; cross-references (signal names, threshold order) are checked
after validation by :func:`cross_check` so each problem points at its line.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=48)]
ViewName = Literal["front", "side", "oblique"]
ALL_VIEWS: tuple[ViewName, ...] = ("front", "side", "oblique")
SideName = Literal["left", "right", "mean", "min", "max", "best", "mid"]
KINDS = ("angle", "segment", "distance", "height", "forward", "ratio", "line_offset")
REP_METRICS = ("rep.duration_s", "rep.eccentric_s", "rep.concentric_s", "rep.symmetry", "rep.rom")
CALIBRATION_RATIOS = ("thigh_to_torso", "shin_to_thigh", "upper_arm_to_torso", "leg_to_torso")


class _Strict(BaseModel):
    #: thresholds must be finite: NaN never compares true (a rule that never fires), inf breaks scores
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SignalSpec(_Strict):
    """A named measurement: exactly one of the measurement keys.

    Joint names are BlazePose names without their side ("knee") — expanded
    to left/right per ``side`` — or with it ("left_knee", "nose").
    """

    angle: tuple[str, str, str] | None = None  #: angle at the middle joint, degrees
    segment: tuple[str, str] | None = None  #: angle of the segment from vertical (0 = pointing up), degrees
    distance: tuple[str, str] | None = None  #: distance / torso length
    height: tuple[str, str] | None = None  #: how far the first joint is above the second / torso length
    forward: tuple[str, str] | None = None  #: first joint ahead of the second (toe direction) / torso length
    ratio: tuple[tuple[str, str], tuple[str, str]] | None = None  #: distance of a pair / distance of a pair
    line_offset: tuple[str, str, str] | None = None  #: middle joint's offset from the line first->last, up > 0
    side: SideName = "mean"
    #: the plane the movement lies in, which picks 2D vs 3D: 2D when the view faces that plane, or for
    #: 'any'; '3d' always uses 3D when available (a bend whose plane turns with the limb)
    plane: Literal["sagittal", "frontal", "any", "3d"] = "any"

    @model_validator(mode="after")
    def _one_kind(self) -> SignalSpec:
        kinds = [k for k in KINDS if getattr(self, k)]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none"
            raise ValueError(f"expected exactly one of {', '.join(KINDS)}; found {found}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if getattr(self, k))


class Condition(_Strict):
    """True when the signal is above ``above`` and/or below ``below`` (both: inside the band)."""

    signal: str
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _bound(self) -> Condition:
        if self.above is None and self.below is None:
            raise ValueError("expected 'above' or 'below' (or both)")
        return self


class Band(_Strict):
    """A zone with hysteresis: entered when the signal passes ``enter``, left when it passes back ``exit``."""

    enter: float
    exit: float


class Range(_Strict):
    min: float = Field(ge=0)
    max: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise ValueError(f"expected min <= max (here min {self.min:g}, max {self.max:g})")
        return self


class Counting(_Strict):
    """The rep state machine's thresholds on the primary signal (its units)."""

    start: Band  #: the start position (standing tall, arms straight...)
    turn: Band  #: the far end of the rep (bottom of a squat, top of a curl)
    partial: float  #: an excursion past this that never reaches ``turn.enter`` is a partial rep
    #: a movement this far from the rest position and back that never passes ``partial`` is also a
    #: partial (a sit-up whose "down" ranges from lying to reclined, a squat's 34 deg knee dip); None:
    #: 0.7 of the start-to-turn span (``exercises.counter.DEFAULT_EXCURSION_OF_SPAN``)
    partial_excursion: float | None = Field(default=None, gt=0)
    away_is: Literal["eccentric", "concentric"] = "eccentric"
    min_dwell_s: float = Field(default=0.1, ge=0, le=2)  #: a zone counts as entered once held this long
    rep_s: Range = Range(min=0.4, max=12.0)
    smoothing_s: float = Field(default=0.0, ge=0, le=1)  #: one-pole low-pass time constant on the signal
    #: count the primary signal's left and right sides on their own (each high knee is a rep of its leg)
    per_side: bool = False
    #: when a rep counts: on coming back to the start ('return'), or on leaving the turn ('turn': a knee drive)
    count_at: Literal["return", "turn"] = "return"
    source: str = Field(min_length=3)


class Ready(_Strict):
    """The pose held for ``hold_s`` before counting starts."""

    hold_s: float = Field(default=0.5, ge=0, le=10)
    when: list[Condition] = Field(min_length=1)
    source: str = Field(min_length=3)


class Posture(_Strict):
    """Conditions that must keep holding while counting; lost for ``grace_s`` -> back to not ready."""

    grace_s: float = Field(default=1.0, ge=0, le=10)
    when: list[Condition] = Field(min_length=1)
    source: str = Field(min_length=3)


class Adapt(_Strict):
    """Shift a threshold with the player's proportions: threshold + gain * (ratio - reference)."""

    by: Literal["thigh_to_torso", "shin_to_thigh", "upper_arm_to_torso", "leg_to_torso"]
    reference: float = Field(gt=0)
    gain: float


class FaultIf(_Strict):
    """The rule fails when the measured value is above ``above`` and/or below ``below``."""

    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _bound(self) -> FaultIf:
        if self.above is None and self.below is None:
            raise ValueError("expected 'above' or 'below' (or both)")
        return self


class Rule(_Strict):
    """A form rule: what is measured, over which window, from which views, and its verdict."""

    id: Ident
    measure: str  #: a signal name or one of REP_METRICS
    reduce: Literal["min", "max", "mean", "range", "first", "last"] = "max"
    window: Literal["rep", "away", "turn", "return", "frame"] = "rep"
    views: list[ViewName] = Field(default_factory=lambda: list(ALL_VIEWS), min_length=1)
    fault_if: FaultIf
    adapt: Adapt | None = None
    persist_s: float = Field(default=0.3, ge=0, le=10)  #: window 'frame': fail this long before cueing
    severity: Literal["info", "warning", "error"] = "warning"
    cue: str = Field(min_length=2, max_length=48)
    weight: float = Field(default=1.0, ge=0)
    source: str = Field(min_length=3)


class ExerciseDefinition(_Strict):
    """One exercise, as written in YAML (see docs/exercise-format.md)."""

    name: Ident
    title: str = Field(min_length=1, max_length=40)
    kind: Literal["reps", "hold"] = "reps"
    views: list[ViewName] = Field(min_length=1)
    signals: dict[Ident, SignalSpec] = Field(min_length=1)
    primary_signal: str
    counting: Counting | None = None
    ready: Ready
    posture: Posture | None = None
    rules: list[Rule] = Field(default_factory=list)
    description: str = ""

    @model_validator(mode="after")
    def _kind_needs(self) -> ExerciseDefinition:
        if self.kind == "reps" and self.counting is None:
            raise ValueError("expected a 'counting' section for kind 'reps'")
        return self


class ExerciseFile(_Strict):
    """A file adding several exercises (e.g. inside a level pack)."""

    exercises: list[ExerciseDefinition] = Field(min_length=1)


Loc = tuple[str | int, ...]


def cross_check(d: ExerciseDefinition, at: Loc = ()) -> list[tuple[Loc, str]]:
    """Problems a schema cannot see: unknown signal/joint names and thresholds out of order.

    Returns ``(location, message)`` pairs; locations are relative to the
    document root (prefix ``at`` for a definition inside a list).
    """
    from exercises.signals import resolve_joint_names

    out: list[tuple[Loc, str]] = []
    names = sorted(d.signals)

    def unknown(loc: Loc, name: str, extra: tuple[str, ...] = ()) -> None:
        import difflib

        close = difflib.get_close_matches(name, names + list(extra), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f" (signals: {', '.join(names)})"
        out.append(((*at, *loc), f"expected a signal name, found '{name}'{hint}"))

    for sname, spec in d.signals.items():
        try:
            resolve_joint_names(spec)
        except KeyError as e:
            out.append(((*at, "signals", sname, spec.kind), f"expected BlazePose joint names, {e.args[0]}"))
    if d.primary_signal not in d.signals:
        unknown(("primary_signal",), d.primary_signal)
    for sec in ("ready", "posture"):
        part = getattr(d, sec)
        for i, c in enumerate(part.when if part else []):
            if c.signal not in d.signals:
                unknown((sec, "when", i, "signal"), c.signal)
    for i, r in enumerate(d.rules):
        if r.measure not in d.signals and r.measure not in REP_METRICS:
            unknown(("rules", i, "measure"), r.measure, REP_METRICS)
        if r.window == "frame" and r.measure in REP_METRICS:
            out.append(((*at, "rules", i, "window"), f"expected window 'rep' for '{r.measure}', found 'frame'"))
    seen: set[str] = set()
    for i, r in enumerate(d.rules):
        if r.id in seen:
            out.append(((*at, "rules", i, "id"), f"expected unique rule ids, found '{r.id}' again"))
        seen.add(r.id)
    c = d.counting
    if c is not None:
        sign = 1.0 if c.start.enter > c.turn.enter else -1.0
        pairs = [
            (c.start.enter, c.start.exit),
            (c.start.exit, c.turn.exit),
            (c.turn.exit, c.turn.enter),
            (c.start.exit, c.partial),
            (c.partial, c.turn.enter),
        ]
        if any(sign * (a - b) < 0 for a, b in pairs) or c.start.enter == c.start.exit or c.turn.exit == c.turn.enter:
            want = "start.enter > start.exit >= partial > turn.enter, start.exit > turn.exit > turn.enter"
            if sign < 0:
                want = want.replace(">", "<")
            found = (
                f"start {c.start.enter:g}/{c.start.exit:g}, partial {c.partial:g}, "
                f"turn {c.turn.enter:g}/{c.turn.exit:g}"
            )
            out.append(((*at, "counting"), f"expected thresholds ordered {want}, found {found}"))
    return out
