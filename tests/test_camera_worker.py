"""The newest-only worker: nothing queues behind the newest frame; lossless mode keeps every frame."""

from __future__ import annotations

import threading
import time

import pytest

from sensors.camera.worker import NewestSlot, PipelineWorker, SlotClosed
from sensors.errors import SensorError, SourceUnavailable


def test_newest_slot_keeps_only_the_newest_item() -> None:
    slot = NewestSlot[int]()
    for i in range(5):
        slot.put(i)
    assert slot.get(0) == 4
    assert slot.get(0) is None  # nothing queued behind it
    assert slot.dropped == 4


def test_newest_slot_get_times_out_without_an_item() -> None:
    slot = NewestSlot[int]()
    start = time.monotonic()
    assert slot.get(0.05) is None
    assert time.monotonic() - start >= 0.04


def test_lossless_slot_waits_for_the_reader() -> None:
    slot = NewestSlot[int](lossless=True)
    slot.put(1)
    second_put_done = threading.Event()

    def producer() -> None:
        slot.put(2)
        second_put_done.set()

    threading.Thread(target=producer, daemon=True).start()
    assert not second_put_done.wait(0.1)  # blocked: the first item was not read
    assert slot.get(1) == 1
    assert second_put_done.wait(1)
    assert slot.get(1) == 2
    assert slot.dropped == 0


def test_finish_error_is_raised_after_the_last_item() -> None:
    slot = NewestSlot[int]()
    slot.put(7)
    slot.finish(SourceUnavailable("camera unplugged"))
    assert slot.get(0) == 7
    with pytest.raises(SourceUnavailable, match="unplugged"):
        slot.get(0)


def test_stopped_slot_refuses_puts() -> None:
    slot = NewestSlot[int](lossless=True)
    slot.stop()
    with pytest.raises(SlotClosed):
        slot.put(1)


def test_lossless_pipeline_processes_every_item_in_order() -> None:
    items = iter(range(50))
    worker = PipelineWorker(lambda: next(items, None), lambda x: x * 10, lossless=True)
    worker.start()
    out = []
    while (item := worker.get(2)) is not None:
        out.append(item)
    worker.stop()
    assert out == [x * 10 for x in range(50)]
    assert worker.finished


def test_newest_only_pipeline_drops_frames_a_slow_reader_missed() -> None:
    counter = iter(range(10_000))

    def grab() -> int | None:
        time.sleep(0.002)  # a 500 fps "camera"
        return next(counter, None)

    worker = PipelineWorker(grab, lambda x: x, lossless=False)
    worker.start()
    first = worker.get(2)
    time.sleep(0.1)
    second = worker.get(2)
    worker.stop()
    assert first is not None
    assert second is not None
    assert second > first + 10  # the newest, not the next in a queue
    assert worker.dropped > 0
    assert not worker.alive


def test_errors_in_the_worker_reach_the_reader_as_sensor_errors() -> None:
    def grab() -> int:
        raise RuntimeError("driver crashed")

    worker = PipelineWorker(grab, lambda x: x, lossless=False, name="webcam:0")
    worker.start()
    with pytest.raises(SensorError, match="webcam:0: worker failed: RuntimeError: driver crashed"):
        worker.get(2)
    worker.stop()
