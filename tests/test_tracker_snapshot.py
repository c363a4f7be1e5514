"""The tracker's frozen snapshot predicts exactly what the tracker predicts, without the tracker."""

from __future__ import annotations

import dataclasses
import pickle
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest

import sensors.process_sensor  # noqa: F401 - registers the frame's reducer with multiprocessing's pickler
from sensors import PoseFrame, open_source
from sensors.pipeline import PipelineConfig, PosePipeline, holds_config
from sensors.registry import SourceOptions
from sensors.tracking import PoseTracker
from sensors.tracking.snapshot import TrackerSnapshot, predict_pose

#: display times relative to each frame: before it, at it, within and past max_extrapolate_s, past max_coast_s
OFFSETS_S = (-0.02, 0.0, 0.008, 0.016, 0.033, 0.05, 0.1, 0.2, 0.6)


def assert_same_pose(a: PoseFrame | None, b: PoseFrame | None) -> None:
    assert (a is None) == (b is None)
    if a is None or b is None:
        return
    for f in dataclasses.fields(PoseFrame):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)  # NaN equals NaN here, bit for bit otherwise
        else:
            assert x == y, f.name


def _stream(spec: str, n: int) -> list[PoseFrame]:
    with open_source(spec, SourceOptions(seed=7)) as source:
        return [f for _, f in zip(range(n), source, strict=False)]


@pytest.mark.parametrize(
    ("spec", "holds"),
    [
        # depth fused, noisy, joints dropping out (coasting, MISSING), gross outliers (gated), swaps
        ("synthetic:squat,reps=0,mode=depth,noise_px=4,dropout=0.15,outliers=0.03,swap=0.05", False),
        # the IMM's two models (holds): the combined estimate mixes them
        ("synthetic:plank,hold_s=600,noise_px=3,dropout=0.1", True),
        # a walker passes: frames that are not the player's
        ("synthetic:jumping_jack,reps=0,walker=1,walker_start_s=1,noise_px=3", False),
    ],
)
def test_the_snapshot_predicts_exactly_what_the_tracker_predicts(spec: str, holds: bool) -> None:
    pipeline = PosePipeline(holds_config(holds))
    checked = 0
    for frame in _stream(spec, 150):
        pipeline.process(frame)
        snapshot = pipeline.tracker.snapshot()
        assert snapshot is not None
        for offset_s in OFFSETS_S:
            t_s = frame.t_s + offset_s
            assert_same_pose(predict_pose(snapshot, t_s), pipeline.tracker.predict(t_s))
            checked += 1
    assert checked == 150 * len(OFFSETS_S)


def test_a_snapshot_does_not_change_when_the_tracker_moves_on() -> None:
    tracker = PoseTracker()
    frames = _stream("synthetic:jumping_jack,reps=0,noise_px=3", 40)
    for frame in frames[:20]:
        tracker.update(frame)
    snapshot = tracker.snapshot()
    assert snapshot is not None
    t_s = frames[19].t_s + 0.016
    before = predict_pose(snapshot, t_s)
    assert before.has_player
    for frame in frames[20:]:
        tracker.update(frame)
    assert_same_pose(predict_pose(snapshot, t_s), before)  # copies, not views of the filters
    with pytest.raises(ValueError, match="read-only"):
        snapshot.position[0, 0] = 0.0


def test_no_snapshot_before_the_first_frame_and_it_crosses_the_process_pipe() -> None:
    tracker = PoseTracker()
    assert tracker.snapshot() is None
    frames = _stream("synthetic:squat,reps=0", 5)
    for frame in frames:
        tracker.update(frame)
    snapshot = tracker.snapshot()
    assert isinstance(snapshot, TrackerSnapshot)
    again = pickle.loads(ForkingPickler.dumps(snapshot))  # as a ProcessSensor's child sends it
    assert_same_pose(predict_pose(again, frames[-1].t_s + 0.02), tracker.predict(frames[-1].t_s + 0.02))


def test_the_pipeline_predicts_from_its_snapshot_and_forgets_it_on_reset() -> None:
    pipeline = PosePipeline()
    assert pipeline.predict(0.0) is None
    frames = _stream("synthetic:squat,reps=0,mode=depth", 10)
    for frame in frames:
        pipeline.process(frame)
    t_s = frames[-1].t_s + 0.016
    assert_same_pose(pipeline.predict(t_s), pipeline.tracker.predict(t_s))
    pipeline.set_holds(True)  # the tracker starts over: so does the prediction
    assert pipeline.predict(t_s) is None
    pipeline.process(frames[-1])
    pipeline.reset()
    assert pipeline.predict(t_s) is None


def test_an_untracked_pipeline_predicts_its_last_frame() -> None:
    pipeline = PosePipeline(PipelineConfig(track=False))
    frames = _stream("synthetic:squat,reps=0", 3)
    for frame in frames:
        out = pipeline.process(frame)
    assert pipeline.predict(frames[-1].t_s + 0.05) is out
