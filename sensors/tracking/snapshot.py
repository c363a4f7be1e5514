"""The tracker's state at its last frame, frozen: the pose at any display time without the tracker.

A render loop asks for the pose at the display time 60 times a second while
the pipeline takes in frames 30 times a second, on another thread or in
another process. :meth:`PoseTracker.snapshot` copies what prediction needs
(a few 33 x 8 arrays) into an immutable :class:`TrackerSnapshot` once per
frame; :func:`predict_pose` is a pure function of it and the time, so the
reader never waits for a lock and never sees a half-updated filter, and the
snapshot crosses a process boundary as plain arrays.

``predict_pose(tracker.snapshot(), t_s)`` equals ``tracker.predict(t_s)``
(``tests/test_tracker_snapshot.py`` checks it on a synthetic stream): the
same arithmetic, in the same order, on copies of the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sensors.joints import NUM_JOINTS
from sensors.pose import JointSource, PoseFrame, TrackingState

IMG, WORLD, CAM = slice(0, 2), slice(2, 5), slice(5, 8)  #: the tracker's axes of each space (as in tracker.py)


def _frozen(a: np.ndarray) -> np.ndarray:
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, slots=True)
class TrackerSnapshot:
    """What :func:`predict_pose` needs, copied at the tracker's last frame (arrays read-only).

    Shapes: J = 33 joints, A = 8 axes (image px x2, world m x3, camera m x3)."""

    frame: PoseFrame  #: the last frame the tracker took in (its fields not tracked pass through)
    t_s: float  #: the tracker's time (the latest frame time it has seen)
    position: np.ndarray  #: (J, A) combined position estimate
    velocity: np.ndarray  #: (J, A) the velocity prediction extrapolates with (the filters' times its Wiener gain)
    image_c00: np.ndarray  #: (J, 2) position variance on the image axes
    image_c01: np.ndarray  #: (J, 2) position-velocity covariance on the image axes
    image_c11: np.ndarray  #: (J, 2) velocity variance on the image axes
    alive: np.ndarray  #: (J, A) bool: the filter is initialised
    last_seen_s: np.ndarray  #: (J,) when each joint was last measured (-inf: never)
    measured: np.ndarray  #: (J,) bool: measured in the last frame
    depth: np.ndarray  #: (J,) bool: its depth sample was used in the last frame
    image_sigma_px: float  #: landmark noise std at confidence 1 (the coasting confidence's scale)
    max_coast_s: float
    max_extrapolate_s: float

    @classmethod
    def capture(
        cls,
        frame: PoseFrame,
        t_s: float,
        arrays: dict[str, np.ndarray],
        image_sigma_px: float,
        max_coast_s: float,
        max_extrapolate_s: float,
    ) -> TrackerSnapshot:
        """A snapshot holding read-only copies of ``arrays`` (the fields above, by name)."""
        return cls(
            frame=frame,
            t_s=float(t_s),
            image_sigma_px=float(image_sigma_px),
            max_coast_s=float(max_coast_s),
            max_extrapolate_s=float(max_extrapolate_s),
            **{name: _frozen(a) for name, a in arrays.items()},
        )


def predict_pose(snapshot: TrackerSnapshot, t_s: float) -> PoseFrame:
    """The pose at ``t_s`` (e.g. the display time), as :meth:`PoseTracker.predict` gives it.

    Extrapolates at most ``max_extrapolate_s`` past the last frame; joints
    unmeasured for over ``max_coast_s`` at ``t_s`` are MISSING; a last frame
    that was not the player's is returned as it is."""
    s = snapshot
    frame = s.frame
    if frame.tracking is not TrackingState.TRACKED:
        return frame
    dt_s = float(np.clip(t_s - s.t_s, 0.0, min(s.max_extrapolate_s, s.max_coast_s)))
    alive = s.alive[:, 0] & ((t_s - s.last_seen_s) <= s.max_coast_s)
    measured = s.measured
    source = np.full(NUM_JOINTS, JointSource.PREDICTED, np.uint8)
    source[measured] = np.where(s.depth[measured], JointSource.DEPTH, JointSource.MONOCULAR)
    source[measured & (frame.source == JointSource.PREDICTED)] = JointSource.PREDICTED
    source[~alive] = JointSource.MISSING
    # confidence: measured joints keep theirs; coasting ones decay as their position std grows
    var_px = s.image_c00 + 2 * dt_s * s.image_c01 + dt_s * dt_s * s.image_c11
    std_px = np.sqrt(var_px.max(axis=1) + 1e-9)
    coast_conf = 0.5 * np.clip(s.image_sigma_px / std_px, 0.0, 1.0)
    conf = np.where(measured, frame.confidence, coast_conf).astype(np.float32)
    conf[~alive] = 0.0
    pos = np.where((s.alive & alive[:, None]), s.position + dt_s * s.velocity, np.nan)
    return frame.with_changes(
        t_s=t_s,
        image_xy_px=pos[:, IMG],
        world_xyz_m=pos[:, WORLD],
        camera_xyz_m=pos[:, CAM],
        confidence=conf,
        source=source,
        tracking=TrackingState.TRACKED if alive.any() else TrackingState.NO_PLAYER,
    )
