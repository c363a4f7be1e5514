"""Camera placement and pinhole projection of the synthetic sensor."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.synthetic import BODIES, EXERCISES, SyntheticConfig, SyntheticSensor
from sensors.synthetic.camera import Intrinsics


def test_projection_and_deprojection_are_inverse() -> None:
    intr = Intrinsics.from_fov(640, 480, 65.0)
    pts = np.array([[0.3, -0.2, 2.0], [-1.0, 0.5, 4.5], [0.0, 0.0, 1.0]])
    px = intr.project(pts)
    assert np.allclose(intr.deproject(px, pts[:, 2]), pts)
    assert np.allclose(px[2], [intr.cx, intr.cy])
    assert intr.hfov_deg == pytest.approx(65.0)


@pytest.mark.parametrize(
    ("view", "forward"), [("front", (0.0, 0.0, -1.0)), ("side", (-1.0, 0.0, 0.0)), ("oblique", (-0.7071, 0.0, -0.7071))]
)
def test_views_place_the_camera_around_the_player(view: str, forward: tuple[float, float, float]) -> None:
    sensor = SyntheticSensor(SyntheticConfig(view=view))
    frame = sensor.open().read()
    assert frame is not None
    assert np.allclose(frame.meta["forward_camera"], forward, atol=1e-3)
    assert np.allclose(frame.meta["up_camera"], (0.0, -1.0, 0.0), atol=1e-9)  # a level camera


def test_explicit_distance_height_and_tilt_are_honoured() -> None:
    sensor = SyntheticSensor(SyntheticConfig(view="front", distance_m=3.0, cam_height_m=1.5, tilt_deg=20.0))
    pose = sensor.camera
    assert pose.centre[1] == pytest.approx(1.5)
    frame = sensor.open().read()
    assert frame is not None
    up = np.array(frame.meta["up_camera"])
    assert np.degrees(np.arcsin(-up[2])) == pytest.approx(20.0, abs=1e-6)  # looking 20 deg down
    hip_mid = (frame.truth_camera_xyz_m[23] + frame.truth_camera_xyz_m[24]) / 2  # type: ignore[index]
    assert 2.7 < np.linalg.norm(hip_mid) < 3.6


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_default_framing_keeps_the_whole_body_in_the_image(exercise: str) -> None:
    for view in ("front", "side", "oblique"):
        for body in BODIES:
            cfg = SyntheticConfig(exercise=exercise, view=view, body=body, reps=1, fps=5.0, noise_px=0.0, setup=True)
            with SyntheticSensor(cfg) as cam:
                for f in cam:
                    xy = cam.intrinsics.project(f.truth_camera_xyz_m)  # type: ignore[arg-type, attr-defined]
                    assert np.all((xy >= 0) & (xy < (640, 480))), (view, body, f.index)
