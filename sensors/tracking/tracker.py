"""Per-joint Kalman tracking: adaptive, confidence-weighted, gated, coasting, predicting.

One :class:`~sensors.tracking.bank.KalmanBank` of two-model (still / moving)
IMM filters tracks each joint on 8 axes: image pixels (2), hip-centred world
metres (3) and camera metres (3, from depth fusion); a joint's mode
probability is shared by its 8 axes. By default only the moving model runs
(one vectorised op set for all 264 filters); ``TrackerConfig.for_holds()``
turns the still model on for held poses (see ``p_still_to_moving``). Each
frame, in this order:

1. **predict** every filter to the frame's time (IMM mixing, then each
   model's process noise, see ``bank.py``);
2. **left/right swap**: if the frame fits the prediction clearly better with
   left and right exchanged, it is relabelled (``swap.py``);
3. **measurement noise** from the model's visibility (``sigma / confidence^2``,
   at most ``max_noise_scale`` x sigma) and, for depth, from the depth camera's noise model (``k z^2``) and the
   pixel noise at the joint's distance; a depth sample under a joint the model
   reports as occluded (visibility below ``depth_min_confidence``) lies on the
   occluder, not the joint, and is not used as depth;
4. **gate before update**: a pixel measurement whose innovation is improbable
   (Mahalanobis d^2 over ``gate_chi2``) even when the joint may accelerate at
   ``accel_max`` this step is not used (if only the hard acceleration makes it
   plausible, that process noise is added: a kick or a reversal is followed); one that stays away for
   ``reacquire_frames`` frames re-initialises the joint (the body really
   moved), and a joint back after ``snap_after_s`` unseen, off its prediction,
   is re-placed at once keeping its velocity. A depth sample is used only when its depth innovation passes its
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

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from sensors.joints import NUM_JOINTS
from sensors.pose import JointSource, PoseFrame, TrackingState
from sensors.tracking.bank import KalmanBank, MotionNoise
from sensors.tracking.limbs import SEGMENTS, stretched_children
from sensors.tracking.snapshot import TrackerSnapshot
from sensors.tracking.swap import best_relabelling, relabel

DEFAULT_FX_PX = 500.0  #: focal length assumed when a frame carries no intrinsics
IMAGE_NOISE = MotionNoise(accel_min=10.0, accel_per_speed=25.0, accel_max=8000.0, still_drift=3.0)  #: pixels
METRIC_NOISE = MotionNoise(accel_min=0.08, accel_per_speed=12.0, accel_max=40.0, still_drift=0.01)  #: metres
IMG, WORLD, CAM = slice(0, 2), slice(2, 5), slice(5, 8)  #: the bank's axes of each space


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
    snap_after_s: float = 0.15  #: a joint unseen this long is re-placed at its measurement when it comes back
    reacquire_frames: int = 2  #: consecutive gated-out frames before re-initialising a joint
    max_coast_s: float = 0.5  #: how long a joint may be predicted without measurement
    max_extrapolate_s: float = 0.1  #: predict() never extrapolates further than this past the last frame
    min_confidence: float = 0.05  #: measurements below this count as missing
    #: a depth sample under a joint the model calls occluded lands on the occluder: below this
    #: visibility it is not used (the joint is updated along its pixel's ray instead)
    depth_min_confidence: float = 0.7
    #: measurement std = sigma / confidence ** visibility_power (1: the std grows as 1 / visibility)
    visibility_power: float = 2.0
    max_noise_scale: float = 3.0  #: ... up to this many times sigma
    fix_swaps: bool = True  #: detect and undo left/right swaps
    #: the player's bone lengths (metres, one per ``limbs.SEGMENTS``; NaN = unknown); None: unchecked
    segment_lengths_m: tuple[float, ...] | None = None
    limb_rel_tol: float = 0.10  #: bone length tolerance, share of the calibrated length ...
    limb_abs_tol_m: float = 0.03  #: ... plus this plus 2 depth stds
    #: only joints seen at least this well share their pixel speed with their 3D axes (an occluded
    #: joint's pixels jitter 3x more: their apparent speed is noise)
    speed_min_confidence: float = 0.7
    #: joints seen less well than this take the mean mode probability of the well-seen ones
    mode_min_confidence: float = 0.7
    #: IMM mode transitions per frame, still -> moving and moving -> still. The default (1, 0)
    #: keeps only the moving model (speed-adaptive noise); :meth:`for_holds` turns the still
    #: model on. Measured with ``repquest bench tracking``: the still model makes holds ~10-15
    #: points smoother (wall sit 73 -> 84 % below raw) but, on slow motion, it wins the
    #: likelihood a frame at a time and lags (squat at 3 m 27 -> 56 ms, push-up 23 -> 70 ms), and
    #: a joint back from behind an occluder took over 5 frames to catch up. A level knows when
    #: it is a hold, so the choice is made there.
    p_still_to_moving: float = 1.0
    p_moving_to_still: float = 0.0

    @classmethod
    def for_holds(cls, **changes: object) -> TrackerConfig:
        """The configuration for held poses (plank, wall sit): the IMM's still model on."""
        return cls(**{**HOLD_TRANSITIONS, **changes})  # type: ignore[arg-type]

    def with_holds(self, holds: bool) -> TrackerConfig:
        """This configuration with the still model on (``holds``) or off (moving only)."""
        return dataclasses.replace(self, **(HOLD_TRANSITIONS if holds else MOVING_ONLY))  # type: ignore[arg-type]


#: the IMM's transition probabilities for held poses (still model on) and for movement (still model off)
HOLD_TRANSITIONS = {"p_still_to_moving": 0.01, "p_moving_to_still": 0.05}
MOVING_ONLY = {"p_still_to_moving": 1.0, "p_moving_to_still": 0.0}


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
        a, b = c.p_still_to_moving, c.p_moving_to_still
        self.bank = KalmanBank(
            NUM_JOINTS, ((2, c.image), (3, c.world), (3, c.camera)), np.array([[1 - a, a], [b, 1 - b]])
        )
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

    def reconfigure(self, config: TrackerConfig) -> None:
        """Start over with ``config`` (e.g. :meth:`TrackerConfig.for_holds` when a hold level starts)."""
        self.config = config
        self.reset()

    @property
    def moving_probability(self) -> np.ndarray:
        """(33,) the IMM's probability that each joint is moving (vs held still)."""
        return self.bank.mu[:, 1].copy()

    # -- the filter ------------------------------------------------------------------
    def update(self, frame: PoseFrame) -> PoseFrame:
        c, bank = self.config, self.bank
        swapped_before = self.report.swap_undone  # a pipeline's swap-fix stage may have relabelled it
        self.report = StepReport(swap_undone=swapped_before)
        if c.fix_swaps:
            frame = self.fix_swap(frame)
        dt = self._advance(frame.t_s)
        if frame.tracking is not TrackingState.TRACKED:
            # not the player: learn nothing from it, let the filters coast and age
            self._last = frame
            return frame
        conf = self._noise_weight(frame.confidence)
        seen = frame.visible & (frame.confidence >= c.min_confidence) & np.isfinite(frame.image_xy_px).all(axis=1)
        alive = bank.alive[:, 0]

        # pixels: gate before the update
        r_px = (c.image_sigma_px / conf) ** 2
        r_img = np.stack([r_px, r_px], axis=1)
        d2 = np.where(alive, bank.innovation_d2(frame.image_xy_px, r_img, IMG), 0.0)
        outlier = seen & alive & (d2 > c.gate_chi2)
        # back from behind an occluder, off its prediction: re-placed at the measurement, keeping its velocity (an
        # update would turn the whole gap into velocity and overshoot)
        back = outlier & (frame.t_s - self._last_seen_s > c.snap_after_s)
        bank.reset(back, keep_velocity=True)
        outlier &= ~back
        if outlier.any():
            # a kick or a reversal, not a glitch: plausible once the largest acceleration is allowed
            d2_hard = bank.innovation_d2(frame.image_xy_px, r_img + bank.maneuver_var(dt), IMG)
            maneuver = outlier & (d2_hard <= c.gate_chi2)
            bank.start_maneuver(maneuver, dt)
            outlier &= ~maneuver
        self._gated_run = np.where(outlier, self._gated_run + 1, 0)
        reinit = outlier & (self._gated_run >= c.reacquire_frames)
        bank.reset(reinit)
        accept = seen & (~outlier | reinit)
        self.report.gated = outlier & ~reinit

        r_w = (c.world_sigma_m / conf) ** 2
        world_ok = accept & np.isfinite(frame.world_xyz_m).all(axis=1)
        cam_z, cam_r, cam_use, depth = self._camera_measurement(frame, conf, accept)
        z = np.concatenate([frame.image_xy_px, frame.world_xyz_m, cam_z], axis=1)
        r = np.concatenate([r_img, np.stack([r_w, r_w, r_w], axis=1), cam_r], axis=1)
        use = np.concatenate([np.repeat(accept[:, None], 2, 1), np.repeat(world_ok[:, None], 3, 1), cam_use], axis=1)
        bank.update(z, r, use, dt)
        self._share_mode(frame.confidence, accept)
        self._share_speed(frame, conf)
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

    def snapshot(self) -> TrackerSnapshot | None:
        """The state :meth:`predict` reads, copied and frozen (None before the first frame):
        ``snapshot.predict_pose(tracker.snapshot(), t_s)`` equals ``tracker.predict(t_s)``."""
        if self._last is None or self._t_s is None:
            return None
        c, bank = self.config, self.bank
        arrays = {
            "position": bank.p, "velocity": bank.v, "image_c00": bank.c00[:, IMG], "image_c01": bank.c01[:, IMG],
            "image_c11": bank.c11[:, IMG], "alive": bank.alive, "last_seen_s": self._last_seen_s,
            "measured": self._last_measured, "depth": self._last_depth,
        }  # fmt: skip
        return TrackerSnapshot.capture(self._last, self._t_s, arrays, c.image_sigma_px, c.max_coast_s,
                                       c.max_extrapolate_s)  # fmt: skip

    # -- internals -------------------------------------------------------------------
    def _noise_weight(self, confidence: np.ndarray) -> np.ndarray:
        """(33,) divisor of the measurement stds: ``confidence ** visibility_power``, but a std
        grows at most ``max_noise_scale`` times (an occluded landmark jitters ~3x more, not 1 /
        visibility times: with 1 / visibility a wrist behind a plate lagged 200 ms)."""
        c = self.config
        w = np.clip(confidence.astype(np.float64), c.min_confidence, 1.0) ** c.visibility_power
        return np.maximum(w, 1.0 / c.max_noise_scale)

    def _advance(self, t_s: float) -> float:
        dt = 0.0 if self._t_s is None else max(0.0, t_s - self._t_s)
        self.bank.predict(dt)
        self._t_s = t_s if self._t_s is None else max(self._t_s, t_s)
        self.bank.reset((t_s - self._last_seen_s) > self.config.max_coast_s)
        return dt

    def fix_swap(self, frame: PoseFrame) -> PoseFrame:
        """``frame`` relabelled when left and right fit the tracker's prediction for its time
        clearly better exchanged (``swap.py``); the frame itself otherwise. Changes no filter;
        ``report.swap_undone`` says whether it relabelled."""
        c, bank = self.config, self.bank
        self.report.swap_undone = False
        if self._t_s is None or frame.tracking is not TrackingState.TRACKED or bank.alive[:, 0].sum() < 8:
            return frame
        dt = max(0.0, frame.t_s - self._t_s)
        conf = self._noise_weight(frame.confidence)
        positions, predicted, variances = [], [], []
        for axes, z, r in (
            (IMG, frame.image_xy_px, (c.image_sigma_px / conf) ** 2),
            (WORLD, frame.world_xyz_m, (c.world_sigma_m / conf) ** 2),
            (CAM, frame.camera_xyz_m, np.full(NUM_JOINTS, 0.05**2)),
        ):
            alive = bank.alive[:, axes.start]
            if not alive.any() or not np.isfinite(z).any():
                continue
            positions.append(z)
            predicted.append(np.where(alive[:, None], bank.predicted(dt, axes), np.nan))
            variances.append(bank.position_var(dt, axes) + r[:, None])
        perm = best_relabelling(positions, predicted, variances)
        if perm is None:
            return frame
        self.report.swap_undone = True
        return relabel(frame, perm)

    def _share_mode(self, confidence: np.ndarray, accept: np.ndarray) -> None:
        """Joints the model sees poorly take the body's mode: an occluded joint's landmarks carry
        noise 3x larger and correlated in time, which its own likelihoods read as motion (on a
        plank hold the far side was 'moving' 90 % of the time); the well-seen joints tell better
        whether the body holds still."""
        c, bank = self.config, self.bank
        if bank.single:
            return
        good = accept & (confidence >= c.mode_min_confidence)
        poor = ~good & bank.alive[:, 0]
        if poor.any() and good.sum() >= 4:
            bank.mu[poor] = bank.mu[good].mean(axis=0)
            bank.refresh()

    def _share_speed(self, frame: PoseFrame, conf: np.ndarray) -> None:
        """The pixels' speed, in metres at the joint's distance, also drives the 3D axes' process
        noise: a limb seen moving in the image moves in 3D even when its depth is a poor guess."""
        bank = self.bank
        fx = frame.intrinsics.fx_px if frame.intrinsics is not None else DEFAULT_FX_PX
        z = np.where(bank.alive[:, CAM.start + 2], bank.p[:, CAM.start + 2], np.nan)
        ok = np.isfinite(z) & (z > 0)
        z = np.where(ok, z, z[ok].mean() if ok.any() else 2.5)
        metric = np.where(conf >= self.config.speed_min_confidence, bank.speed[:, 0] * z / fx, 0.0)
        bank.speed[:, 1:] = np.maximum(bank.speed[:, 1:], metric[:, None])

    def _camera_measurement(
        self, frame: PoseFrame, conf: np.ndarray, accept: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The camera axes' measurement ``z`` (33, 3), variances (33, 3) and use mask (33, 3), and
        the (33,) joints whose depth sample is used."""
        c, bank = self.config, self.bank
        xyz = frame.camera_xyz_m
        finite = accept & np.isfinite(xyz).all(axis=1) & (xyz[:, 2] > 0)
        none = np.zeros(NUM_JOINTS, bool)
        if not finite.any():
            self.report.depth_offered, self.report.depth_rejected = none, none
            return xyz, np.ones((NUM_JOINTS, 3)), np.zeros((NUM_JOINTS, 3), bool), none
        offered = finite & (frame.source == JointSource.DEPTH) & (frame.confidence >= c.depth_min_confidence)
        z = np.where(finite, xyz[:, 2], 1.0)
        fx = frame.intrinsics.fx_px if frame.intrinsics is not None else DEFAULT_FX_PX
        sxy = c.image_sigma_px * z / fx / conf
        sz_depth = np.maximum(c.depth_noise_k * z * z, c.depth_sigma_floor_m) / conf
        # depth gate (1 dof on z) against the prediction, then the bones
        alive = bank.alive[:, CAM.start + 2]
        pred = bank.p[:, CAM]
        s_pred = bank.c00[:, CAM.start + 2]
        d2z = (z - pred[:, 2]) ** 2 / (s_pred + sz_depth**2)
        gate_fail = offered & alive & (d2z > c.depth_gate_chi2)
        # a parent stands in with its prediction only while its depth is well known (std < 3 cm)
        fallback = np.where((alive & (s_pred < 0.03**2))[:, None], pred, np.nan)
        abs_tol = c.limb_abs_tol_m + 2 * sz_depth
        stretched = stretched_children(xyz, offered & ~gate_fail, fallback, self._lengths, c.limb_rel_tol, abs_tol)
        self._depth_run = np.where(gate_fail & ~stretched, self._depth_run + 1, 0)
        moved = gate_fail & ~stretched & (self._depth_run >= c.reacquire_frames)
        bank.reset(moved, CAM)
        use_depth = offered & ~stretched & (~gate_fail | moved)
        rejected = offered & ~use_depth
        self.report.depth_offered, self.report.depth_rejected = offered, rejected

        # rejected depth: the joint lies on its pixel's ray at the predicted depth (a monocular guess)
        z_meas = xyz.copy()
        along_ray = rejected & alive
        z_meas[along_ray] = xyz[along_ray] / xyz[along_ray, 2:3] * pred[along_ray, 2:3]
        monocular = finite & ~offered
        use = use_depth | along_ray | monocular
        sz = np.where(use_depth, sz_depth, c.mono_depth_sigma_m / conf)
        r = np.stack([sxy**2, sxy**2, sz**2], axis=1)
        return z_meas, r, np.repeat(use[:, None], 3, axis=1), use_depth

    def _compose(self, frame: PoseFrame, dt_s: float, measured: np.ndarray, depth: np.ndarray, t_s: float) -> PoseFrame:
        c, bank = self.config, self.bank
        alive = bank.alive[:, 0] & ((t_s - self._last_seen_s) <= c.max_coast_s)
        source = np.full(NUM_JOINTS, JointSource.PREDICTED, np.uint8)
        source[measured] = np.where(depth[measured], JointSource.DEPTH, JointSource.MONOCULAR)
        source[measured & (frame.source == JointSource.PREDICTED)] = JointSource.PREDICTED
        source[~alive] = JointSource.MISSING
        # confidence: measured joints keep theirs; coasting ones decay as their position std grows
        std_px = np.sqrt(bank.position_var(dt_s, IMG).max(axis=1) + 1e-9)
        coast_conf = 0.5 * np.clip(c.image_sigma_px / std_px, 0.0, 1.0)
        conf = np.where(measured, frame.confidence, coast_conf).astype(np.float32)
        conf[~alive] = 0.0
        pos = np.where((bank.alive & alive[:, None]), bank.predicted(dt_s), np.nan)
        return frame.with_changes(
            t_s=t_s,
            image_xy_px=pos[:, IMG],
            world_xyz_m=pos[:, WORLD],
            camera_xyz_m=pos[:, CAM],
            confidence=conf,
            source=source,
            tracking=TrackingState.TRACKED if alive.any() else TrackingState.NO_PLAYER,
        )
