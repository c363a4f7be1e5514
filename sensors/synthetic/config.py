"""The synthetic sensor's settings and the ``synthetic:`` target parser.

Target syntax: ``exercise[,key=value...]``, e.g.
``squat,view=side,body=child,fault=knee_valgus,reps=5,seed=3``.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, fields
from typing import Any

from sensors.errors import SourceSpecError
from sensors.registry import SourceOptions, parse_params
from sensors.synthetic.body import BODIES
from sensors.synthetic.camera import VIEWS
from sensors.synthetic.motions import EXERCISES, FAULTS, SPECS
from sensors.synthetic.timeline import parse_fault_reps

MODES = ("monocular", "depth")
OCCLUDERS = ("none", "plate")


@dataclass(frozen=True, slots=True)
class SyntheticConfig:
    """Everything that shapes a synthetic stream. None = the exercise's default."""

    exercise: str = "squat"
    body: str = "average"  #: average | long_legs | short_legs | child
    height_m: float | None = None  #: standing height (default: the body preset's)
    view: str | None = None  #: front | side | oblique (default: the exercise's usual view)
    yaw_deg: float | None = None  #: camera azimuth around the player; overrides view
    distance_m: float | None = None  #: horizontal camera distance (default: fit the body)
    cam_height_m: float | None = None  #: lens height above the floor
    tilt_deg: float | None = None  #: downward pitch (default: aim at the body)
    width: int = 640
    height: int = 480
    fov: float = 65.0  #: horizontal field of view, degrees
    fps: float = 30.0
    tempo_s: float | None = None  #: seconds per rep
    depth: float = 1.0  #: range-of-motion fraction, 1 = full
    reps: int = 5  #: reps (or one hold) then the stream ends; 0 = endless
    hold_s: float = 10.0  #: hold length for plank / wall_sit
    setup: bool = False  #: floor exercises: stand, then get into position first
    fault: tuple[str, ...] = ()  #: fault names (target syntax: joined with '+')
    fault_reps: str = "all"  #: all | odd | even | 1-based rep numbers joined with '+'
    noise_px: float = 1.5  #: landmark noise (pixels, 1 sigma)
    outliers: float = 0.0  #: per-joint per-frame probability of a gross 20-60 px error (still confident)
    dropout: float = 0.0  #: per-joint per-frame probability of MISSING (whole frames: dropout/5)
    swap: float = 0.0  #: per-frame probability that a left/right swap episode starts
    walker: bool = False  #: a second person walks through behind the player
    walker_start_s: float | None = None  #: when the walker enters (default: after the first rep)
    occluder: str = "none"  #: none | plate (a disc in front of the hands)
    person: bool = True  #: False: nobody in view, every frame NO_PLAYER
    mode: str = "monocular"  #: monocular (webcam-like) | depth (fused RealSense-like)
    depth_noise: float = 0.0015  #: RealSense-like depth noise k: sigma_z = k * z^2 (1/m); 0 = exact
    seed: int = 0
    realtime: bool = False  #: pace reads to the wall clock at fps
    images: bool = False  #: attach an rgb render and the depth_m map
    depth_map: bool | None = None  #: attach depth_m (default: with images); 0 = rgb only, 1 = even without images
    t0_s: float = 0.0  #: timestamp of frame 0 (t_s = t0_s + index / fps)

    def __post_init__(self) -> None:
        if isinstance(self.fault, str):  # SyntheticConfig(fault="knee_valgus+forward_lean") also works
            object.__setattr__(self, "fault", tuple(p for p in self.fault.split("+") if p))
        _validate(self)

    @property
    def faults(self) -> tuple[str, ...]:
        return self.fault

    @property
    def yaw(self) -> float:
        if self.yaw_deg is not None:
            return self.yaw_deg
        return VIEWS[self.view or SPECS[self.exercise].default_view]

    @property
    def tempo(self) -> float:
        return self.tempo_s if self.tempo_s is not None else SPECS[self.exercise].tempo_s

    @property
    def wants_depth_map(self) -> bool:
        if self.depth_map is not None:
            return self.depth_map
        return self.images


def _did_you_mean(what: str, value: str, known: tuple[str, ...] | list[str]) -> SourceSpecError:
    close = difflib.get_close_matches(value, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return SourceSpecError(f"synthetic: unknown {what} '{value}' (known: {', '.join(known)}){hint}")


def _validate(c: SyntheticConfig) -> None:
    if c.exercise not in SPECS:
        raise _did_you_mean("exercise", c.exercise, EXERCISES)
    if c.body not in BODIES:
        raise _did_you_mean("body", c.body, list(BODIES))
    if c.view is not None and c.view not in VIEWS:
        raise _did_you_mean("view", c.view, list(VIEWS))
    if c.mode not in MODES:
        raise _did_you_mean("mode", c.mode, MODES)
    if c.occluder not in OCCLUDERS:
        raise _did_you_mean("occluder", c.occluder, OCCLUDERS)
    for f in c.fault:
        if f not in FAULTS[c.exercise]:
            known = FAULTS[c.exercise]
            close = difflib.get_close_matches(f, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise SourceSpecError(
                f"synthetic: exercise '{c.exercise}' has no fault '{f}' (its faults: {', '.join(known)}){hint}"
            )
    try:
        parse_fault_reps(c.fault_reps)
    except ValueError as e:
        raise SourceSpecError(f"synthetic: {e}") from None
    checks = [
        ("width", 16 <= c.width <= 4096, "between 16 and 4096"),
        ("height", 16 <= c.height <= 4096, "between 16 and 4096"),
        ("fov", 10 <= c.fov <= 150, "between 10 and 150 degrees"),
        ("fps", 1 <= c.fps <= 1000, "between 1 and 1000"),
        ("tempo_s", c.tempo_s is None or 0.3 <= c.tempo_s <= 60, "between 0.3 and 60 s"),
        ("depth", 0 <= c.depth <= 1, "between 0 and 1"),
        ("reps", 0 <= c.reps <= 100000, "0 (endless) or a positive count"),
        ("hold_s", 0 < c.hold_s <= 3600, "between 0 and 3600 s"),
        ("noise_px", 0 <= c.noise_px <= 100, "between 0 and 100"),
        ("dropout", 0 <= c.dropout <= 1, "a probability in [0, 1]"),
        ("outliers", 0 <= c.outliers <= 1, "a probability in [0, 1]"),
        ("swap", 0 <= c.swap <= 1, "a probability in [0, 1]"),
        ("depth_noise", 0 <= c.depth_noise <= 0.05, "between 0 and 0.05 per metre"),
        ("distance_m", c.distance_m is None or 0.5 <= c.distance_m <= 20, "between 0.5 and 20 m"),
        ("cam_height_m", c.cam_height_m is None or 0.05 <= c.cam_height_m <= 5, "between 0.05 and 5 m"),
        ("tilt_deg", c.tilt_deg is None or -80 <= c.tilt_deg <= 80, "between -80 and 80 degrees"),
    ]
    for name, ok, expected in checks:
        if not ok:
            raise SourceSpecError(f"synthetic: {name} must be {expected}, found {getattr(c, name)}")


#: accepted spellings of some parameters
ALIASES = {"noise": "noise_px", "faults": "fault", "tempo": "tempo_s", "hold": "hold_s", "yaw": "yaw_deg",
           "distance": "distance_m"}  # fmt: skip

_BOOL = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _convert(name: str, kind: Any, text: str) -> Any:
    kind = str(kind)
    try:
        if "bool" in kind:
            return _BOOL[text.lower()]
        if "tuple" in kind:
            return tuple(p for p in text.split("+") if p)
        if "int" in kind:
            return int(text)
        if "float" in kind:
            return float(text)
    except (KeyError, ValueError):
        expected = "0 or 1" if "bool" in kind else ("an integer" if "int" in kind else "a number")
        raise SourceSpecError(f"synthetic: parameter {name}={text!r}: expected {expected}") from None
    return text


def config_from_target(target: str, options: SourceOptions | None = None) -> SyntheticConfig:
    """Parse ``squat,view=side,...`` (plus SourceOptions) into a :class:`SyntheticConfig`."""
    positional, params = parse_params(target, "synthetic")
    if len(positional) > 1:
        raise SourceSpecError(
            f"synthetic: expected one exercise name then key=value parameters, found {', '.join(positional)}"
        )
    known = {f.name: f.type for f in fields(SyntheticConfig)}
    values: dict[str, Any] = {}
    opts = options or SourceOptions()
    if opts.images:
        values["images"] = True
    if opts.realtime is not None:
        values["realtime"] = opts.realtime
    for key, opt in (("width", opts.width_px), ("height", opts.height_px), ("fps", opts.fps), ("seed", opts.seed)):
        if opt is not None:
            values[key] = opt
    if positional:
        values["exercise"] = positional[0]
    for key, text in params.items():
        key = ALIASES.get(key, key)
        if key not in known:
            raise _did_you_mean("parameter", key, sorted(known))
        values[key] = _convert(key, known[key], text)
    return dataclasses.replace(SyntheticConfig(), **values) if values else SyntheticConfig()
