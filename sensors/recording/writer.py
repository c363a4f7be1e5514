"""Write pose frames to a ``.rq`` file.

>>> with RecordingWriter("/tmp/squat.rq", source="synthetic:squat") as rec:
...     for frame in sensor:
...         rec.write(frame)

The header is written with the first frame (it needs the image size); the
end record on :meth:`RecordingWriter.close`. A file whose writer never closed
(a crash, a full disk) has no end record and the reader reports it truncated.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import platform
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from sensors.contract import Capabilities
from sensors.errors import RecordingError
from sensors.pose import PoseFrame
from sensors.recording import format as fmt


def _repquest_version() -> str:
    try:
        from importlib.metadata import version

        return version("repquest")
    except Exception:  # noqa: BLE001 - not installed: still record
        return "unknown"


class RecordingWriter:
    """Appends frames to a new recording at ``path`` (an existing file is replaced).

    ``images``: None records pose only; an :class:`~sensors.recording.format.ImageCodec`
    also records each frame's ``rgb`` (JPEG lossy by default, PNG lossless) and
    ``depth_m`` (always lossless). ``intrinsics`` and ``extra`` go into the JSON header.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        source: str = "",
        capabilities: Capabilities | None = None,
        images: fmt.ImageCodec | None = None,
        intrinsics: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self._codec = images
        self._header: dict[str, Any] = {
            "format": "repquest-pose-recording",
            "version": fmt.VERSION,
            "source": source,
            "capabilities": dataclasses.asdict(capabilities or Capabilities()),
            "images": images.describe() if images else None,
            "intrinsics": fmt.meta_to_json(dict(intrinsics), "intrinsics") if intrinsics else None,
            "created": {
                "utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "repquest": _repquest_version(),
                "python": platform.python_version(),
            },
            **(fmt.meta_to_json(dict(extra), "extra") if extra else {}),
        }
        try:
            self._file: BinaryIO | None = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        except OSError as e:
            raise RecordingError(f"recording {self.path}: cannot create it: {e.strerror or e}") from e
        self._header_written = False
        self.frames = 0
        self.bytes_written = 0
        self.first_t_s: float | None = None
        self.last_t_s: float | None = None

    @property
    def duration_s(self) -> float:
        """Source time from the first to the last frame written."""
        return 0.0 if self.first_t_s is None or self.last_t_s is None else self.last_t_s - self.first_t_s

    def _put(self, data: bytes) -> None:
        assert self._file is not None
        try:
            self._file.write(data)
        except OSError as e:
            raise RecordingError(f"recording {self.path}: write failed: {e.strerror or e}") from e
        self.bytes_written += len(data)

    def _write_header(self, image_size_px: tuple[int, int] | None) -> None:
        self._header["image_size_px"] = list(image_size_px) if image_size_px else None
        self._header["fps"] = self._header["capabilities"]["nominal_fps"]
        blob = json.dumps(self._header, sort_keys=True).encode()
        self._put(fmt.PREAMBLE.pack(fmt.MAGIC, fmt.VERSION, 0, len(blob), zlib.crc32(blob)) + blob)
        self._header_written = True

    def _put_record(self, tag: bytes, payload: bytes) -> None:
        self._put(fmt.RECORD.pack(tag, len(payload), zlib.crc32(payload)) + payload)

    def write(self, frame: PoseFrame) -> None:
        """Append one frame (pose fields exactly; images as the codec says)."""
        if self._file is None:
            raise RecordingError(f"recording {self.path}: write() after close()")
        if not self._header_written:
            self._write_header(frame.image_size_px)
        try:
            payload = fmt.encode_frame(frame, self._codec)
        except fmt.FormatError as e:
            raise RecordingError(f"recording {self.path}: frame {frame.index}: {e}") from e
        self._put_record(fmt.TAG_FRAME, payload)
        self.frames += 1
        if self.first_t_s is None:
            self.first_t_s = frame.t_s
        self.last_t_s = frame.t_s

    def close(self) -> None:
        """Write the end record and close the file; harmless twice."""
        if self._file is None:
            return
        try:
            if not self._header_written:
                self._write_header(None)
            end = {"frames": self.frames, "duration_s": self.duration_s}
            self._put_record(fmt.TAG_END, json.dumps(end).encode())
        finally:
            self._file.close()
            self._file = None

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
