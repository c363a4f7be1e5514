"""Scripted sensors for tests: a real source wrapped to misbehave on cue."""

from __future__ import annotations

from sensors.contract import Capabilities, Sensor
from sensors.pose import PoseFrame


class Wrapped(Sensor):
    """Passes every call to ``inner`` (a real source); subclasses change :meth:`_read`."""

    def __init__(self, inner: Sensor) -> None:
        super().__init__()
        self.inner = inner

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def _open(self) -> None:
        self.inner.open()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        return self.inner.read(timeout_s)

    def _close(self) -> None:
        self.inner.close()
