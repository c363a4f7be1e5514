"""A source and its pose pipeline run in a child process, like a camera: frames arrive, the work is not ours.

The game draws 60 frames a second on one thread; anything else in its
process that holds Python's GIL (a synthetic avatar rendering in numpy, a
video decoder's wrapper, the pose pipeline's small numpy steps: 2-4 ms a
frame) makes a frame wait. :class:`ProcessSensor` opens any source by name
in a child Python process (a fresh interpreter given the parent's
``sys.path``; no ``multiprocessing`` start method, so no main module is
imported again) and, given a :class:`RemotePipeline`, runs the pose pipeline
there too (lock, swap fix, fusion, gravity, tracker). Per frame the child sends
the processed frame, the tracker's :class:`~sensors.tracking.snapshot.TrackerSnapshot`
(so the game predicts the pose at its display time with a pure function, no
lock, no tracker) and the stages' times. Commands go the other way on a
second pipe (``set_holds``); the child ends when it is closed, and by
itself when the parent goes away (that pipe reaches its end).

In the parent no thread waits for the child: :meth:`read` takes whatever
messages have arrived off the (non-blocking) pipe on the caller's thread (the
game's loop, once a frame: a few kB of poses, the images stay in a shared-memory
ring) and keeps only the newest frame. It never computes and never waits for
the child, so a :class:`ProcessSensor` is live (``Capabilities.is_live``)
whatever its source: a game loop polls it with ``read(timeout_s=0)``, and the
game's process runs no thread of its own for the sensor.

The camera image for the screen: the game names its window's size and pixel
format (:class:`~sensors.display_image.DisplayTarget`, :meth:`RemotePipeline.set_display`,
again on every resize); the child then scales and converts each colour image
(:func:`~sensors.display_image.to_display`) and puts it in the ring instead
of the colour image, and the game copies it straight onto a screen surface
(:meth:`DisplayImage.copy_into`).

A source that cannot run in the child: one registered at run time with a
factory that is not importable by name (a lambda, a closure): the child
could not build it (see :func:`runs_in_a_child`).

Errors keep their meaning across the boundary: a source that fails to open
is :class:`~sensors.errors.SourceUnavailable` from :meth:`open`; a device
lost mid-stream (``SourceUnavailable`` or a driver's own exception in the
child) is ``SourceUnavailable`` from :meth:`read`, so a
:class:`~sensors.reconnect.ReconnectingSensor` around it reopens the device
(in a new child); any other sensor error (a corrupt recording) keeps its
class and is not retried.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, fields
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler

import numpy as np

from sensors import errors, frame_ring
from sensors.contract import Capabilities, Sensor
from sensors.display_image import DisplayTarget
from sensors.errors import SensorError, SourceUnavailable
from sensors.frame_ring import FrameRing
from sensors.pipe_reader import PipeReader
from sensors.pipeline.pipeline import PipelineConfig
from sensors.pose import PoseFrame
from sensors.process_child import DISPLAY, IMAGES, child_main, pack
from sensors.registry import SourceOptions, resolve, split_spec
from sensors.tracking.snapshot import TrackerSnapshot, predict_pose

OPEN_TIMEOUT_S = 60.0  #: a fresh interpreter imports numpy and the source (seconds on a loaded machine)
WAIT_SLICE_S = 0.02  #: a read with a timeout looks for a close from another thread at least this often
EXIT_WAIT_S = 2.0  #: a closed child has this long to end by itself before it is terminated
__all__ = ["IMAGES", "DisplayImage", "ProcessSensor", "RemotePipeline", "child_main", "pack", "runs_in_a_child"]


def runs_in_a_child(spec: str) -> bool:
    """Can a fresh interpreter build ``spec``'s source? Built-in schemes and installed plugins can,
    and sources registered at run time whose factory is importable by name (a module-level function);
    a lambda or a closure cannot be sent to another process. An unknown scheme: False."""
    try:
        pickle.dumps(resolve(split_spec(spec)[0]))
    except (SensorError, pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


#: the child's first lines: the parent's path, then this module (its arguments come on stdin)
BOOT = (
    "import pickle, sys; a = pickle.load(sys.stdin.buffer); sys.path[:0] = a['path']; "
    "from sensors.process_child import child_main; child_main(a['fd'], a['cmd_fd'], a['ring_fd'], a['payload'])"
)


class RemotePipeline:
    """The pose pipeline seen from the parent while it runs in a :class:`ProcessSensor`'s child.

    Shared by every child that one stream opens (a lost device is reopened in a new child):
    :meth:`set_holds` reaches the child delivering now and every later one; :meth:`predict`
    answers from the newest :class:`TrackerSnapshot` with a pure function (no lock, no waiting);
    :attr:`stage_ms` are the child's stage times for its newest frame."""

    def __init__(self, config: PipelineConfig | None = None, holds: bool = False) -> None:
        self.config = config or PipelineConfig()
        self.holds = holds  #: the exercise is a hold (the tracker's hold transitions); sent to each child
        self.child_holds: bool | None = None  #: what the child's tracker runs with (None before a frame)
        self.snapshot: TrackerSnapshot | None = None
        self.last: PoseFrame | None = None  #: the newest processed frame
        self.stage_ms: dict[str, float] = {}
        #: the screen image the game wants (sent to the child delivering now and every later one)
        self.display_target: DisplayTarget | None = None
        self.display: DisplayImage | None = None  #: the newest screen image (None before one)
        self._sensor: ProcessSensor | None = None  #: the child delivering now

    def predict(self, t_s: float) -> PoseFrame | None:
        """The pose at ``t_s`` from the newest snapshot (the last frame when not tracking); None before one."""
        snapshot = self.snapshot
        if snapshot is None:
            return self.last if not self.config.track else None
        return predict_pose(snapshot, t_s)

    def set_holds(self, holds: bool) -> None:
        self.holds = holds
        sensor = self._sensor
        if sensor is not None:
            sensor.command("holds", holds)

    def set_display(self, target: DisplayTarget | None) -> None:
        """Ask for each colour image as a screen image (None: the colour image itself); sent only on a change."""
        if target == self.display_target:
            return
        self.display_target = target
        sensor = self._sensor
        if sensor is not None:
            sensor.set_display(target)

    def reset(self) -> None:
        """Forget the last child's state (a new device: its clock may restart)."""
        self.snapshot = None
        self.last = None
        self.stage_ms = {}
        self.child_holds = None
        self.display = None

    def _publish(self, frame: PoseFrame, snapshot: TrackerSnapshot | None, stage_ms: dict[str, float],
                 holds: bool, display: DisplayImage | None) -> None:  # fmt: skip
        self.last = frame
        self.snapshot = snapshot
        self.stage_ms = stage_ms
        self.child_holds = holds
        if display is not None:
            self.display = display


@dataclass(frozen=True, eq=False)
class DisplayImage:
    """A colour image the child made for the screen (:func:`~sensors.display_image.to_display`), in the
    ring: (height, width, bytes per pixel) uint8 in ``target``'s layout. A new object per image."""

    target: DisplayTarget
    frame_index: int  #: the child's frame it was made from
    ring: FrameRing
    ref: frame_ring.Ref
    position: int  #: its place among the images of ``ref``

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.ref[3][self.position][1])

    def copy_into(self, out: np.ndarray) -> bool:
        """Copy the pixels into ``out`` (a writable uint8 array of :attr:`shape`, e.g. a view of a screen
        surface); False when the child has already reused its slot (``out`` is then not to be shown)."""
        try:
            return self.ring.copy_into(self.ref, self.position, out)
        except (OSError, ValueError):  # the ring was closed meanwhile (the sensor is closing)
            return False


class ProcessSensor(Sensor):
    """The source named ``spec`` (opened with ``options``) running in a child process; with
    ``pipeline``, the pose pipeline runs there too and its frames arrive processed. Of the images,
    only those named in ``images`` come across (others are None here)."""

    def __init__(
        self,
        spec: str,
        options: SourceOptions | None = None,
        pipeline: RemotePipeline | None = None,
        images: tuple[str, ...] = IMAGES,
        nice: int = 0,
    ) -> None:
        super().__init__()
        #: the child's niceness once its source is open (added to this process's; it opens at ours, so that
        #: imports and the device are not slowed): a positive value lets a game loop sharing the CPU with it
        #: run first (the child keeps what the loop leaves; it drops frames, never queues them)
        self.nice = nice
        #: the frame's images that come across (the game shows ``rgb``; the depth map is the pipeline's, in the child)
        self.images = images
        self.spec = spec
        self.options = options or SourceOptions()
        self.pipeline = pipeline
        #: the screen image asked of the child (None: the colour image comes as itself)
        self.display_target: DisplayTarget | None = pipeline.display_target if pipeline is not None else None
        self.display: DisplayImage | None = None  #: the newest screen image
        self._caps = Capabilities()
        self._name = spec.split(",", 1)[0]
        self._reader: PipeReader | None = None
        self._commands: Connection | None = None
        self._command_lock = threading.Lock()
        self._io_lock = threading.Lock()  #: reading (the caller's thread) against closing (maybe another)
        self._proc: subprocess.Popen[bytes] | None = None
        self._pending: PoseFrame | None = None  #: the newest frame not returned yet
        self._error: SensorError | None = None  #: why the stream stopped, raised once its last frame was read
        self._stopped = False  #: the child sent its last message (or went away)
        self._end_seen = False
        self._dropped = 0
        self._ring: FrameRing | None = None  #: where the child puts the images (None: they come pickled)
        self._early: list[bytes] = []  #: messages read with the child's first one, not yet taken
        #: the CPU per frame taking the child's messages, ms, on the reading thread (the game's loop):
        #: (reading the pipe, unpickling, copying the images out of shared memory) (benchmarks)
        self.receive_cpu_ms: deque[tuple[float, float, float]] = deque(maxlen=600)

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def describe(self) -> str:
        return self._name

    @property
    def pid(self) -> int | None:
        """The child's process id (None before open)."""
        return self._proc.pid if self._proc is not None else None

    @property
    def dropped(self) -> int:
        """Frames that arrived but were never returned (a newer one came first)."""
        return self._dropped

    def command(self, *message: object) -> None:
        """Send a command to the child (e.g. ``("holds", True)``); ignored once it is gone."""
        with self._command_lock:
            if self._commands is not None:
                with contextlib.suppress(OSError):
                    self._commands.send(message)

    def set_display(self, target: DisplayTarget | None) -> None:
        """Ask the child for each colour image made for the screen (None: the colour image itself)."""
        self.display_target = target
        self.command("display", target)

    def _open(self) -> None:
        scheme, target = split_spec(self.spec)
        factory = resolve(scheme)  # an unknown scheme fails here, with its did-you-mean
        pipeline = self.pipeline
        read_fd, write_fd = os.pipe()
        cmd_read_fd, cmd_write_fd = os.pipe()
        ring_fd = frame_ring.create_fd() if frame_ring.available() else None
        passed = (write_fd, cmd_read_fd) if ring_fd is None else (write_fd, cmd_read_fd, ring_fd)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", BOOT], stdin=subprocess.PIPE, pass_fds=passed, close_fds=True
            )
        except OSError as e:
            for fd in (read_fd, cmd_write_fd, ring_fd):
                if fd is not None:
                    os.close(fd)
            raise SourceUnavailable(f"{self._name}: could not start its process: {e}") from e
        finally:
            os.close(write_fd)  # the child holds the writing end; EOF here once it exits
            os.close(cmd_read_fd)
        self._ring = FrameRing(ring_fd, writer=False) if ring_fd is not None else None
        self._reader = PipeReader(read_fd)
        self._commands = Connection(cmd_write_fd, readable=False)
        if pipeline is not None:
            pipeline._sensor = self  # before the holds are read: a change from now on is also sent as a command
            self.display_target = pipeline.display_target
        config = pipeline.config if pipeline is not None else None
        holds = pipeline.holds if pipeline is not None else False
        payload = pickle.dumps(
            (factory, target, self.options, config, holds, self.images, self.display_target, self.nice)
        )
        args = {"path": list(sys.path), "fd": write_fd, "cmd_fd": cmd_read_fd, "ring_fd": ring_fd, "payload": payload}
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._proc.stdin.write(pickle.dumps(args))
            self._proc.stdin.close()
        message = self._first_message(OPEN_TIMEOUT_S)
        if message is None or message[0] != "opened":
            timed_out = message is None and not self._reader.eof
            self._shutdown()
            if timed_out:
                raise SourceUnavailable(
                    f"{self._name}: the source's process did not start within {OPEN_TIMEOUT_S:.0f} s"
                )
            reason = message[1] if message is not None and message[0] == "error" else "its process ended"
            raise SourceUnavailable(f"{self._name}: {reason}")
        _, caps, self._name = message
        # frames arrive on their own and read() never computes: live, whatever the source
        self._caps = Capabilities(**{**{f.name: getattr(caps, f.name) for f in fields(caps)}, "is_live": True})

    def _first_message(self, timeout_s: float) -> tuple | None:
        """The child's first message (opened, or why not), waiting up to ``timeout_s``; None without one."""
        reader = self._reader
        assert reader is not None
        deadline = time.monotonic() + timeout_s
        while True:
            raw = reader.messages()
            if raw:
                self._early = raw[1:]  # frames sent right after "opened": taken by the first read
                return ForkingPickler.loads(raw[0])
            if reader.eof or time.monotonic() >= deadline:
                return None
            reader.wait(min(0.1, deadline - time.monotonic()))

    def _take_messages(self) -> None:
        """Everything the child has sent so far (never waits): the newest frame is kept for :meth:`read`,
        older ones are dropped; an end, a loss or an error stops the stream."""
        reader = self._reader
        if reader is None or self._stopped:
            return
        t0_s = time.thread_time()
        raw = [*self._early, *reader.messages()]
        self._early = []
        t1_s = time.thread_time()
        newest: tuple | None = None
        for data in raw:
            message = ForkingPickler.loads(data)
            kind = message[0]
            if kind == "frame":
                if newest is not None or self._pending is not None:
                    self._dropped += 1
                newest = message
                continue
            self._stopped = True
            if kind == "end":
                self._end_seen = True
            elif kind == "lost":
                self._error = SourceUnavailable(message[1])
            elif kind == "fatal":
                cls = getattr(errors, message[1], SensorError)
                cls = cls if isinstance(cls, type) and issubclass(cls, SensorError) else SensorError
                self._error = cls(message[2])
            break
        if not self._stopped and reader.eof:
            self._stopped = True
            self._error = SourceUnavailable(f"{self._name}: the source's process ended")
        t2_s = time.thread_time()
        if newest is not None and self._apply(newest):
            t3_s = time.thread_time()
            self.receive_cpu_ms.append(((t1_s - t0_s) * 1000, (t2_s - t1_s) * 1000, (t3_s - t2_s) * 1000))

    def _apply(self, message: tuple) -> bool:
        """Make the frame ``message`` the newest (its images out of the ring); False when they were overwritten."""
        _, frame, snapshot, stage_ms, holds, ref, target = message
        display: DisplayImage | None = None
        if ref is not None:
            names, shared, ring_ref = ref
            ring = self._ring
            assert ring is not None
            fields_ = [n for n in names if n != DISPLAY]
            if fields_:
                images = ring.read((*ring_ref[:3], ring_ref[3][: len(fields_)]))
                if images is None:
                    return False  # overwritten before we read it: a newer frame is on its way
                changes = dict(zip(fields_, images, strict=True))
                frame = frame.with_changes(**changes)
                if shared and snapshot is not None:
                    snapshot = dataclasses.replace(snapshot, frame=snapshot.frame.with_changes(**changes))
            if DISPLAY in names:
                display = DisplayImage(target, frame.index, ring, ring_ref, names.index(DISPLAY))
                self.display = display
        pipeline = self.pipeline
        if pipeline is not None and pipeline._sensor is self:
            pipeline._publish(frame, snapshot, stage_ms, holds, display)
        self._pending = frame
        return True

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            with self._io_lock:
                if self._reader is None:  # closed meanwhile
                    return None
                self._take_messages()
                frame, self._pending = self._pending, None
                if frame is not None:
                    return frame
                if self._error is not None:  # after the last frame: once
                    error, self._error = self._error, None
                    raise error
                if self._end_seen:
                    self._mark_ended()
                    return None
                if self._stopped:
                    return None
                left_s = WAIT_SLICE_S if deadline is None else min(WAIT_SLICE_S, deadline - time.monotonic())
                if left_s <= 0:
                    return None
                self._reader.wait(left_s)

    def _shutdown(self) -> None:
        """Close the pipes (the child ends at its next look) and reap the child off this thread."""
        if self.pipeline is not None and self.pipeline._sensor is self:
            self.pipeline._sensor = None
        with self._command_lock:
            commands, self._commands = self._commands, None
        if commands is not None:
            commands.close()
        with self._io_lock:  # a read on another thread finishes first (it never waits long)
            reader, self._reader = self._reader, None
            if reader is not None:
                reader.close()
            if self._ring is not None:
                self._ring.close()
        proc = self._proc
        if proc is not None:
            threading.Thread(target=_reap, args=(proc,), name=f"reap:{self._name}", daemon=True).start()

    def _close(self) -> None:
        self._shutdown()

    def wait_exited(self, timeout_s: float = 2 * EXIT_WAIT_S + 1.0) -> bool:
        """Wait for the closed child to be gone (tests); True when it is."""
        proc = self._proc
        deadline = time.monotonic() + timeout_s
        while proc is not None and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return proc is None or proc.poll() is not None


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Wait for a closed child to end; terminate it, then kill it, if it does not."""
    try:
        proc.wait(timeout=EXIT_WAIT_S)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
