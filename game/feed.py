"""The sensor as the game sees it: poll for the newest pose, never wait.

Live sources already capture in their own worker and keep only the newest
frame, so they are polled with ``read(timeout_s=0)``: a webcam or RealSense
opened in this process, and every source of the real-time game, which runs in
a child process with the pose pipeline
(:class:`~sensors.process_sensor.ProcessSensor`: the poll takes the child's
newest message off a non-blocking pipe on the game's thread; no thread of
the game's process waits for it). Other sources opened here (synthetic avatar, files, recordings) may
compute frames in ``read``; a small worker thread reads them and keeps only
the newest, so the render loop never waits for a sensor.
"""

from __future__ import annotations

import threading

from sensors.contract import Sensor
from sensors.errors import SensorError, SourceUnavailable
from sensors.latest import LatestSlot
from sensors.pose import PoseFrame

WORKER_READ_TIMEOUT_S = 0.05


class PoseFeed:
    """Owns an opened sensor; :meth:`poll` returns the newest unseen frame or None.

    ``threaded=False`` reads every source on the caller's thread with ``read(timeout_s=0)``:
    one frame per poll from a synthetic source, deterministic for tests.
    """

    def __init__(self, sensor: Sensor, threaded: bool = True) -> None:
        self.sensor = sensor
        self.latest: PoseFrame | None = None  #: the newest frame handed to the game
        self.frames_seen = 0
        self._error: BaseException | None = None
        self._slot = LatestSlot[PoseFrame]()  # keeps only the newest frame
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if threaded and not sensor.capabilities.is_live:
            self._thread = threading.Thread(target=self._work, name=f"pose-feed:{sensor.describe()}", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        try:
            while not self._stop.is_set() and not self.sensor.ended:
                frame = self.sensor.read(timeout_s=WORKER_READ_TIMEOUT_S)
                if frame is not None:
                    self._slot.put(frame)
        except SensorError as e:  # surfaced on the game thread by poll()
            self._error = e
        except Exception as e:  # noqa: BLE001 - a dead worker must not leave the game waiting for frames forever
            self._error = SourceUnavailable(f"{self.sensor.describe()}: {type(e).__name__}: {e}")

    @property
    def ended(self) -> bool:
        """True once a finite source has no more frames and every frame was polled."""
        return self.sensor.ended and not self._slot.pending

    def poll(self) -> PoseFrame | None:
        """The newest frame not returned before, or None; raises the worker's SensorError, if any."""
        if self._error is not None:
            raise self._error
        if self._thread is None:
            frame = None if self.sensor.ended else self.sensor.read(timeout_s=0)
        else:
            frame = self._slot.take(0)
        if frame is not None:
            self.latest = frame
            self.frames_seen += 1
        return frame

    def close(self) -> None:
        """Stop the worker and close the sensor (harmless twice)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self.sensor.close()

    def __enter__(self) -> PoseFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
