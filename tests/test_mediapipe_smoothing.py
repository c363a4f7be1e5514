"""MediaPipe's own landmark filter is a camera-source option (``smoothing=on|off``), on by default,
kept apart in the pose cache; `bench smoothing` measures the choice on the shared clips."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from sensors.camera.sensor import estimator_settings, split_target
from sensors.errors import SourceSpecError
from sensors.pose_cache import cache_path, cached_poses
from sensors.recording import RecordingReader
from sensors.registry import SourceOptions, open_source
from tests.test_pose_cache import write_video


def test_smoothing_is_on_unless_the_source_says_off() -> None:
    _, params = split_target("clip.mp4", "video")
    assert estimator_settings(params, SourceOptions(), "video").smooth_landmarks is True
    _, params = split_target("clip.mp4,smoothing=off", "video")
    assert estimator_settings(params, SourceOptions(), "video").smooth_landmarks is False
    _, params = split_target("clip.mp4,smoothing=On", "video")
    assert estimator_settings(params, SourceOptions(), "video").smooth_landmarks is True


def test_a_bad_smoothing_value_names_what_was_expected() -> None:
    _, params = split_target("clip.mp4,smoothing=maybe", "video")
    with pytest.raises(SourceSpecError, match=r"smoothing='maybe': expected on or off"):
        estimator_settings(params, SourceOptions(), "video")
    with pytest.raises(SourceSpecError, match="did you mean 'smoothing'"):
        split_target("clip.mp4,smoothin=off", "video")


def test_unsmoothed_poses_are_cached_apart_and_say_so(tmp_path: Path) -> None:
    video = write_video(tmp_path / "room.avi")
    on = cache_path(video, tmp_path)
    off = cache_path(video, tmp_path, smoothing=False)
    assert on != off
    rq = cached_poses(video, tmp_path, smoothing=False)
    assert rq == off
    assert not on.exists()
    reader = RecordingReader(rq)
    try:
        assert reader.header["pose_cache"]["smoothing"] is False
        assert reader.header["source"].endswith(",smoothing=off")
    finally:
        reader.close()


def _second_difference_px(target: str, frames: int) -> float:
    """Mean |second difference| of the well-seen landmarks over the first ``frames`` frames."""
    opts = SourceOptions(images=False, realtime=False)
    with open_source(target, opts) as sensor:
        stream = list(islice(iter(sensor), frames))
    xy = np.array([f.image_xy_px for f in stream])
    ok = np.array([f.confidence for f in stream]) > 0.7
    d2 = np.linalg.norm(xy[2:] - 2 * xy[1:-1] + xy[:-2], axis=2)
    return float(d2[ok[2:] & ok[1:-1] & ok[:-2]].mean())


@pytest.mark.realdata
def test_the_real_model_jitters_more_with_its_filter_off(shared_data: Path) -> None:
    clip = shared_data / "clips" / "plank_side_a.mp4"
    smoothed = _second_difference_px(f"video:{clip}", 45)
    unsmoothed = _second_difference_px(f"video:{clip},smoothing=off", 45)
    assert unsmoothed > 1.3 * smoothed  # the 32 clips' median: 1.8x (bench smoothing)
