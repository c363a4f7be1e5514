"""Player lock: the pose belongs to the player who started.

Pose models follow whichever person is most prominent. When someone walks
behind the player, or a mirror or poster shows a body, the skeleton can jump
to them. :class:`PlayerLock` watches the whole skeleton's centroid and size:
a change no human body makes between two frames means the pose is someone
else's, reported as ``PLAYER_LOST`` (joints kept, tracking says they are not
the player's) until a skeleton matching the player's last position and size
returns. No person -> ``NO_PLAYER`` with every joint MISSING.

Pure numpy, no I/O. Positions are image pixels; a skeleton's size is the RMS
2D length of its main bones (about 0.1-0.15 of a standing body's height).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from sensors.joints import Joint
from sensors.pose import PoseFrame, TrackingState


@dataclass(frozen=True, slots=True)
class LockConfig:
    """Limits of human motion between frames; sizes are skeleton scales (see :func:`body_extent`)."""

    min_confidence: float = 0.5  #: joints used for centroid and size
    min_joints: int = 6  #: fewer confident joints than this: judged on every seen joint
    stable_frames: int = 3  #: consecutive consistent skeletons before the lock is firm
    shift_base: float = 0.5  #: centroid shift allowed between consecutive frames, in bone lengths
    shift_per_s: float = 6.0  #: extra shift allowed per second elapsed
    max_shift: float = 2.0  #: cap on the allowed shift, however long the gap
    log_scale_base: float = 0.12  #: |ln(scale ratio)| allowed between consecutive frames
    log_scale_per_s: float = 0.5
    max_log_scale: float = 0.22  #: cap: a person 1 m behind a player 3 m away is 0.29 smaller
    reacquire_shift: float = 0.6  #: after a jump, the player is back within this many bone lengths ...
    reacquire_log_scale: float = 0.2  #: ... and this scale change of where they were last seen
    forget_after_s: float = 3.0  #: nobody in view this long: the next stable body is locked afresh


class LockPhase(Enum):
    SEARCHING = "searching"  #: nobody locked yet
    ACQUIRING = "acquiring"  #: a candidate, not yet stable for ``stable_frames``
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class BodyExtent:
    """What the lock remembers of a skeleton: joints used ``xy_px`` (33, 2), NaN where
    unused; bone lengths ``bones_px`` (len(SCALE_BONES),), NaN where unseen; and the
    overall ``size_px`` (RMS bone length)."""

    xy_px: np.ndarray
    bones_px: np.ndarray
    size_px: float

    @property
    def centroid_px(self) -> np.ndarray:
        """Median (2,) of the joints used."""
        return np.nanmedian(self.xy_px, axis=0)


#: bones whose 2D length gives a skeleton's scale (rigid, rarely all foreshortened at once)
SCALE_BONES: tuple[tuple[Joint, Joint], ...] = (
    (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER), (Joint.LEFT_HIP, Joint.RIGHT_HIP),
    (Joint.LEFT_SHOULDER, Joint.LEFT_HIP), (Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP),
    (Joint.LEFT_SHOULDER, Joint.LEFT_ELBOW), (Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW),
    (Joint.LEFT_ELBOW, Joint.LEFT_WRIST), (Joint.RIGHT_ELBOW, Joint.RIGHT_WRIST),
    (Joint.LEFT_HIP, Joint.LEFT_KNEE), (Joint.RIGHT_HIP, Joint.RIGHT_KNEE),
    (Joint.LEFT_KNEE, Joint.LEFT_ANKLE), (Joint.RIGHT_KNEE, Joint.RIGHT_ANKLE),
)  # fmt: skip
_BONE_A = np.array([a for a, _ in SCALE_BONES])
_BONE_B = np.array([b for _, b in SCALE_BONES])


def body_extent(frame: PoseFrame, config: LockConfig = LockConfig()) -> BodyExtent | None:
    """Median position of the confidently seen joints and the skeleton's scale (the RMS
    2D length of :data:`SCALE_BONES` seen, which changes little as the body moves and
    a lot when the skeleton jumps to a nearer or farther person); None if nothing is seen."""
    seen = frame.visible & np.all(np.isfinite(frame.image_xy_px), axis=1)
    confident = seen & (frame.confidence >= config.min_confidence)
    use = confident if int(confident.sum()) >= config.min_joints else seen
    if not use.any():
        return None
    xy = np.where(use[:, None], frame.image_xy_px, np.nan)
    bones_px = np.hypot(*(xy[_BONE_A] - xy[_BONE_B]).T)
    seen_bones = np.isfinite(bones_px)
    if seen_bones.sum() >= 3:
        size_px = float(np.sqrt(np.mean(bones_px[seen_bones] ** 2)))
    else:  # too few bones: a quarter of the bounding box (about one bone on a whole body)
        pts = xy[use]
        size_px = float(np.max(pts.max(axis=0) - pts.min(axis=0))) / 4
    return BodyExtent(xy_px=xy, bones_px=bones_px, size_px=max(size_px, 1.0))


def shift_and_log_scale(previous: BodyExtent, current: BodyExtent) -> tuple[float, float]:
    """How far the skeleton moved (pixels: the median displacement of the joints seen in
    both) and how much its scale changed (ln ratio over the bones seen in both); joints or
    bones that appear or vanish (dropouts) do not count as motion."""
    both = np.isfinite(previous.xy_px[:, 0]) & np.isfinite(current.xy_px[:, 0])
    if both.sum() >= 3:
        shift_px = float(np.hypot(*np.median(current.xy_px[both] - previous.xy_px[both], axis=0)))
    else:
        shift_px = float(np.hypot(*(current.centroid_px - previous.centroid_px)))
    common = np.isfinite(previous.bones_px) & np.isfinite(current.bones_px)
    if common.sum() < 2:
        return shift_px, 0.0  # too few bones seen in both to judge the scale
    ratio = np.sqrt(np.mean(current.bones_px[common] ** 2) / max(float(np.mean(previous.bones_px[common] ** 2)), 1e-9))
    return shift_px, abs(math.log(max(float(ratio), 1e-9)))


def consistent(previous: BodyExtent, current: BodyExtent, dt_s: float, config: LockConfig = LockConfig()) -> bool:
    """True when ``current`` can be the same body as ``previous`` ``dt_s`` seconds later."""
    dt_s = max(dt_s, 0.0)
    allowed_shift_px = min(config.shift_base + config.shift_per_s * dt_s, config.max_shift) * previous.size_px
    allowed_log = min(config.log_scale_base + config.log_scale_per_s * dt_s, config.max_log_scale)
    shift_px, log_scale = shift_and_log_scale(previous, current)
    return shift_px <= allowed_shift_px and log_scale <= allowed_log


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
        self.lost = False  #: the last skeleton seen was not the player's

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
        # while someone else is reported, only a skeleton close to where the player was comes
        # back (no allowance growing with the time lost: the other person is moving around)
        if self.lost:
            shift_px, log_scale = shift_and_log_scale(self._player, extent)
            same = (
                shift_px <= self.config.reacquire_shift * self._player.size_px
                and log_scale <= self.config.reacquire_log_scale
            )
        else:
            same = consistent(self._player, extent, frame.t_s - self._player_t_s, self.config)
        self.lost = not same and self.phase is LockPhase.LOCKED
        if same:
            return self._accept(frame, extent, count=self._consistent_count + 1)
        if self.phase is LockPhase.ACQUIRING:  # nobody was established: follow the new candidate
            return self._accept(frame, extent, count=1)
        return self._mark(frame, TrackingState.PLAYER_LOST)

    def _accept(self, frame: PoseFrame, extent: BodyExtent, count: int) -> PoseFrame:
        if self._player is not None and count > 1:  # joints and bones not seen now keep their last value
            extent = BodyExtent(
                xy_px=np.where(np.isfinite(extent.xy_px), extent.xy_px, self._player.xy_px),
                bones_px=np.where(np.isfinite(extent.bones_px), extent.bones_px, self._player.bones_px),
                size_px=extent.size_px,
            )
        self._player, self._player_t_s = extent, frame.t_s
        self._consistent_count = count
        if self.phase is not LockPhase.LOCKED:
            self.phase = LockPhase.LOCKED if count >= self.config.stable_frames else LockPhase.ACQUIRING
        return self._mark(frame, TrackingState.TRACKED)

    @staticmethod
    def _mark(frame: PoseFrame, tracking: TrackingState) -> PoseFrame:
        return frame if frame.tracking is tracking else frame.with_changes(tracking=tracking)
