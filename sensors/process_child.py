"""The child side of :class:`~sensors.process_sensor.ProcessSensor`: read the source, run the pipeline, send.

Each frame goes to the parent as a pickled message on a pipe; its images go
through the shared-memory ring (:mod:`sensors.frame_ring`). When the parent
asked for a screen image (:class:`~sensors.display_image.DisplayTarget`), the
colour image is scaled and converted here and sent in its place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import signal
from dataclasses import fields
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from sensors import frame_ring
from sensors.contract import Sensor
from sensors.display_image import BRIGHTNESS, DisplayTarget, brightness, to_display
from sensors.errors import SensorError, SourceUnavailable
from sensors.frame_ring import FrameRing
from sensors.pipeline.pipeline import PipelineConfig, PosePipeline
from sensors.pose import PoseFrame
from sensors.registry import SensorFactory, SourceOptions
from sensors.tracking.snapshot import TrackerSnapshot

CHILD_READ_TIMEOUT_S = 0.05  #: the child looks at its commands (and for a parent gone) at least this often
IMAGES = ("rgb", "depth_m")  #: the frame's fields that cross in shared memory (the rest is pickled)
DISPLAY = "display"  #: the ring's name for the screen image (not a frame field)
#: the images of a frame: (names: fields and perhaps DISPLAY, shared with the snapshot's frame, the ring's reference)
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


def child_main(fd: int, cmd_fd: int, ring_fd: int | None, payload: bytes) -> None:
    """In the child: frames go out on file descriptor ``fd`` (their images in the ring ``ring_fd``, if
    any), commands come in on ``cmd_fd``; ``payload`` is the pickled (factory, target, options, pipeline
    config or None, holds, the image fields the parent wants, the display target or None, the niceness
    to take once the source is open)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes the child
    factory, target, options, config, holds, images, display, nice = pickle.loads(payload)
    ring = FrameRing(ring_fd, writer=True) if ring_fd is not None else None
    child = _Child(Connection(fd, readable=False), Connection(cmd_fd, writable=False), ring, images)
    child.display = display
    child.nice = nice
    child.run(factory, target, options, config, holds)


def renice(increment: int) -> None:
    """Lower the priority of every thread of this process by ``increment`` (Linux sets it per thread; a
    source's own threads, started while it opened, are included). Where that is not allowed: left as is."""
    if increment == 0:
        return
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        tids = [0]
    for tid in tids:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + increment)


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
        #: the parent's screen image (size, pixel format, mirror); None: it wants the colour image itself
        self.display: DisplayTarget | None = None
        self.nice = 0  #: how much to lower this process's priority once the source is open

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
            renice(self.nice)  # opened at the parent's priority; from now on the parent's loop runs first
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
            holds = pipeline.tracker.config.holds
            self._send(frame, pipeline.snapshot, pipeline.stage_ms, holds)

    def _send(self, frame: PoseFrame, snapshot: TrackerSnapshot | None, stage_ms: dict[str, float],
              holds: bool) -> None:  # fmt: skip
        """One frame to the parent: its images through the ring (when there is one), the rest pickled.
        With a display target, the colour image goes as the display image instead (ring only)."""
        ref: ImagesRef | None = None
        display = self.display if self.ring is not None and frame.rgb is not None else None
        shown = to_display(frame.rgb, display) if display is not None and frame.rgb is not None else None
        if shown is not None:  # the parent sees no colour image: what its light check needs of it
            assert frame.rgb is not None
            frame = frame.with_changes(meta={**frame.meta, BRIGHTNESS: brightness(frame.rgb)})
        wanted = tuple(n for n in self.images if not (shown is not None and n == "rgb"))
        dropped = {n: None for n in IMAGES if n not in wanted and getattr(frame, n) is not None}
        if dropped:  # not wanted in the parent
            shared = snapshot is not None and all(getattr(snapshot.frame, n) is getattr(frame, n) for n in dropped)
            if snapshot is not None and shared:
                snapshot = dataclasses.replace(snapshot, frame=snapshot.frame.with_changes(**dropped))
            frame = frame.with_changes(**dropped)
        names = tuple(n for n in IMAGES if getattr(frame, n) is not None)
        if self.ring is not None and (names or shown is not None):
            arrays = [getattr(frame, n) for n in names]
            if shown is not None:
                arrays.append(shown)
            ring_ref = self.ring.write(arrays)
            stripped = dict.fromkeys(names)
            # the snapshot's frame (the tracker's input) shares the images: sent once, put back in the parent
            shared = snapshot is not None and all(getattr(snapshot.frame, n) is getattr(frame, n) for n in names)
            if shared:
                assert snapshot is not None
                snapshot = dataclasses.replace(snapshot, frame=snapshot.frame.with_changes(**stripped))
            frame = frame.with_changes(**stripped)
            ref = (names if shown is None else (*names, DISPLAY), shared, ring_ref)
        self.out.send(("frame", frame, snapshot, stage_ms, holds, ref, display))

    def _obey(self) -> None:
        """Apply the parent's commands; raise :class:`_ParentGone` when its pipe has ended."""
        while self.commands.poll(0):
            try:
                command, *args = self.commands.recv()
            except (EOFError, OSError) as e:
                raise _ParentGone from e
            # a device lost and reopened is a new child, with a fresh pipeline (no "reset")
            if command == "holds" and self.pipeline is not None:
                self.pipeline.set_holds(bool(args[0]))
            elif command == "display":
                self.display = args[0]
