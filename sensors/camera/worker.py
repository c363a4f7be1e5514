"""Capture and inference off the game loop, keeping only the newest frame.

Two daemon threads joined by one-item slots (:class:`sensors.latest.LatestSlot`)::

    grab thread:   frames.next() ──> [raw slot] ──> infer thread: process(raw) ──> [pose slot] ──> read()

In *newest-only* mode (live cameras, real-time video) a slot holds one item
and a new item replaces an unread one (counted in ``dropped``): nothing ever
queues, so latency stays at one inference plus at most one frame. In
*lossless* mode (files read as fast as possible) ``put`` waits until the
reader has taken the previous item, so every frame is processed in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sensors.errors import SensorError
from sensors.latest import LatestSlot, SlotClosed

__all__ = ["LatestSlot", "PipelineWorker", "SlotClosed"]

T = TypeVar("T")
R = TypeVar("R")


class PipelineWorker(Generic[R, T]):
    """Grab thread + inference thread, each handing over through a :class:`LatestSlot`.

    ``grab()`` returns the next raw item or None at the end of the stream;
    ``process(raw)`` turns it into the output. Exceptions in either thread end
    the stream and are re-raised by :meth:`get` (non-SensorErrors wrapped in one).
    """

    def __init__(
        self, grab: Callable[[], R | None], process: Callable[[R], T], lossless: bool, name: str = "camera"
    ) -> None:
        self._grab = grab
        self._process = process
        self.raw = LatestSlot[R](lossless)
        self.out = LatestSlot[T](lossless)
        self._name = name
        self._threads = [
            threading.Thread(target=self._grab_loop, name=f"{name}-grab", daemon=True),
            threading.Thread(target=self._infer_loop, name=f"{name}-infer", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _wrap(e: BaseException, name: str) -> BaseException:
        if isinstance(e, SensorError):
            return e
        return SensorError(f"{name}: worker failed: {type(e).__name__}: {e}")

    def _grab_loop(self) -> None:
        try:
            while True:
                item = self._grab()
                if item is None:
                    self.raw.finish()
                    return
                self.raw.put(item)
        except SlotClosed:
            return
        except Exception as e:  # noqa: BLE001 - handed to the reader, never lost in a thread
            self.raw.finish(self._wrap(e, self._name))

    def _infer_loop(self) -> None:
        try:
            while True:
                try:
                    raw = self.raw.take(None)
                except SensorError as e:
                    self.out.finish(e)
                    return
                if raw is None:
                    self.out.finish()
                    return
                self.out.put(self._process(raw))
        except SlotClosed:
            return
        except Exception as e:  # noqa: BLE001
            self.out.finish(self._wrap(e, self._name))

    def get(self, timeout_s: float | None) -> T | None:
        return self.out.take(timeout_s)

    @property
    def finished(self) -> bool:
        return self.out.finished

    @property
    def dropped(self) -> int:
        """Frames captured but never processed plus frames processed but never read."""
        return self.raw.dropped + self.out.dropped

    def stop(self, join_timeout_s: float = 5.0, infer_timeout_s: float = 120.0) -> None:
        """Stop both threads and wait for them. The grab thread may stay blocked in a
        device read past ``join_timeout_s`` (it is a daemon and exits when that read
        returns); the inference thread always finishes its current frame, so it is
        waited for much longer: the model must never be released under it."""
        self.raw.close()
        self.out.close()
        for thread, timeout_s in zip(self._threads, (join_timeout_s, infer_timeout_s), strict=True):
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(timeout_s)

    @property
    def alive(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    @property
    def inferring(self) -> bool:
        """The inference thread is still running (the model is in use)."""
        return self._threads[1].is_alive()
