"""The exercise library of the synthetic avatar: motions, faults, defaults.

``EXERCISES`` lists the exercise names (the form engine uses the same
snake_case names); ``FAULTS`` maps each exercise to its named form faults.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sensors.synthetic import motions_floor as fl
from sensors.synthetic import motions_lower as lo
from sensors.synthetic import motions_upper as up
from sensors.synthetic import motions_variants as va
from sensors.synthetic.body import Body
from sensors.synthetic.kinematics import Command
from sensors.synthetic.posture import standing

Motion = Callable[[Body, float, int, Mapping[str, float], float], Command]


@dataclass(frozen=True, slots=True)
class ExerciseSpec:
    """How the avatar performs one exercise."""

    name: str
    motion: Motion  #: (body, s, side, fault weights, depth) -> Command
    faults: tuple[str, ...]
    tempo_s: float  #: default seconds per rep
    hold: bool = False  #: scored by time (plank, wall sit): one hold instead of reps
    floor: bool = False  #: done on the floor; setup=1 shows getting down
    alternating: bool = False  #: reps alternate left (even rep_index) and right
    default_view: str = "front"
    supine: bool = False  #: lies on the back (setup: sit down, then lie back)
    base: str | None = None  #: a variant: the base exercise it varies (squat_goblet -> squat)
    bar_on_back: bool = False  #: occluder=plate puts the plate on the bar's end, not in front of the hands

    def ready(self, body: Body) -> Command:
        return self.motion(body, 0.0, 0, {}, 1.0)

    def setup_pose(self, body: Body, w: float) -> Command:
        """Standing (w = 0) -> getting down -> the ready pose (w = 1)."""
        ready = self.ready(body)
        stand = standing(body)
        if self.supine:
            mid = fl.sitting(body, float(ready.pelvis[2]), float(ready.targets[2][2]))
        else:
            mid = fl.crouch(body, float(ready.targets[0][2]) * 0.5)
        return stand.lerp(mid, w / 0.5) if w < 0.5 else mid.lerp(ready, (w - 0.5) / 0.5)


_SPECS = (
    ExerciseSpec("squat", lo.squat, ("shallow", "knee_valgus", "forward_lean", "heels_up"), 3.0),
    ExerciseSpec("pushup", fl.pushup, ("hip_sag", "hip_pike", "partial_range"), 2.5, floor=True, default_view="side"),
    ExerciseSpec("lunge", lo.lunge, ("knee_past_toe", "short_step"), 3.0, alternating=True, default_view="side"),
    ExerciseSpec("jumping_jack", up.jumping_jack, ("partial_arms",), 1.2),
    ExerciseSpec("bicep_curl", up.bicep_curl, ("upper_arm_swing", "partial_range"), 2.5),
    ExerciseSpec("shoulder_press", up.shoulder_press, ("partial_range", "uneven_arms"), 2.5),
    ExerciseSpec("lateral_raise", up.lateral_raise, ("too_high", "bent_arms", "uneven_arms"), 2.5),
    ExerciseSpec("front_raise", up.front_raise, ("swing", "too_high"), 2.5, default_view="side"),
    ExerciseSpec("plank", fl.plank, ("hips_high", "hips_low"), 2.0, hold=True, floor=True, default_view="side"),
    ExerciseSpec("glute_bridge", fl.glute_bridge, ("shallow",), 2.5, floor=True, default_view="side", supine=True),
    ExerciseSpec("situp", fl.situp, ("partial_range",), 2.5, floor=True, default_view="side", supine=True),
    ExerciseSpec("high_knees", lo.high_knees, ("low_knees",), 0.7, alternating=True),
    ExerciseSpec("wall_sit", lo.wall_sit, ("hips_high",), 2.0, hold=True, default_view="side"),
    ExerciseSpec("mountain_climber", fl.mountain_climber, ("hips_high",), 0.8, floor=True, alternating=True,
                 default_view="side"),
)  # fmt: skip

_SQUAT_FAULTS = ("shallow", "knee_valgus", "forward_lean", "heels_up")
_VARIANTS = (
    ExerciseSpec("squat_overhead", va.squat_overhead, _SQUAT_FAULTS, 3.0, base="squat"),
    ExerciseSpec("squat_goblet", va.squat_goblet, _SQUAT_FAULTS, 3.0, base="squat"),
    ExerciseSpec("squat_front", va.squat_front, _SQUAT_FAULTS, 3.0, base="squat"),
    ExerciseSpec("squat_barbell", va.squat_barbell, _SQUAT_FAULTS, 3.0, base="squat", bar_on_back=True),
    ExerciseSpec("pushup_knee", va.pushup_knee, ("hip_sag", "hip_pike", "partial_range"), 2.5, floor=True,
                 default_view="side", base="pushup"),
    ExerciseSpec("crunch", va.crunch, (), 2.0, floor=True, default_view="side", supine=True, base="situp"),
)  # fmt: skip
_SPECS = _SPECS + _VARIANTS

SPECS: dict[str, ExerciseSpec] = {s.name: s for s in _SPECS}
EXERCISES: tuple[str, ...] = tuple(SPECS)
FAULTS: dict[str, tuple[str, ...]] = {s.name: s.faults for s in _SPECS}
#: variant -> the base exercise it varies; a form library without the variant may count it as the base
BASE_EXERCISE: dict[str, str] = {s.name: s.base for s in _SPECS if s.base is not None}
