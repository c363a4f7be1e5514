"""Shared helpers for the game's scene tests: a stepped app, scripted sensors, screenshot checks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import pytest

from game.app import App, GameOptions
from game.loop import frames
from game.scenes import ResultsScene
from game.source_choice import SourceChoice
from game.store import ProfileStore
from levels import load_builtin
from levels.model import Goal, Level, Pack
from sensors.contract import Sensor
from sensors.joints import Joint
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, open_source, register, unregister
from tests.sensor_helpers import Wrapped

DT_S = 1 / 30  #: one game frame per synthetic frame


def make_app(
    screen: pygame.Surface, source: str, pack: Pack | None = None, store: ProfileStore | None = None, **options: object
) -> App:
    pack = pack or load_builtin()
    opts = GameOptions(pack=pack, source=SourceChoice(source, seed=1), threaded_feed=False, sound=False, **options)  # type: ignore[arg-type]
    return App(screen, opts, store)


#: a level that never ends by its goal: for tests that watch the play scene (pause, reconnect, overlay)
ENDLESS_SQUATS = Level(id="endless", title="Endless", exercise="squat", goal=Goal(reps=1000), stars=(1, 2, 3))


def playing(screen: pygame.Surface, source: str, level: Level = ENDLESS_SQUATS) -> App:
    """The real-time game (threaded feed: the source and pipeline in a child process) playing ``level``
    (the pack's only level) from ``source``."""
    app = App(screen, GameOptions(pack=Pack(id="t", name="T", levels=[level]), source=SourceChoice(source, seed=1),
                                  sound=False))  # fmt: skip
    app.push(app.make("play", level=level))
    return app


def steps(app: App, seconds: float) -> None:
    for _ in range(round(seconds / DT_S)):
        assert app.step(DT_S)


def until(app: App, name: str, max_s: float) -> None:
    """Step until scene ``name`` is on top (failing after ``max_s`` game seconds)."""
    for _ in range(round(max_s / DT_S)):
        assert app.step(DT_S)
        if app.scene.name == name:
            return
    raise AssertionError(f"no {name} scene after {max_s:g} s; the scene is {app.scene.name}")


def run_until(app: App, done: Callable[[], bool], max_s: float) -> None:
    """Step the real-time game at its own pace until ``done()`` (failing after ``max_s`` wall seconds)."""
    deadline = time.monotonic() + max_s
    for dt_s in frames(60):
        assert app.step(dt_s)
        if done():
            return
        assert time.monotonic() < deadline, f"gave up after {max_s} s; scene {app.scene.name}, {app.poses.error}"


def play_scene(app: App) -> Any:
    """The play scene, on top or under the countdown, rest or pause scene."""
    return next(s for s in reversed(app.stack) if s.name == "play")


def past_countdown(app: App, max_s: float = 8.0) -> None:
    """Step until the countdown is over and the play scene is on top."""
    for _ in range(round(max_s / DT_S)):
        assert app.step(DT_S)
        if app.scene.name == "play" and getattr(app.scene, "counted_down", False):
            return
    raise AssertionError(f"the countdown did not end in {max_s:g} s; the scene is {app.scene.name}")


def play_to_results(app: App, max_s: float = 60.0) -> ResultsScene:
    until(app, "results", max_s)
    assert isinstance(app.scene, ResultsScene)
    return app.scene


class RaisedHand(Wrapped):
    """The synthetic avatar with its right wrist lifted above its head (a hands-free "raise")."""

    scheme = "raisedhand"

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        frame = self.inner.read(timeout_s)
        if frame is None or not frame.has_player:
            return frame
        xy = np.array(frame.image_xy_px)
        torso = float(np.linalg.norm(xy[Joint.RIGHT_SHOULDER] - xy[Joint.RIGHT_HIP]))
        xy[Joint.RIGHT_WRIST] = xy[Joint.NOSE] + (0.3 * torso, -0.5 * torso)
        xy[Joint.RIGHT_ELBOW] = xy[Joint.RIGHT_SHOULDER] + (0.2 * torso, -0.4 * torso)
        return frame.with_changes(image_xy_px=xy)


class PointAt(Wrapped):
    """The synthetic avatar holding its right wrist at a fixed point (normalised, as mirrored on screen)."""

    scheme = "pointat"

    def __init__(self, inner: Sensor, xy: tuple[float, float]) -> None:
        super().__init__(inner)
        self.xy = xy

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        frame = self.inner.read(timeout_s)
        if frame is None or not frame.has_player:
            return frame
        xy = np.array(frame.image_xy_px)
        w, h = frame.image_size_px
        xy[Joint.RIGHT_WRIST] = ((1 - self.xy[0]) * w, self.xy[1] * h)
        xy[Joint.LEFT_WRIST] = xy[Joint.LEFT_HIP]
        return frame.with_changes(image_xy_px=xy)


class Unplugged(Wrapped):
    """A synthetic source that raises like an unplugged camera after ``after`` frames, the first time it is opened."""

    scheme = "flaky"
    opened = 0

    def __init__(self, inner: Sensor, after: int) -> None:
        super().__init__(inner)
        Unplugged.opened += 1
        self.fails = Unplugged.opened == 1
        self.after = after
        self.reads = 0

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        self.reads += 1
        if self.fails and self.reads > self.after:
            from sensors.errors import SourceUnavailable

            raise SourceUnavailable("webcam:0: the camera was unplugged (no frames for 2 s)")
        return self.inner.read(timeout_s)


@pytest.fixture
def scripted_sources() -> Iterator[None]:
    """Register ``raisedhand:``, ``pointat:X:Y`` and ``flaky:AFTER:`` wrappers around the synthetic avatar."""

    def raised(target: str, options: SourceOptions) -> Sensor:
        return RaisedHand(open_source(f"synthetic:{target}", options))

    def point(target: str, options: SourceOptions) -> Sensor:
        x, y, rest = target.split(":", 2)
        return PointAt(open_source(f"synthetic:{rest}", options), (float(x), float(y)))

    def flaky(target: str, options: SourceOptions) -> Sensor:
        after, rest = target.split(":", 1)
        return Unplugged(open_source(f"synthetic:{rest}", options), int(after))

    Unplugged.opened = 0
    register("raisedhand", raised)
    register("pointat", point)
    register("flaky", flaky)
    yield
    for scheme in ("raisedhand", "pointat", "flaky"):
        unregister(scheme)


def check_screenshot(path: Path, regions: dict[str, tuple[int, int, int, int]] | None = None) -> np.ndarray:
    """Load a PNG and check it has content: not blank, and each named (x, y, w, h) region drawn (varied pixels)."""
    image = pygame.surfarray.array3d(pygame.image.load(str(path))).transpose(1, 0, 2)  # (h, w, 3)
    assert image.shape[:2] == (720, 1280), path.name
    assert float(image.std()) > 12.0, f"{path.name} looks blank"
    for name, (x, y, w, h) in (regions or {}).items():
        part = image[y : y + h, x : x + w].astype(float)
        assert part.std() > 8.0, f"{path.name}: region '{name}' looks empty"
    return image
