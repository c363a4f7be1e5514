"""The newest-only worker: nothing queues behind the newest frame; lossless mode keeps every frame."""

from __future__ import annotations

import time

import pytest

from sensors.camera.worker import PipelineWorker
from sensors.errors import SensorError


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
