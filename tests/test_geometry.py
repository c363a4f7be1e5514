"""Pure geometry: angles, segment angles against gravity, line offsets, yaw and view classification."""

from __future__ import annotations

import math

import numpy as np
import pytest

from exercises import geometry as geo
from exercises.events import View
from exercises.view import classify_yaw
from sensors.joints import Joint


def test_right_angle_in_2d_and_3d() -> None:
    assert geo.angle_deg(np.array([1.0, 0.0]), np.zeros(2), np.array([0.0, 1.0])) == pytest.approx(90.0)
    assert geo.angle_deg(np.array([0, 0, 2.0]), np.zeros(3), np.array([0, 3.0, 0])) == pytest.approx(90.0)


def test_angles_are_batched() -> None:
    t = np.radians(np.array([30.0, 60.0, 150.0]))
    a = np.stack([np.cos(t), np.sin(t)], axis=1)
    b = np.zeros((3, 2))
    c = np.tile([1.0, 0.0], (3, 1))
    assert geo.angle_deg(a, b, c) == pytest.approx([30.0, 60.0, 150.0])


def test_degenerate_angle_is_nan() -> None:
    assert math.isnan(float(geo.angle_deg(np.zeros(2), np.zeros(2), np.ones(2))))
    assert math.isnan(float(geo.angle_deg(np.full(3, np.nan), np.zeros(3), np.ones(3))))


def test_segment_from_vertical_uses_image_up() -> None:
    up = geo.up_vector(None, 2)
    hip, shoulder_upright, shoulder_leaning = np.array([0, 100.0]), np.array([0, 0.0]), np.array([100.0, 0.0])
    assert geo.segment_from_vertical_deg(hip, shoulder_upright, up) == pytest.approx(0.0)
    assert geo.segment_from_vertical_deg(hip, shoulder_leaning, up) == pytest.approx(45.0)


def test_gravity_from_a_tilted_camera_changes_up() -> None:
    tilt = math.radians(20)
    gravity = np.array([math.sin(tilt), math.cos(tilt), 0.0])  # camera rolled by 20 deg
    up = geo.up_vector(gravity, 3)
    seg = geo.segment_from_vertical_deg(np.zeros(3), -gravity, up)
    assert seg == pytest.approx(0.0, abs=1e-9)
    assert geo.segment_from_vertical_deg(np.zeros(3), np.array([0, -1.0, 0]), up) == pytest.approx(20.0)


def test_offset_from_line_is_signed_by_up() -> None:
    up = geo.up_vector(None, 2)
    shoulder, ankle = np.array([0.0, 50.0]), np.array([200.0, 50.0])
    assert geo.offset_from_line(shoulder, np.array([100.0, 30.0]), ankle, up) == pytest.approx(20.0)  # hips high
    assert geo.offset_from_line(shoulder, np.array([100.0, 65.0]), ankle, up) == pytest.approx(-15.0)  # sagging


def _body(yaw_deg: float) -> np.ndarray:
    """A standing skeleton turned by ``yaw_deg`` (shoulders 0.4 m, hips 0.3 m, torso 0.5 m), world frame."""
    pts = np.full((33, 3), np.nan)
    y = math.radians(yaw_deg)
    across = np.array([math.cos(y), 0.0, math.sin(y)])
    pts[Joint.LEFT_SHOULDER], pts[Joint.RIGHT_SHOULDER] = 0.2 * across + [0, -0.5, 0], -0.2 * across + [0, -0.5, 0]
    pts[Joint.LEFT_HIP], pts[Joint.RIGHT_HIP] = 0.15 * across, -0.15 * across
    return pts


@pytest.mark.parametrize("yaw", [0.0, 30.0, 60.0, 85.0])
def test_yaw_from_world_recovers_the_turn(yaw: float) -> None:
    assert geo.yaw_from_world_deg(_body(yaw)) == pytest.approx(yaw, abs=0.5)


def test_yaw_from_2d_widths_front_and_side() -> None:
    front = _body(0.0)[:, :2] * 500
    side = _body(80.0)[:, :2] * 500
    assert geo.yaw_from_widths_deg(front, front_ratio=0.6) < 20
    assert geo.yaw_from_widths_deg(side, front_ratio=0.6) > 60


def test_torso_length_and_distance() -> None:
    pts = _body(0.0)
    assert geo.torso_length(pts) == pytest.approx(0.5)
    assert geo.distance(pts[Joint.LEFT_SHOULDER], pts[Joint.RIGHT_SHOULDER]) == pytest.approx(0.4)


@pytest.mark.parametrize(("yaw", "want"), [(5.0, View.FRONT), (45.0, View.OBLIQUE), (80.0, View.SIDE)])
def test_classify_yaw(yaw: float, want: View) -> None:
    assert classify_yaw(yaw) is want


def test_view_hysteresis_keeps_the_current_view_near_a_boundary() -> None:
    assert classify_yaw(32.0, View.FRONT) is View.FRONT
    assert classify_yaw(32.0, View.OBLIQUE) is View.OBLIQUE
    assert classify_yaw(55.0, View.SIDE) is View.SIDE
    assert classify_yaw(55.0, View.OBLIQUE) is View.OBLIQUE
