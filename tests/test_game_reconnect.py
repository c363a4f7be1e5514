"""An unplugged live camera in the real-time (threaded) game: pause, reopen in the background, resume.

A live camera is polled on the game thread, so the reconnecting sensor must
open the device again on its own worker thread: the test's camera takes
half a second to open and records the thread that opened it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.app import make_screen, shutdown
from game.scenes import PauseScene
from sensors.contract import Capabilities, Sensor
from sensors.errors import SourceUnavailable
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, open_source, register, unregister
from tests.game_helpers import check_screenshot, playing, run_until
from tests.sensor_helpers import Wrapped

SHOTS = Path(__file__).resolve().parents[1] / "out" / "test-screenshots"
OPEN_S = 0.5  #: how long the camera takes to open after it is plugged back in


class LiveCam(Wrapped):
    """The real-time avatar as a live camera; the first one is unplugged after ``after`` frames."""

    made: list[LiveCam] = []  # noqa: RUF012 - the instances, in order (reset by the fixture)

    def __init__(self, inner: Sensor, after: int) -> None:
        super().__init__(inner)
        self.after = after
        self.fails = not LiveCam.made
        self.frames = 0
        self.opened_on = ""
        LiveCam.made.append(self)

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(is_live=True, is_finite=False)

    def _open(self) -> None:
        self.opened_on = threading.current_thread().name
        if len(LiveCam.made) > 1:
            time.sleep(OPEN_S)  # a camera takes a while to open again
        super()._open()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        if self.fails and self.frames >= self.after:
            raise SourceUnavailable("livecam: the camera was unplugged (no frames for 2 s)")
        frame = self.inner.read(timeout_s)
        self.frames += frame is not None
        return frame


@pytest.fixture
def livecam() -> Iterator[None]:
    def make(target: str, options: SourceOptions) -> Sensor:
        after, rest = target.split(":", 1)
        return LiveCam(open_source(f"synthetic:{rest}", options), int(after))

    LiveCam.made = []
    register("livecam", make)
    yield
    unregister("livecam")


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


@pytest.mark.usefixtures("livecam")
def test_a_live_camera_unplugged_mid_level_is_reopened_off_the_game_thread(screen: pygame.Surface) -> None:
    app = playing(screen, "livecam:150:squat,reps=0,realtime=1,noise_px=1")
    try:
        play = app.scene
        run_until(app, lambda: app.scene.name == "pause", 20.0)  # 150 frames at 30 fps: 5 s
        pause = app.scene
        assert isinstance(pause, PauseScene)
        assert pause.kind == "sensor"
        assert "unplugged" in app.poses.disconnected
        reps = play.run.reps
        pause.draw(app.screen)
        SHOTS.mkdir(parents=True, exist_ok=True)
        pygame.image.save(app.screen, str(SHOTS / "pause-reconnecting.png"))
        check_screenshot(SHOTS / "pause-reconnecting.png", {"box": (230, 140, 820, 440)})
        run_until(app, lambda: app.scene is play, 15.0)  # back by itself, no key pressed
        first, second = LiveCam.made[:2]
        assert first.opened_on != second.opened_on
        assert second.opened_on.startswith("reconnect:")  # opened by the reconnecting sensor's worker
        assert threading.current_thread().name != second.opened_on  # never on the game thread
        assert play.run.reps >= reps
        seen = app.poses.frames_seen
        run_until(app, lambda: app.poses.frames_seen >= seen + 10, 5.0)  # the new camera keeps delivering
        assert app.poses.disconnected == ""
    finally:
        app.close()
