"""``realsense-file:PATH``: a RealSense recording played through a real ``rs.pipeline``.

The pip wheel of pyrealsense2 (2.59) reads rosbag2 ``.db3`` recordings (and
the older rosbag1 ``.bag``). Playback is never real-time inside librealsense;
when ``SourceOptions.realtime`` is set this source paces frames by their own
timestamps and skips frames it is late for. Frame times (``t_s``) are the
recording's colour timestamps, starting at 0 s; in real-time mode ``t_s`` is
the monotonic time the frame was due, like a camera's capture time. Either
way ``meta['file_t_s']`` holds the recording time.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sensors.contract import Capabilities
from sensors.errors import SourceSpecError, SourceUnavailable
from sensors.realsense._rs import first_line
from sensors.realsense._stream import POLL_S, RealSenseSensor, split_target
from sensors.realsense.fusion import FusionParams
from sensors.realsense.imu import MotionStream
from sensors.registry import SourceOptions

SQLITE_MAGIC = b"SQLite format 3\x00"
ROSBAG1_MAGIC = b"#ROSBAG V2.0"


def check_recording_file(path: Path) -> None:
    """Raise :class:`SourceUnavailable` (one line naming ``path``) unless it looks like a RealSense recording."""
    where = f"RealSense recording {path}"
    if not path.exists():
        raise SourceUnavailable(f"{where}: file not found; expected a .db3 (or .bag) file written by a RealSense")
    if not path.is_file():
        raise SourceUnavailable(f"{where}: not a file")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as e:
        raise SourceUnavailable(f"{where}: cannot read it ({e.strerror})") from e
    if not head:
        raise SourceUnavailable(f"{where}: the file is empty")
    if head.startswith(ROSBAG1_MAGIC):
        return
    if head != SQLITE_MAGIC:
        raise SourceUnavailable(
            f"{where}: not a RealSense recording (expected a rosbag2 .db3 SQLite file or a rosbag1 .bag, "
            f"found a file starting {head[:8]!r})"
        )
    try:
        # contextlib.closing: `with connection` alone commits but leaves the file open
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"messages", "topics"} <= tables:
                raise SourceUnavailable(f"{where}: a SQLite file but not a rosbag2 recording (no messages/topics)")
            db.execute("SELECT count(*) FROM messages").fetchone()
    except sqlite3.DatabaseError as e:
        raise SourceUnavailable(f"{where}: corrupt or truncated ({e})") from e


def start_playback(rs: Any, path: Path, before_start: Callable[[Any, Any], None] | None = None) -> tuple[Any, Any, Any]:
    """Start a paused, non-real-time ``rs.pipeline`` on a recording: ``(pipeline, profile, playback)``.

    ``before_start(device, colour_profile)`` runs on the paused playback device before the
    pipeline starts (the IMU's own queue is opened there: a motion sensor started later
    misses the first frames).

    Call ``playback.resume()`` to let frames flow. librealsense raises RuntimeError for bad files.

    Why paused and resolved first: a pipeline on a file plays in real time from
    the moment it starts, and the depth and colour sensors start one after the
    other; frames played before ``set_real_time(False)`` or before the second
    sensor started are lost (seen as a missing first frame). The playback device
    belongs to the config's context and is reused by ``start()``, so it can be
    switched and paused before anything plays.
    """
    pipeline = rs.pipeline()
    config = rs.config()
    config.enable_device_from_file(str(path), repeat_playback=False)
    config.enable_stream(rs.stream.color)  # only these: an IMU gets its own queue (imu.py)
    config.enable_stream(rs.stream.depth)
    try:
        resolved = config.resolve(rs.pipeline_wrapper(pipeline))
    except RuntimeError:  # no colour or no depth: play what there is, the caller names what is missing
        pipeline, config = rs.pipeline(), rs.config()
        config.enable_device_from_file(str(path), repeat_playback=False)
        resolved = config.resolve(rs.pipeline_wrapper(pipeline))
    kinds = {s.stream_type() for s in resolved.get_streams()}
    player = resolved.get_device().as_playback()
    player.set_real_time(False)
    player.pause()
    if before_start is not None and rs.stream.color in kinds:
        before_start(resolved.get_device(), resolved.get_stream(rs.stream.color))
    profile = pipeline.start(config)
    try:
        playback = profile.get_device().as_playback()
        playback.set_real_time(False)
    except BaseException:
        pipeline.stop()
        raise
    return pipeline, profile, playback


class RealSenseFileSensor(RealSenseSensor):
    """Colour + depth from a recording -> MediaPipe pose -> depth fusion."""

    scheme = "realsense-file"

    def __init__(
        self, path: Path, options: SourceOptions, fusion: FusionParams | None = None, orientation: str = "auto"
    ) -> None:
        super().__init__(options, fusion, orientation)
        self.path = Path(path)
        self._realtime = bool(options.realtime)
        self._playback: Any = None
        self._last_colour_ms: float | None = None
        self._first_ts_ms: float | None = None
        self._last_t_s = 0.0
        self._file_t_s = 0.0
        self._ordinal = -1
        self._wall_start: float | None = None
        self._fps = 30.0

    def describe(self) -> str:
        return f"realsense-file:{self.path}"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            has_depth=True, has_images=True, nominal_fps=self._fps, is_live=False, is_finite=True, fuses_depth=True,
            has_imu=self.has_imu,
        )  # fmt: skip

    @property
    def _lossless(self) -> bool:
        return not self._realtime

    def _start_pipeline(self) -> tuple[Any, Any]:
        rs = self._rs
        check_recording_file(self.path)
        where = f"RealSense recording {self.path}"
        try:
            pipeline, profile, self._playback = start_playback(rs, self.path, self._open_imu)
        except RuntimeError as e:
            raise SourceUnavailable(f"{where}: librealsense cannot play it ({first_line(e)})") from e
        try:
            kinds = {s.stream_type() for s in profile.get_streams()}
            missing = [
                name for name, kind in (("colour", rs.stream.color), ("depth", rs.stream.depth)) if kind not in kinds
            ]
            if missing:
                found = ", ".join(sorted(str(k).split(".")[-1] for k in kinds)) or "none"
                raise SourceUnavailable(
                    f"{where}: no {' and no '.join(missing)} stream (found: {found}); "
                    "RepQuest needs colour and depth recorded together"
                )
            colour = profile.get_stream(rs.stream.color).as_video_stream_profile()
            if colour.format() not in (rs.format.rgb8, rs.format.bgr8, rs.format.rgba8, rs.format.bgra8):
                raise SourceUnavailable(
                    f"{where}: colour is recorded as {colour.format().name}; expected rgb8, bgr8, rgba8 or bgra8 "
                    "(record with the colour stream in an RGB/BGR format)"
                )
            self._fps = float(colour.fps()) or 30.0
        except BaseException:
            pipeline.stop()
            raise
        return pipeline, profile

    def _open_imu(self, device: Any, colour_profile: Any) -> None:
        self._motion = MotionStream.open_on(device, colour_profile, self._rs, playback=True)

    def _begin(self) -> None:
        self._playback.resume()

    def _stream_ended(self) -> bool:
        return bool(self._playback.current_status() == self._rs.playback_status.stopped)

    def _next_frameset(self) -> tuple[Any, int, float] | None:
        ok, frameset = self._pipeline.try_wait_for_frames(int(POLL_S * 1000))
        if not ok:
            if self._playback.current_status() == self._rs.playback_status.stopped:
                self._finish()
            return None
        colour = frameset.get_color_frame()
        if not colour:
            return None
        ts_ms = float(colour.get_timestamp())
        if self._last_colour_ms is not None and ts_ms <= self._last_colour_ms:
            return None  # a frameset that only brought new depth (or a stale one from before the rewind)
        self._last_colour_ms = ts_ms
        self._ordinal += 1
        if self._first_ts_ms is None:
            self._first_ts_ms = ts_ms
        t_s = max((ts_ms - self._first_ts_ms) / 1000.0, self._last_t_s)  # never goes back
        self._last_t_s = t_s
        self._file_t_s = t_s
        if self._realtime:
            if not self._pace(t_s):
                return None
            t_s = time.monotonic()  # real time: a capture time on the game's clock, like a camera
        return frameset, self._ordinal, t_s

    def _pace(self, t_s: float) -> bool:
        """Real-time mode: wait until ``t_s`` on the wall clock; False for a frame we are late for."""
        now = time.monotonic()
        if self._wall_start is None:
            self._wall_start = now - t_s
        wait_s = self._wall_start + t_s - now
        if wait_s > 0:
            self._stop.wait(wait_s)
            return True
        return -wait_s <= 1.0 / self._fps

    def _extra_meta(self) -> dict[str, Any]:
        return {"source_file": str(self.path), "file_t_s": self._file_t_s}


def open_file(target: str, options: SourceOptions) -> RealSenseFileSensor:
    """Registry factory for ``realsense-file:PATH[,surface_offset=...][,orientation=...]``."""
    path_text, fusion, orientation = split_target(target, "realsense-file")
    if not path_text.strip():
        raise SourceSpecError("source 'realsense-file': expected a file, e.g. realsense-file:session.db3")
    return RealSenseFileSensor(Path(path_text).expanduser(), options, fusion, orientation)
