"""The pose pipeline in the source's child process: frames, snapshots, stage times and commands cross
the process boundary; a child's errors reach the game's pause screen. Real child processes throughout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.app import App, make_screen, shutdown
from game.scenes import PauseScene
from levels.model import Goal, Level
from sensors import SourceOptions, open_source
from sensors.pipeline import PosePipeline
from sensors.process_sensor import ProcessSensor, RemotePipeline, runs_in_a_child
from sensors.registry import register, unregister
from sensors.tracking.snapshot import predict_pose
from tests import child_sources
from tests.game_helpers import play_scene, playing, run_until
from tests.sensor_helpers import is_alive
from tests.test_tracker_snapshot import assert_same_pose

WAIT_S = 60.0  #: a child imports numpy and the pipeline first (seconds on a loaded machine)


def _wait(done: Callable[[], bool], max_s: float, why: str) -> None:
    deadline = time.monotonic() + max_s
    while not done():
        assert time.monotonic() < deadline, why
        time.sleep(0.02)


def test_frames_arrive_as_the_pipeline_here_would_make_them() -> None:
    spec = "synthetic:squat,reps=0,mode=depth,noise_px=3,dropout=0.05"
    options = SourceOptions(images=True, seed=2)
    remote = RemotePipeline()
    received = []
    with ProcessSensor(spec, options, remote) as far:
        while len(received) < 5:
            frame = far.read(timeout_s=WAIT_S)
            assert frame is not None
            received.append((frame, remote.snapshot))
    assert far.capabilities.is_live  # frames arrive on their own; older ones are dropped, never queued
    by_index = {frame.index: (frame, snapshot) for frame, snapshot in received}
    with open_source(spec, options) as near:
        pipeline = PosePipeline(remote.config, near.capabilities)
        for frame in near:
            out = pipeline.process(frame)
            if frame.index in by_index:
                far_frame, _ = by_index[frame.index]
                assert_same_pose(far_frame, out)  # the child's pipeline: the same chain, the same numbers
            if frame.index >= max(by_index):
                break
    last, snapshot = received[-1]
    assert snapshot is not None
    assert snapshot.frame.index >= last.index  # published with (or after) the frame it came with
    t_s = snapshot.t_s + 0.016
    assert_same_pose(remote.predict(t_s), predict_pose(snapshot, t_s))
    assert remote.predict(t_s).has_player


def test_the_childs_stage_times_come_back() -> None:
    remote = RemotePipeline()
    with ProcessSensor("synthetic:squat,reps=0,realtime=1", SourceOptions(images=True, seed=1), remote) as far:
        assert remote.stage_ms == {}
        assert far.read(timeout_s=WAIT_S) is not None
    stages = remote.stage_ms
    assert {"lock", "swap_fix", "depth_fusion", "gravity", "tracker", "total"} <= set(stages)
    assert all(v >= 0 for v in stages.values())
    assert stages["total"] >= max(v for k, v in stages.items() if k != "total")


def test_set_holds_reaches_the_childs_tracker_and_every_reopened_child() -> None:
    remote = RemotePipeline()
    with ProcessSensor("synthetic:plank,hold_s=600,realtime=1", SourceOptions(seed=1), remote) as far:
        assert far.read(timeout_s=WAIT_S) is not None
        assert remote.child_holds is False
        remote.set_holds(True)  # sent on the command pipe while frames flow
        _wait(lambda: far.read(timeout_s=1.0) is not None and remote.child_holds is True, 10.0, "holds never arrived")
        remote.set_holds(False)
        _wait(lambda: far.read(timeout_s=1.0) is not None and remote.child_holds is False, 10.0, "nor went away")
        remote.set_holds(True)
    remote.reset()
    with ProcessSensor("synthetic:plank,hold_s=600,realtime=1", SourceOptions(seed=1), remote) as again:
        assert again.read(timeout_s=WAIT_S) is not None
        assert remote.child_holds is True  # a new child starts with the holds it was given


def test_which_sources_can_run_in_a_child() -> None:
    assert runs_in_a_child("synthetic:squat")
    assert runs_in_a_child("video:/nowhere.mp4")  # built: the child reports the missing file when it opens
    assert not runs_in_a_child("nosuchscheme:0")
    register("childcam", child_sources.unplugged)
    register("closurecam", lambda target, options: open_source(f"synthetic:{target}", options))
    try:
        assert runs_in_a_child("childcam:x")  # a module-level factory: importable by name in the child
        assert not runs_in_a_child("closurecam:squat")  # a lambda cannot be sent: it runs in the game's process
    finally:
        unregister("childcam")
        unregister("closurecam")


def test_the_child_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from sensors.process_sensor import ProcessSensor, RemotePipeline\n"
        "from sensors import SourceOptions\n"
        "s = ProcessSensor('synthetic:squat,reps=0,realtime=1', SourceOptions(seed=1), RemotePipeline()).open()\n"
        "s.read(timeout_s=60)\n"
        "print(s.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True) as parent:
        try:
            assert parent.stdout is not None
            child = int(parent.stdout.readline())
            assert is_alive(child)
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            _wait(lambda: not is_alive(child), 10.0, "the child outlived its parent")
        finally:
            parent.kill()


# -- in the game ----------------------------------------------------------------------------------------------


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


@pytest.fixture
def child_cams() -> Iterator[None]:
    register("unpluggedcam", child_sources.unplugged)
    register("brokencam", child_sources.broken)
    yield
    unregister("unpluggedcam")
    unregister("brokencam")


def test_the_game_draws_and_tunes_the_pipeline_in_the_child(screen: pygame.Surface) -> None:
    level = Level(id="hold", title="Hold", exercise="plank", goal=Goal(hold_s=600), stars=(1, 2, 3))
    app = playing(screen, "synthetic:plank,hold_s=600,realtime=1", level)
    try:
        run_until(app, lambda: app.poses.frames_seen >= 10, WAIT_S)
        remote = app.poses._pipeline
        assert isinstance(remote, RemotePipeline)  # no pipeline in the game's process
        run_until(app, lambda: remote.child_holds is True, 10.0)  # the plank level's set_holds reached the child
        play = play_scene(app)
        assert play.shown is not None
        assert play.shown.has_player  # drawn at the display time from the child's snapshot
        assert "tracker" in app.poses.stage_ms
        lines = play.debug_lines()
        assert "pipeline: n/a" not in lines[2]
        assert "tracker" in lines[3]
    finally:
        app.close()


def _paused_by(screen: pygame.Surface, spec: str) -> App:
    """An endless squat level played from ``spec`` (a camera in a child that fails on cue), run until it pauses."""
    app = playing(screen, spec)
    try:
        run_until(app, lambda: app.scene.name == "pause", WAIT_S)
    except BaseException:
        app.close()
        raise
    return app


@pytest.mark.usefixtures("child_cams")
def test_a_camera_lost_in_the_child_pauses_and_comes_back_in_a_new_child(
    screen: pygame.Surface, tmp_path: Path
) -> None:
    app = _paused_by(screen, f"unpluggedcam:{tmp_path}:60:squat,reps=0,realtime=1")
    try:
        pause = app.scene
        assert isinstance(pause, PauseScene)
        assert pause.kind == "sensor"
        assert "unplugged" in app.poses.disconnected
        assert "\n" not in app.poses.disconnected
        assert not app.poses.error  # a lost device is being reopened, not an error
        run_until(app, lambda: app.scene is play_scene(app), WAIT_S)  # back by itself, in a new child
        first, second = (int((tmp_path / f"opened-{i}").read_text()) for i in range(2))
        assert os.getpid() not in (first, second)
        assert first != second
        seen = app.poses.frames_seen
        run_until(app, lambda: app.poses.frames_seen >= seen + 10, 10.0)
        assert app.poses.disconnected == ""
    finally:
        app.close()


@pytest.mark.usefixtures("child_cams")
def test_a_broken_source_in_the_child_is_one_error_line_on_the_pause_screen(
    screen: pygame.Surface, tmp_path: Path
) -> None:
    app = _paused_by(screen, f"brokencam:{tmp_path}:30:squat,reps=0,realtime=1")
    try:
        assert app.scene.kind == "sensor"
        assert app.poses.error == "brokencam: the recording is truncated after frame 40"
        assert app.poses.disconnected == ""  # not retried by itself: the player chooses retry or another source
        assert len(list(tmp_path.glob("opened-*"))) == 1
        assert np.isfinite(app.poses.reconnect_attempts)
    finally:
        app.close()
