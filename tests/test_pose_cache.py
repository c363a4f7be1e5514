"""The pose cache: a video's pose stream is computed once and keyed by content + versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors import pose_cache
from sensors.errors import SensorError, SourceUnavailable
from sensors.pose_cache import cache_path, cached_poses, default_cache_dir, is_cached
from sensors.recording import RecordingReader


def write_video(path: Path, frames: int = 12, shade: int = 40, size_px: tuple[int, int] = (160, 120)) -> Path:
    """A small real MJPG .avi (an empty room: no person in it)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, size_px)
    assert writer.isOpened()
    for i in range(frames):
        img = np.full((size_px[1], size_px[0], 3), shade, np.uint8)
        cv2.rectangle(img, (5 + i, 5), (30 + i, 40), (200, 180, 90), -1)
        writer.write(img)
    writer.release()
    return path


@pytest.fixture
def video(tmp_path: Path) -> Path:
    return write_video(tmp_path / "room.avi")


def test_miss_writes_a_recording_with_every_frame_of_the_video(video: Path, tmp_path: Path) -> None:
    rq = cached_poses(video, tmp_path / "cache")
    reader = RecordingReader(rq)
    try:
        assert reader.frames == 12
        assert reader.header["pose_cache"]["video_sha256"] == pose_cache.file_sha256(video)
    finally:
        reader.close()


def test_hit_returns_the_same_file_without_rewriting_it(video: Path, tmp_path: Path) -> None:
    first = cached_poses(video, tmp_path / "cache")
    stamp = first.stat().st_mtime_ns
    assert is_cached(video, tmp_path / "cache")
    second = cached_poses(video, tmp_path / "cache")
    assert second == first
    assert second.stat().st_mtime_ns == stamp


def test_key_changes_when_the_file_content_changes(video: Path, tmp_path: Path) -> None:
    before = cache_path(video, tmp_path / "cache")
    write_video(video, shade=90)
    after = cache_path(video, tmp_path / "cache")
    assert after != before


def test_identical_copy_shares_the_cache_entry(video: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy" / "room.avi"
    copy.parent.mkdir()
    shutil.copyfile(video, copy)
    assert cache_path(copy, tmp_path / "cache") == cache_path(video, tmp_path / "cache")


def test_key_changes_with_the_mediapipe_version(video: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = pose_cache.cache_key(video)
    monkeypatch.setattr(pose_cache, "mediapipe_version", lambda: "0.0.0-other")
    assert pose_cache.cache_key(video) != before


def test_key_changes_with_the_cache_format_version(video: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = pose_cache.cache_key(video)
    monkeypatch.setattr(pose_cache, "CACHE_FORMAT_VERSION", pose_cache.CACHE_FORMAT_VERSION + 1)
    assert pose_cache.cache_key(video) != before


def test_cache_dir_defaults_to_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPQUEST_CACHE_DIR", str(tmp_path / "envcache"))
    assert default_cache_dir() == tmp_path / "envcache"


def test_cache_dir_falls_back_to_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPQUEST_CACHE_DIR", raising=False)
    assert default_cache_dir() == Path("~/.cache/repquest/poses").expanduser()


def test_missing_video_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no such file"):
        cached_poses(tmp_path / "nope.mp4", tmp_path / "cache")


def test_undecodable_file_leaves_no_cache_entry(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is not a video\n" * 50)
    with pytest.raises(SensorError):
        cached_poses(bad, tmp_path / "cache")
    leftovers = list((tmp_path / "cache").glob("*")) if (tmp_path / "cache").exists() else []
    assert leftovers == []


@pytest.mark.realdata
def test_cached_poses_replay_the_video_source_bit_for_bit(shared_data: Path) -> None:
    from sensors.registry import SourceOptions, open_source
    from tests.realclips import clip_frames

    cached = clip_frames(shared_data, "shoulderpress_front_a")
    with open_source(f"video:{shared_data / 'clips' / 'shoulderpress_front_a.mp4'}", SourceOptions()) as sensor:
        fresh = list(sensor)
    assert len(cached) == len(fresh)
    assert all(a.same_pose_as(b) for a, b in zip(cached, fresh, strict=True))
