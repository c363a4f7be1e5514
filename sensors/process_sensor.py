"""A source run in a child process, like a camera: its frames arrive, its work is not in our process.

A webcam captures in the camera and in C code, and MediaPipe infers in C++;
neither holds Python's GIL for long. The synthetic avatar renders its RGB and
depth images in numpy, a few milliseconds of GIL per frame, which in the
game's process steal time from the render loop. :class:`ProcessSensor`
opens any registered source by name in a child Python process (a fresh
interpreter given the parent's ``sys.path``; no ``multiprocessing`` start
method, so no main module is imported again) and the child sends each frame
through a pipe; :meth:`read` returns the newest frame that arrived, dropping
older ones, as a live camera does. The child ends when it is closed, and by
itself when the parent goes away (its pipe breaks).

Only sources known by name in a fresh interpreter work here (built-in
schemes and plugins, not sources registered at run time).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import time
from dataclasses import fields
from multiprocessing.connection import Connection
from typing import Any

from sensors.contract import Capabilities, Sensor
from sensors.errors import SourceUnavailable
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, open_source

OPEN_TIMEOUT_S = 60.0  #: a fresh interpreter imports numpy and the source (seconds on a loaded machine)
CHILD_READ_TIMEOUT_S = 0.05


def pack(frame: PoseFrame) -> dict[str, Any]:
    """A frame as plain picklable values (``meta`` is a read-only mapping proxy in a frame)."""
    out = {f.name: getattr(frame, f.name) for f in fields(frame)}
    out["meta"] = dict(frame.meta)
    return out


#: the child's first lines: the parent's path, then this module (its arguments come on stdin)
BOOT = (
    "import pickle, sys; a = pickle.load(sys.stdin.buffer); sys.path[:0] = a['path']; "
    "from sensors.process_sensor import child_main; child_main(a['fd'], a['payload'])"
)


def child_main(fd: int, payload: bytes) -> None:
    """In the child: ``payload`` is the pickled (spec, options); frames go out on file descriptor ``fd``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes the child
    spec, options = pickle.loads(payload)
    _child(spec, options, Connection(fd, readable=False))


def _child(spec: str, options: SourceOptions, conn: Connection) -> None:
    """Open ``spec``, send ("opened", capabilities, name), then ("frame", ...) until the parent goes away."""
    try:
        sensor = open_source(spec, options).open()
    except Exception as e:  # noqa: BLE001 - sent to the parent, which raises it as SourceUnavailable
        conn.send(("error", str(e) or type(e).__name__))
        return
    try:
        conn.send(("opened", sensor.capabilities, sensor.describe()))
        while True:
            frame = sensor.read(timeout_s=CHILD_READ_TIMEOUT_S)
            if frame is not None:
                conn.send(("frame", pack(frame)))
            elif sensor.ended:
                conn.send(("end",))
                return
    except (BrokenPipeError, EOFError, ConnectionResetError):
        return  # the parent went away
    except Exception as e:  # noqa: BLE001 - the source broke: tell the parent
        with contextlib.suppress(OSError):
            conn.send(("error", f"{sensor.describe()}: {type(e).__name__}: {e}"))
    finally:
        sensor.close()


class ProcessSensor(Sensor):
    """The source named ``spec`` (opened with ``options``) running in a child process."""

    def __init__(self, spec: str, options: SourceOptions | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.options = options or SourceOptions()
        self._caps = Capabilities()
        self._name = spec.split(",", 1)[0]
        self._conn: Connection | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self.dropped = 0  #: frames that arrived but were never returned (a newer one came first)

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def describe(self) -> str:
        return self._name

    @property
    def pid(self) -> int | None:
        """The child's process id (None before open)."""
        return self._proc.pid if self._proc is not None else None

    def _open(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", BOOT], stdin=subprocess.PIPE, pass_fds=(write_fd,), close_fds=True
            )
        except OSError as e:
            os.close(read_fd)
            raise SourceUnavailable(f"{self._name}: could not start its process: {e}") from e
        finally:
            os.close(write_fd)  # the child holds the writing end; EOF here once it exits
        self._conn = Connection(read_fd, writable=False)
        assert self._proc.stdin is not None
        args = {"path": list(sys.path), "fd": write_fd, "payload": pickle.dumps((self.spec, self.options))}
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
        _, self._caps, self._name = message

    def _recv(self) -> tuple | None:
        assert self._conn is not None
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            return None

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        assert self._conn is not None
        newest: dict[str, Any] | None = None
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            if newest is not None:
                wait_s: float | None = 0.0  # take what else has arrived, do not wait for more
            else:
                wait_s = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._conn.poll(wait_s):
                break
            message = self._recv()
            if message is None:
                raise SourceUnavailable(f"{self._name}: the source's process ended")
            kind = message[0]
            if kind == "frame":
                self.dropped += newest is not None
                newest = message[1]
            elif kind == "end":
                self._mark_ended()
                break
            elif kind == "error":
                raise SourceUnavailable(message[1])
            if deadline is not None and newest is None and time.monotonic() >= deadline:
                break
        return PoseFrame(**newest) if newest is not None else None

    def _shutdown(self) -> None:
        if self._conn is not None:
            self._conn.close()  # the child's next send fails: it closes its source and ends
            self._conn = None
        proc = self._proc
        if proc is not None:
            try:
                proc.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=2.0)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def _close(self) -> None:
        self._shutdown()
