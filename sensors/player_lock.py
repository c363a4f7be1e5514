"""Player lock: the pose belongs to the player who started.

Pose models follow whichever person is most prominent. When someone walks
behind the player, or a mirror or poster shows a body, the skeleton can jump
to them. :class:`PlayerLock` watches the whole skeleton's centroid and size:
a change no human body makes between two frames means the pose is someone
else's, reported as ``PLAYER_LOST`` (joints kept, tracking says they are not
the player's) until a skeleton matching the player's last position and size
returns. No person -> ``NO_PLAYER`` with every joint MISSING.

A jump is not always another person: a player getting down to the floor or
standing up (the skeleton's size and place change at once, often with a few
frames the model gets wrong), or a camera cut or zoom in a video. What tells
them apart is time. A bystander the model jumps to comes and goes: the player
keeps coming back between the jumps (the walker of the synthetic avatar, a
person crossing behind). A posture change or a cut is a clean, persistent
switch: the player never comes back where they were, and the new skeleton
moves like one body from frame to frame. So the lock follows the new skeleton
as a *candidate* (frame-to-frame continuity, :func:`consistent`) and adopts it
as the player once it has been the only body in view for ``switch_after_s``
with the player unseen all that time; after the player has come back from a
jump recently (someone else is around), that takes ``contested_switch_after_s``.

Pure numpy, no I/O. Positions are image pixels; a skeleton's size is the RMS
2D length of its main bones (about 0.1-0.15 of a standing body's height).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import numpy as np

from sensors import player_lock_kernel as kernel
from sensors.bones import SCALE_BONES, bone_ends
from sensors.pose import PoseFrame, TrackingState

_SCALE_PARENTS, _SCALE_CHILDREN = bone_ends(SCALE_BONES)
_SCALE_PARENTS.flags.writeable = _SCALE_CHILDREN.flags.writeable = False  # one compiled type: PoseFrame's are read-only


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
    switch_after_s: float = 0.5  #: the player unseen this long and ...
    candidate_stable_s: float = 0.2  #: ... one other skeleton moving continuously this long: it is the player
    contested_switch_after_s: float = 2.0  #: both, after the player came back from a jump recently
    contested_window_s: float = 6.0  #: how long a return of the player makes a switch contested
    contest_min_s: float = 0.1  #: a return counts only after someone else held the model longer (not a glitch frame)


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


def body_extent(frame: PoseFrame, config: LockConfig = LockConfig()) -> BodyExtent | None:
    """Median position of the confidently seen joints and the skeleton's scale (the RMS
    2D length of :data:`SCALE_BONES` seen, which changes little as the body moves and
    a lot when the skeleton jumps to a nearer or farther person); None if nothing is seen."""
    xy, bones_px, size_px = kernel.extent(
        frame.image_xy_px, frame.source, frame.confidence, config.min_confidence, config.min_joints,
        _SCALE_PARENTS, _SCALE_CHILDREN,
    )  # fmt: skip
    if size_px == 0.0:
        return None
    return BodyExtent(xy_px=xy, bones_px=bones_px, size_px=size_px)


def shift_and_log_scale(previous: BodyExtent, current: BodyExtent) -> tuple[float, float]:
    """How far the skeleton moved (pixels: the median displacement of the joints seen in
    both) and how much its scale changed (ln ratio over the bones seen in both); joints or
    bones that appear or vanish (dropouts) do not count as motion."""
    return kernel.shift_and_log_scale(previous.xy_px, previous.bones_px, current.xy_px, current.bones_px)


def log_scale_change(previous: BodyExtent, current: BodyExtent) -> float:
    """|ln| of the skeleton's scale change: the RMS length ratio of the bones seen in both, less
    the two that changed most when six or more are seen (one landmark thrown far off changes two
    bones; a nearer or farther person changes them all)."""
    return shift_and_log_scale(previous, current)[1]


def consistent(previous: BodyExtent, current: BodyExtent, dt_s: float, config: LockConfig = LockConfig()) -> bool:
    """True when ``current`` can be the same body as ``previous`` ``dt_s`` seconds later."""
    dt_s = max(dt_s, 0.0)
    allowed_shift_px = min(config.shift_base + config.shift_per_s * dt_s, config.max_shift) * previous.size_px
    allowed_log = min(config.log_scale_base + config.log_scale_per_s * dt_s, config.max_log_scale)
    shift_px, log_scale = shift_and_log_scale(previous, current)
    return shift_px <= allowed_shift_px and log_scale <= allowed_log


def _weak_joints(frame: PoseFrame, config: LockConfig) -> np.ndarray:
    """(33,) the joints a weakly seen frame's extent used below ``min_confidence`` (all False when the frame
    had ``min_joints`` confident joints, so its extent used only those)."""
    seen = (frame.source != 0) & np.isfinite(frame.image_xy_px).all(axis=1)
    confident = seen & (frame.confidence >= config.min_confidence)
    if confident.sum() >= config.min_joints:
        return np.zeros(len(seen), dtype=bool)
    return seen & ~confident


def merged_extent(reference: BodyExtent, current: BodyExtent, weak: np.ndarray) -> BodyExtent:
    """The player's extent after ``current`` was accepted as theirs: its joints and bones where seen, the
    ``reference``'s elsewhere. A ``weak`` joint (one the model guessed: hidden behind someone walking past,
    blurred) is judged but not remembered where the reference knows it, so a run of guessed frames cannot
    carry the reference off to whatever body comes next; nor is a size measured on guessed bones kept."""
    fresh = np.isfinite(current.xy_px[:, 0]) & ~(weak & np.isfinite(reference.xy_px[:, 0]))
    xy = np.where(fresh[:, None], current.xy_px, reference.xy_px)
    fresh_bone = fresh[_SCALE_PARENTS] & fresh[_SCALE_CHILDREN] & np.isfinite(current.bones_px)
    bones = np.where(fresh_bone, current.bones_px, reference.bones_px)
    return BodyExtent(xy_px=xy, bones_px=bones, size_px=reference.size_px if weak.any() else current.size_px)


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
        self._candidate: BodyExtent | None = None  # the other skeleton followed while the player is lost
        self._candidate_t_s = -math.inf  # when the candidate was last seen
        self._candidate_since_t_s = math.inf  # when its continuous run began
        self._last_return_t_s = -math.inf  # the player last came back after someone else held the model
        self._lost_since_t_s = math.inf  # when the current run of other skeletons began
        self._previous: BodyExtent | None = None  # the player before the last switch ...
        self._previous_t_s = -math.inf  # ... last seen then
        self.lost = False  #: the last skeleton seen was not the player's
        self.switches = 0  #: times the lock moved to a persistent new skeleton (posture change, camera cut)

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
        same = self._is_player(extent, frame.t_s)
        if same:
            if self.lost and frame.t_s - self._lost_since_t_s > self.config.contest_min_s:
                self._last_return_t_s = frame.t_s
            self.lost = False
            self._candidate = None
            return self._accept(frame, extent, count=self._consistent_count + 1)
        if self.phase is LockPhase.ACQUIRING:  # nobody was established: follow the new candidate
            return self._accept(frame, extent, count=1)
        if self._is_previous(extent, frame.t_s):  # the switch was to someone else: back at once
            return self._switch_back(frame, extent)
        if not self.lost:
            self._lost_since_t_s = frame.t_s
        self.lost = True
        self._follow_candidate(extent, frame.t_s)
        if self._switch_due(frame.t_s):
            return self._switch(frame, extent)
        return self._mark(frame, TrackingState.PLAYER_LOST)

    def _is_player(self, extent: BodyExtent, t_s: float) -> bool:
        assert self._player is not None
        if not self.lost:
            return consistent(self._player, extent, t_s - self._player_t_s, self.config)
        # while someone else is reported, only a skeleton close to where the player was comes
        # back (no allowance growing with the time lost: the other person is moving around)
        shift_px, log_scale = shift_and_log_scale(self._player, extent)
        return (
            shift_px <= self.config.reacquire_shift * self._player.size_px
            and log_scale <= self.config.reacquire_log_scale
        )

    def _is_previous(self, extent: BodyExtent, t_s: float) -> bool:
        """``extent`` is where the player was before a recent switch (the switch was to a bystander
        who held the model longer than ``switch_after_s``, or the player took the old posture again)."""
        if self._previous is None or t_s - self._previous_t_s > self.config.contested_window_s:
            return False
        shift_px, log_scale = shift_and_log_scale(self._previous, extent)
        return (
            shift_px <= self.config.reacquire_shift * self._previous.size_px
            and log_scale <= self.config.reacquire_log_scale
        )

    def _follow_candidate(self, extent: BodyExtent, t_s: float) -> None:
        """Extend the other skeleton's continuous run, or start a new one where it jumped."""
        if self._candidate is None or not consistent(self._candidate, extent, t_s - self._candidate_t_s, self.config):
            self._candidate_since_t_s = t_s
        self._candidate, self._candidate_t_s = extent, t_s

    def _switch_due(self, t_s: float) -> bool:
        """The candidate has moved as one body long enough, and the player has been away long enough
        (a gap with nobody in view counts: a player who got down while the model missed them)."""
        c = self.config
        if t_s - self._last_return_t_s <= c.contested_window_s:
            need_run_s = need_absent_s = c.contested_switch_after_s
        else:
            need_run_s, need_absent_s = c.candidate_stable_s, c.switch_after_s
        return t_s - self._candidate_since_t_s >= need_run_s and t_s - self._player_t_s >= need_absent_s

    def _switch(self, frame: PoseFrame, extent: BodyExtent) -> PoseFrame:
        """The candidate has been the only body in view long enough: it is the player now."""
        self._previous, self._previous_t_s = self._player, self._player_t_s
        self._last_return_t_s = -math.inf
        return self._take(frame, extent)

    def _switch_back(self, frame: PoseFrame, extent: BodyExtent) -> PoseFrame:
        """The player from before the last switch is back: two bodies alternate, so the next
        switch is contested."""
        self._previous = None
        self._last_return_t_s = frame.t_s
        return self._take(frame, extent)

    def _take(self, frame: PoseFrame, extent: BodyExtent) -> PoseFrame:
        self.lost = False
        self._candidate = None
        self._player = None  # nothing of the old extent carries over
        self.switches += 1
        return self._accept(frame, extent, count=self.config.stable_frames)

    def _accept(self, frame: PoseFrame, extent: BodyExtent, count: int) -> PoseFrame:
        if self._player is not None and count > 1:  # joints and bones not seen now keep their last value
            extent = merged_extent(self._player, extent, _weak_joints(frame, self.config))
        self._player, self._player_t_s = extent, frame.t_s
        self._consistent_count = count
        if self.phase is not LockPhase.LOCKED:
            self.phase = LockPhase.LOCKED if count >= self.config.stable_frames else LockPhase.ACQUIRING
        return self._mark(frame, TrackingState.TRACKED)

    @staticmethod
    def _mark(frame: PoseFrame, tracking: TrackingState) -> PoseFrame:
        return frame if frame.tracking is tracking else frame.with_changes(tracking=tracking)


def relock(frames: Iterable[PoseFrame], lock: PlayerLock) -> list[PoseFrame]:
    """``frames`` as ``lock`` would have marked them: each frame's own tracking flag (set by
    whatever lock produced them, e.g. a cached recording) is dropped first, so a frame with
    joints is fed as the model's TRACKED output and one without as NO_PLAYER."""
    out = []
    for frame in frames:
        raw = TrackingState.TRACKED if frame.visible.any() else TrackingState.NO_PLAYER
        out.append(lock.update(frame if frame.tracking is raw else frame.with_changes(tracking=raw)))
    return out


def _load_kernels() -> None:
    """Call the kernels once at import (loaded from numba's on-disk cache, or compiled once per
    checkout), with the argument types of a stream (a PoseFrame's arrays are read-only)."""
    frame = PoseFrame.empty(0.0, 0, (64, 64), tracking=TrackingState.TRACKED)
    extent = body_extent(frame.with_changes(image_xy_px=np.zeros((33, 2)), source=np.ones(33, np.uint8)))
    assert extent is not None
    shift_and_log_scale(extent, extent)


_load_kernels()
