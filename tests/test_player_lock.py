"""Player lock: hand-built skeletons and the synthetic avatar's walker, dropouts and empty room."""

from __future__ import annotations

import numpy as np
import pytest

from sensors import open_source
from sensors.checker import check_frame
from sensors.player_lock import LockPhase, PlayerLock, body_extent, consistent
from sensors.pose import JointSource, PoseFrame, TrackingState

# a standing skeleton, 33 joints in pixels (rough BlazePose layout, ~300 px tall)
_BASE = np.array(
    [[0, -130]] * 11  # face
    + [[-30, -100], [30, -100], [-40, -50], [40, -50], [-45, 0], [45, 0]]  # shoulders, elbows, wrists
    + [[-47, 8], [47, 8], [-46, 10], [46, 10], [-45, 6], [45, 6]]  # hands
    + [[-20, 0], [20, 0], [-20, 80], [20, 80], [-20, 160], [20, 160], [-25, 170], [25, 170], [-10, 175], [10, 175]],
    dtype=float,
)


def _frame(index: int, centre=(320.0, 240.0), scale: float = 1.0, fps: float = 30.0) -> PoseFrame:
    xy = _BASE * scale + np.array(centre)
    return PoseFrame(
        t_s=index / fps,
        index=index,
        image_size_px=(640, 480),
        image_xy_px=xy,
        camera_xyz_m=np.full((33, 3), np.nan),
        world_xyz_m=np.zeros((33, 3)),
        confidence=np.full(33, 0.9, np.float32),
        source=np.full(33, JointSource.MONOCULAR, np.uint8),
    )


def _run(lock: PlayerLock, frames: list[PoseFrame]) -> list[TrackingState]:
    return [lock.update(f).tracking for f in frames]


def test_first_stable_skeleton_is_locked() -> None:
    lock = PlayerLock()
    states = _run(lock, [_frame(i, centre=(320 + 2 * i, 240)) for i in range(5)])
    assert states == [TrackingState.TRACKED] * 5
    assert lock.phase is LockPhase.LOCKED


def test_sudden_jump_of_the_whole_skeleton_is_player_lost_with_joints_kept() -> None:
    lock = PlayerLock()
    _run(lock, [_frame(i) for i in range(5)])
    jumped = _frame(5, centre=(520, 220), scale=0.7)  # someone farther away, elsewhere
    out = lock.update(jumped)
    assert out.tracking is TrackingState.PLAYER_LOST
    assert np.array_equal(out.image_xy_px, jumped.image_xy_px)
    assert np.all(out.source == JointSource.MONOCULAR)


def test_player_is_reacquired_when_a_matching_skeleton_returns() -> None:
    lock = PlayerLock()
    _run(lock, [_frame(i) for i in range(5)])
    lost = _run(lock, [_frame(i, centre=(520, 220), scale=0.7) for i in range(5, 15)])
    back = lock.update(_frame(15, centre=(325, 240)))
    assert set(lost) == {TrackingState.PLAYER_LOST}  # never handed to the newcomer, however long
    assert back.tracking is TrackingState.TRACKED


def test_a_skeleton_of_another_size_at_the_same_place_is_not_the_player() -> None:
    lock = PlayerLock()
    _run(lock, [_frame(i) for i in range(5)])
    assert lock.update(_frame(5, scale=0.6)).tracking is TrackingState.PLAYER_LOST


def test_fast_but_human_motion_stays_tracked() -> None:
    lock = PlayerLock()
    # 2 m/s sideways for a ~300 px tall body (1.7 m): about 12 px per frame at 30 fps
    states = _run(lock, [_frame(i, centre=(100 + 12 * i, 240)) for i in range(30)])
    assert set(states) == {TrackingState.TRACKED}


def test_jump_before_the_lock_is_firm_follows_the_new_candidate() -> None:
    lock = PlayerLock()
    lock.update(_frame(0))
    assert lock.update(_frame(1, centre=(520, 220), scale=0.7)).tracking is TrackingState.TRACKED
    assert lock.phase is LockPhase.ACQUIRING


def test_nobody_in_view_gives_no_player_with_every_joint_missing() -> None:
    lock = PlayerLock()
    _run(lock, [_frame(i) for i in range(5)])
    empty = PoseFrame.empty(0.2, 6, (640, 480), tracking=TrackingState.TRACKED)
    out = lock.update(empty)
    problems: list[str] = []
    check_frame(out, problems)
    assert problems == []
    assert out.tracking is TrackingState.NO_PLAYER
    assert np.all(out.source == JointSource.MISSING)


def test_lock_is_forgotten_after_the_room_stays_empty() -> None:
    lock = PlayerLock()
    _run(lock, [_frame(i) for i in range(5)])
    for i in range(5, 5 + 4 * 30):  # 4 s with nobody
        lock.update(PoseFrame.empty(i / 30, i, (640, 480)))
    assert lock.update(_frame(200, centre=(520, 220), scale=0.7)).tracking is TrackingState.TRACKED


def test_consistency_allowance_grows_with_the_time_between_frames() -> None:
    a = body_extent(_frame(0))
    b = body_extent(_frame(1, centre=(430, 240)))  # 110 px: 1.5 bone lengths
    assert a is not None
    assert b is not None
    assert not consistent(a, b, dt_s=1 / 30)
    assert consistent(a, b, dt_s=0.3)


# -- with the synthetic avatar ------------------------------------------------------------------
def _synthetic_run(spec: str) -> list[tuple[PoseFrame, PoseFrame]]:
    lock = PlayerLock()
    with open_source(spec) as cam:
        return [(f, lock.update(f)) for f in cam]


@pytest.mark.parametrize("exercise", ["squat", "pushup"])
def test_walker_stealing_the_skeleton_is_reported_as_player_lost(exercise: str) -> None:
    pairs = _synthetic_run(f"synthetic:{exercise},walker=1,reps=3")
    stolen = [out for f, out in pairs if f.meta["walker_reported"]]
    own = [out for f, out in pairs if not f.meta["walker_reported"]]
    assert len(stolen) >= 10  # the walker did steal the skeleton
    lost_rate = np.mean([o.tracking is TrackingState.PLAYER_LOST for o in stolen])
    tracked_rate = np.mean([o.tracking is TrackingState.TRACKED for o in own])
    assert lost_rate >= 0.85
    assert tracked_rate >= 0.98  # and the player is taken back each time


def test_joint_dropouts_do_not_lose_the_player() -> None:
    pairs = _synthetic_run("synthetic:squat,dropout=0.3,reps=2")
    seen = [out for f, out in pairs if f.visible.any()]
    assert np.mean([o.tracking is TrackingState.TRACKED for o in seen]) >= 0.97
    dropped = [out for f, out in pairs if not f.visible.any()]
    assert dropped  # whole-frame dropouts happened
    assert all(o.tracking is TrackingState.NO_PLAYER for o in dropped)


def test_empty_room_is_no_player_on_every_frame() -> None:
    pairs = _synthetic_run("synthetic:squat,person=0,walker=1,reps=1")
    assert pairs
    assert all(out.tracking is TrackingState.NO_PLAYER and not out.visible.any() for _, out in pairs)
