"""The camera images of a child process's newest frames, in memory both processes map.

A 640x480 colour image and depth map are 2.1 MB a frame (a 1280x720 pair
6.4 MB). Sent through a pipe they arrive in 64 kB reads, each taking
Python's GIL back, and are then unpickled under it: measured in the game's
process (``/tmp`` probe of :class:`~sensors.process_sensor.ProcessSensor`,
640x480 avatar, loaded 2-core machine) 3.5 ms of the receiving thread's CPU
to read plus 1.4 ms to unpickle per frame (p99 5.5 and 3.0 ms), and the
pipe held the child to ~15 frames a second. Through this ring the pipe
carries only the poses; the images are copied once out of shared memory
(numpy releases the GIL for a large copy).

The memory is an anonymous file (``os.memfd_create``, Linux) that the
parent creates and the child inherits: nothing named to leak, freed when
both close it. The child writes frame ``seq`` into slot ``seq % SLOTS`` under
a sequence lock (the slot's header is ``-seq`` while it is written, ``seq``
when done); the reader copies, then checks the header is still ``seq`` (a
slot overwritten meanwhile, SLOTS frames later, is dropped, never torn).
The file only grows, so a reader's mapping never points past its end.
"""

from __future__ import annotations

import mmap
import os
import struct

import numpy as np

SLOTS = 4
HEADER_BYTES = 64  #: SLOTS int64 sequence numbers, padded
ALIGN = 64
_SEQ = struct.Struct("<q")

#: a frame's images as written: (file size, slot, seq, ((offset, shape, dtype), ...) per image)
Layout = tuple[tuple[int, tuple[int, ...], str], ...]
Ref = tuple[int, int, int, Layout]


def available() -> bool:
    return hasattr(os, "memfd_create")


def create_fd() -> int:
    """A new anonymous shared-memory file (inheritable by a child given it in ``pass_fds``)."""
    return os.memfd_create("repquest-frames", 0)


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


class FrameRing:
    """One side of the ring over the memory file ``fd`` (the writer in the child, the reader in the parent)."""

    def __init__(self, fd: int, writer: bool) -> None:
        self.fd = fd
        self.writer = writer
        self.size = 0
        self.seq = 0
        self.torn = 0  #: frames whose slot was overwritten while being read (dropped)
        self.closed = False
        self._map: mmap.mmap | None = None

    def _remap(self, size: int) -> None:
        if self.writer:
            os.ftruncate(self.fd, size)
        access = mmap.ACCESS_WRITE if self.writer else mmap.ACCESS_READ
        self._map = mmap.mmap(self.fd, size, access=access)  # the old mapping goes when its arrays do
        self.size = size

    def write(self, images: list[np.ndarray]) -> Ref:
        """Copy ``images`` into the next slot; the reference the reader needs (sent with the frame)."""
        layout = []
        offset = 0
        for a in images:
            layout.append((offset, a.shape, a.dtype.str))
            offset += _aligned(a.nbytes)
        slot_bytes = offset
        need = HEADER_BYTES + SLOTS * slot_bytes
        if need > self.size:  # grows only: a reader's mapping of the old size stays valid
            self._remap(need)
        assert self._map is not None
        self.seq += 1
        slot = self.seq % SLOTS
        base = HEADER_BYTES + slot * slot_bytes
        _SEQ.pack_into(self._map, 8 * slot, -self.seq)
        for (off, shape, dtype), a in zip(layout, images, strict=True):
            dst = np.frombuffer(self._map, dtype=dtype, count=a.size, offset=base + off).reshape(shape)
            dst[...] = a
            del dst
        _SEQ.pack_into(self._map, 8 * slot, self.seq)
        return (self.size, slot, self.seq, tuple((base + off, shape, dtype) for off, shape, dtype in layout))

    def read(self, ref: Ref) -> list[np.ndarray] | None:
        """Copies of the images ``ref`` names; None when their slot was overwritten first."""
        size, slot, seq, layout = ref
        if self.closed:
            return None
        if size > self.size:
            self._remap(size)
        m = self._map
        assert m is not None
        if _SEQ.unpack_from(m, 8 * slot)[0] != seq:
            self.torn += 1
            return None
        out = [np.frombuffer(m, dtype=dtype, count=int(np.prod(shape)), offset=off).reshape(shape).copy()
               for off, shape, dtype in layout]  # fmt: skip
        if _SEQ.unpack_from(m, 8 * slot)[0] != seq:
            self.torn += 1
            return None
        return out

    def copy_into(self, ref: Ref, index: int, out: np.ndarray) -> bool:
        """Copy image ``index`` of ``ref`` into ``out`` (a writable array of its size, e.g. a view of a
        screen surface's pixels) without a copy in between; False when its slot was overwritten first
        (``out`` may then hold a torn image: the caller keeps it unseen) or the ring is closed."""
        size, slot, seq, layout = ref
        if self.closed:
            return False
        if size > self.size:
            self._remap(size)
        m = self._map
        assert m is not None
        off, shape, dtype = layout[index]
        if _SEQ.unpack_from(m, 8 * slot)[0] != seq:
            self.torn += 1
            return False
        src = np.frombuffer(m, dtype=dtype, count=int(np.prod(shape)), offset=off).reshape(shape)
        np.copyto(out, src)
        del src
        if _SEQ.unpack_from(m, 8 * slot)[0] != seq:
            self.torn += 1
            return False
        return True

    def close(self) -> None:
        """Unmap and close (harmless twice); arrays still viewing the memory keep it mapped."""
        if self.closed:
            return
        self.closed = True
        self._map = None
        os.close(self.fd)
