"""The game's pose feed: the newest frame without waiting, and a worker that cannot fail silently."""

from __future__ import annotations

import threading
import time

import pytest

from game.feed import PoseFeed
from sensors.errors import SourceUnavailable
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, open_source
from tests.sensor_helpers import Wrapped


class Breaks(Wrapped):
    """A synthetic squat whose backend fails with a plain exception after ``after`` frames."""

    def __init__(self, after: int) -> None:
        super().__init__(open_source("synthetic:squat,reps=0", SourceOptions()))
        self.after = after
        self.reads = 0

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        self.reads += 1
        if self.reads > self.after:
            raise RuntimeError("the decoder fell over")
        return self.inner.read(timeout_s)


def _poll_until_error(feed: PoseFeed, max_s: float = 5.0) -> None:
    deadline = time.monotonic() + max_s
    while time.monotonic() < deadline:
        feed.poll()
        time.sleep(0.005)
    raise AssertionError("the feed never reported its worker's failure")


def test_a_crashing_worker_is_reported_as_a_sensor_error_on_poll() -> None:
    sensor = Breaks(after=3)
    sensor.open()
    with PoseFeed(sensor, threaded=True) as feed, pytest.raises(SourceUnavailable, match="RuntimeError: the decoder"):
        _poll_until_error(feed)


def test_closing_the_feed_stops_its_worker_and_closes_the_sensor() -> None:
    sensor = open_source("synthetic:squat,reps=0", SourceOptions())
    sensor.open()
    with PoseFeed(sensor, threaded=True) as feed:
        while feed.poll() is None:
            time.sleep(0.005)
    assert not [t for t in threading.enumerate() if t.name.startswith("pose-feed:")]
    assert sensor.state.value == "closed"
