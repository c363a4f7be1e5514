"""Every scene that shows the camera (camera check, calibration, play) draws it through one drawer
(:class:`game.feed_image.CameraFeed`): the picture made by the same function in every path (in the
source's child process in the real-time game), mirrored with its skeleton as the settings say.
Real pygame (SDL dummy driver), real synthetic sources, real child processes."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game import draw
from game.app import App, GameOptions, make_screen, shutdown
from game.feed_image import CameraFeed
from game.source_choice import SourceChoice
from levels.model import Pack
from sensors.display_image import DisplayTarget, to_display
from sensors.joints import Joint
from sensors.registry import SourceOptions, open_source
from tests.game_helpers import ENDLESS_SQUATS, check_screenshot, make_app, run_until, steps

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 60.0  #: a child imports numpy and the source first (seconds on a loaded machine)
OUT = ROOT / "out" / "test-screenshots"
#: the scenes that show the camera, and the area each gives its feed (at 1280x720)
CAMERA_SCENES = {"setup": pygame.Rect(40, 130, 600, 500), "calibrate": pygame.Rect(40, 140, 600, 500)}


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


def _open(app: App, name: str) -> None:
    if name == "setup":
        app.goto("setup", level=ENDLESS_SQUATS)
    else:
        app.goto("calibrate", then=ENDLESS_SQUATS)


@pytest.mark.parametrize("name", sorted(CAMERA_SCENES))
def test_the_camera_scenes_show_the_picture_and_skeleton_mirrored_as_the_settings_say(
    screen: pygame.Surface, name: str
) -> None:
    app = make_app(screen, "synthetic:squat,reps=0,noise_px=0", pack=Pack(id="t", name="T", levels=[ENDLESS_SQUATS]))
    try:
        app.settings.mirror = True
        _open(app, name)
        steps(app, 0.5)
        assert app.scene.name == name
        assert isinstance(app.scene.camera, CameraFeed)
        frame = app.poses.latest
        assert frame is not None
        assert frame.rgb is not None
        app.scene.draw(app.screen)  # the picture of the newest frame
        rect = draw.fit_rect(frame.image_size_px, CAMERA_SCENES[name])
        want = to_display(frame.rgb, DisplayTarget(rect.size, "RGB", mirror=True))
        shown = pygame.surfarray.pixels3d(app.screen)[rect.x : rect.right, rect.y : rect.bottom].swapaxes(0, 1)
        # the left edge of the screen shows the right edge of the camera image (corners: no skeleton, no guide)
        for y, x in ((6, 6), (rect.height - 6, 6), (6, rect.width - 6)):
            np.testing.assert_array_equal(shown[y, x], want[y, x])
        # the floor's checks at the bottom left (the room is not symmetric there): mirrored, not as the camera sees
        unmirrored = to_display(frame.rgb, DisplayTarget(rect.size, "RGB"))
        corner = (slice(rect.height - 60, rect.height - 8), slice(8, 80))
        assert np.abs(shown[corner].astype(int) - want[corner]).mean() < 1.0
        assert np.abs(shown[corner].astype(int) - unmirrored[corner]).mean() > 10.0
        del shown
        # the skeleton is mirrored with it: the left knee is drawn at the mirrored x, in its joint colour
        xy = draw.to_screen(draw.mirrored(frame).image_xy_px, frame.image_size_px, rect)[Joint.LEFT_KNEE]
        colour = draw.joint_colour(float(frame.confidence[Joint.LEFT_KNEE]), int(frame.source[Joint.LEFT_KNEE]))
        assert tuple(app.screen.get_at((round(xy[0]), round(xy[1]))))[:3] == colour
    finally:
        app.close()


def test_the_camera_scenes_show_the_picture_the_child_made_for_their_size(screen: pygame.Surface) -> None:
    """The real-time game: the setup and calibration pictures are made in the source's process for each
    scene's own size, and the game's process runs its loop alone (no scaler thread)."""
    source = SourceChoice("synthetic:squat,reps=0,realtime=1", seed=1)
    app = App(screen, GameOptions(pack=Pack(id="t", name="T", levels=[ENDLESS_SQUATS]), source=source, sound=False))
    app.push(app.make("title"))
    try:
        for name in ("setup", "calibrate", "setup"):
            _open(app, name)
            scene = app.scene
            rect = draw.fit_rect((640, 480), CAMERA_SCENES[name])

            def made_for_me(scene=scene, rect=rect) -> bool:  # type: ignore[no-untyped-def]
                image = app.poses.display
                return scene.camera.copied >= 3 and image is not None and image.target.size_px == rect.size

            run_until(app, made_for_me, WAIT_S)
            assert app.scene is scene  # the check does not start the level while the avatar squats
            assert [t.name for t in threading.enumerate()] == [threading.main_thread().name]
            OUT.mkdir(parents=True, exist_ok=True)
            pixels = check_screenshot(_save(app, OUT / f"{name}-child-image.png"), {"picture": tuple(rect)})
            # the picture is the avatar's room, not the empty backdrop (dark blue)
            corner = pixels[rect.y + 6 : rect.y + 40, rect.x + 6 : rect.x + 40].reshape(-1, 3).mean(axis=0)
            np.testing.assert_allclose(corner, _room_corner(rect.size), atol=4.0)
            if name == "setup":  # its light check judged the picture the game never received as colour
                assert app.scene.frame is not None
                assert app.scene.frame.rgb is None
                assert "Light is fine" in [c.says for c in app.scene.checks]
        app.goto("play", level=ENDLESS_SQUATS)  # the play scene asks for its own, bigger picture
        play = app.scene
        run_until(app, lambda: app.poses.display is not None and app.poses.display.target.size_px == (960, 720),
                  WAIT_S)  # fmt: skip
        run_until(app, lambda: play.camera.copied >= 3, WAIT_S)
    finally:
        app.close()


def _room_corner(size_px: tuple[int, int]) -> np.ndarray:
    """The mean colour of the avatar's room at the top left of its picture at ``size_px``."""
    with open_source("synthetic:squat,reps=0", SourceOptions(images=True, seed=1)) as local:
        rgb = next(iter(local)).rgb
    assert rgb is not None
    shown = to_display(rgb, DisplayTarget(size_px, "RGB"))
    return shown[6:40, 6:40].reshape(-1, 3).mean(axis=0)


def _save(app: App, path: Path) -> Path:
    pygame.image.save(app.screen, str(path))
    return path


def test_no_scene_scales_or_converts_the_camera_image_itself() -> None:
    """The scaling lives in one function (``sensors.display_image.to_display``); scenes draw the camera
    only through ``CameraFeed``."""
    for path in sorted((ROOT / "game" / "scenes").glob("*.py")):
        tree = ast.parse(path.read_text())
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
        assert not {"rgb", "rgb_surface", "to_display", "CameraImage", "resize", "smoothscale"} & names, path.name
        assert "cv2" not in imported, path.name
    uses = [p.stem for p in (ROOT / "game" / "scenes").glob("*.py") if "CameraFeed(" in p.read_text()]
    assert sorted(uses) == ["calibrate", "play", "setup"]
