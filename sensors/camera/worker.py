"""Capture and inference off the game loop, keeping only the newest frame.

Two daemon threads joined by one-item slots::

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

T = TypeVar("T")
R = TypeVar("R")


class SlotClosed(Exception):
    """The slot was stopped while a thread waited on it."""


class NewestSlot(Generic[T]):
    """A one-item mailbox between two threads.

    ``put`` stores an item (replacing an unread one unless ``lossless``, where
    it waits until the slot is empty); ``get`` returns the newest unread item.
    ``finish`` marks the end of the stream (optionally with an error that
    ``get`` re-raises once the last item has been taken).
    """

    def __init__(self, lossless: bool = False) -> None:
        self.lossless = lossless
        self._cond = threading.Condition()
        self._item: T | None = None
        self._has_item = False
        self._finished = False
        self._stopped = False
        self._error: BaseException | None = None
        self.put_count = 0
        self.dropped = 0  #: items replaced before anyone read them

    @property
    def finished(self) -> bool:
        """True when the producer has ended and the last item was taken."""
        with self._cond:
            return self._finished and not self._has_item

    @property
    def pending(self) -> int:
        """Items waiting to be read: 0 or 1 (never a queue)."""
        with self._cond:
            return int(self._has_item)

    def put(self, item: T) -> None:
        with self._cond:
            if self.lossless:
                while self._has_item and not self._stopped:
                    self._cond.wait()
            if self._stopped:
                raise SlotClosed
            if self._has_item:
                self.dropped += 1
            self._item, self._has_item = item, True
            self.put_count += 1
            self._cond.notify_all()

    def get(self, timeout_s: float | None = None) -> T | None:
        """The newest unread item; None on timeout or once the stream has finished."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._has_item or self._finished or self._stopped, timeout=timeout_s):
                return None
            if self._has_item:
                item, self._item, self._has_item = self._item, None, False
                self._cond.notify_all()
                return item
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            return None

    def finish(self, error: BaseException | None = None) -> None:
        with self._cond:
            self._finished = True
            self._error = error
            self._cond.notify_all()

    def stop(self) -> None:
        """Wake every waiting thread; later puts raise :class:`SlotClosed`."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()


class PipelineWorker(Generic[R, T]):
    """Grab thread + inference thread, each handing over through a :class:`NewestSlot`.

    ``grab()`` returns the next raw item or None at the end of the stream;
    ``process(raw)`` turns it into the output. Exceptions in either thread end
    the stream and are re-raised by :meth:`get` (non-SensorErrors wrapped in one).
    """

    def __init__(
        self, grab: Callable[[], R | None], process: Callable[[R], T], lossless: bool, name: str = "camera"
    ) -> None:
        self._grab = grab
        self._process = process
        self.raw = NewestSlot[R](lossless)
        self.out = NewestSlot[T](lossless)
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
                    raw = self.raw.get(None)
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
        return self.out.get(timeout_s)

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
        self.raw.stop()
        self.out.stop()
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
