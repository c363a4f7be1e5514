"""Standing lower-body exercises: squat, lunge, high knees, wall sit.

Each motion maps (body, progress s in [0, 1], side, fault weights, depth)
to a :class:`Command`; s = 0 is the ready pose, 1 the bottom of the rep.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sensors.synthetic.body import Body
from sensors.synthetic.kinematics import Command, trunk_rotation
from sensors.synthetic.posture import (
    arm_targets,
    foot_dir,
    knee_poles,
    leg_span_m,
    leg_targets,
    make_command,
    standing,
    standing_pelvis_y,
)


def squat(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Bodyweight squat, arms reaching forward. Faults: shallow (half depth),
    knee_valgus (knees cave medially at depth), forward_lean (+30 deg trunk),
    heels_up (heels rise 22 deg, pivoting on the toes)."""
    legs = squat_legs(body, s, f, depth)
    arms = arm_targets(body, legs.pelvis, legs.rot, (legs.pitch_deg * 0.2 + 75.0 * s, 8.0, 10.0, 0.0))
    return legs.command(arms)


@dataclass(frozen=True, slots=True)
class SquatLegs:
    """The lower body and trunk of a squat at one moment; the arms are the variant's."""

    pelvis: np.ndarray
    pitch_deg: float
    rot: np.ndarray
    ankles: np.ndarray
    knee_poles: np.ndarray
    feet: np.ndarray

    def command(self, arms: tuple[np.ndarray, np.ndarray]) -> Command:
        return make_command(self.pelvis, self.pitch_deg, arms, (self.ankles, self.knee_poles), self.feet)


def squat_legs(body: Body, s: float, f: Mapping[str, float], depth: float, lean_per_deg: float = 0.40) -> SquatLegs:
    """Legs and trunk of every squat: knees flex to 80 deg at full depth, the hips travel
    behind the ankles and the trunk leans ``lean_per_deg`` degrees per degree of knee flexion
    (a barbell on the back leans more, an overhead bar less). Faults as :func:`squat`."""
    d_eff = depth * (1.0 - 0.55 * f.get("shallow", 0.0))
    flex = 2.0 + 98.0 * d_eff * s  # knee flexion, deg
    knee_deg = 180.0 - flex
    stance_x = body.hip_half_w_m * 1.7
    span = leg_span_m(body, knee_deg)
    d_sag = math.sqrt(max(span**2 - (stance_x - body.hip_half_w_m) ** 2, 1e-6))
    phi = math.radians(-0.17 * flex)  # the hips travel behind the ankles
    p = math.radians(22.0 * s * f.get("heels_up", 0.0))
    ankle_y = body.ankle_h_m + 0.9 * body.foot_fwd_m * math.sin(p)
    ankle_z = body.foot_fwd_m * (1.0 - math.cos(p))
    pelvis = np.array([0.0, ankle_y + d_sag * math.cos(phi), ankle_z + d_sag * math.sin(phi)])
    pitch = lean_per_deg * flex + 30.0 * s * f.get("forward_lean", 0.0)
    ankles = np.array([[stance_x, ankle_y, ankle_z], [-stance_x, ankle_y, ankle_z]])
    out_deg = 10.0 - 15.0 * s * f.get("knee_valgus", 0.0)
    feet = np.stack([foot_dir(10.0, math.degrees(p)), foot_dir(10.0, math.degrees(p), right=True)])
    return SquatLegs(pelvis, pitch, trunk_rotation(0.0, pitch), ankles, knee_poles(out_deg), feet)


def lunge(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Forward lunge, alternating legs (side 0: left leg steps). Faults:
    knee_past_toe (front knee travels past the toes), short_step (60 % step)."""
    step = 0.9 * body.leg_m * (1.0 - 0.4 * f.get("short_step", 0.0))
    reach = min(1.0, s / 0.35)
    lift = math.sin(math.pi * reach) * 0.08 * body.scale
    low = max(0.0, (s - 0.25) / 0.75) * depth
    front_z = step * (reach * reach * (3 - 2 * reach))
    y0 = standing_pelvis_y(body)
    y_bottom = body.ankle_h_m + body.shank_m * 1.02
    past = f.get("knee_past_toe", 0.0) * low
    z_bottom = front_z - 0.95 * body.thigh_m + 0.2 * body.scale * past
    pelvis = np.array(
        [0.0, y0 + (y_bottom + 0.03 * past - y0) * low, 0.35 * front_z + (z_bottom - 0.35 * front_z) * low]
    )
    x = body.hip_half_w_m * 1.1
    back_pitch = 50.0 * low
    back_ankle_y = body.ankle_h_m + 0.8 * body.foot_fwd_m * math.sin(math.radians(back_pitch))
    back_ankle_z = body.foot_fwd_m * (1 - math.cos(math.radians(back_pitch)))
    front = np.array([x, body.ankle_h_m + lift, front_z])
    back = np.array([x, back_ankle_y, back_ankle_z])
    pelvis[1] = min(pelvis[1], _reachable_y(body, pelvis, front), _reachable_y(body, pelvis, back))
    if side == 0:
        ankles = np.stack([front, back * np.array([-1.0, 1.0, 1.0])])
        feet = np.stack([foot_dir(5.0), foot_dir(5.0, back_pitch, right=True)])
    else:
        ankles = np.stack([back, front * np.array([-1.0, 1.0, 1.0])])
        feet = np.stack([foot_dir(5.0, back_pitch), foot_dir(5.0, right=True)])
    poles = knee_poles(3.0)
    rot = trunk_rotation(0.0, 3.0)
    arms = arm_targets(body, pelvis, rot, (5.0, 10.0, 15.0, 0.0))
    return make_command(pelvis, 3.0, arms, (ankles, poles), feet)


def _reachable_y(body: Body, pelvis: np.ndarray, ankle: np.ndarray) -> float:
    """Highest pelvis height at which a leg (98 % extended) still reaches ``ankle`` (upright trunk)."""
    dx = abs(ankle[0]) - body.hip_half_w_m
    dz = ankle[2] - pelvis[2]
    reach2 = (0.98 * body.leg_m) ** 2 - dx * dx - dz * dz
    return float(ankle[1] + math.sqrt(max(reach2, 0.0)))


def high_knees(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Running in place, one knee drive per rep (side 0: left). Fault: low_knees (half height)."""
    lift = s * depth * (1.0 - 0.5 * f.get("low_knees", 0.0))
    hip_flex, knee_bend = 95.0 * lift, 100.0 * lift
    pelvis = np.array([0.0, standing_pelvis_y(body) + 0.02 * body.scale * math.sin(math.pi * s), 0.0])
    rot = trunk_rotation(0.0, 4.0)
    up, down = (hip_flex, 2.0, knee_bend), (0.0, 0.0, 2.0)
    legs = leg_targets(body, pelvis, rot, up if side == 0 else down, down if side == 0 else up)
    legs[0][:, 1] = np.maximum(legs[0][:, 1], body.ankle_h_m)
    swing = 40.0 * lift
    arm_l = (swing if side == 1 else -swing * 0.5, 8.0, 90.0, 0.0)
    arm_r = (swing if side == 0 else -swing * 0.5, 8.0, 90.0, 0.0)
    arms = arm_targets(body, pelvis, rot, arm_l, arm_r)
    feet = np.stack(
        [foot_dir(5.0, 30.0 * lift if side == 0 else 0.0), foot_dir(5.0, 30.0 * lift if side else 0.0, True)]
    )
    return make_command(pelvis, 4.0, arms, legs, feet)


WALL_GAP_M = 0.03  #: back of the pelvis to the wall


def wall_z(body: Body) -> float:
    """z of the wall behind a wall-sitting body (m)."""
    return -0.12 * body.scale - WALL_GAP_M


def wall_sit(body: Body, s: float, side: int, f: Mapping[str, float], depth: float) -> Command:
    """Wall sit: s = 0 standing against the wall, 1 thighs level. Fault: hips_high."""
    y0 = standing_pelvis_y(body)
    y_hold = body.ankle_h_m + body.shank_m + 0.02 * body.scale
    y_hold += (y0 - y_hold) * (1.0 - depth) + 0.16 * body.scale * f.get("hips_high", 0.0)
    pelvis = np.array([0.0, y0 + (y_hold - y0) * s, 0.0])
    x = body.hip_half_w_m * 1.2
    feet_z = body.thigh_m * s * 0.98 + 0.05 * body.scale
    ankles = np.array([[x, body.ankle_h_m, feet_z], [-x, body.ankle_h_m, feet_z]])
    rot = trunk_rotation(0.0, 0.0)
    arms = arm_targets(body, pelvis, rot, (0.0, 12.0, 10.0, 0.0))
    feet = np.stack([foot_dir(8.0), foot_dir(8.0, right=True)])
    return make_command(pelvis, 0.0, arms, (ankles, knee_poles(5.0)), feet)


def standing_ready(body: Body) -> Command:
    return standing(body)
