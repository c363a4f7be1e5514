"""Unplugging a live camera mid-level and plugging it back, with a scripted device."""

from __future__ import annotations

import threading
import time

import pytest

from sensors import PoseFrame, SourceUnavailable, check_sensor, open_source
from sensors.contract import Capabilities, Sensor
from sensors.reconnect import ReconnectingSensor


class ScriptedCamera(Sensor):
    """A live camera that delivers ``frames_before_unplug`` synthetic frames, then is unplugged."""

    scheme = "scripted"

    def __init__(self, frames_before_unplug: int) -> None:
        super().__init__()
        self._left = frames_before_unplug
        self._source = open_source("synthetic:squat,reps=0,seed=1")

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(is_live=True, is_finite=False)

    def _open(self) -> None:
        self._source.open()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        if self._left <= 0:
            raise SourceUnavailable("scripted: the camera stopped sending frames for 5 s (unplugged?)")
        self._left -= 1
        return self._source.read(timeout_s)

    def _close(self) -> None:
        self._source.close()


class Port:
    """The USB port: which devices get plugged in, and a clock the test moves."""

    def __init__(self) -> None:
        self.now_s = 0.0
        self.plugged = True
        self.opened = 0

    def make(self) -> Sensor:
        if not self.plugged and self.opened:
            raise SourceUnavailable("scripted: no camera found (is it plugged in?)")
        self.opened += 1
        return ScriptedCamera(frames_before_unplug=5)


def test_unplug_reports_disconnected_then_resumes_when_the_camera_is_back() -> None:
    port = Port()
    cam = ReconnectingSensor(port.make, retry_every_s=1.0, clock=lambda: port.now_s).open()
    first = [cam.read(timeout_s=0) for _ in range(5)]
    assert all(f is not None for f in first)
    port.plugged = False
    assert cam.read(timeout_s=0) is None  # the 6th read: unplugged
    assert cam.disconnected is not None
    assert "unplugged" in cam.disconnected
    port.now_s = 1.5
    assert cam.read(timeout_s=0) is None  # retried, still not there
    assert "no camera found" in (cam.disconnected or "")
    port.plugged = True
    port.now_s = 3.0
    back = cam.read(timeout_s=0)
    assert back is not None
    assert cam.disconnected is None
    assert cam.reconnections == 1
    assert back.index > first[-1].index  # indices keep increasing across the reconnection
    cam.close()


def test_reconnecting_sensor_passes_the_contract() -> None:
    port = Port()
    check_sensor(lambda: ReconnectingSensor(port.make, clock=lambda: port.now_s), frames=4)


def test_in_the_background_the_device_is_opened_on_a_worker_and_callbacks_run_first() -> None:
    port = Port()
    opened_on: list[str] = []
    make = port.make

    def made() -> Sensor:
        opened_on.append(threading.current_thread().name)
        return make()

    cam = ReconnectingSensor(made, retry_every_s=60.0, background=True).open()
    events: list[str] = []
    cam.on_reconnect.append(lambda: events.append("reconnected"))
    for _ in range(5):
        assert cam.read(timeout_s=0) is not None
    assert cam.read(timeout_s=0) is None  # unplugged (port still plugged: it opens at once when asked)
    assert cam.disconnected is not None
    assert cam.read(timeout_s=0) is None  # the next try is a minute away
    cam.retry_now()  # the player pressed R
    deadline = time.monotonic() + 5.0
    back = None
    while back is None and time.monotonic() < deadline:
        back = cam.read(timeout_s=0.01)
    assert back is not None
    assert events == ["reconnected"]
    assert cam.attempts == 1
    assert opened_on[0] == threading.current_thread().name
    assert opened_on[1].startswith("reconnect:")
    cam.close()
    cam.close()  # harmless twice


def test_a_driver_error_is_a_loss_too_but_a_wrong_call_is_not() -> None:
    from sensors.errors import SensorStateError

    class Driver(ScriptedCamera):
        def _read(self, timeout_s: float | None) -> PoseFrame | None:
            raise RuntimeError("Frame didn't arrive within 5000")

    cam = ReconnectingSensor(lambda: Driver(1), clock=lambda: 0.0).open()
    assert cam.read(timeout_s=0) is None
    assert cam.disconnected == "scripted: RuntimeError: Frame didn't arrive within 5000"

    class Wrong(ScriptedCamera):
        def _read(self, timeout_s: float | None) -> PoseFrame | None:
            raise SensorStateError("read before open")

    cam = ReconnectingSensor(lambda: Wrong(1), clock=lambda: 0.0).open()
    with pytest.raises(SensorStateError):
        cam.read(timeout_s=0)
