"""The App-owned pose service: opens a source off the game thread and hands the newest pose to scenes.

Opening a camera or loading the pose model can take seconds; the game loop
never waits for it. :meth:`PoseService.start` returns at once; a worker
thread opens the sensor (``opening`` is True meanwhile), then a
:class:`~game.feed.PoseFeed` keeps only the newest frame.

Every source is a :class:`~sensors.reconnect.ReconnectingSensor`: when the
camera is unplugged or its driver fails mid-session, :attr:`disconnected`
says why, and the sensor opens the device again by itself every
``RECONNECT_EVERY_S`` (on a worker thread, so the game never waits; frames
flow again without a restart, the tracker starts afresh and
:attr:`generation` goes up). An error that reconnecting cannot mend (the
source fails to open at all, a corrupt file) is kept in :attr:`error` as one
line, never raised into the loop; :meth:`retry` tries again (at once, for a
lost device), :meth:`start` opens another source. :meth:`close` does not
block: the worker closes the sensor on its own thread.

``threaded=False`` opens and reads on the caller's thread (deterministic
tests: one sensor frame per game frame).

Every source goes through the pose pipeline (player lock, swap fix, depth
fusion, gravity, Kalman tracker), so the engine counts on the pipeline's
poses and :meth:`PoseService.predict` gives the pose at the display time for
drawing. Where the pipeline runs is the opener's choice: in the source's child
process (``start(..., pipeline=RemotePipeline())`` with
:class:`~sensors.process_sensor.ProcessSensor` openers: the real-time game),
or here around the sensor (:class:`~sensors.pipeline.PipelineSensor`). Either
way :meth:`predict` reads the tracker's newest immutable snapshot and never
waits for a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from game.feed import PoseFeed
from sensors.contract import Sensor
from sensors.display_image import DisplayTarget
from sensors.errors import SensorError
from sensors.pipeline import PipelineSensor
from sensors.pose import PoseFrame
from sensors.process_sensor import DisplayImage, RemotePipeline
from sensors.reconnect import ReconnectingSensor

Opener = Callable[[], Sensor]
#: where the pipeline runs: around the sensor in this process, or in the source's child process
Pipeline = PipelineSensor | RemotePipeline
RECONNECT_EVERY_S = 2.0  #: a lost camera is opened again this often (R on the pause screen: at once)


class PoseService:
    def __init__(self, threaded: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        self.threaded = threaded
        self.clock = clock  #: the reconnect timer's clock (the game's wall clock in stepped tests)
        self.error = ""  #: one line when the source failed ("" when fine)
        self.label = ""  #: the open source's description
        self.generation = 0  #: goes up each time a new sensor starts delivering (time may restart)
        self.frames_seen = 0
        self.latest: PoseFrame | None = None
        self.opened_at_s = float("nan")  #: perf_counter when the current sensor finished opening
        self._opener: Opener | None = None
        self._reopen: Opener | None = None
        self._reconnecting: ReconnectingSensor | None = None
        self._reconnections_seen = 0
        self._feed: PoseFeed | None = None
        self._pipeline: Pipeline | None = None
        self._remote: RemotePipeline | None = None  #: the pipeline in the source's process (start's argument)
        self._holds = False  #: the exercise now is a hold (the tracker's hold transitions)
        self._display: DisplayTarget | None = None  #: the screen image asked of the source's process
        self._lock = threading.Lock()
        self._opening: threading.Thread | None = None
        self._token = 0
        self._closers: list[threading.Thread] = []

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, opener: Opener, reopen: Opener | None = None, pipeline: RemotePipeline | None = None) -> None:
        """Open a new source (closing any current one) without blocking the caller.

        ``reopen`` opens the same device again after it was lost (default: ``opener``). ``pipeline``:
        the openers' sensors run the pose pipeline themselves and report to it (a
        :class:`~sensors.process_sensor.ProcessSensor` each); None: it runs here around the sensor."""
        self.close()
        self._opener = opener
        self._reopen = reopen
        self._remote = pipeline
        if pipeline is not None:
            pipeline.set_display(self._display)  # the new source's children make the same screen image
        self.error = ""
        self._token += 1
        token = self._token
        if not self.threaded:
            self._open(opener, token)
            return
        self._opening = threading.Thread(target=self._open, args=(opener, token), name="pose-open", daemon=True)
        self._opening.start()

    def retry(self) -> None:
        """Try the lost device again now, or open the last source again after an error."""
        reconnecting = self._reconnecting
        if reconnecting is not None and reconnecting.disconnected and not self.error:
            reconnecting.retry_now()
        elif self._opener is not None:
            self.start(self._opener, self._reopen, self._remote)

    @property
    def disconnected(self) -> str:
        """Why the device stopped ("" while it delivers); it is being opened again meanwhile."""
        reconnecting = self._reconnecting
        return (reconnecting.disconnected or "") if reconnecting is not None and not self.error else ""

    @property
    def reconnect_attempts(self) -> int:
        """How often the lost device was tried again (this source)."""
        return self._reconnecting.attempts if self._reconnecting is not None else 0

    def _open(self, opener: Opener, token: int) -> None:
        first = [True]
        again = self._reopen or opener

        def make() -> Sensor:
            if first[0]:
                first[0] = False
                return opener()
            return again()

        remote = self._remote
        if remote is not None:
            remote.reset()  # a retry: nothing of the last child's stream
        try:
            reconnecting = ReconnectingSensor(make, RECONNECT_EVERY_S, self.clock, background=self.threaded)
            reconnecting.open()
            sensor: Sensor
            pipeline: Pipeline
            if remote is not None:  # the pipeline runs in the sensor's process
                sensor, pipeline = reconnecting, remote
            else:
                wrapped = PipelineSensor(reconnecting)
                wrapped.open()
                sensor = pipeline = wrapped
            pipeline.set_holds(self._holds)
            reconnecting.on_reconnect.append(pipeline.reset)  # a new device: its clock may restart
            feed = PoseFeed(sensor, threaded=self.threaded)
        except SensorError as e:
            if token == self._token:
                self.error = str(e)
            return
        except Exception as e:  # noqa: BLE001 - a source that breaks while opening is reported, never raised
            if token == self._token:
                self.error = f"{type(e).__name__}: {e}"
            return
        with self._lock:
            if token != self._token:  # closed or restarted while opening
                stale = feed
            else:
                stale = None
                self._feed = feed
                self._pipeline = pipeline
                self._reconnecting = reconnecting
                self._reconnections_seen = 0
                self.label = sensor.describe()
                self.generation += 1
                self.opened_at_s = time.perf_counter()
        if stale is not None:
            stale.close()

    @property
    def opening(self) -> bool:
        return self._feed is None and not self.error and self._opener is not None

    @property
    def ended(self) -> bool:
        """A finite source ran out (and every frame was polled)."""
        feed = self._feed
        return feed is not None and feed.ended

    def poll(self) -> PoseFrame | None:
        """The newest frame not returned before, or None; an error is kept in :attr:`error`, not raised."""
        with self._lock:
            feed = self._feed
        if feed is None or self.error:
            return None
        try:
            frame = feed.poll()
        except SensorError as e:
            self.error = str(e) or type(e).__name__
            self._drop()
            return None
        if frame is not None:
            reconnecting = self._reconnecting
            if reconnecting is not None and reconnecting.reconnections != self._reconnections_seen:
                self._reconnections_seen = reconnecting.reconnections
                self.generation += 1  # frames from a new device: scenes start their coach afresh
            self.latest = frame
            self.frames_seen += 1
        return frame

    def predict(self, t_s: float) -> PoseFrame | None:
        """The pipeline's pose at ``t_s`` (the display time), or None before the first frame.

        Never waits: a pure function of the tracker's snapshot at its newest frame (published whole
        by the pipeline, here or in the source's process, while it works on the next one)."""
        pipeline = self._pipeline
        return pipeline.predict(t_s) if pipeline is not None else None

    def set_holds(self, holds: bool) -> None:
        """The exercise now is a hold (plank, wall sit): the pipeline's tracker steadies held joints;
        kept for a source still opening and for every reopened one."""
        with self._lock:
            self._holds = holds
            pipeline = self._pipeline
        if pipeline is not None:
            pipeline.set_holds(holds)

    def set_display(self, target: DisplayTarget | None) -> bool:
        """Ask the source's process to make each camera image ready for the screen (``target``'s size, byte
        order and mirroring; None: send the colour image itself); kept for every reopened and later source.
        False when the source runs in this process (the caller scales its colour images itself)."""
        self._display = target
        remote = self._remote
        if remote is None:
            return False
        remote.set_display(target)
        return True

    @property
    def display(self) -> DisplayImage | None:
        """The newest camera image the source's process made for the screen (None: none yet, or none asked)."""
        remote = self._remote
        return remote.display if remote is not None and self._pipeline is remote else None

    @property
    def stage_ms(self) -> dict[str, float]:
        """The pipeline's time for the newest frame per stage and ``total`` (ms); empty before a frame."""
        pipeline = self._pipeline
        return dict(pipeline.stage_ms) if pipeline is not None else {}

    def _drop(self) -> None:
        with self._lock:
            feed, self._feed = self._feed, None
            self._pipeline = None
            self._reconnecting = None
        if feed is None:
            return
        if not self.threaded:
            feed.close()
            return
        closer = threading.Thread(target=feed.close, name="pose-close", daemon=True)
        closer.start()
        self._closers = [t for t in self._closers if t.is_alive()] + [closer]

    def close(self) -> None:
        """Stop delivering and close the sensor off the game thread; harmless twice."""
        self._token += 1
        self._drop()

    def wait_closed(self, timeout_s: float = 3.0) -> None:
        """At exit: give the closing threads (and an open in progress) a moment to finish."""
        deadline = time.perf_counter() + timeout_s
        for t in [*self._closers, *([self._opening] if self._opening is not None else [])]:
            t.join(max(0.0, deadline - time.perf_counter()))
