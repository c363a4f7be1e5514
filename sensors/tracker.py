"""Per-joint Kalman tracking: confidence-weighted, gated, coasting, predicting.

Each coordinate of each joint is an independent constant-velocity filter
with state ``[p, v]`` (position, velocity). All 33 joints and all axes of a
space (image px, world m, camera m) are filtered together, vectorised, with
the textbook equations written next to the code (filterpy's notation):

    predict:  x = F x            F = [[1, dt], [0, 1]]
              P = F P F' + Q     Q = Q_discrete_white_noise(2, dt, var)
    update:   y = z - H x        H = [1, 0]
              S = H P H' + R     R = (sigma / confidence)^2
              K = P H' / S
              x = x + K y
              P = (I - K H) P

A measurement whose innovation is improbable (Mahalanobis distance over the
joint's axes above ``gate_chi2``) is rejected: the filter predicts only, as
it does for a missing joint. Blur and single-frame glitches are thereby
ignored, while a joint that stays away for ``reacquire_frames`` frames is
re-initialised there (the body really moved). A joint with no accepted
measurement coasts (``JointSource.PREDICTED``) for ``max_coast_s`` with
confidence decaying as its uncertainty grows, then becomes MISSING.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from filterpy.common import Q_discrete_white_noise

from sensors.joints import NUM_JOINTS
from sensors.pose import JointSource, PoseFrame, TrackingState


@dataclass(frozen=True, slots=True)
class SpaceNoise:
    """Noise model of one coordinate space."""

    accel_var: float  #: white-noise acceleration variance, (unit/s^2)^2
    meas_sigma: float  #: measurement std at confidence 1, in the space's unit


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    image: SpaceNoise = SpaceNoise(accel_var=2000.0**2, meas_sigma=3.0)  # px
    world: SpaceNoise = SpaceNoise(accel_var=15.0**2, meas_sigma=0.02)  # m
    camera: SpaceNoise = SpaceNoise(accel_var=15.0**2, meas_sigma=0.02)  # m
    gate_chi2: float = 16.3  #: chi-square, 3 dof, p = 0.999
    reacquire_frames: int = 3  #: consecutive gated-out frames before re-initialising a joint
    max_coast_s: float = 0.5  #: how long a joint may be predicted without measurement
    min_confidence: float = 0.05  #: measurements below this count as missing


class _Bank:
    """Constant-velocity filters for an (n_joints, n_axes) array of coordinates."""

    def __init__(self, n_axes: int, noise: SpaceNoise) -> None:
        self.noise = noise
        self.x = np.zeros((NUM_JOINTS, n_axes, 2))  # state [p, v]
        self.P = np.zeros((NUM_JOINTS, n_axes, 2, 2))  # covariance
        self.alive = np.zeros(NUM_JOINTS, bool)

    def predict(self, dt_s: float) -> None:
        if dt_s <= 0:
            return
        F = np.array([[1.0, dt_s], [0.0, 1.0]])
        Q = Q_discrete_white_noise(dim=2, dt=dt_s, var=self.noise.accel_var)
        self.x = self.x @ F.T  # x = F x
        self.P = F @ self.P @ F.T + Q  # P = F P F' + Q

    def predicted(self, dt_s: float) -> np.ndarray:
        """Positions ``dt_s`` ahead without changing the filter, (n_joints, n_axes)."""
        return self.x[..., 0] + dt_s * self.x[..., 1]

    def innovation_d2(self, z: np.ndarray, conf: np.ndarray) -> np.ndarray:
        """Mahalanobis distance^2 of each joint's measurement, (n_joints,)."""
        R = (self.noise.meas_sigma / conf)[:, None] ** 2
        y = z - self.x[..., 0]  # y = z - H x
        S = self.P[..., 0, 0] + R  # S = H P H' + R
        return np.nansum(y * y / S, axis=1)

    def update(self, z: np.ndarray, conf: np.ndarray, use: np.ndarray) -> None:
        """Kalman update of the joints in ``use`` (bool mask) with measurement ``z``."""
        fresh = use & ~self.alive
        if fresh.any():  # first sight: position measured, velocity unknown
            self.x[fresh, :, 0] = z[fresh]
            self.x[fresh, :, 1] = 0.0
            self.P[fresh] = 0.0
            self.P[fresh, :, 0, 0] = (self.noise.meas_sigma / conf[fresh, None]) ** 2
            self.P[fresh, :, 1, 1] = 4.0 * self.noise.accel_var**0.5
            self.alive |= fresh
        upd = use & ~fresh
        if not upd.any():
            return
        x, P = self.x[upd], self.P[upd]
        R = (self.noise.meas_sigma / conf[upd])[:, None] ** 2
        y = z[upd] - x[..., 0]  # y = z - H x
        S = P[..., 0, 0] + R  # S = H P H' + R
        K = P[..., :, 0] / S[..., None]  # K = P H' S^-1
        self.x[upd] = x + K * y[..., None]  # x = x + K y
        KH = np.zeros_like(P)
        KH[..., :, 0] = K
        self.P[upd] = P - KH @ P  # P = (I - K H) P

    def reset(self, mask: np.ndarray) -> None:
        self.alive &= ~mask


class PoseTracker:
    """Filters a stream of pose frames; ask for the pose at any time with :meth:`predict`.

    ``update(frame)`` returns the filtered frame (same timestamp). Joints that
    were measured keep their source flag; coasting joints are PREDICTED.
    """

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        c = self.config
        self._image = _Bank(2, c.image)
        self._world = _Bank(3, c.world)
        self._camera = _Bank(3, c.camera)
        self._t_s: float | None = None
        self._last_seen_s = np.full(NUM_JOINTS, -np.inf)
        self._gated_run = np.zeros(NUM_JOINTS, int)
        self._last: PoseFrame | None = None
        self._last_measured = np.zeros(NUM_JOINTS, bool)
        self._last_depth = np.zeros(NUM_JOINTS, bool)

    def reset(self) -> None:
        self.__init__(self.config)  # type: ignore[misc]

    def update(self, frame: PoseFrame) -> PoseFrame:
        c = self.config
        if frame.tracking is not TrackingState.TRACKED:
            # not the player: learn nothing from it, let the filters coast and age
            self._advance(frame.t_s)
            self._last = frame
            return frame
        self._advance(frame.t_s)
        conf = np.clip(frame.confidence.astype(np.float64), c.min_confidence, 1.0)
        seen = frame.visible & (frame.confidence >= c.min_confidence) & np.isfinite(frame.image_xy_px).all(axis=1)
        d2 = np.where(self._image.alive, self._image.innovation_d2(frame.image_xy_px, conf), 0.0)
        outlier = seen & self._image.alive & (d2 > c.gate_chi2)
        self._gated_run = np.where(outlier, self._gated_run + 1, 0)
        reinit = outlier & (self._gated_run >= c.reacquire_frames)
        for bank in (self._image, self._world, self._camera):
            bank.reset(reinit)
        accept = seen & (~outlier | reinit)
        self._image.update(frame.image_xy_px, conf, accept)
        world_ok = accept & np.isfinite(frame.world_xyz_m).all(axis=1)
        self._world.update(frame.world_xyz_m, conf, world_ok)
        depth = accept & (frame.source == JointSource.DEPTH) & np.isfinite(frame.camera_xyz_m).all(axis=1)
        self._camera.update(frame.camera_xyz_m, conf, depth)
        self._last_seen_s[accept] = frame.t_s
        self._last = frame
        self._last_measured, self._last_depth = accept, depth
        return self._compose(frame, 0.0, accept, depth)

    def predict(self, t_s: float) -> PoseFrame | None:
        """The pose at time ``t_s`` (e.g. the display time), without changing the filter."""
        if self._last is None or self._t_s is None:
            return None
        if self._last.tracking is not TrackingState.TRACKED:
            return self._last
        dt = max(0.0, t_s - self._t_s)
        return self._compose(self._last, dt, self._last_measured, self._last_depth, t_s=t_s)

    # -- internals -------------------------------------------------------------
    def _advance(self, t_s: float) -> None:
        dt = 0.0 if self._t_s is None else t_s - self._t_s
        for bank in (self._image, self._world, self._camera):
            bank.predict(dt)
        self._t_s = t_s if self._t_s is None else max(self._t_s, t_s)
        stale = (t_s - self._last_seen_s) > self.config.max_coast_s
        for bank in (self._image, self._world, self._camera):
            bank.reset(stale)

    def _compose(
        self, frame: PoseFrame, dt_s: float, measured: np.ndarray, depth: np.ndarray, t_s: float | None = None
    ) -> PoseFrame:
        alive = self._image.alive
        source = np.full(NUM_JOINTS, JointSource.PREDICTED, np.uint8)
        source[measured] = np.where(depth[measured], JointSource.DEPTH, JointSource.MONOCULAR)
        source[measured & (frame.source == JointSource.PREDICTED)] = JointSource.PREDICTED
        source[~alive] = JointSource.MISSING
        # confidence: measured joints keep theirs; coasting ones decay as their position std grows
        std_px = np.sqrt(self._image.P[:, :, 0, 0].max(axis=1) + 1e-9)
        coast_conf = 0.5 * np.clip(self.config.image.meas_sigma / std_px, 0.0, 1.0)
        conf = np.where(measured, frame.confidence, coast_conf).astype(np.float32)
        conf[~alive] = 0.0
        return frame.with_changes(
            t_s=frame.t_s if t_s is None else t_s,
            image_xy_px=np.where(alive[:, None], self._image.predicted(dt_s), np.nan),
            world_xyz_m=np.where(self._world.alive[:, None], self._world.predicted(dt_s), np.nan),
            camera_xyz_m=np.where(self._camera.alive[:, None], self._camera.predicted(dt_s), np.nan),
            confidence=conf,
            source=source,
            tracking=TrackingState.TRACKED if alive.any() else TrackingState.NO_PLAYER,
        )
