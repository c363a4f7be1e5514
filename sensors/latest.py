"""The one newest-frame hand-over between a producer thread and a consumer.

Used by the camera worker (grab -> inference -> reader), the RealSense worker
(pipeline -> reader) and the game's pose feed (sensor -> render loop)::

    slot = LatestSlot[PoseFrame]()        # newest-only: a put replaces an unread item
    slot.put(frame)                       # producer
    frame = slot.take(timeout_s=0.1)      # consumer: the newest unread item, or None

In *newest-only* mode (live cameras, real-time playback) the slot holds one
item and a new one replaces an unread one (counted in ``dropped``): nothing
ever queues, so latency never builds up. In *lossless* mode (files read as
fast as possible) ``put`` waits until the consumer took the previous item, so
every item is delivered in order.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class SlotClosed(Exception):
    """The slot was closed while (or before) a producer tried to put into it."""


class LatestSlot(Generic[T]):
    """A one-item mailbox between two threads.

    ``put`` stores an item (replacing an unread one unless ``lossless``, where it
    waits until the slot is empty); ``take`` returns the newest unread item,
    waiting up to ``timeout_s``. ``finish`` marks the end of the stream
    (optionally with an error that ``take`` raises once the last item was
    taken); ``close`` wakes every waiting thread and makes later puts raise
    :class:`SlotClosed`.
    """

    def __init__(self, lossless: bool = False) -> None:
        self.lossless = lossless
        self._cond = threading.Condition()
        self._item: T | None = None
        self._has_item = False
        self._finished = False
        self._closed = False
        self._error: BaseException | None = None
        self.put_count = 0  #: items put so far
        self.dropped = 0  #: items replaced before anyone took them

    @property
    def finished(self) -> bool:
        """True when the producer has ended and the last item was taken."""
        with self._cond:
            return self._finished and not self._has_item

    @property
    def pending(self) -> int:
        """Items waiting to be taken: 0 or 1 (never a queue)."""
        with self._cond:
            return int(self._has_item)

    def put(self, item: T) -> None:
        """Hand over ``item``; raises :class:`SlotClosed` once the slot is closed."""
        with self._cond:
            if self.lossless:
                while self._has_item and not self._closed:
                    self._cond.wait()
            if self._closed:
                raise SlotClosed
            if self._has_item:
                self.dropped += 1
            self._item, self._has_item = item, True
            self.put_count += 1
            self._cond.notify_all()

    def take(self, timeout_s: float | None = None) -> T | None:
        """The newest unread item, waiting up to ``timeout_s`` (None: until one comes or the
        stream ends); None on timeout, once finished, or when closed. After the last item of
        a stream that finished with an error, raises that error (once)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._has_item or self._finished or self._closed, timeout=timeout_s):
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
        """The producer ended (``error``: why, raised by :meth:`take` after the last item)."""
        with self._cond:
            self._finished = True
            self._error = error
            self._cond.notify_all()

    def close(self) -> None:
        """Wake every waiting thread; later puts raise :class:`SlotClosed`. Harmless twice."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
