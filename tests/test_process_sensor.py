"""A source in a child process (the game's synthetic demo runs so, like a camera): real child processes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import numpy as np
import pygame
import pytest

from game.app import make_screen, shutdown
from game.loop import frames
from sensors import SourceOptions, check_sensor, open_source
from sensors.errors import SourceUnavailable
from sensors.process_sensor import ProcessSensor
from tests.game_helpers import play_scene, playing
from tests.sensor_helpers import is_alive


def test_a_process_sensor_passes_the_contract() -> None:
    check_sensor(lambda: ProcessSensor("synthetic:squat,reps=0,realtime=1", SourceOptions(seed=1)), 5, replay=False)


def test_a_frame_crosses_the_pipe_unchanged_images_and_all() -> None:
    options = SourceOptions(images=True, seed=3)
    with ProcessSensor("synthetic:lunge,reps=0", options) as remote:
        far = remote.read(timeout_s=30.0)
    assert far is not None
    assert far.rgb is not None
    assert far.depth_m is not None
    with open_source("synthetic:lunge,reps=0", options) as local:
        near = next(f for f in local if f.index == far.index)
    np.testing.assert_array_equal(far.image_xy_px, near.image_xy_px)
    np.testing.assert_array_equal(far.rgb, near.rgb)
    np.testing.assert_array_equal(far.depth_m, near.depth_m)
    np.testing.assert_array_equal(far.truth_camera_xyz_m, near.truth_camera_xyz_m)
    assert far.intrinsics == near.intrinsics
    assert far.meta["phase"] == near.meta["phase"]


def test_only_the_newest_frame_is_returned_and_a_finite_source_ends() -> None:
    with ProcessSensor("synthetic:squat,reps=1", SourceOptions(seed=1)) as remote:
        assert remote.capabilities.is_finite
        indices = []
        deadline = time.monotonic() + 60.0
        while not remote.ended:
            assert time.monotonic() < deadline
            time.sleep(0.2)  # the child runs ahead meanwhile
            frame = remote.read(timeout_s=1.0)
            if frame is not None:
                indices.append(frame.index)
    assert indices == sorted(indices)
    assert remote.dropped > 0  # older frames were dropped, never queued


def test_a_source_that_cannot_open_in_the_child_is_a_one_line_error() -> None:
    with pytest.raises(SourceUnavailable, match="synthetic") as err:
        ProcessSensor("synthetic:sqat", SourceOptions()).open()
    assert "\n" not in str(err.value)
    assert "did you mean" in str(err.value)


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


def test_the_real_time_game_plays_the_demo_from_a_child_process(screen: pygame.Surface) -> None:
    app = playing(screen, "synthetic:squat,reps=0,realtime=1")
    try:
        deadline = time.monotonic() + 60.0
        for dt_s in frames(60):
            assert app.step(dt_s)
            if app.poses.frames_seen >= 10:
                break
            assert time.monotonic() < deadline, app.poses.error
        remote = app.poses._reconnecting._inner  # type: ignore[union-attr]
        assert isinstance(remote, ProcessSensor)
        pid = remote.pid
        assert pid is not None
        assert pid != os.getpid()
        assert is_alive(pid)
        assert play_scene(app).frame is not None
        # the camera picture came across, made for the screen in the child (not the colour image as well)
        assert app.poses.display is not None
        assert play_scene(app).frame.rgb is None
    finally:
        app.close()
    deadline = time.monotonic() + 5.0
    while is_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not is_alive(pid)  # closing the game ends the child
