"""Read ``.rq`` recordings: a validating reader and the ``recording:PATH`` sensor.

A recording is checked whole when it is opened: magic, version, header,
every record's length and CRC-32, and the end record. A file that fails any
check raises :class:`~sensors.errors.RecordingError` (or ``SourceUnavailable``
when it is missing) before a single frame is delivered, so a replay either
plays every frame bit for bit or does not start. ``allow_truncated=True``
salvages the whole frames of a file whose writer never finished.
"""

from __future__ import annotations

import json
import mmap
import time
import zlib
from pathlib import Path
from typing import Any

from sensors.contract import Capabilities, Sensor
from sensors.errors import RecordingError, SourceSpecError, SourceUnavailable
from sensors.pose import PoseFrame
from sensors.recording import format as fmt
from sensors.registry import SourceOptions


def _describe_foreign(head: bytes) -> str:
    """What a file that is not a recording looks like, for the error message."""
    if head.startswith(b"RIFF") or head[4:8] == b"ftyp" or head.startswith(b"\x1a\x45\xdf\xa3"):
        return "a video file, not a pose recording (use video:PATH for videos)"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff"):
        return "an image file, not a pose recording (use image:PATH for images)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return f"not a RepQuest pose recording (starts with {head[:8]!r}, expected {fmt.MAGIC!r})"
    return f"a text file, not a RepQuest pose recording (starts with {text[:16]!r})"


class RecordingReader:
    """Random access to the frames of a validated recording.

    Attributes: ``header`` (dict), ``frames`` (count), ``t_s`` (list of frame
    times), ``truncated`` (True only with ``allow_truncated`` on a cut-off file).
    """

    def __init__(self, path: str | Path, *, allow_truncated: bool = False) -> None:
        self.path = Path(path)
        self._mm: mmap.mmap | None = None
        self._offsets: list[int] = []
        self.t_s: list[float] = []
        self.truncated = False
        self.end_info: dict[str, Any] = {}
        try:
            size = self.path.stat().st_size
            if self.path.is_dir():
                raise SourceUnavailable(f"recording {self.path}: is a folder, expected a .rq file")
            if size == 0:
                raise RecordingError(f"recording {self.path}: empty file (0 bytes), expected a RepQuest pose recording")
            with open(self.path, "rb") as f:
                self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError as e:
            raise SourceUnavailable(f"recording {self.path}: no such file") from e
        except PermissionError as e:
            raise SourceUnavailable(f"recording {self.path}: permission denied") from e
        try:
            pos = self._read_header()
            self._scan(pos, allow_truncated)
        except BaseException:
            self.close()
            raise

    def _fail(self, problem: str) -> RecordingError:
        return RecordingError(f"recording {self.path}: {problem}")

    def _read_header(self) -> int:
        mm = self._mm
        assert mm is not None
        head = bytes(mm[: fmt.PREAMBLE.size])
        if not head.startswith(fmt.MAGIC):
            if fmt.MAGIC.startswith(head):
                raise self._fail(f"truncated inside the file header ({len(head)} bytes)")
            raise self._fail(_describe_foreign(bytes(mm[:64])))
        if len(head) < fmt.PREAMBLE.size:
            raise self._fail(f"truncated inside the file header ({len(head)} of {fmt.PREAMBLE.size} bytes)")
        _, version, _flags, header_len, header_crc = fmt.PREAMBLE.unpack(head)
        if version not in fmt.READS_VERSIONS:
            newer = "a newer RepQuest; upgrade RepQuest to read it" if version > fmt.VERSION else "an older RepQuest"
            readable = " and ".join(str(v) for v in fmt.READS_VERSIONS)
            raise self._fail(f"format version {version}, this RepQuest reads versions {readable} (written by {newer})")
        self.version = version
        start = fmt.PREAMBLE.size
        blob = bytes(mm[start : start + header_len])
        if len(blob) < header_len:
            raise self._fail(f"truncated inside the JSON header (expected {header_len - len(blob):,} more bytes)")
        if zlib.crc32(blob) != header_crc:
            raise self._fail("the JSON header is corrupt (checksum mismatch)")
        try:
            self.header: dict[str, Any] = json.loads(blob)
        except ValueError as e:
            raise self._fail(f"the JSON header does not parse: {e}") from e
        if not isinstance(self.header, dict):
            raise self._fail(f"the JSON header is a {type(self.header).__name__}, expected an object")
        return start + header_len

    def _scan(self, pos: int, allow_truncated: bool) -> None:
        mm = self._mm
        assert mm is not None
        size = len(mm)
        rec = fmt.RECORD
        while True:
            n = len(self._offsets)
            if pos == size:
                problem = f"truncated after frame {n}: the end record is missing (the recorder did not finish)"
                return self._truncated(problem, allow_truncated)
            if pos + rec.size > size:
                problem = f"truncated at frame {n} (expected at least {pos + rec.size - size:,} more bytes)"
                return self._truncated(problem, allow_truncated)
            tag, length, crc = rec.unpack_from(mm, pos)
            if tag not in (fmt.TAG_FRAME, fmt.TAG_END) or length > fmt.MAX_RECORD_BYTES:
                raise self._fail(f"corrupt record header at frame {n} (byte {pos:,}): found tag {tag!r}")
            end = pos + rec.size + length
            if end > size:
                problem = f"truncated at frame {n} (expected {end - size:,} more bytes)"
                return self._truncated(problem, allow_truncated)
            payload = mm[pos + rec.size : end]
            if zlib.crc32(payload) != crc:
                what = "the end record" if tag == fmt.TAG_END else f"frame {n}"
                raise self._fail(f"{what} is corrupt (checksum mismatch at byte {pos:,})")
            if tag == fmt.TAG_END:
                self._finish(payload, n, size - end)
                return None
            if length < fmt.FIXED.size:
                raise self._fail(f"frame {n} is corrupt (a {length}-byte record is shorter than a frame header)")
            self._offsets.append(pos)
            self.t_s.append(fmt.FIXED.unpack_from(payload)[0])
            pos = end

    def _truncated(self, problem: str, allow_truncated: bool) -> None:
        if not allow_truncated:
            raise self._fail(problem)
        self.truncated = True

    def _finish(self, payload: bytes, n: int, trailing: int) -> None:
        try:
            self.end_info = json.loads(payload)
        except ValueError as e:
            raise self._fail(f"the end record does not parse: {e}") from e
        counted = self.end_info.get("frames") if isinstance(self.end_info, dict) else None
        if counted != n:
            raise self._fail(f"the end record counts {counted} frames, the file holds {n}")
        if trailing:
            raise self._fail(f"{trailing:,} unexpected bytes after the end record")

    # -- access ------------------------------------------------------------------
    @property
    def frames(self) -> int:
        return len(self._offsets)

    @property
    def has_images(self) -> bool:
        return self.header.get("images") is not None

    def frame(self, i: int, images: bool = False) -> PoseFrame:
        """Frame ``i`` (0-based); ``images`` decodes rgb/depth when the file has them."""
        if self._mm is None:
            raise RecordingError(f"recording {self.path}: read after close()")
        pos = self._offsets[i]
        _, length, _ = fmt.RECORD.unpack_from(self._mm, pos)
        start = pos + fmt.RECORD.size
        try:
            return fmt.decode_frame(self._mm[start : start + length], images, self.version)
        except (fmt.FormatError, ValueError) as e:
            raise self._fail(f"frame {i} does not decode: {e}") from e

    def close(self) -> None:
        if self._mm is not None:
            self._mm.close()
            self._mm = None


class RecordingSensor(Sensor):
    """Replays a recording: every frame, in order, bit for bit.

    ``realtime=True`` paces frames by their ``t_s`` (never drops one);
    ``images=True`` decodes the recorded rgb/depth.
    """

    scheme = "recording"

    def __init__(self, path: str | Path, *, images: bool = False, realtime: bool = False) -> None:
        super().__init__()
        self._reader = RecordingReader(path)
        self._images = images
        self._realtime = realtime
        self._next = 0
        self._wall0: float | None = None
        caps = self._reader.header.get("capabilities") or {}
        self._caps = Capabilities(
            has_depth=bool(caps.get("has_depth", False)),
            has_imu=bool(caps.get("has_imu", False)),
            has_images=self._reader.has_images,
            nominal_fps=float(caps.get("nominal_fps", 30.0)),
            is_live=False,
            is_finite=True,
            # a stage the recorded source already ran: the pipeline skips it on replay, as it did live
            # (an old file's "locks_player" is ignored: the pipeline's lock is the only one now)
            fuses_depth=bool(caps.get("fuses_depth", False)),
        )

    @property
    def header(self) -> dict[str, Any]:
        """The recording's JSON header (source, capabilities, image size, intrinsics, creation)."""
        return self._reader.header

    @property
    def intrinsics(self) -> dict[str, Any] | None:
        """The camera intrinsics the recorded source reported, if any."""
        value = self._reader.header.get("intrinsics")
        return fmt.meta_from_json(value) if value else None

    @property
    def frame_count(self) -> int:
        return self._reader.frames

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def describe(self) -> str:
        return f"recording:{self._reader.path}"

    def _open(self) -> None:
        self._next = 0

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        i = self._next
        if i >= self._reader.frames:
            self._mark_ended()
            return None
        if self._realtime:
            now = time.monotonic()
            if self._wall0 is None:
                self._wall0 = now
            wait_s = self._wall0 + (self._reader.t_s[i] - self._reader.t_s[0]) - now
            if wait_s > 0:
                if timeout_s is not None and wait_s > timeout_s:
                    time.sleep(timeout_s)
                    return None
                time.sleep(wait_s)
        frame = self._reader.frame(i, self._images)
        self._next = i + 1
        if self._next >= self._reader.frames:
            self._mark_ended()
        return frame

    def _close(self) -> None:
        self._reader.close()


def open_source(target: str, options: SourceOptions) -> Sensor:
    """Factory for ``recording:PATH`` (registered in ``sensors.registry``)."""
    if not target.strip():
        raise SourceSpecError("source 'recording': expected recording:PATH, e.g. recording:/tmp/squat.rq")
    return RecordingSensor(Path(target).expanduser(), images=options.images, realtime=bool(options.realtime))
