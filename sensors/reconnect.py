"""A live source that survives being unplugged: it reports the loss and resumes when the device is back.

:class:`ReconnectingSensor` wraps a factory of sensors (``lambda:
open_source("realsense")``). When a read raises
:class:`~sensors.errors.SourceUnavailable` (a RealSense that stopped sending
frames, a webcam that vanished), it closes that sensor, sets
:attr:`~ReconnectingSensor.disconnected` to the message and returns no
frames; every ``retry_every_s`` it tries to open a new one, and once that
works frames flow again, without the game restarting. Frame indices keep
increasing across reconnections.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from sensors.contract import Capabilities, Sensor
from sensors.errors import SourceUnavailable
from sensors.pose import PoseFrame


class ReconnectingSensor(Sensor):
    def __init__(
        self, make: Callable[[], Sensor], retry_every_s: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._make = make
        self._inner: Sensor | None = make()
        self._caps = self._inner.capabilities
        self._name = self._inner.describe()
        self.retry_every_s = retry_every_s
        self._clock = clock
        self._next_retry_s = 0.0
        self._index_offset = 0
        self._last_index = -1
        self.disconnected: str | None = None  #: why frames stopped (None while connected)
        self.reconnections = 0

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def describe(self) -> str:
        return self._name

    def _open(self) -> None:
        assert self._inner is not None
        self._inner.open()  # a source that is not there at the start fails at once, as any other

    def _close(self) -> None:
        if self._inner is not None:
            self._inner.close()
            self._inner = None

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        if self._inner is None and not self._retry():
            if timeout_s is None or timeout_s > 0:
                time.sleep(min(timeout_s if timeout_s is not None else self.retry_every_s, 0.05))
            return None
        assert self._inner is not None
        try:
            frame = self._inner.read(timeout_s)
        except SourceUnavailable as e:
            self._lose(str(e))
            return None
        if frame is None:
            if self._inner.ended:
                self._mark_ended()
            return None
        index = frame.index + self._index_offset
        self._last_index = index
        return frame if index == frame.index else frame.with_changes(index=index)

    def _lose(self, message: str) -> None:
        self.disconnected = message
        inner, self._inner = self._inner, None
        if inner is not None:
            with contextlib.suppress(Exception):  # a dead device may fail to close; it is gone either way
                inner.close()
        self._next_retry_s = self._clock() + self.retry_every_s

    def _retry(self) -> bool:
        if self._clock() < self._next_retry_s:
            return False
        self._next_retry_s = self._clock() + self.retry_every_s
        try:
            inner = self._make().open()
        except SourceUnavailable as e:
            self.disconnected = f"{self.disconnected or self._name}; retrying: {e}"
            return False
        self._inner = inner
        self._index_offset = self._last_index + 1
        self.disconnected = None
        self.reconnections += 1
        return True
