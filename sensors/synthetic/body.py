"""Body proportions of the synthetic avatar: segment lengths and render radii.

All lengths are metres. A :class:`Body` is built from a named proportion
preset (``BODIES``) scaled to a standing height. Local body frame used by
the kinematics: x = the body's left, y = up, z = forward (anterior).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sensors.errors import SourceSpecError


@dataclass(frozen=True, slots=True)
class Body:
    """Segment lengths (m) of one avatar. ``scale`` = height / 1.75 m."""

    name: str
    height_m: float
    ankle_h_m: float  #: ankle joint height above the floor, foot flat
    shank_m: float  #: knee -> ankle
    thigh_m: float  #: hip -> knee
    torso_m: float  #: hip midpoint -> shoulder midpoint
    neck_m: float  #: shoulder midpoint -> head centre
    head_r_m: float  #: head sphere radius
    upper_arm_m: float  #: shoulder -> elbow
    forearm_m: float  #: elbow -> wrist
    hand_m: float  #: wrist -> index knuckle
    shoulder_half_w_m: float  #: shoulder joint distance from the midline
    hip_half_w_m: float  #: hip joint distance from the midline
    foot_fwd_m: float  #: ankle -> foot index (toe), along the foot
    heel_back_m: float  #: ankle -> heel, backwards along the foot
    scale: float  #: height_m / 1.75, scales the render radii and face/hand offsets

    @property
    def leg_m(self) -> float:
        return self.thigh_m + self.shank_m

    @property
    def arm_m(self) -> float:
        return self.upper_arm_m + self.forearm_m


@dataclass(frozen=True, slots=True)
class Proportions:
    """Relative proportions; multipliers on the average adult's fractions of height."""

    default_height_m: float
    legs: float = 1.0
    torso: float = 1.0
    arms: float = 1.0
    head: float = 1.0
    width: float = 1.0


#: preset name -> proportions (long_legs: long-legged/short-torso; short_legs: the reverse)
BODIES: dict[str, Proportions] = {
    "average": Proportions(1.75),
    "long_legs": Proportions(1.75, legs=1.08, torso=0.86, arms=1.02),
    "short_legs": Proportions(1.75, legs=0.91, torso=1.14, arms=0.98),
    "child": Proportions(1.25, legs=0.93, torso=1.0, arms=0.95, head=1.35, width=0.9),
}

# fractions of standing height for the average adult (after Drillis & Contini / Winter)
_ANKLE_H, _SHANK, _THIGH, _TORSO, _NECK = 0.039, 0.246, 0.245, 0.290, 0.112
_HEAD_R, _UPPER_ARM, _FOREARM, _HAND = 0.057, 0.186, 0.146, 0.046
_SHOULDER_HALF_W, _HIP_HALF_W, _FOOT_FWD, _HEEL_BACK = 0.100, 0.050, 0.108, 0.030


def make_body(name: str = "average", height_m: float | None = None) -> Body:
    """The body preset ``name`` at ``height_m`` (default: the preset's own height)."""
    if name not in BODIES:
        close = difflib.get_close_matches(name, BODIES, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise SourceSpecError(f"synthetic: unknown body '{name}' (known: {', '.join(BODIES)}){hint}")
    p = BODIES[name]
    h = float(height_m if height_m is not None else p.default_height_m)
    if not 0.8 <= h <= 2.3:
        raise SourceSpecError(f"synthetic: height_m must be between 0.8 and 2.3 m, found {h}")
    # keep the standing height: the head absorbs what legs/torso gain or lose
    legs, torso = _SHANK * p.legs + _THIGH * p.legs, _TORSO * p.torso
    head_r = _HEAD_R * p.head
    neck = 1.0 - 0.006 - _ANKLE_H - legs - torso - head_r  # 0.6 % of height is scalp above the sphere
    return Body(
        name=name,
        height_m=h,
        ankle_h_m=_ANKLE_H * h,
        shank_m=_SHANK * p.legs * h,
        thigh_m=_THIGH * p.legs * h,
        torso_m=torso * h,
        neck_m=max(neck, 0.05) * h,
        head_r_m=head_r * h,
        upper_arm_m=_UPPER_ARM * p.arms * h,
        forearm_m=_FOREARM * p.arms * h,
        hand_m=_HAND * h,
        shoulder_half_w_m=_SHOULDER_HALF_W * p.width * h,
        hip_half_w_m=_HIP_HALF_W * p.width * h,
        foot_fwd_m=_FOOT_FWD * h,
        heel_back_m=_HEEL_BACK * h,
        scale=h / 1.75,
    )
