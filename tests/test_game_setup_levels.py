"""The camera check's required pose and its checks for a side-on or lying player; the level list's badges and rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.app import make_screen, shutdown
from game.scenes.levels import list_layout, mode_badge
from game.setup_check import body_in_frame, distance, light, required_pose
from levels import load_builtin
from sensors.display_image import BRIGHTNESS
from sensors.joints import Joint
from sensors.pose import PoseFrame
from tests.game_helpers import make_app, steps

SHOTS = Path(__file__).resolve().parents[1] / "out" / "test-screenshots"


def _extent(xy: np.ndarray) -> tuple[float, float]:
    return float(np.ptp(xy[:, 0])), float(np.ptp(xy[:, 1]))


def test_a_push_up_is_shown_side_on_and_lying_a_jumping_jack_facing_and_standing() -> None:
    push = required_pose("pushup", "side")
    jack = required_pose("jumping_jack", "front")
    assert push is not None
    assert jack is not None
    assert push.view == "side"
    assert jack.view == "front"
    wide, tall = _extent(push.start_xy)
    assert wide > 2 * tall  # lying along the floor
    wide, tall = _extent(jack.start_xy)
    assert tall > 2 * wide  # standing
    for pose in (push, jack):
        both = np.concatenate([pose.start_xy, pose.turn_xy])
        assert both.min() >= -1e-9
        assert both.max() <= 1 + 1e-9  # inside the unit square


def test_the_turn_of_a_rep_is_drawn_but_a_hold_has_none() -> None:
    squat = required_pose("squat", "front")
    assert squat is not None
    assert squat.turn_xy is not None
    hips_y = (squat.start_xy[Joint.LEFT_HIP, 1], squat.turn_xy[Joint.LEFT_HIP, 1])
    assert hips_y[1] > hips_y[0] + 0.1  # the bottom of the squat: hips lower on the picture
    plank = required_pose("plank", "side")
    assert plank is not None
    assert plank.turn_xy is None


def test_any_view_uses_the_exercises_usual_view_and_an_unknown_motion_has_no_picture() -> None:
    assert required_pose("pushup", "any").view == "side"
    assert required_pose("squat", "any").view == "front"
    assert required_pose("calf_raise", "side") is None


def _lying_frame(size_px: tuple[int, int] = (640, 480)) -> PoseFrame:
    """A player lying along the picture, side-on: the far arm and leg unseen."""
    xy = np.zeros((33, 2))
    conf = np.full(33, 0.9, np.float32)
    for j, x in ((Joint.NOSE, 120), (Joint.LEFT_SHOULDER, 160), (Joint.LEFT_HIP, 300), (Joint.LEFT_KNEE, 400),
                 (Joint.LEFT_ANKLE, 500)):  # fmt: skip
        xy[j] = (x, 300)
        xy[Joint[j.name.replace("LEFT", "RIGHT")]] = (x, 300)
    for j in (Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP, Joint.RIGHT_KNEE, Joint.RIGHT_ANKLE):
        conf[j] = 0.05  # hidden behind the near side
    return PoseFrame(t_s=0.0, index=0, image_size_px=size_px, image_xy_px=xy, camera_xyz_m=np.full((33, 3), np.nan),
                     world_xyz_m=np.zeros((33, 3)), confidence=conf, source=np.ones(33, np.uint8))  # fmt: skip


def test_a_side_on_player_lying_on_the_floor_passes_the_body_and_distance_checks() -> None:
    frame = _lying_frame()
    assert body_in_frame(frame).ok
    assert distance(frame).ok  # 380 of 640 px from head to feet


def test_a_lying_player_far_away_is_told_to_come_closer() -> None:
    frame = _lying_frame()
    xy = np.array(frame.image_xy_px)
    xy[:, 0] = 300 + (xy[:, 0] - 300) * 0.4  # the same body at 40 % of the size
    check = distance(frame.with_changes(image_xy_px=xy))
    assert not check.ok
    assert "closer" in check.says


def test_the_light_is_judged_from_the_image_or_from_the_sources_measure_of_it() -> None:
    frame = _lying_frame()
    dark = frame.with_changes(rgb=np.full((480, 640, 3), 12, np.uint8))
    assert not light(dark).ok
    assert "Too dark" in light(dark).says
    assert light(frame.with_changes(rgb=np.full((480, 640, 3), 120, np.uint8))).ok
    # the real-time game receives a display image instead: the source's process measured the colour image
    assert "Too dark" in light(frame.with_changes(rgb=None, meta={BRIGHTNESS: 12.0})).says
    assert light(frame.with_changes(rgb=None, meta={BRIGHTNESS: 120.0})).says == "Light is fine"
    assert "no image" in light(frame.with_changes(rgb=None, meta={})).says


def test_every_level_of_the_starter_pack_has_a_mode_badge() -> None:
    badges = {lv.id: mode_badge(lv) for lv in load_builtin().levels}
    assert badges["first-squats"] == "REPS"
    assert badges["plank-hold"] == "HOLD"
    assert badges["jack-attack"] == "TIMED"
    assert badges["arm-day"] == "STAGES"
    assert badges["first-circuit"] == "CIRCUIT"
    assert badges["tabata-squats"] == "INTERVALS"
    assert badges["iron-golem"] == "BOSS"


def test_the_list_fits_ten_levels_at_720p_five_in_a_small_window_and_fewer_with_large_text() -> None:
    assert list_layout((1280, 720), large=False)[2] >= 10
    assert list_layout((800, 480), large=False)[2] >= 5
    assert list_layout((1280, 720), large=True)[2] < list_layout((1280, 720), large=False)[2]


@pytest.fixture
def small_screen() -> Iterator[pygame.Surface]:
    surface = make_screen((800, 480))
    yield surface
    shutdown()


def test_the_selected_level_stays_in_view_in_a_small_window(small_screen: pygame.Surface) -> None:
    app = make_app(small_screen, "synthetic:squat,reps=0,tempo_s=60")
    try:
        pack = app.options.pack
        app.goto("levels", selected=pack.levels[-1].id)
        steps(app, 0.3)
        scene = app.scene
        last = scene.menu.rects[-1]
        assert app.window is small_screen
        assert app.screen.get_size() == (1280, 768)  # laid out on the canvas shown scaled in the window
        assert app.screen.get_rect().contains(last)  # scrolled to the last level
        assert scene.menu.rects[0].x < 0  # the first is off screen
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / "levels-small.png"
        pygame.image.save(app.screen, str(path))
        image = pygame.surfarray.array3d(pygame.image.load(str(path))).transpose(1, 0, 2)
        row = image[last.y : last.bottom, last.x : last.right]
        assert len(np.unique(row.reshape(-1, 3), axis=0)) > 50  # the row is drawn: title, badge, stars
        app.press(pygame.K_DOWN)  # wraps round to the first level: the list scrolls back
        steps(app, 0.1)
        assert app.screen.get_rect().contains(scene.menu.rects[0])
    finally:
        app.close()
