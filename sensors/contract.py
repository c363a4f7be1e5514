"""The sensor contract: open, read the newest frame, close.

Every pose source (synthetic avatar, webcam, video file, RealSense live or
recorded, pose recording, third-party plugins) subclasses :class:`Sensor` and
passes :func:`check_sensor`.

Lifecycle::

    CREATED --open()--> OPEN --close()--> CLOSED
                          \\--(finite source runs out)--> OPEN with ended=True

``read()`` before ``open()`` or after ``close()`` raises
:class:`SensorStateError`; ``close()`` twice is harmless; a sensor is a
context manager (``with make_sensor() as s: ...`` opens and closes it).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from types import TracebackType
from typing import ClassVar

from sensors.errors import SensorStateError
from sensors.pose import PoseFrame


class SensorState(Enum):
    CREATED = "created"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a source can deliver."""

    has_depth: bool = False  #: frames carry ``depth_m`` and DEPTH-sourced joints
    has_imu: bool = False  #: frames carry gravity in ``gravity_camera`` (or IMU samples in ``meta['accel_xyz']``)
    has_images: bool = False  #: frames can carry ``rgb``
    nominal_fps: float = 30.0
    is_live: bool = False  #: a live camera (frames are dropped, never queued)
    is_finite: bool = True  #: the stream ends (file, recording, fixed-length synthetic)
    fuses_depth: bool = False  #: frames already carry fused depth (the pipeline skips fusion)


class Sensor(ABC):
    """Base class of every pose source.

    Subclasses implement :meth:`_open`, :meth:`_read` and :meth:`_close`;
    the base class enforces the lifecycle.
    """

    #: source scheme this backend registers under, e.g. ``"webcam"``
    scheme: ClassVar[str] = ""

    def __init__(self) -> None:
        self._state = SensorState.CREATED
        self._ended = False

    # -- to implement --------------------------------------------------------
    @property
    @abstractmethod
    def capabilities(self) -> Capabilities: ...

    @abstractmethod
    def _open(self) -> None:
        """Acquire the device/file. Raise SourceUnavailable with a clear message on failure."""

    @abstractmethod
    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        """Return the newest frame not returned before, or None.

        Block up to ``timeout_s`` (None: until a frame arrives or the stream
        ends). Call :meth:`_mark_ended` when a finite stream has no more frames.
        """

    @abstractmethod
    def _close(self) -> None:
        """Release everything. Called at most once."""

    # -- the contract --------------------------------------------------------
    @property
    def state(self) -> SensorState:
        return self._state

    @property
    def ended(self) -> bool:
        """True once a finite source has delivered its last frame."""
        return self._ended

    def _mark_ended(self) -> None:
        self._ended = True

    def describe(self) -> str:
        """A short human-readable name for messages, e.g. ``video:clip.mp4``."""
        return self.scheme or type(self).__name__

    def open(self) -> Sensor:
        if self._state is SensorState.OPEN:
            raise SensorStateError(f"{self.describe()}: open() called twice; the sensor is already open")
        if self._state is SensorState.CLOSED:
            raise SensorStateError(
                f"{self.describe()}: open() after close(); create a new sensor instead of reopening one"
            )
        self._open()
        self._state = SensorState.OPEN
        return self

    def read(self, timeout_s: float | None = None) -> PoseFrame | None:
        """The newest frame not yet returned, or None if none arrived within
        ``timeout_s`` or the stream has ended (see :attr:`ended`)."""
        if self._state is not SensorState.OPEN:
            hint = "call open() first or use 'with'" if self._state is SensorState.CREATED else "it was closed"
            raise SensorStateError(f"{self.describe()}: read() on a sensor that is {self._state.value}; {hint}")
        if timeout_s is not None and (math.isnan(timeout_s) or timeout_s < 0):
            raise ValueError(f"timeout_s must be None or >= 0, found {timeout_s}")
        if self._ended:
            return None
        return self._read(timeout_s)

    def close(self) -> None:
        if self._state is SensorState.OPEN:
            try:
                self._close()
            finally:
                self._state = SensorState.CLOSED
        else:
            self._state = SensorState.CLOSED

    def __iter__(self) -> Iterator[PoseFrame]:
        """Every frame until the stream ends (blocking reads)."""
        while True:
            frame = self.read()
            if frame is None:
                if self._ended:
                    return
                continue
            yield frame

    def __enter__(self) -> Sensor:
        if self._state is SensorState.CREATED:
            self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:  # a forgotten sensor must not keep a camera busy
        try:
            if getattr(self, "_state", None) is SensorState.OPEN:
                self.close()
        except Exception:  # noqa: BLE001 - nothing sensible to do in a finalizer
            pass
