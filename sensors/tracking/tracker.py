"""Per-joint Kalman tracking: adaptive, confidence-weighted, gated, coasting, predicting.

Three :class:`~sensors.tracking.bank.KalmanBank` s filter a pose stream: image
pixels (2 axes), hip-centred world metres (3) and camera metres (3, from depth
fusion). Each frame, in this order:

1. **predict** every filter to the frame's time (speed-adaptive process noise,
   see ``bank.py``);
2. **left/right swap**: if the frame fits the prediction clearly better with
   left and right exchanged, it is relabelled (``swap.py``);
3. **measurement noise** from the model's visibility (``sigma / confidence``)
   and, for depth, from the depth camera's noise model (``k z^2``) and the
   pixel noise at the joint's distance;
4. **gate before update**: a pixel measurement whose innovation is improbable
   (Mahalanobis d^2 over ``gate_chi2``) even when the joint may accelerate at
   ``accel_max`` this step is not used (if only the hard acceleration makes it
   plausible, that process noise is added: a kick or a reversal is followed); one that stays away for
   ``reacquire_frames`` frames re-initialises the joint (the body really
   moved). A depth sample is used only when its depth innovation passes its
   own gate and it keeps the bone to its parent near the player's calibrated
   length (``limbs.py``); otherwise the joint is updated along its pixel's ray
   at the predicted depth, with the large variance of a monocular guess;
5. **update** the accepted measurements; the rest **coast**: position by
   velocity, covariance growing, source ``PREDICTED``, confidence decaying,
   for at most ``max_coast_s``, then ``MISSING``.

``predict(t)`` answers the pose at any time (the display time) without
changing the filters; it extrapolates at most ``max_extrapolate_s`` and drops
joints that would have coasted past ``max_coast_s``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sensors.joints import NUM_JOINTS
from sensors.pose import JointSource, PoseFrame, TrackingState
from sensors.tracking.bank import KalmanBank, MotionNoise
from sensors.tracking.limbs import SEGMENTS, stretched_children
from sensors.tracking.swap import best_relabelling, relabel

DEFAULT_FX_PX = 500.0  #: focal length assumed when a frame carries no intrinsics
IMAGE_NOISE = MotionNoise(accel_min=10.0, accel_per_speed=25.0, accel_max=8000.0)  #: pixels
METRIC_NOISE = MotionNoise(accel_min=0.08, accel_per_speed=12.0, accel_max=40.0)  #: metres


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    """Noise models and limits. Defaults tuned with ``repquest bench tracking`` on held-out seeds."""

    image: MotionNoise = IMAGE_NOISE
    world: MotionNoise = METRIC_NOISE
    camera: MotionNoise = METRIC_NOISE
    image_sigma_px: float = 3.0  #: landmark noise std at confidence 1
    world_sigma_m: float = 0.02  #: world-landmark noise std at confidence 1
    depth_noise_k: float = 0.0035  #: depth std = k z^2 (1/m); a D435 at 2 m: ~14 mm
    depth_sigma_floor_m: float = 0.005
    mono_depth_sigma_m: float = 0.15  #: std of a depth guessed from the skeleton (no depth sample)
    gate_chi2: float = 13.8  #: pixel gate, chi-square 2 dof, p = 0.999
    depth_gate_chi2: float = 10.8  #: depth gate, chi-square 1 dof, p = 0.999
    reacquire_frames: int = 3  #: consecutive gated-out frames before re-initialising a joint
    max_coast_s: float = 0.5  #: how long a joint may be predicted without measurement
    max_extrapolate_s: float = 0.1  #: predict() never extrapolates further than this past the last frame
    min_confidence: float = 0.05  #: measurements below this count as missing
    #: measurement std = sigma / confidence ** visibility_power (1: the std grows as 1 / visibility)
    visibility_power: float = 1.0
    fix_swaps: bool = True  #: detect and undo left/right swaps
    #: the player's bone lengths (metres, one per ``limbs.SEGMENTS``; NaN = unknown); None: unchecked
    segment_lengths_m: tuple[float, ...] | None = None
    limb_rel_tol: float = 0.10  #: bone length tolerance, share of the calibrated length ...
    limb_abs_tol_m: float = 0.03  #: ... plus this plus 2 depth stds


@dataclass(slots=True)
class StepReport:
    """What the last ``update`` did (for benchmarks, tests and the HUD)."""

    swap_undone: bool = False
    depth_offered: np.ndarray = field(default_factory=lambda: np.zeros(NUM_JOINTS, bool))
    depth_rejected: np.ndarray = field(default_factory=lambda: np.zeros(NUM_JOINTS, bool))
    gated: np.ndarray = field(default_factory=lambda: np.zeros(NUM_JOINTS, bool))


class PoseTracker:
    """Filters a stream of pose frames; ask for the pose at any time with :meth:`predict`.

    ``update(frame)`` returns the filtered frame (same timestamp): measured
    joints keep MONOCULAR, DEPTH only where the depth sample was accepted,
    coasting joints are PREDICTED, lost ones MISSING.
    """

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        c = self.config
        self._image = KalmanBank(NUM_JOINTS, 2, c.image)
        self._world = KalmanBank(NUM_JOINTS, 3, c.world)
        self._camera = KalmanBank(NUM_JOINTS, 3, c.camera)
        self._lengths = (
            np.full(len(SEGMENTS), np.nan) if c.segment_lengths_m is None else np.asarray(c.segment_lengths_m, float)
        )
        if self._lengths.shape != (len(SEGMENTS),):
            raise ValueError(f"segment_lengths_m: expected {len(SEGMENTS)} lengths, found {self._lengths.shape}")
        self._t_s: float | None = None
        self._last_seen_s = np.full(NUM_JOINTS, -np.inf)
        self._gated_run = np.zeros(NUM_JOINTS, int)
        self._depth_run = np.zeros(NUM_JOINTS, int)
        self._last: PoseFrame | None = None
        self._last_measured = np.zeros(NUM_JOINTS, bool)
        self._last_depth = np.zeros(NUM_JOINTS, bool)
        self.report = StepReport()

    def reset(self) -> None:
        self.__init__(self.config)  # type: ignore[misc]

    @property
    def banks(self) -> tuple[KalmanBank, KalmanBank, KalmanBank]:
        return self._image, self._world, self._camera

    # -- the filter ------------------------------------------------------------------
    def update(self, frame: PoseFrame) -> PoseFrame:
        c = self.config
        swapped_before = self.report.swap_undone  # a pipeline's swap-fix stage may have relabelled it
        self.report = StepReport(swap_undone=swapped_before)
        if c.fix_swaps:
            frame = self.fix_swap(frame)
        dt = self._advance(frame.t_s)
        if frame.tracking is not TrackingState.TRACKED:
            # not the player: learn nothing from it, let the filters coast and age
            self._last = frame
            return frame
        conf = np.clip(frame.confidence.astype(np.float64), c.min_confidence, 1.0) ** c.visibility_power
        seen = frame.visible & (frame.confidence >= c.min_confidence) & np.isfinite(frame.image_xy_px).all(axis=1)

        # pixels: gate, then update
        r_img = np.repeat(((c.image_sigma_px / conf) ** 2)[:, None], 2, axis=1)
        d2 = np.where(self._image.alive, self._image.innovation_d2(frame.image_xy_px, r_img), 0.0)
        outlier = seen & self._image.alive & (d2 > c.gate_chi2)
        # a kick or a reversal, not a glitch: plausible once the largest acceleration is allowed
        d2_hard = self._image.innovation_d2(frame.image_xy_px, r_img + self._image.maneuver_var(dt))
        maneuver = outlier & (d2_hard <= c.gate_chi2)
        for bank in self.banks:
            bank.start_maneuver(maneuver, dt)
        outlier &= ~maneuver
        self._gated_run = np.where(outlier, self._gated_run + 1, 0)
        reinit = outlier & (self._gated_run >= c.reacquire_frames)
        for bank in self.banks:
            bank.reset(reinit)
        accept = seen & (~outlier | reinit)
        self.report.gated = outlier & ~reinit
        self._image.update(frame.image_xy_px, r_img, accept, dt)

        r_world = np.repeat(((c.world_sigma_m / conf) ** 2)[:, None], 3, axis=1)
        world_ok = accept & np.isfinite(frame.world_xyz_m).all(axis=1)
        self._world.update(frame.world_xyz_m, r_world, world_ok, dt)

        self._share_speed(frame)
        depth = self._update_camera(frame, conf, accept, dt)
        self._last_seen_s[accept] = frame.t_s
        self._last = frame
        self._last_measured, self._last_depth = accept, depth
        return self._compose(frame, 0.0, accept, depth, frame.t_s)

    def predict(self, t_s: float) -> PoseFrame | None:
        """The pose at time ``t_s`` (e.g. the display time), without changing the filters.

        Extrapolates at most ``max_extrapolate_s`` past the last frame; joints
        unmeasured for over ``max_coast_s`` at ``t_s`` are MISSING."""
        if self._last is None or self._t_s is None:
            return None
        if self._last.tracking is not TrackingState.TRACKED:
            return self._last
        c = self.config
        dt = float(np.clip(t_s - self._t_s, 0.0, min(c.max_extrapolate_s, c.max_coast_s)))
        return self._compose(self._last, dt, self._last_measured, self._last_depth, t_s)

    # -- internals -------------------------------------------------------------------
    def _advance(self, t_s: float) -> float:
        dt = 0.0 if self._t_s is None else max(0.0, t_s - self._t_s)
        for bank in self.banks:
            bank.predict(dt)
        self._t_s = t_s if self._t_s is None else max(self._t_s, t_s)
        stale = (t_s - self._last_seen_s) > self.config.max_coast_s
        for bank in self.banks:
            bank.reset(stale)
        return dt

    def fix_swap(self, frame: PoseFrame) -> PoseFrame:
        """``frame`` relabelled when left and right fit the tracker's prediction for its time
        clearly better exchanged (``swap.py``); the frame itself otherwise. Changes no filter;
        ``report.swap_undone`` says whether it relabelled."""
        c = self.config
        self.report.swap_undone = False
        if self._t_s is None or frame.tracking is not TrackingState.TRACKED or self._image.alive.sum() < 8:
            return frame
        dt = max(0.0, frame.t_s - self._t_s)
        conf = np.clip(frame.confidence.astype(np.float64), c.min_confidence, 1.0) ** c.visibility_power
        positions, predicted, variances = [], [], []
        for bank, z, r in (
            (self._image, frame.image_xy_px, (c.image_sigma_px / conf) ** 2),
            (self._world, frame.world_xyz_m, (c.world_sigma_m / conf) ** 2),
            (self._camera, frame.camera_xyz_m, np.full(NUM_JOINTS, 0.05**2)),
        ):
            if not bank.alive.any() or not np.isfinite(z).any():
                continue
            positions.append(z)
            predicted.append(np.where(bank.alive[:, None], bank.predicted(dt), np.nan))
            variances.append(bank.position_var(dt) + r[:, None])
        perm = best_relabelling(positions, predicted, variances)
        if perm is None:
            return frame
        self.report.swap_undone = True
        return relabel(frame, perm)

    def _share_speed(self, frame: PoseFrame) -> None:
        """The pixels' speed, in metres at the joint's distance, also drives the 3D banks' process
        noise: a limb seen moving in the image moves in 3D even when its depth is a poor guess."""
        fx = frame.intrinsics.fx_px if frame.intrinsics is not None else DEFAULT_FX_PX
        z = np.where(self._camera.alive, self._camera.x[:, 2, 0], np.nan)
        z = np.where(np.isfinite(z) & (z > 0), z, np.nanmedian(z) if np.isfinite(z).any() else 2.5)
        metric = self._image.speed * z / fx
        for bank in (self._world, self._camera):
            bank.speed = np.maximum(bank.speed, metric)

    def _update_camera(self, frame: PoseFrame, conf: np.ndarray, accept: np.ndarray, dt: float) -> np.ndarray:
        """Update the camera-space bank; returns the (33,) joints whose depth sample was used."""
        c, cam = self.config, self._camera
        xyz = frame.camera_xyz_m
        finite = accept & np.isfinite(xyz).all(axis=1) & (xyz[:, 2] > 0)
        if not finite.any():
            return np.zeros(NUM_JOINTS, bool)
        offered = finite & (frame.source == JointSource.DEPTH)
        z = np.where(finite, xyz[:, 2], 1.0)
        fx = frame.intrinsics.fx_px if frame.intrinsics is not None else DEFAULT_FX_PX
        sxy = c.image_sigma_px * z / fx / conf
        sz_depth = np.maximum(c.depth_noise_k * z * z, c.depth_sigma_floor_m) / conf
        # depth gate (1 dof on z) against the prediction, then the bones
        pred = cam.x[..., 0]
        s_pred = cam.P[:, 2, 0, 0]
        d2z = (z - pred[:, 2]) ** 2 / (s_pred + sz_depth**2)
        gate_fail = offered & cam.alive & (d2z > c.depth_gate_chi2)
        # a parent stands in with its prediction only while its depth is well known (std < 3 cm)
        fallback = np.where((cam.alive & (s_pred < 0.03**2))[:, None], pred, np.nan)
        abs_tol = c.limb_abs_tol_m + 2 * sz_depth
        stretched = stretched_children(xyz, offered & ~gate_fail, fallback, self._lengths, c.limb_rel_tol, abs_tol)
        self._depth_run = np.where(gate_fail & ~stretched, self._depth_run + 1, 0)
        moved = gate_fail & ~stretched & (self._depth_run >= c.reacquire_frames)
        cam.reset(moved)
        use_depth = offered & ~stretched & (~gate_fail | moved)
        rejected = offered & ~use_depth
        self.report.depth_offered, self.report.depth_rejected = offered, rejected

        # rejected depth: the joint lies on its pixel's ray at the predicted depth (a monocular guess)
        z_meas = xyz.copy()
        along_ray = rejected & cam.alive
        z_meas[along_ray] = xyz[along_ray] / xyz[along_ray, 2:3] * pred[along_ray, 2:3]
        monocular = finite & ~offered
        use = use_depth | along_ray | monocular
        r = np.stack([sxy**2, sxy**2, np.where(use_depth, sz_depth**2, (c.mono_depth_sigma_m / conf) ** 2)], axis=1)
        cam.update(z_meas, r, use, dt)
        return use_depth

    def _compose(self, frame: PoseFrame, dt_s: float, measured: np.ndarray, depth: np.ndarray, t_s: float) -> PoseFrame:
        c = self.config
        alive = self._image.alive & ((t_s - self._last_seen_s) <= c.max_coast_s)
        source = np.full(NUM_JOINTS, JointSource.PREDICTED, np.uint8)
        source[measured] = np.where(depth[measured], JointSource.DEPTH, JointSource.MONOCULAR)
        source[measured & (frame.source == JointSource.PREDICTED)] = JointSource.PREDICTED
        source[~alive] = JointSource.MISSING
        # confidence: measured joints keep theirs; coasting ones decay as their position std grows
        std_px = np.sqrt(self._image.position_var(dt_s).max(axis=1) + 1e-9)
        coast_conf = 0.5 * np.clip(c.image_sigma_px / std_px, 0.0, 1.0)
        conf = np.where(measured, frame.confidence, coast_conf).astype(np.float32)
        conf[~alive] = 0.0
        world_alive = self._world.alive & alive
        cam_alive = self._camera.alive & alive
        return frame.with_changes(
            t_s=t_s,
            image_xy_px=np.where(alive[:, None], self._image.predicted(dt_s), np.nan),
            world_xyz_m=np.where(world_alive[:, None], self._world.predicted(dt_s), np.nan),
            camera_xyz_m=np.where(cam_alive[:, None], self._camera.predicted(dt_s), np.nan),
            confidence=conf,
            source=source,
            tracking=TrackingState.TRACKED if alive.any() else TrackingState.NO_PLAYER,
        )
