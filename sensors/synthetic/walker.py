"""A second person who walks through the scene behind the player."""

from __future__ import annotations

import math

import numpy as np

from sensors.synthetic.body import Body
from sensors.synthetic.camera import CameraPose, Intrinsics
from sensors.synthetic.kinematics import Command, trunk_rotation
from sensors.synthetic.posture import arm_targets, foot_dir, leg_targets, make_command, standing_pelvis_y

SPEED_M_S = 1.3
STRIDE_S = 1.0  #: one full gait cycle
BEHIND_M = 1.2  #: how far behind the player (away from the camera) the walker passes


def walker_path(pose: CameraPose, intr: Intrinsics, player_centre: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Start point (3,), unit walking direction (3,) and crossing duration (s)
    for a walker crossing the whole image behind the player, left to right."""
    back = -pose.rot[2].copy()
    back[1] = 0.0
    back /= np.linalg.norm(back)
    right = pose.rot[0].copy()
    right[1] = 0.0
    right /= np.linalg.norm(right)
    centre = np.array([player_centre[0], 0.0, player_centre[2]]) - back * BEHIND_M
    dist = float(np.linalg.norm(centre - pose.centre * np.array([1.0, 0.0, 1.0])))
    half = dist * math.tan(math.radians(intr.hfov_deg) / 2) + 0.6
    return centre - right * half, right, 2 * half / SPEED_M_S


def walker_command(body: Body, start: np.ndarray, direction: np.ndarray, t_s: float) -> Command:
    """The walker's posture ``t_s`` seconds after entering."""
    yaw = math.degrees(math.atan2(direction[0], direction[2]))
    rot = trunk_rotation(yaw, 3.0)
    ph = 2 * math.pi * t_s / STRIDE_S
    pelvis = start + direction * SPEED_M_S * t_s
    pelvis = np.array([pelvis[0], standing_pelvis_y(body) - 0.02 + 0.015 * math.cos(2 * ph), pelvis[2]])
    swing = 25.0 * math.sin(ph)
    bend_l = 5.0 + 35.0 * max(0.0, math.sin(ph + 0.6))
    bend_r = 5.0 + 35.0 * max(0.0, -math.sin(ph + 0.6))
    legs = leg_targets(body, pelvis, rot, (swing, 2.0, bend_l), (-swing, 2.0, bend_r))
    legs[0][:, 1] = np.maximum(legs[0][:, 1], body.ankle_h_m)
    arms = arm_targets(body, pelvis, rot, (-swing * 0.8, 6.0, 20.0, 0.0), (swing * 0.8, 6.0, 20.0, 0.0))
    c, s = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    yaw_m = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    feet = np.stack([yaw_m @ foot_dir(5.0), yaw_m @ foot_dir(5.0, right=True)])
    return make_command(pelvis, 3.0, arms, legs, feet, yaw_deg=yaw)
