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

In the parent a receiver thread takes each message off the pipe (reading
it releases the GIL; unpickling a 640x480 colour and depth frame holds it for
well under a millisecond, see ``benchmarks/README.md``) and keeps only the
newest: :meth:`read` never computes, so a :class:`ProcessSensor` is live
(``Capabilities.is_live``) whatever its source: nothing is queued.

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
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import fields
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from sensors import errors, frame_ring
from sensors.contract import Capabilities, Sensor
from sensors.errors import SensorError, SourceUnavailable
from sensors.frame_ring import FrameRing
from sensors.latest import LatestSlot
from sensors.pipeline.pipeline import PipelineConfig, PosePipeline
from sensors.pose import PoseFrame
from sensors.registry import SensorFactory, SourceOptions, resolve, split_spec
from sensors.tracking.snapshot import TrackerSnapshot, predict_pose

OPEN_TIMEOUT_S = 60.0  #: a fresh interpreter imports numpy and the source (seconds on a loaded machine)
CHILD_READ_TIMEOUT_S = 0.05  #: the child looks at its commands (and for a parent gone) at least this often
EXIT_WAIT_S = 2.0  #: a closed child has this long to end by itself before it is terminated
IMAGES = ("rgb", "depth_m")  #: the frame's fields that cross in shared memory (the rest is pickled)
#: the images of a frame: (field names, shared with the snapshot's frame, the ring's reference)
ImagesRef = tuple[tuple[str, ...], bool, frame_ring.Ref]


def pack(frame: PoseFrame) -> dict[str, Any]:
    """A frame as plain picklable values (``meta`` is a read-only mapping proxy in a frame)."""
    out = {f.name: getattr(frame, f.name) for f in fields(frame)}
    out["meta"] = dict(frame.meta)
    return out


def _unpack(values: dict[str, Any]) -> PoseFrame:
    return PoseFrame(**values)


# frames (and the snapshots holding one) cross the pipes through multiprocessing's pickler
ForkingPickler.register(PoseFrame, lambda frame: (_unpack, (pack(frame),)))


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
    "from sensors.process_sensor import child_main; child_main(a['fd'], a['cmd_fd'], a['ring_fd'], a['payload'])"
)


def child_main(fd: int, cmd_fd: int, ring_fd: int | None, payload: bytes) -> None:
    """In the child: frames go out on file descriptor ``fd`` (their images in the ring ``ring_fd``, if
    any), commands come in on ``cmd_fd``; ``payload`` is the pickled (factory, target, options, pipeline
    config or None, holds, the image fields the parent wants)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes the child
    factory, target, options, config, holds, images = pickle.loads(payload)
    ring = FrameRing(ring_fd, writer=True) if ring_fd is not None else None
    _Child(Connection(fd, readable=False), Connection(cmd_fd, writable=False), ring, images).run(
        factory, target, options, config, holds
    )


class _ParentGone(Exception):
    pass


class _Child:
    """The child's loop: read the source, run the pipeline, send; obey commands between frames."""

    def __init__(self, out: Connection, commands: Connection, ring: FrameRing | None, images: tuple[str, ...]) -> None:
        self.out = out
        self.images = images
        self.commands = commands
        self.ring = ring
        self.pipeline: PosePipeline | None = None

    def run(
        self, factory: SensorFactory, target: str, options: SourceOptions, config: PipelineConfig | None, holds: bool
    ) -> None:
        try:
            sensor = factory(target, options).open()
        except Exception as e:  # noqa: BLE001 - sent to the parent, which raises it as SourceUnavailable
            with contextlib.suppress(OSError):
                self.out.send(("error", str(e) or type(e).__name__))
            return
        try:
            if config is not None:
                self.pipeline = PosePipeline(config, sensor.capabilities)
                self.pipeline.set_holds(holds)
            self.out.send(("opened", sensor.capabilities, sensor.describe()))
            self._loop(sensor)
        except (BrokenPipeError, EOFError, ConnectionResetError, _ParentGone):
            return  # the parent closed us or went away
        except Exception as e:  # noqa: BLE001 - e.g. a frame that does not pickle: one line to the parent, not retried
            with contextlib.suppress(OSError):
                self.out.send(("fatal", "SensorError", f"{sensor.describe()}: {type(e).__name__}: {e}"))
        finally:
            with contextlib.suppress(Exception):
                sensor.close()

    def _loop(self, sensor: Sensor) -> None:
        name = sensor.describe()
        while True:
            self._obey()
            try:
                frame = sensor.read(timeout_s=CHILD_READ_TIMEOUT_S)
            except SourceUnavailable as e:
                self.out.send(("lost", str(e)))
                return
            except SensorError as e:  # a bad file, a wrong call: reconnecting would not help
                self.out.send(("fatal", type(e).__name__, str(e)))
                return
            except Exception as e:  # noqa: BLE001 - a driver's own error (e.g. pyrealsense2's RuntimeError) is a loss
                self.out.send(("lost", f"{name}: {type(e).__name__}: {e}"))
                return
            if frame is None:
                if sensor.ended:
                    self.out.send(("end",))
                    return
                continue
            pipeline = self.pipeline
            if pipeline is None:
                self._send(frame, None, {}, False)
                continue
            try:
                frame = pipeline.process(frame)
            except Exception as e:  # noqa: BLE001 - a stage broke: reported as one line, not retried
                self.out.send(("fatal", "SensorError", f"{name}: pose pipeline: {type(e).__name__}: {e}"))
                return
            holds = pipeline.tracker.config == pipeline.tracker.config.with_holds(True)
            self._send(frame, pipeline.snapshot, pipeline.stage_ms, holds)

    def _send(self, frame: PoseFrame, snapshot: TrackerSnapshot | None, stage_ms: dict[str, float],
              holds: bool) -> None:  # fmt: skip
        """One frame to the parent: its images through the ring (when there is one), the rest pickled."""
        ref: ImagesRef | None = None
        dropped = {n: None for n in IMAGES if n not in self.images and getattr(frame, n) is not None}
        if dropped:  # not wanted in the parent
            shared = snapshot is not None and all(getattr(snapshot.frame, n) is getattr(frame, n) for n in dropped)
            if snapshot is not None and shared:
                snapshot = dataclasses.replace(snapshot, frame=snapshot.frame.with_changes(**dropped))
            frame = frame.with_changes(**dropped)
        names = tuple(n for n in IMAGES if getattr(frame, n) is not None)
        if self.ring is not None and names:
            ring_ref = self.ring.write([getattr(frame, n) for n in names])
            stripped = dict.fromkeys(names)
            # the snapshot's frame (the tracker's input) shares the images: sent once, put back in the parent
            shared = snapshot is not None and all(getattr(snapshot.frame, n) is getattr(frame, n) for n in names)
            if shared:
                assert snapshot is not None
                snapshot = dataclasses.replace(snapshot, frame=snapshot.frame.with_changes(**stripped))
            frame = frame.with_changes(**stripped)
            ref = (names, shared, ring_ref)
        self.out.send(("frame", frame, snapshot, stage_ms, holds, ref))

    def _obey(self) -> None:
        """Apply the parent's commands; raise :class:`_ParentGone` when its pipe has ended."""
        while self.commands.poll(0):
            try:
                command, *args = self.commands.recv()
            except (EOFError, OSError) as e:
                raise _ParentGone from e
            # the only command: a device lost and reopened is a new child, with a fresh pipeline (no "reset")
            if command == "holds" and self.pipeline is not None:
                self.pipeline.set_holds(bool(args[0]))


class RemotePipeline:
    """The pose pipeline seen from the parent while it runs in a :class:`ProcessSensor`'s child.

    Shared by every child that one stream opens (a lost device is reopened in a new child):
    :meth:`set_holds` reaches the child delivering now and every later one; :meth:`predict`
    answers from the newest :class:`TrackerSnapshot` with a pure function (no lock, no waiting);
    :attr:`stage_ms` are the child's stage times for its newest frame."""

    def __init__(self, config: PipelineConfig | None = None, holds: bool = False) -> None:
        self.config = config or PipelineConfig()
        self.holds = holds  #: the exercise is a hold (the tracker's still model on); sent to each child
        self.child_holds: bool | None = None  #: what the child's tracker runs with (None before a frame)
        self.snapshot: TrackerSnapshot | None = None
        self.last: PoseFrame | None = None  #: the newest processed frame
        self.stage_ms: dict[str, float] = {}
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

    def reset(self) -> None:
        """Forget the last child's state (a new device: its clock may restart)."""
        self.snapshot = None
        self.last = None
        self.stage_ms = {}
        self.child_holds = None

    def _publish(self, frame: PoseFrame, snapshot: TrackerSnapshot | None, stage_ms: dict[str, float],
                 holds: bool) -> None:  # fmt: skip
        self.last = frame
        self.snapshot = snapshot
        self.stage_ms = stage_ms
        self.child_holds = holds


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
    ) -> None:
        super().__init__()
        #: the frame's images that come across (the game shows ``rgb``; the depth map is the pipeline's, in the child)
        self.images = images
        self.spec = spec
        self.options = options or SourceOptions()
        self.pipeline = pipeline
        self._caps = Capabilities()
        self._name = spec.split(",", 1)[0]
        self._conn: Connection | None = None
        self._commands: Connection | None = None
        self._command_lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._slot = LatestSlot[PoseFrame]()
        self._end_seen = False
        self._receiver: threading.Thread | None = None
        self._ring: FrameRing | None = None  #: where the child puts the images (None: they come pickled)
        #: the receiver thread's CPU per frame, ms: (reading the pipe, unpickling, copying the images out
        #: of shared memory) (benchmarks)
        self.receive_cpu_ms: deque[tuple[float, float, float]] = deque(maxlen=600)
        self._receive_parts_ms = (0.0, 0.0)

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
        return self._slot.dropped

    def command(self, *message: object) -> None:
        """Send a command to the child (e.g. ``("holds", True)``); ignored once it is gone."""
        with self._command_lock:
            if self._commands is not None:
                with contextlib.suppress(OSError):
                    self._commands.send(message)

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
        self._conn = Connection(read_fd, writable=False)
        self._commands = Connection(cmd_write_fd, readable=False)
        if pipeline is not None:
            pipeline._sensor = self  # before the holds are read: a change from now on is also sent as a command
        config = pipeline.config if pipeline is not None else None
        holds = pipeline.holds if pipeline is not None else False
        payload = pickle.dumps((factory, target, self.options, config, holds, self.images))
        args = {"path": list(sys.path), "fd": write_fd, "cmd_fd": cmd_read_fd, "ring_fd": ring_fd, "payload": payload}
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._proc.stdin.write(pickle.dumps(args))
            self._proc.stdin.close()
        if not self._conn.poll(OPEN_TIMEOUT_S):
            self._shutdown()
            raise SourceUnavailable(f"{self._name}: the source's process did not start within {OPEN_TIMEOUT_S:.0f} s")
        message = self._recv()
        if message is None or message[0] != "opened":
            self._shutdown()
            reason = message[1] if message is not None and message[0] == "error" else "its process ended"
            raise SourceUnavailable(f"{self._name}: {reason}")
        _, caps, self._name = message
        # frames arrive on their own and read() never computes: live, whatever the source
        self._caps = Capabilities(**{**{f.name: getattr(caps, f.name) for f in fields(caps)}, "is_live": True})
        self._receiver = threading.Thread(target=self._receive, name=f"process-sensor:{self._name}", daemon=True)
        self._receiver.start()

    def _recv(self) -> tuple | None:
        assert self._conn is not None
        try:
            t0_s = time.thread_time()
            data = self._conn.recv_bytes()  # the GIL is released while the pipe is read
            t1_s = time.thread_time()
            message = ForkingPickler.loads(data)  # holds the GIL: the arrays are copied out of ``data``
            self._receive_parts_ms = ((t1_s - t0_s) * 1000, (time.thread_time() - t1_s) * 1000)
            return message
        except (EOFError, OSError):
            return None

    def _receive(self) -> None:
        """The receiver thread: each message off the pipe into the slot (only the newest is kept)."""
        conn, slot, pipeline = self._conn, self._slot, self.pipeline
        assert conn is not None
        error: SensorError | None = None
        try:
            while True:
                message = self._recv()
                if message is None:
                    error = SourceUnavailable(f"{self._name}: the source's process ended")
                    break
                kind = message[0]
                if kind == "frame":
                    _, frame, snapshot, stage_ms, holds, ref = message
                    t0_s = time.thread_time()
                    if ref is not None:
                        names, shared, ring_ref = ref
                        assert self._ring is not None
                        images = self._ring.read(ring_ref)
                        if images is None:
                            continue  # overwritten before we read it: a newer frame is on its way
                        changes = dict(zip(names, images, strict=True))
                        frame = frame.with_changes(**changes)
                        if shared and snapshot is not None:
                            snapshot = dataclasses.replace(snapshot, frame=snapshot.frame.with_changes(**changes))
                    self.receive_cpu_ms.append((*self._receive_parts_ms, (time.thread_time() - t0_s) * 1000))
                    if pipeline is not None and pipeline._sensor is self:
                        pipeline._publish(frame, snapshot, stage_ms, holds)
                    slot.put(frame)
                elif kind == "end":
                    self._end_seen = True
                    break
                elif kind == "lost":
                    error = SourceUnavailable(message[1])
                    break
                elif kind == "fatal":
                    cls = getattr(errors, message[1], SensorError)
                    error = (cls if isinstance(cls, type) and issubclass(cls, SensorError) else SensorError)(message[2])
                    break
        except Exception as e:  # noqa: BLE001 - e.g. the slot closed under us: we are closing
            error = SourceUnavailable(f"{self._name}: {type(e).__name__}: {e}")
        finally:
            slot.finish(error)
            with contextlib.suppress(OSError):
                conn.close()
            if self._ring is not None:
                self._ring.close()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        frame = self._slot.take(timeout_s)  # raises the child's error once its last frame was taken
        if frame is None and self._end_seen and self._slot.finished:
            self._mark_ended()
        return frame

    def _shutdown(self) -> None:
        """Close the command pipe (the child ends at its next look) and reap the child off this thread."""
        if self.pipeline is not None and self.pipeline._sensor is self:
            self.pipeline._sensor = None
        with self._command_lock:
            commands, self._commands = self._commands, None
        if commands is not None:
            commands.close()
        self._slot.close()
        if self._receiver is None and self._conn is not None:  # no receiver owns them (open failed)
            self._conn.close()
            if self._ring is not None:
                self._ring.close()
        self._conn = None
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
