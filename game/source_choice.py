"""Which pose source a level plays from: the player's ``--source``, a webcam, or the synthetic demo."""

from __future__ import annotations

import glob
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sensors.contract import Sensor
from sensors.errors import SensorError, SourceSpecError
from sensors.registry import SourceOptions, open_source, parse_params, split_spec

#: the demo that runs on a machine with no camera: an avatar doing the level's exercise, forever, in real time
DEMO_PARAMS = "reps=0,realtime=1"
#: per exercise: the demo avatar gets its third rep wrong so the form cues show; holds last the whole level
DEMO_EXTRA = {
    "squat": "fault=knee_valgus,fault_reps=3",
    "lunge": "fault=knee_past_toe,fault_reps=3",
    "jumping_jack": "fault=partial_arms,fault_reps=3",
    "plank": "hold_s=600",
    "wall_sit": "hold_s=600",
}


def demo_spec(exercise: str) -> str:
    """``synthetic:squat,reps=0,realtime=1,fault=knee_valgus,fault_reps=3`` and the like."""
    from sensors.synthetic import EXERCISES

    if exercise not in EXERCISES:
        raise SourceSpecError(
            f"the synthetic demo cannot do '{exercise}' (it knows {', '.join(EXERCISES)}); "
            "play this level with a camera: --source webcam:0, realsense or video:PATH"
        )
    extra = DEMO_EXTRA.get(exercise)
    return f"synthetic:{exercise},{DEMO_PARAMS}" + (f",{extra}" if extra else "")


def webcam_present() -> bool:
    """A quick probe: is there a video device at all? (Linux: /dev/video*; elsewhere: assume maybe.)"""
    if sys.platform.startswith("linux"):
        return bool(glob.glob("/dev/video*"))
    return sys.platform in ("darwin", "win32")


@dataclass(frozen=True, slots=True)
class SourceChoice:
    spec: str | None  #: what the player asked for, or None for "pick for me"
    seed: int | None = None
    pose_model: Path | None = None  #: a MediaPipe Tasks .task file for camera sources

    def label(self) -> str:
        if self.spec is not None:
            return self.spec
        return "webcam" if webcam_present() else "synthetic demo (no camera found)"

    def spec_for(self, exercise: str) -> str:
        """The source spec for a level of ``exercise``; the demo (or a bare ``synthetic``) does that exercise."""
        spec = self.spec
        if spec is None:
            return "webcam:0" if webcam_present() else demo_spec(exercise)
        scheme, target = split_spec(spec)
        if scheme == "synthetic":
            positional, params = parse_params(target)
            if not positional:  # "synthetic" or "synthetic:noise=0.5" -> the level's exercise
                merged = {**parse_params(DEMO_PARAMS)[1], **params}
                return f"synthetic:{','.join([exercise, *(f'{k}={v}' for k, v in merged.items())])}"
        return spec

    def check(self, exercises: Iterable[str]) -> None:
        """Build (not open) the sensor for each exercise, so a bad source fails before the game starts."""
        for spec in dict.fromkeys(self.spec_for(e) for e in exercises):
            if self.spec is not None or not spec.startswith("webcam"):  # a named webcam must exist now
                open_source(spec, SourceOptions(images=True, seed=self.seed)).close()

    def fallback_spec(self, exercise: str) -> str | None:
        """What :meth:`open` falls back to when the first choice fails (the demo, for an auto-picked webcam)."""
        spec = self.spec_for(exercise)
        if self.spec is not None or not spec.startswith("webcam"):
            return None
        return demo_spec(exercise)

    def open(self, exercise: str, realtime: bool | None = True, opener: SpecOpener | None = None) -> Sensor:
        """Build and open the sensor for a level; falls back to the demo when an auto-picked webcam fails.

        ``realtime=True`` plays files and recordings at their own pace (as a camera would deliver them).
        ``opener(spec, options)`` builds and opens a sensor (default: here, ``open_source(...).open()``).
        """
        spec = self.spec_for(exercise)
        options = SourceOptions(images=True, realtime=realtime, seed=self.seed, pose_model=self.pose_model)
        opener = opener or _open_here
        fallback = self.fallback_spec(exercise)
        if fallback is None:
            return opener(spec, options)
        try:
            return opener(spec, options)
        except SensorError:
            return opener(fallback, options)


SpecOpener = Callable[[str, SourceOptions], Sensor]


def _open_here(spec: str, options: SourceOptions) -> Sensor:
    return open_source(spec, options).open()
