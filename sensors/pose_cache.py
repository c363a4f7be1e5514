"""Cache the pose stream of a video file as a ``.rq`` recording.

Running MediaPipe over a clip costs ~20 ms a frame; analysing, tuning and
benchmarking the form engine on the same clip again should not pay it twice.

>>> from sensors.pose_cache import cached_poses
>>> rq = cached_poses(Path("clips/squat_side_a.mp4"))   # runs inference once
>>> open_source(f"recording:{rq}")                     # replays the poses

The cache key is the SHA-256 of the video file's bytes, the mediapipe
version and :data:`CACHE_FORMAT_VERSION` (bump it when the ``video:``
source's output changes, e.g. new orientation logic), so an edited file, a
new mediapipe or a new pipeline never reuses stale poses. Files are written
under a temporary name and renamed into place, so a crash never leaves a
truncated cache entry and two processes can fill the cache at once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sensors.errors import SourceUnavailable
from sensors.pose import PoseFrame

#: bump whenever the poses the ``video:`` source produces for the same file change
CACHE_FORMAT_VERSION = 5  # 5: the video source no longer locks the player (the pipeline does)
#: where the cache lives unless ``cache_dir`` is given
CACHE_DIR_ENV = "REPQUEST_CACHE_DIR"
DEFAULT_CACHE_DIR = Path("~/.cache/repquest/poses")
_CHUNK_BYTES = 1 << 20


def default_cache_dir() -> Path:
    """``$REPQUEST_CACHE_DIR`` or ``~/.cache/repquest/poses``."""
    env = os.environ.get(CACHE_DIR_ENV)
    return Path(env).expanduser() if env else DEFAULT_CACHE_DIR.expanduser()


def mediapipe_version() -> str:
    try:
        return version("mediapipe")
    except PackageNotFoundError:
        return "none"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK_BYTES):
            h.update(chunk)
    return h.hexdigest()


def cache_key(video_path: Path, sha256: str | None = None, smoothing: bool = True) -> str:
    """Hex key of (file content, mediapipe version, cache-format version, MediaPipe's landmark
    smoothing when off); ``sha256``: the content hash when the caller already has it (hashing a
    long video takes a while)."""
    h = hashlib.sha256()
    h.update((sha256 or file_sha256(video_path)).encode())
    h.update(f"|mediapipe={mediapipe_version()}|format={CACHE_FORMAT_VERSION}".encode())
    if not smoothing:
        h.update(b"|smoothing=off")
    return h.hexdigest()


def cache_path(
    video_path: Path, cache_dir: Path | None = None, sha256: str | None = None, smoothing: bool = True
) -> Path:
    """Where the poses of ``video_path`` are (or would be) cached; reads the file to hash it
    unless its ``sha256`` is given."""
    video_path = Path(video_path)
    _check_file(video_path)
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return directory / f"{video_path.stem}.{cache_key(video_path, sha256, smoothing)[:24]}.rq"


def is_cached(
    video_path: Path, cache_dir: Path | None = None, sha256: str | None = None, smoothing: bool = True
) -> bool:
    return cache_path(video_path, cache_dir, sha256, smoothing).is_file()


def _check_file(video_path: Path) -> None:
    if not video_path.exists():
        raise SourceUnavailable(f"video {video_path}: no such file")
    if not video_path.is_file():
        raise SourceUnavailable(f"video {video_path}: expected a video file, found a directory")


def cached_poses(
    video_path: Path,
    cache_dir: Path | None = None,
    on_frame: Callable[[int], None] | None = None,
    sha256: str | None = None,
    smoothing: bool = True,
) -> Path:
    """The ``.rq`` recording of ``video_path``'s pose stream, computing it on a miss.

    On a miss the real ``video:`` source (MediaPipe) runs over the whole clip
    as fast as it can; ``on_frame(n)`` is called after each frame (progress).
    ``smoothing=False``: with MediaPipe's own landmark filter off (``bench smoothing``).
    Raises :class:`~sensors.errors.SourceUnavailable` when the file is missing
    or decodes to no frames.
    """
    from sensors.recording.writer import RecordingWriter
    from sensors.registry import SourceOptions, open_source

    video_path = Path(video_path)
    _check_file(video_path)
    sha256 = sha256 or file_sha256(video_path)  # hashed once per call
    target = cache_path(video_path, cache_dir, sha256, smoothing)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    spec = f"video:{video_path}" if smoothing else f"video:{video_path},smoothing=off"
    extra = {
        "pose_cache": {
            "video": str(video_path),
            "video_sha256": sha256,
            "mediapipe": mediapipe_version(),
            "cache_format": CACHE_FORMAT_VERSION,
            "smoothing": smoothing,
        }
    }
    try:
        with open_source(spec, SourceOptions(images=False, realtime=False)) as sensor:
            writer = RecordingWriter(tmp, source=spec, capabilities=sensor.capabilities, extra=extra)
            try:
                for n, frame in enumerate(sensor, start=1):
                    writer.write(frame)
                    if on_frame is not None:
                        on_frame(n)
            finally:
                writer.close()
        if writer.frames == 0:
            raise SourceUnavailable(f"video {video_path}: no frame could be decoded; is it a video file?")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def cached_frames(video_path: Path, cache_dir: Path | None = None, smoothing: bool = True) -> list[PoseFrame]:
    """Every pose frame of ``video_path``'s cached recording (computed on a miss), in order."""
    return recording_frames(cached_poses(video_path, cache_dir, smoothing=smoothing))


def recording_frames(path: Path) -> list[PoseFrame]:
    """Every pose frame of the recording at ``path`` (e.g. what :func:`cached_poses` returned), in order."""
    from sensors.recording.reader import RecordingReader

    reader = RecordingReader(path)
    try:
        return [reader.frame(i) for i in range(reader.frames)]
    finally:
        reader.close()
