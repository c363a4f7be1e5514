"""One player lock: the pipeline's lock stage. Camera sources hand over the model's poses unlocked."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors import SourceOptions, open_source
from sensors.contract import Capabilities
from sensors.pipeline import PipelineConfig, PipelineSensor, PosePipeline
from sensors.pose import TrackingState


def test_the_pipeline_locks_for_every_source_exactly_once() -> None:
    for caps in (Capabilities(), Capabilities(has_images=True, is_live=True), Capabilities(has_depth=True)):
        names = [s.name for s in PosePipeline(capabilities=caps).stages]
        assert names.count("lock") == 1
        assert names[0] == "lock"
    assert "lock" not in [s.name for s in PosePipeline(PipelineConfig(lock=False)).stages]


def _two_people_video(pose_jpg: Path, path: Path) -> list[str]:
    """30 frames: the player full size, then a person half the size in a corner for 6 frames, then
    the player again. Returns who each frame shows."""
    person = cv2.imread(str(pose_jpg))
    assert person is not None
    h, w = person.shape[:2]
    small = cv2.resize(person, (w // 2, h // 2))
    other = np.full_like(person, 110)
    other[h - h // 2 :, : w // 2] = small  # bottom-left corner
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (w, h))
    who = ["player"] * 12 + ["other"] * 6 + ["player"] * 12
    for name in who:
        writer.write(person if name == "player" else other)
    writer.release()
    return who


@pytest.mark.realdata
def test_a_video_source_does_not_lock_and_the_pipeline_does(shared_data: Path, tmp_path: Path) -> None:
    video = tmp_path / "two_people.mp4"
    who = _two_people_video(shared_data / "mediapipe_testdata" / "pose.jpg", video)
    spec = f"video:{video},orientation=off"
    with open_source(spec, SourceOptions(realtime=False)) as cam:
        raw = list(cam)
    assert len(raw) == len(who)
    seen = [f for f in raw if f.visible.any()]
    assert len(seen) >= 25
    assert all(f.tracking is TrackingState.TRACKED for f in seen)  # the source alone: whoever the model saw
    with PipelineSensor(open_source(spec, SourceOptions(realtime=False)), PipelineConfig(track=False)) as cam:
        locked = list(cam)
    states = {name: [f.tracking for f, n in zip(locked, who, strict=True) if n == name and f.visible.any()]
              for name in ("player", "other")}  # fmt: skip
    assert states["other"]
    assert set(states["other"]) == {TrackingState.PLAYER_LOST}
    assert set(states["player"]) == {TrackingState.TRACKED}
