"""Standing upper-body exercises: curls, presses, raises, jumping jacks.

Each motion maps (body, progress s in [0, 1], side, fault weights, depth)
to a :class:`Command`; s = 0 is the ready pose, 1 the top/bottom of the rep.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from sensors.synthetic.body import Body
from sensors.synthetic.kinematics import Command, trunk_rotation
from sensors.synthetic.posture import arm_targets, foot_dir, knee_poles, make_command, standing, standing_pelvis_y


def bicep_curl(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Both arms curl (elbow 170 -> 40 deg). Faults: upper_arm_swing (the
    elbow travels forward, shoulder flexes 40 deg), partial_range (half the bend)."""
    d_eff = depth * (1.0 - 0.5 * f.get("partial_range", 0.0))
    bend = 10.0 + 130.0 * d_eff * s
    flex = 40.0 * s * f.get("upper_arm_swing", 0.0)
    return standing(body, (flex, 6.0, bend, 0.0), pitch_deg=-4.0 * s * f.get("upper_arm_swing", 0.0))


def shoulder_press(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Overhead press from the rack (upper arms level, forearms vertical) to
    arms overhead. Faults: partial_range (half way), uneven_arms (right arm lags)."""
    d_eff = depth * (1.0 - 0.5 * f.get("partial_range", 0.0))
    sl = d_eff * s
    sr = sl * (1.0 - 0.45 * f.get("uneven_arms", 0.0))

    def arm(x: float) -> tuple[float, float, float, float]:
        return (10.0, 80.0 + 85.0 * x, 95.0 * (1.0 - x) + 4.0, 90.0 * (1.0 - x) + 10.0 * x)

    return standing(body, arm(sl), arm(sr))


def lateral_raise(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Arms raised sideways to shoulder height. Faults: too_high (to 130 deg),
    bent_arms (elbows bent 60 deg), uneven_arms (right arm lower)."""
    top = 90.0 + 40.0 * f.get("too_high", 0.0)
    sl = s * depth
    sr = sl * (1.0 - 0.35 * f.get("uneven_arms", 0.0))
    bend = 12.0 + 50.0 * f.get("bent_arms", 0.0)
    return standing(body, (5.0, 6.0 + (top - 6.0) * sl, bend, 0.0), (5.0, 6.0 + (top - 6.0) * sr, bend, 0.0))


def front_raise(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Straight arms raised forward to shoulder height. Faults: too_high (to
    135 deg), swing (the torso leans back 18 deg to heave the weight)."""
    top = 90.0 + 45.0 * f.get("too_high", 0.0)
    lean = -18.0 * math.sin(math.pi * min(1.0, s * 1.2)) * f.get("swing", 0.0)
    return standing(body, (top * s * depth, 4.0, 8.0, 0.0), pitch_deg=lean)


def jumping_jack(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Jumping jack: arms from the sides to overhead, feet jump apart. Fault:
    partial_arms (arms only to shoulder height)."""
    top = 170.0 - 80.0 * f.get("partial_arms", 0.0)
    abd = 6.0 + (top - 6.0) * s * depth
    hop = 0.06 * body.scale * math.sin(math.pi * s)
    x = body.hip_half_w_m * (1.0 + 2.6 * s)
    dx = x - body.hip_half_w_m
    span = math.sqrt(max((standing_pelvis_y(body) - body.ankle_h_m) ** 2 - dx * dx, 1e-6))
    pelvis = np.array([0.0, body.ankle_h_m + span + hop, 0.0])
    rot = trunk_rotation(0.0, 0.0)
    arms = arm_targets(body, pelvis, rot, (0.0, abd, 15.0, 0.0))
    ankles = np.array([[x, body.ankle_h_m + hop, 0.0], [-x, body.ankle_h_m + hop, 0.0]])
    feet = np.stack([foot_dir(12.0), foot_dir(12.0, right=True)])
    return make_command(pelvis, 0.0, arms, (ankles, knee_poles(8.0)), feet)
