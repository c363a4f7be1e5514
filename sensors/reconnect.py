"""A live source that survives being unplugged: it reports the loss and resumes when the device is back.

:class:`ReconnectingSensor` wraps a factory of sensors (``lambda:
open_source("realsense")``). When a read raises
:class:`~sensors.errors.SourceUnavailable` (a RealSense that stopped sending
frames, a webcam that vanished) or a driver's own exception, it closes that
sensor, sets :attr:`~ReconnectingSensor.disconnected` to the message and
returns no frames; every ``retry_every_s`` it tries to open a new one, and
once that works frames flow again, without the game restarting. Frame
indices keep increasing across reconnections; ``on_reconnect`` callbacks run
on the reading thread before the first frame of the new sensor is returned
(a pipeline resets its tracker there: the new device's clock may restart).

``background=True`` opens the new sensor on a worker thread, so a reader
that polls on the game thread never waits for a camera to open;
``background=False`` tries on the reading thread (deterministic tests).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

from sensors.contract import Capabilities, Sensor, SensorState
from sensors.errors import SensorError, SourceUnavailable
from sensors.pose import PoseFrame


class ReconnectingSensor(Sensor):
    def __init__(
        self,
        make: Callable[[], Sensor],
        retry_every_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        background: bool = False,
    ) -> None:
        super().__init__()
        self._make = make
        self._inner: Sensor | None = make()  #: may come already open (then it is not opened again)
        self._caps = self._inner.capabilities
        self._name = self._inner.describe()
        self.retry_every_s = retry_every_s
        self._clock = clock
        self.background = background
        self._next_retry_s = 0.0
        self._index_offset = 0
        self._last_index = -1
        self.disconnected: str | None = None  #: why frames stopped (None while connected)
        self.reconnections = 0
        self.attempts = 0  #: tries to open a new sensor since the first loss
        self.on_reconnect: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._ready: Sensor | None = None  #: opened by the worker, taken by the next read
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def describe(self) -> str:
        return self._name

    def _open(self) -> None:
        assert self._inner is not None
        if self._inner.state is SensorState.CREATED:
            self._inner.open()  # a source that is not there at the start fails at once, as any other

    def _close(self) -> None:
        self._stop.set()
        self._wake.set()
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=5.0)
        with self._lock:
            sensors = [s for s in (self._inner, self._ready) if s is not None]
            self._inner = self._ready = None
        for sensor in sensors:
            with contextlib.suppress(Exception):
                sensor.close()

    def retry_now(self) -> None:
        """Try to open the device again at once (the player pressed "retry")."""
        self._next_retry_s = 0.0
        self._wake.set()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        if self._inner is None and not self._take_new():
            if timeout_s is None or timeout_s > 0:
                time.sleep(min(timeout_s if timeout_s is not None else self.retry_every_s, 0.05))
            return None
        assert self._inner is not None
        try:
            frame = self._inner.read(timeout_s)
        except SourceUnavailable as e:
            self._lose(str(e))
            return None
        except SensorError:
            raise  # a wrong call or a bad file: reconnecting would not help
        except Exception as e:  # noqa: BLE001 - a driver's own error (e.g. pyrealsense2's RuntimeError) is a loss
            self._lose(f"{self._name}: {type(e).__name__}: {e}")
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
        if self.background and (self._worker is None or not self._worker.is_alive()):
            self._worker = threading.Thread(target=self._retry_loop, name=f"reconnect:{self._name}", daemon=True)
            self._worker.start()

    def _take_new(self) -> bool:
        """Make a newly opened sensor current (opened here, or by the worker); True when there is one."""
        if self.background:
            with self._lock:
                inner, self._ready = self._ready, None
        else:
            inner = self._try_open() if self._clock() >= self._next_retry_s else None
        if inner is None:
            return False
        self._inner = inner
        self._index_offset = self._last_index + 1
        self.disconnected = None
        self.reconnections += 1
        for callback in self.on_reconnect:
            callback()
        return True

    def _try_open(self) -> Sensor | None:
        self._next_retry_s = self._clock() + self.retry_every_s
        self.attempts += 1
        try:
            inner = self._make()
            if inner.state is SensorState.CREATED:
                inner.open()
        except SourceUnavailable as e:
            self.disconnected = f"{self._name}: still not there ({e})"
            return None
        except Exception as e:  # noqa: BLE001 - any failure to open is "not back yet"; tried again later
            self.disconnected = f"{self._name}: still not there ({type(e).__name__}: {e})"
            return None
        return inner

    def _retry_loop(self) -> None:
        """The worker: try every ``retry_every_s`` (or at once after :meth:`retry_now`) until one opens."""
        while not self._stop.is_set():
            wait_s = self._next_retry_s - self._clock()
            if wait_s > 0:
                self._wake.wait(min(wait_s, 0.05))
                self._wake.clear()
                continue
            inner = self._try_open()
            if inner is None:
                continue
            with self._lock:
                if not self._stop.is_set():
                    self._ready, inner = inner, None
            if inner is not None:  # closed meanwhile
                with contextlib.suppress(Exception):
                    inner.close()
            return
