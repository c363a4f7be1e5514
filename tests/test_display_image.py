"""The camera image made for the screen in the source's child process, and a game process that runs
only its loop while playing. Real child processes, real pygame (SDL dummy driver)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.app import SOURCE_PROCESS_NICE, App, make_screen, shutdown
from game.feed_image import layout_of
from sensors import SourceOptions, open_source
from sensors.display_image import DisplayTarget, to_display
from sensors.pose import PoseFrame
from sensors.process_sensor import DisplayImage, ProcessSensor
from tests.game_helpers import check_screenshot, play_scene, playing, run_until

WAIT_S = 60.0  #: a child imports numpy and the source first (seconds on a loaded machine)
OUT = Path(__file__).resolve().parents[1] / "out" / "screenshots"


def _image_for(remote: ProcessSensor, target: DisplayTarget) -> tuple[PoseFrame, DisplayImage]:
    """Read until a frame arrives with a screen image made for ``target``."""
    deadline = time.monotonic() + WAIT_S
    while True:
        assert time.monotonic() < deadline, f"no image for {target}"
        frame = remote.read(timeout_s=1.0)
        image = remote.display
        if frame is not None and image is not None and image.target == target and image.frame_index == frame.index:
            return frame, image


def _local_rgb(spec: str, options: SourceOptions, index: int) -> np.ndarray:
    with open_source(spec, options) as local:
        frame = next(f for f in local if f.index == index)
    assert frame.rgb is not None
    return frame.rgb


def test_the_child_delivers_the_image_in_the_requested_size_byte_order_and_mirroring() -> None:
    spec, options = "synthetic:lunge,reps=0", SourceOptions(images=True, seed=3)
    same_size = DisplayTarget((640, 480), "BGRA")
    with ProcessSensor(spec, options, images=("rgb",)) as remote:
        remote.set_display(same_size)
        frame, image = _image_for(remote, same_size)
        assert frame.rgb is None  # the colour image is not sent twice
        out = np.zeros(image.shape, np.uint8)
        assert image.copy_into(out)
        rgb = _local_rgb(spec, options, frame.index)
        np.testing.assert_array_equal(out[..., :3], rgb[..., ::-1])  # bytes B, G, R: the display's XRGB8888
        assert (out[..., 3] == 255).all()

        smaller = DisplayTarget((320, 240), "RGBA", mirror=True)
        remote.set_display(smaller)  # a resize and a mirror reach the child while it runs
        frame, image = _image_for(remote, smaller)
        assert image.shape == (240, 320, 4)
        out = np.zeros(image.shape, np.uint8)
        assert image.copy_into(out)
        np.testing.assert_array_equal(out, to_display(_local_rgb(spec, options, frame.index), smaller))
        rgb = _local_rgb(spec, options, frame.index)
        assert abs(float(out[:, :160, 0].mean()) - float(rgb[:, 320:, 0].mean())) < 2.0  # the left is the right

        remote.set_display(None)  # the colour image itself again
        deadline = time.monotonic() + WAIT_S
        while (frame := remote.read(timeout_s=1.0)) is None or frame.rgb is None:
            assert time.monotonic() < deadline
        assert frame.rgb.shape == (480, 640, 3)


def test_the_display_layout_is_read_from_the_screen_surface() -> None:
    assert layout_of(pygame.Surface((4, 4), 0, 32, (0xFF0000, 0xFF00, 0xFF, 0))) == "BGRA"
    assert layout_of(pygame.Surface((4, 4), 0, 32, (0xFF, 0xFF00, 0xFF0000, 0))) == "RGBA"
    assert layout_of(pygame.Surface((4, 4), 0, 16)) == "RGB"
    with pytest.raises(ValueError, match="layout"):
        DisplayTarget((4, 4), "XYZ")


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


def _child(app: App) -> ProcessSensor:
    remote = app.poses._reconnecting._inner  # type: ignore[union-attr]
    assert isinstance(remote, ProcessSensor)
    return remote


def test_the_game_shows_the_childs_image_runs_one_thread_and_follows_a_resize(screen: pygame.Surface) -> None:
    app = playing(screen, "synthetic:squat,reps=0,realtime=1")
    try:
        play = play_scene(app)
        run_until(app, lambda: play.camera.copied >= 10, WAIT_S)
        run_until(app, lambda: app.scene is play, WAIT_S)  # past the countdown: playing
        copied = play.camera.copied
        run_until(app, lambda: play.camera.copied >= copied + 3, WAIT_S)  # new pictures keep coming
        pid = _child(app).pid
        assert pid is not None  # the child yields the CPU to the loop when both want it
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + SOURCE_PROCESS_NICE
        # while playing, the game's process runs the loop alone: no receiver, no scaler, no feed thread
        assert [t.name for t in threading.enumerate()] == [threading.main_thread().name]
        image = app.poses.display
        assert image is not None
        assert image.target.layout == layout_of(app.screen) == "BGRA"
        feed_w, feed_h = image.target.size_px
        OUT.mkdir(parents=True, exist_ok=True)
        pygame.image.save(app.screen, OUT / "play-child-image.png")
        pixels = check_screenshot(OUT / "play-child-image.png")
        assert feed_h == app.screen.get_height()  # the feed fills the height, at the camera's 4:3
        assert abs(feed_w / feed_h - 4 / 3) < 0.01
        # the left quarter of the picture (wall and floor, no skeleton) has the colours of the avatar's image:
        # a warm grey (red above blue), so red and blue swapped would show
        left = pixels[:, app.screen.get_width() - feed_w :][:, : feed_w // 4].reshape(-1, 3).mean(axis=0)
        source = _local_rgb("synthetic:squat,reps=0", SourceOptions(images=True, seed=1), 0)
        expected = source[:, : source.shape[1] // 4].reshape(-1, 3).mean(axis=0)
        assert expected[0] - expected[2] > 8
        np.testing.assert_allclose(left, expected, atol=3.0)

        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1600, h=900, size=(1600, 900)))
        run_until(app, lambda: app.poses.display is not None and app.poses.display.target.size_px[1] == 900, WAIT_S)
        assert app.poses.display.target.size_px == (1200, 900)  # the child made the new size
        assert [t.name for t in threading.enumerate()] == [threading.main_thread().name]
    finally:
        app.close()


def test_the_game_pauses_when_the_child_dies_and_plays_on_in_a_new_one(screen: pygame.Surface) -> None:
    app = playing(screen, "synthetic:squat,reps=0,realtime=1")
    try:
        play = play_scene(app)
        run_until(app, lambda: app.scene is play and play.camera.copied >= 5, WAIT_S)
        first = _child(app).pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        run_until(app, lambda: app.scene.name == "pause", WAIT_S)
        assert app.scene.kind == "sensor"
        assert "process ended" in app.poses.disconnected
        run_until(app, lambda: app.scene is play, WAIT_S)  # reopened by itself, in a new child
        assert _child(app).pid != first
        copied = play.camera.copied
        run_until(app, lambda: play.camera.copied >= copied + 5, WAIT_S)  # its pictures reach the screen
    finally:
        app.close()
