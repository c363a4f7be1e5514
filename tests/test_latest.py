"""The one newest-frame hand-over (sensors/latest.py): nothing queues behind the newest item;
lossless mode keeps every item; an error ends the stream after its last item; close wakes waiters."""

from __future__ import annotations

import threading
import time

import pytest

from sensors.errors import SourceUnavailable
from sensors.latest import LatestSlot, SlotClosed


def test_newest_slot_keeps_only_the_newest_item() -> None:
    slot = LatestSlot[int]()
    for i in range(5):
        slot.put(i)
    assert slot.take(0) == 4
    assert slot.take(0) is None  # nothing queued behind it
    assert slot.dropped == 4


def test_newest_slot_get_times_out_without_an_item() -> None:
    slot = LatestSlot[int]()
    start = time.monotonic()
    assert slot.take(0.05) is None
    assert time.monotonic() - start >= 0.04


def test_lossless_slot_waits_for_the_reader() -> None:
    slot = LatestSlot[int](lossless=True)
    slot.put(1)
    second_put_done = threading.Event()

    def producer() -> None:
        slot.put(2)
        second_put_done.set()

    threading.Thread(target=producer, daemon=True).start()
    assert not second_put_done.wait(0.1)  # blocked: the first item was not read
    assert slot.take(1) == 1
    assert second_put_done.wait(1)
    assert slot.take(1) == 2
    assert slot.dropped == 0


def test_finish_error_is_raised_after_the_last_item() -> None:
    slot = LatestSlot[int]()
    slot.put(7)
    slot.finish(SourceUnavailable("camera unplugged"))
    assert slot.take(0) == 7
    with pytest.raises(SourceUnavailable, match="unplugged"):
        slot.take(0)


def test_stopped_slot_refuses_puts() -> None:
    slot = LatestSlot[int](lossless=True)
    slot.close()
    with pytest.raises(SlotClosed):
        slot.put(1)


def test_close_wakes_a_waiting_consumer_and_a_blocked_producer() -> None:
    slot = LatestSlot[int](lossless=True)
    slot.put(1)
    got: list[object] = []

    def producer() -> None:
        try:
            slot.put(2)
        except SlotClosed:
            got.append("closed")

    thread = threading.Thread(target=producer, daemon=True)
    thread.start()
    time.sleep(0.05)
    slot.close()
    thread.join(1)
    assert got == ["closed"]
    empty = LatestSlot[int]()
    waiter = threading.Thread(target=lambda: got.append(empty.take(None)), daemon=True)
    waiter.start()
    time.sleep(0.05)
    empty.close()
    waiter.join(1)
    assert not waiter.is_alive()
    assert got[-1] is None


def test_finished_after_the_last_item_is_taken() -> None:
    slot = LatestSlot[str]()
    slot.put("last")
    slot.finish()
    assert not slot.finished
    assert slot.pending == 1
    assert slot.take(0) == "last"
    assert slot.finished
    assert slot.take(None) is None  # never blocks once finished
