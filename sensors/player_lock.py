"""Player lock: the pose belongs to the player who started.

Pose models follow whichever person is most prominent. When someone walks
behind the player, or a mirror or poster shows a body, the skeleton can jump
to them. :class:`PlayerLock` watches the whole skeleton's centroid and size:
a change no human body makes between two frames means the pose is someone
else's, reported as ``PLAYER_LOST`` (joints kept, tracking says they are not
the player's) until a skeleton matching the player's last position and size
returns. No person -> ``NO_PLAYER`` with every joint MISSING.

Pure numpy, no I/O. Positions are image pixels; sizes are the larger side of
the bounding box of the confidently seen joints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from sensors.pose import PoseFrame, TrackingState


@dataclass(frozen=True, slots=True)
class LockConfig:
    """Limits of human motion between frames, in body sizes (see :func:`body_extent`)."""

    min_confidence: float = 0.5  #: joints used for centroid and size
    min_joints: int = 6  #: fewer confident joints than this: judged on every seen joint
    stable_frames: int = 3  #: consecutive consistent skeletons before the lock is firm
    shift_base: float = 0.25  #: centroid shift allowed between consecutive frames, body sizes
    shift_per_s: float = 3.0  #: extra shift allowed per second elapsed
    max_shift: float = 1.0  #: cap on the allowed shift, however long the gap
    log_scale_base: float = 0.3  #: |ln(size ratio)| allowed between consecutive frames
    log_scale_per_s: float = 1.0
    max_log_scale: float = math.log(1.6)
    forget_after_s: float = 3.0  #: nobody in view this long: the next stable body is locked afresh


class LockPhase(Enum):
    SEARCHING = "searching"  #: nobody locked yet
    ACQUIRING = "acquiring"  #: a candidate, not yet stable for ``stable_frames``
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class BodyExtent:
    """A skeleton's centroid (2,) in pixels and its size in pixels."""

    centroid_px: np.ndarray
    size_px: float


def body_extent(frame: PoseFrame, config: LockConfig = LockConfig()) -> BodyExtent | None:
    """Median position and bounding-box size of the frame's confidently seen joints; None if none."""
    seen = frame.visible & np.all(np.isfinite(frame.image_xy_px), axis=1)
    confident = seen & (frame.confidence >= config.min_confidence)
    use = confident if int(confident.sum()) >= config.min_joints else seen
    if not use.any():
        return None
    xy = frame.image_xy_px[use]
    size_px = float(np.max(xy.max(axis=0) - xy.min(axis=0)))
    return BodyExtent(centroid_px=np.median(xy, axis=0), size_px=max(size_px, 1.0))


def consistent(previous: BodyExtent, current: BodyExtent, dt_s: float, config: LockConfig = LockConfig()) -> bool:
    """True when ``current`` can be the same body as ``previous`` ``dt_s`` seconds later."""
    dt_s = max(dt_s, 0.0)
    allowed_shift = min(config.shift_base + config.shift_per_s * dt_s, config.max_shift) * previous.size_px
    shift_px = float(np.hypot(*(current.centroid_px - previous.centroid_px)))
    allowed_log = min(config.log_scale_base + config.log_scale_per_s * dt_s, config.max_log_scale)
    return shift_px <= allowed_shift and abs(math.log(current.size_px / previous.size_px)) <= allowed_log


def as_no_player(frame: PoseFrame) -> PoseFrame:
    """``frame`` with every joint MISSING and ``tracking=NO_PLAYER`` (images and meta kept)."""
    if frame.tracking is TrackingState.NO_PLAYER and not frame.visible.any():
        return frame
    return PoseFrame.empty(
        frame.t_s,
        frame.index,
        frame.image_size_px,
        tracking=TrackingState.NO_PLAYER,
        rgb=frame.rgb,
        depth_m=frame.depth_m,
        truth_camera_xyz_m=frame.truth_camera_xyz_m,
        meta=frame.meta,
    )


class PlayerLock:
    """Stateful per-stream lock; feed it every frame in order with :meth:`update`."""

    def __init__(self, config: LockConfig = LockConfig()) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        """Forget the player; the next stable body is locked (e.g. when the game restarts)."""
        self.phase = LockPhase.SEARCHING
        self._player: BodyExtent | None = None  # last extent that was the player's
        self._player_t_s = -math.inf
        self._consistent_count = 0
        self._last_seen_anyone_t_s = -math.inf

    @property
    def player(self) -> BodyExtent | None:
        """The player's last known centroid and size."""
        return self._player

    def update(self, frame: PoseFrame) -> PoseFrame:
        """``frame`` with ``tracking`` set: TRACKED, PLAYER_LOST or NO_PLAYER."""
        extent = body_extent(frame, self.config) if frame.tracking is not TrackingState.NO_PLAYER else None
        if extent is None:
            if frame.t_s - self._last_seen_anyone_t_s > self.config.forget_after_s and self._player is not None:
                self.reset()
            elif self.phase is LockPhase.ACQUIRING:  # a candidate must be seen without gaps
                self.phase = LockPhase.SEARCHING
            return as_no_player(frame)
        self._last_seen_anyone_t_s = frame.t_s
        if self.phase is LockPhase.SEARCHING or self._player is None:
            return self._accept(frame, extent, count=1)
        same = consistent(self._player, extent, frame.t_s - self._player_t_s, self.config)
        if same:
            return self._accept(frame, extent, count=self._consistent_count + 1)
        if self.phase is LockPhase.ACQUIRING:  # nobody was established: follow the new candidate
            return self._accept(frame, extent, count=1)
        return self._mark(frame, TrackingState.PLAYER_LOST)

    def _accept(self, frame: PoseFrame, extent: BodyExtent, count: int) -> PoseFrame:
        self._player, self._player_t_s = extent, frame.t_s
        self._consistent_count = count
        if self.phase is not LockPhase.LOCKED:
            self.phase = LockPhase.LOCKED if count >= self.config.stable_frames else LockPhase.ACQUIRING
        return self._mark(frame, TrackingState.TRACKED)

    @staticmethod
    def _mark(frame: PoseFrame, tracking: TrackingState) -> PoseFrame:
        return frame if frame.tracking is tracking else frame.with_changes(tracking=tracking)
