"""The messages of a :class:`multiprocessing.connection.Connection`'s pipe, read without ever waiting.

The game takes its source's frames on the loop thread, once a frame, so the
read must never block: not for a message the child is still writing (a
message over 16 kB goes as a header and a body in two writes, and the child
may be descheduled between them), not for a child that hangs. The pipe is
made non-blocking; whatever bytes are there are kept, and only whole
messages are returned. The framing is ``Connection.send_bytes``': a
big-endian int32 length (or -1 and an int64 length), then the bytes.
"""

from __future__ import annotations

import os
import select
import struct

_LEN = struct.Struct("!i")
_LONG_LEN = struct.Struct("!Q")
READ_BYTES = 1 << 20


class PipeReader:
    """Reads whole messages from the pipe ``fd`` (owned: closed by :meth:`close`)."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.eof = False  #: the writer closed its end (the child exited) and every byte was read
        self._buf = bytearray()
        self._closed = False

    def messages(self) -> list[bytes]:
        """Every whole message that has arrived since the last call (oldest first); never waits."""
        if self._closed:
            return []
        while not self.eof:
            try:
                chunk = os.read(self.fd, READ_BYTES)
            except BlockingIOError:
                break
            except OSError:
                self.eof = True
                break
            if not chunk:
                self.eof = True
                break
            self._buf += chunk
        out: list[bytes] = []
        buf, pos = self._buf, 0
        while len(buf) - pos >= _LEN.size:
            (n,) = _LEN.unpack_from(buf, pos)
            head = _LEN.size
            if n == -1:
                if len(buf) - pos < head + _LONG_LEN.size:
                    break
                (n,) = _LONG_LEN.unpack_from(buf, pos + head)
                head += _LONG_LEN.size
            if len(buf) - pos - head < n:
                break
            out.append(bytes(buf[pos + head : pos + head + n]))
            pos += head + n
        if pos:
            del buf[:pos]
        return out

    def wait(self, timeout_s: float) -> None:
        """Sleep until bytes arrive (or the writer closes) or ``timeout_s`` passes."""
        if self._closed or self.eof:
            return
        select.select([self.fd], [], [], max(0.0, timeout_s))

    def close(self) -> None:
        """Close the pipe (harmless twice)."""
        if not self._closed:
            self._closed = True
            os.close(self.fd)
