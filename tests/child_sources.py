"""Sources for tests that a child process can build: module-level factories (importable by name).

Their state crosses processes in files, since every reopened device is a new child.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sensors.contract import Capabilities, Sensor
from sensors.errors import RecordingError, SourceUnavailable
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, open_source
from tests.sensor_helpers import Wrapped


class Unplugged(Wrapped):
    """The real-time avatar as a live camera that fails after ``after`` frames with ``error``, once:
    the first failure leaves a marker file in ``folder``; a camera opened after it keeps delivering.
    Each open writes its process id to ``folder/opened-<n>``."""

    def __init__(self, inner: Sensor, folder: Path, after: int, fatal: bool) -> None:
        super().__init__(inner)
        self.folder, self.after, self.fatal = folder, after, fatal
        self.frames = 0

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(is_live=True, is_finite=False, has_images=True)

    def _open(self) -> None:
        n = len(list(self.folder.glob("opened-*")))
        (self.folder / f"opened-{n}").write_text(str(os.getpid()))
        self.fails = not (self.folder / "failed").exists()
        super()._open()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        if self.fails and self.frames >= self.after:
            (self.folder / "failed").write_text("")
            if self.fatal:
                raise RecordingError("brokencam: the recording is truncated after frame 40")
            raise SourceUnavailable("unpluggedcam: the camera was unplugged (no frames for 2 s)")
        frame = self.inner.read(timeout_s)
        self.frames += frame is not None
        return frame


def unplugged(target: str, options: SourceOptions) -> Sensor:
    """``unpluggedcam:FOLDER:AFTER:synthetic-target``: a camera lost after AFTER frames (reconnect mends it)."""
    folder, after, rest = target.split(":", 2)
    return Unplugged(open_source(f"synthetic:{rest}", options), Path(folder), int(after), fatal=False)


def broken(target: str, options: SourceOptions) -> Sensor:
    """``brokencam:FOLDER:AFTER:synthetic-target``: a file source that turns out corrupt (not retried)."""
    folder, after, rest = target.split(":", 2)
    return Unplugged(open_source(f"synthetic:{rest}", options), Path(folder), int(after), fatal=True)


class Silent(Wrapped):
    """A live camera that opens and never delivers a frame."""

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(is_live=True, is_finite=False, has_images=True)

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        time.sleep(timeout_s or 0.0)  # as a camera waits for a frame that never comes
        return None


def silent(target: str, options: SourceOptions) -> Sensor:
    """``silentcam:synthetic-target``: a camera that opens and stays silent."""
    return Silent(open_source(f"synthetic:{target}", options))
