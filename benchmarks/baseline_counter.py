"""The two-threshold rep counter of the typical open-source pose-fitness script.

What it does (and RepQuest does not): one raw 2D joint angle from the image
landmarks, no smoothing, no ready-pose gate, no dwell time, no view check.
A rep is counted when the angle leaves the "rest" zone, crosses into the
"active" zone, and comes back past the rest threshold (the usual
``if angle > 160: stage = "up"`` / ``if angle < 90 and stage == "up": ...``).
Thresholds are the ones such scripts commonly hard-code.

Used only by ``benchmarks/bench_counting.py`` as the comparison point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import numpy as np

from sensors.joints import Joint
from sensors.pose import PoseFrame

J = Joint
#: a joint counts as seen above this visibility (the usual MediaPipe cut)
MIN_VISIBILITY = 0.5


@dataclass(frozen=True, slots=True)
class BaselineRule:
    """One angle (a-b-c at b, per side) and its two thresholds in degrees.

    ``rest_is_high``: the rest position is the large angle (squat standing
    ~175°); otherwise it is the small one (arms down in a lateral raise).
    """

    left: tuple[Joint, Joint, Joint]
    right: tuple[Joint, Joint, Joint]
    rest_deg: float
    active_deg: float
    rest_is_high: bool = True


def _pair(a: str, b: str, c: str) -> tuple[tuple[Joint, Joint, Joint], tuple[Joint, Joint, Joint]]:
    return (J[f"LEFT_{a}"], J[f"LEFT_{b}"], J[f"LEFT_{c}"]), (J[f"RIGHT_{a}"], J[f"RIGHT_{b}"], J[f"RIGHT_{c}"])


#: exercise -> rule, with the thresholds typical scripts use
RULES: dict[str, BaselineRule] = {
    "squat": BaselineRule(*_pair("HIP", "KNEE", "ANKLE"), rest_deg=160, active_deg=90),
    "lunge": BaselineRule(*_pair("HIP", "KNEE", "ANKLE"), rest_deg=160, active_deg=100),
    "pushup": BaselineRule(*_pair("SHOULDER", "ELBOW", "WRIST"), rest_deg=160, active_deg=90),
    "bicep_curl": BaselineRule(*_pair("SHOULDER", "ELBOW", "WRIST"), rest_deg=160, active_deg=30),
    "situp": BaselineRule(*_pair("SHOULDER", "HIP", "KNEE"), rest_deg=105, active_deg=55),
    "shoulder_press": BaselineRule(*_pair("SHOULDER", "ELBOW", "WRIST"), 100, 160, rest_is_high=False),
    "jumping_jack": BaselineRule(*_pair("HIP", "SHOULDER", "ELBOW"), rest_deg=30, active_deg=150, rest_is_high=False),
    "lateral_raise": BaselineRule(*_pair("HIP", "SHOULDER", "ELBOW"), rest_deg=30, active_deg=75, rest_is_high=False),
    "front_raise": BaselineRule(*_pair("HIP", "SHOULDER", "WRIST"), rest_deg=30, active_deg=80, rest_is_high=False),
}
ALIASES = {"push_up": "pushup", "push-up": "pushup", "curl": "bicep_curl", "sit_up": "situp", "crunch": "situp"}


def angle_2d_deg(a_xy: np.ndarray, b_xy: np.ndarray, c_xy: np.ndarray) -> float:
    """Angle a-b-c at b in degrees from 2D pixel positions (the raw arctan2 formula such scripts use)."""
    r = math.atan2(c_xy[1] - b_xy[1], c_xy[0] - b_xy[0]) - math.atan2(a_xy[1] - b_xy[1], a_xy[0] - b_xy[0])
    deg = abs(math.degrees(r))
    return 360.0 - deg if deg > 180.0 else deg


def frame_angle_deg(frame: PoseFrame, rule: BaselineRule) -> float:
    """The angle of the side whose three joints are more visible; NaN when neither side is seen."""
    xy, vis = frame.image_xy_px, frame.confidence
    best, best_vis = math.nan, MIN_VISIBILITY
    for a, b, c in (rule.left, rule.right):
        v = float(min(vis[a], vis[b], vis[c]))
        if v >= best_vis and np.isfinite(xy[[a, b, c]]).all():
            best, best_vis = angle_2d_deg(xy[a], xy[b], xy[c]), v
    return best


class Stage(Enum):
    UNKNOWN = "unknown"
    REST = "rest"
    ACTIVE = "active"


@dataclass(slots=True)
class TwoThresholdCounter:
    """Feed angles one at a time; ``count`` is the reps counted so far."""

    rule: BaselineRule
    stage: Stage = Stage.UNKNOWN
    count: int = 0

    def update(self, angle_deg: float) -> bool:
        """Advance with one angle (NaN is ignored); True when this angle completed a rep."""
        if math.isnan(angle_deg):
            return False
        r = self.rule
        at_rest = angle_deg > r.rest_deg if r.rest_is_high else angle_deg < r.rest_deg
        active = angle_deg < r.active_deg if r.rest_is_high else angle_deg > r.active_deg
        if active and self.stage is Stage.REST:
            self.stage = Stage.ACTIVE
        elif at_rest:
            completed = self.stage is Stage.ACTIVE
            self.stage = Stage.REST
            if completed:
                self.count += 1
                return True
        return False


def rule_for(exercise: str) -> BaselineRule | None:
    """The baseline rule of ``exercise``; None for holds (plank) and exercises it has no rule for."""
    return RULES.get(ALIASES.get(exercise, exercise))


def count_reps(frames: Iterable[PoseFrame], exercise: str) -> int:
    """Reps the two-threshold baseline counts over ``frames`` (0 for exercises without a rule)."""
    rule = rule_for(exercise)
    if rule is None:
        return 0
    counter = TwoThresholdCounter(rule)
    for frame in frames:
        if frame.has_player:
            counter.update(frame_angle_deg(frame, rule))
    return counter.count
