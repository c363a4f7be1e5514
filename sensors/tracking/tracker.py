"""Per-joint Kalman tracking: adaptive, confidence-weighted, gated, coasting, predicting.

One :class:`~sensors.tracking.bank.KalmanBank` of two-model (still / moving)
IMM filters tracks each joint on 8 axes: image pixels (2), hip-centred world
metres (3) and camera metres (3, from depth fusion); a joint's mode
probability is shared by its 8 axes. On movement (the default) the still
model is entered rarely and left easily: it takes a few per cent of the
mixture and smooths a little everywhere (it does not single out the joints
that hold still; see ``p_still_to_moving``); ``TrackerConfig.for_holds()``
makes "moving" the short-lived mode for held poses. A joint seen
poorly takes the mode of the well-seen joints of its limb (``mode_share``).
Each frame, in this order:

1. **predict** every filter to the frame's time (IMM mixing, then each
   model's process noise, see ``bank.py``);
2. **left/right swap**: if the frame fits the prediction clearly better with
   left and right exchanged, it is relabelled (``swap.py``);
3. **measurement noise** from the model's visibility (``sigma / confidence^2``,
   at most ``max_noise_scale`` x sigma) and, for depth, from the depth camera's noise model (``k z^2``) and the
   pixel noise at the joint's distance; a depth sample under a joint the model
   reports as occluded (visibility below ``depth_min_confidence``) lies on the
   occluder, not the joint, and is not used as depth; a joint that fusion gives
   depth only some of the time sits at a depth edge, where the samples that pass
   are biased, and they count less (``depth_edge_sigma_m``);
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
   for at most ``max_coast_s``, then ``MISSING``;
6. **rigid groups** (``rigid.py``): the points of the head, each hand, each
   foot and the trunk are pulled toward where their group's other points put
   them (a learnt shape, fitted rotation and translation; the rotation held
   near the last frame's unless the well seen points show a turn), weighted
   by the filters' variances: a poorly seen ear, heel or far-side hip follows the
   well seen points of its body part. The pull is added to what ``update``
   and ``predict`` return; the filters themselves are not changed;
7. **twin pull** (``twin.py``): in a side view, each far-side joint is
   pulled toward its near twin's mirror image in the body's mid-plane,
   weighted by the two joints' landmark noise and how far a person's two
   sides differ, fading out where the limb moves on its own; shown only, as
   in step 6;
8. **holds follow movement** (``motion.py``): a hold tracker also runs the
   movement configuration and shows its positions, in proportion to how much
   the body as a whole moves (the median displacement of its well-seen
   pixels over 0.2 s): getting into position and out of it are followed, a
   held body is the hold tracker's own.

``predict(t)`` answers the pose at any time (the display time) without
changing the filters; it extrapolates at most ``max_extrapolate_s``, with each
joint's velocity times its Wiener gain (a velocity that is mostly noise is not
extrapolated, a steady one in full; ``velocity_noise_weight``), and drops
joints that would have coasted past ``max_coast_s``. On holds the world
landmarks' and depth's noise is learnt from the held joints' innovations
(``noise_learning_rate``; it runs on movement too, where it learns nothing).

The arithmetic of steps 1-5 is compiled with numba (``kernels.py``,
``measure.py``): ~0.2-0.3 ms a frame where numpy on (33, 8) arrays took
1.6-2.9 ms; this file keeps the order of the steps and the state.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from sensors.joints import NUM_JOINTS, Joint
from sensors.pose import JointSource, PoseFrame, TrackingState
from sensors.tracking import kernels, measure, motion, rigid, twin
from sensors.tracking.bank import KalmanBank, MotionNoise, _unit_q_array
from sensors.tracking.limbs import SEGMENTS
from sensors.tracking.snapshot import TrackerSnapshot
from sensors.tracking.swap import _CANDIDATES, _SIDED, best_relabelling_from, relabel

DEFAULT_FX_PX = 500.0  #: focal length assumed when a frame carries no intrinsics
IMAGE_NOISE = MotionNoise(accel_min=10.0, accel_per_speed=25.0, accel_max=8000.0, still_drift=3.0)  #: pixels
METRIC_NOISE = MotionNoise(accel_min=0.08, accel_per_speed=30.0, accel_max=40.0, still_drift=0.01)  #: metres
# accel_per_speed 12 -> 30 (1/s) once the rigid groups took the slow wander out of the poorly seen points
# (``bench tracking``, tuning seed): lag push-up 44 -> 24 ms, curl 34 -> 26, squat 3 m 22 -> 8; RMSE / One Euro
# within +-0.02 on every moving stream (before the groups, more acceleration per speed cost RMSE)
IMG, WORLD, CAM = slice(0, 2), slice(2, 5), slice(5, 8)  #: the bank's axes of each space


def _limb_groups() -> np.ndarray:
    """(33,) a part per joint: 0 the head (face points), 1-2 the arms (shoulder, elbow, wrist, hand
    points), 3-4 the legs (hip, knee, ankle, heel, toe tip); left first."""
    groups = np.zeros(NUM_JOINTS, np.int64)
    for side, offset in (("LEFT", 1), ("RIGHT", 2)):
        for name in ("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB"):
            groups[Joint[f"{side}_{name}"]] = offset
        for name in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX"):
            groups[Joint[f"{side}_{name}"]] = offset + 2
    return groups


#: which joints share the IMM's mode (``TrackerConfig.mode_share``): per joint its group (the whole
#: body, or each limb), and how many well-seen joints a group needs before its poorly seen ones
#: take their mode
MODE_GROUPS = {"body": (np.zeros(NUM_JOINTS, np.int64), 4), "limb": (_limb_groups(), 1)}


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
    #: joints seen less well than this take the mean mode probability of the well-seen ones of
    #: their group (``mode_share``)
    mode_min_confidence: float = 0.7
    #: IMM mode transitions per frame, still -> moving and moving -> still. Movement (the default):
    #: the still model is entered rarely and left easily (0.5 / 0.002). It does *not* pick out the
    #: joints that hold still while others move: measured (eval seed 1), a joint whose true speed is
    #: under 2 cm/s has a mean still probability of 0.02-0.09 on every moving stream (push-up 0.035,
    #: curl 0.018, raise 0.072), no more than a fast one's (0.01-0.09). One frame's innovations cannot
    #: tell a held joint from a slow one while the landmark noise wanders over several frames, so the
    #: still model's few per cent of the mixture smooth a little everywhere; that is where the gain
    #: below comes from. A stillness test over a window (0.5-3 s) does pick them out, but it also
    #: holds a push-up's slow joints (lag 29 -> 44-120 ms; ``benchmarks/README.md``, stop 22). Holds
    #: (:meth:`for_holds`): "moving" is short-lived instead (0.02 / 0.5). Chosen with ``repquest bench
    #: tracking``'s moving streams on tuning seeds 101-106 (not its eval seeds): the lowest RMSE whose
    #: lag stays <= 30 ms, or no worse than the moving model's where that is over (the curl: 32 ms).
    #: RMSE / One Euro, moving model alone (1 / 0) -> 0.5 / 0.002: push-up 0.811 -> 0.789 (lag 25 ->
    #: 29 ms), curl 0.755 -> 0.712 (32 -> 32), squat at 3 m 0.710 -> 0.684 (9 -> 13), high knees 0.773
    #: -> 0.727, raise 0.787 -> 0.771; 0.4 and 0.3 were lower still but lagged (push-up 33, 39 ms),
    #: 0.7 lagged less and gained less (push-up 0.800, 26 ms).
    p_still_to_moving: float = 0.5
    p_moving_to_still: float = 0.002
    #: which joints a poorly seen joint (below ``mode_min_confidence``) takes its mode from: "limb"
    #: the well-seen joints of its own part (head, an arm, a leg; its own mode where none is well
    #: seen), "body" all well-seen joints (4 or more). Movement uses "limb": with "body" (measured in
    #: stop 18, the world axes still voting on the mode) a wrist behind a plate took the still mode
    #: of a curl's standing body (lag 29 -> 38 ms) and a side-view squat's far leg the trunk's
    #: (``bench counting``: squat_side_d 3 -> 2 reps of 4). Holds use "body".
    mode_share: Literal["body", "limb"] = "limb"
    #: whether the world axes' innovations count towards a joint's mode. They do not by default: the
    #: world landmarks are hip-centred, so a joint that moves with the whole body (the hips in a
    #: squat, everything in a jump) stands still in them, and its 3 world axes outvoted its 2 image
    #: axes: a squat's hips flipped to "still" frame by frame and lagged in the picture. Measured on
    #: the real clips (``bench robustness``, with the still model on movement): ``squat_side_d`` 1.5x
    #: faster or cut at the shins counted 0 of 4 reps with them, 3 (as unperturbed) without.
    mode_from_world: bool = False
    #: ``predict`` extrapolates with the filter's velocity times its Wiener gain s^2 / (s^2 + w n^2)
    #: per joint and space: s the low-passed velocity (``speed_tau_s``), n^2 the variance of the
    #: velocity around it (a moving average over ``velocity_noise_tau_s``), w = ``velocity_noise_weight``
    #: (the low-pass keeps part of the noise too: 2 is tuned between 1, 2 and 4 on the tuning seed).
    #: A steady motion is extrapolated in full (n -> 0); a joint whose velocity is its noise's
    #: (a poorly seen point, a slow push-up's face) is shown where it is. ``bench tracking`` (eval
    #: seeds): better than showing the current estimate 33 ms ahead on 3 -> 4 of 7 moving streams, 66 ms
    #: ahead 3 -> 5 (jumping jack 0.74 -> 0.86 of the current estimate's error: some of a clean
    #: motion's lead is given up). The filters' own velocity is not changed.
    velocity_noise_tau_s: float = 0.3
    velocity_noise_weight: float = 2.0
    #: with the still model on (holds, and movement too, where it learns nothing: 4 well-seen joints
    #: held still with probability over 0.5 occur in 1-16 % of a moving stream's frames and the scales
    #: stay at 1 on all 7 moving streams, eval seeds 1-2): the noise of the world landmarks and of
    #: depth is learnt from the innovations of the well-seen joints the IMM holds still (covariance
    #: matching: the mean of (y^2 - P) / R, a moving average over ~1 / rate frames), one variance
    #: scale per world axis and one for depth, never below the configured noise, at most
    #: ``max_learnt_noise_scale`` times its std. The configured 2 cm is a guess: the synthetic
    #: model's world z is 3x its x / y (as MediaPipe's), and at 4 m its x / y are 3 cm. Told 2 cm,
    #: the still model lost the mode likelihood to the moving one (a joint was "moving" 28 % of a
    #: plank at 4 m: the mode is shared by a joint's 8 axes) and the moving model's share followed
    #: the noise. Measured (``bench tracking``, tuning seed 101, plank at 4 m): static jitter 79.1
    #: -> 80.5 % below raw, MPJPE 63 -> 60 mm; wall sit unchanged. The pixels' noise is not learnt:
    #: it made the plank 89 % but the slow approach to the wall sit, which the IMM reads as still,
    #: inflated it (x1.4) and lagged (RMSE 0.81 -> 0.86 of One Euro's). Rate 0.02 of 0.01, 0.02,
    #: 0.05.
    noise_learning_rate: float = 0.02
    max_learnt_noise_scale: float = 5.0
    #: pull the points of the head, hands, feet and trunk onto their group's rigid shape (``rigid.py``)
    rigid_groups: bool = True
    rigid_sigma_m: float = 0.005  #: how far a point may bend from its group's rigid shape (std; ``rigid.BEND``)
    rigid_rate: float = 0.02  #: share of a frame's shape the learnt template takes
    rigid_turn_rad_s: float = 3.0  #: how fast a still group turns (std): the prior on its turn between frames
    rigid_swing_radius_m: float = 0.5  #: a moving group turns faster by its speed over this radius
    #: pull a side view's far-side joints toward their near twin's mirror image (``twin.py``) ...
    twin_pull: bool = True
    twin_sigma_m: float = 0.05  #: ... how far a person's two sides differ (std) ...
    twin_gate_m: float = 0.4  #: ... the distance between a joint and the mirror image the pull fades out at ...
    #: ... the |cos| of the mid-plane's normal and the camera's ray over which the view turns from front to side
    twin_side_view_cos: tuple[float, float] = (0.5, 0.8)
    twin_normal_tau_s: float = 1.5  #: the mid-plane's normal is smoothed over this long (0: not smoothed)
    #: on holds, also run the movement configuration and show it while the whole body moves (getting
    #: into position and out of it; ``motion.py``): the window the body's displacement is taken over, and
    #: the displacement (in landmark noise stds) over which the view turns from the hold's to the movement's
    holds_follow_movement: bool = True
    movement_window_s: float = 0.2
    movement_weight_sigmas: tuple[float, float] = (1.5, 3.0)
    #: a joint that fusion gives depth only some of the time sits at a depth edge and the samples it
    #: gets are biased (``measure.depth_edge_variance``): each gets the variance
    #: ``depth_edge_sigma_m``^2 ((1 - share) / share)^2 on top of the camera's noise, ``share`` the
    #: joint's share of frames with depth (a moving average over ~1 / ``depth_edge_rate`` frames); 0:
    #: off. Tuning seed: 0.1 of 0.05, 0.1, 0.2, and the square of the odds rather than the odds (which
    #: cost the curl 4 ms of lag: a wrist at the plate's edge, 80-90 % depth, was smoothed too)
    depth_edge_sigma_m: float = 0.1
    depth_edge_rate: float = 1.0 / 30.0
    #: the share starts at 0.5 as if seen over this many frames: a joint's first depth samples are
    #: not trusted as the camera's noise before it is known whether it sits at a depth edge (with the
    #: still model on movement, a raise's ear, depth in 28 % of its frames, kept its first biased
    #: samples for seconds: z bias over the stream's first sixth -50 mm, main's -12.5). Tuning seed,
    #: raise, RMSE / One Euro: starting at 1 0.826, 4 frames 0.782, 10 0.777, 25 0.775.
    depth_edge_prior_frames: float = 10.0

    @classmethod
    def for_holds(cls, **changes: object) -> TrackerConfig:
        """The configuration for held poses (plank, wall sit): the IMM's still model on."""
        return cls(**{**HOLD_TRANSITIONS, **changes})  # type: ignore[arg-type]

    @property
    def holds(self) -> bool:
        """Whether this is a configuration for held poses (:meth:`for_holds`, :meth:`with_holds`)."""
        return all(getattr(self, name) == value for name, value in HOLD_TRANSITIONS.items())

    def with_holds(self, holds: bool) -> TrackerConfig:
        """This configuration with the hold transitions (``holds``) or the movement ones."""
        return dataclasses.replace(self, **(HOLD_TRANSITIONS if holds else MOVEMENT_TRANSITIONS))  # type: ignore[arg-type]


#: the IMM's transition probabilities for held poses and for movement (``p_still_to_moving``).
#: On holds "moving" is short-lived (moving -> still 0.5 a frame): landmark noise correlated in time
#: (an occluded or far joint's wanders for several frames) otherwise reads as motion; with 0.05 the
#: joints of a plank at 4 m were "moving" half of the time. Measured (``bench tracking``, tuning
#: seed): plank at 4 m static jitter 66 -> 72 % below raw, RMSE / One Euro 1.10 -> 0.97; wall sit
#: 75 -> 83 %.
HOLD_TRANSITIONS = {"p_still_to_moving": 0.02, "p_moving_to_still": 0.5, "mode_share": "body"}
MOVEMENT_TRANSITIONS = {"p_still_to_moving": 0.5, "p_moving_to_still": 0.002, "mode_share": "limb"}


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
        mode_axis = np.ones(CAM.stop, bool)  # the bank's 8 axes: image, world, camera
        mode_axis[WORLD] = c.mode_from_world
        self.bank = KalmanBank(
            NUM_JOINTS, ((2, c.image), (3, c.world), (3, c.camera)), np.array([[1 - a, a], [b, 1 - b]]), mode_axis
        )
        self._lengths = (
            np.full(len(SEGMENTS), np.nan) if c.segment_lengths_m is None else np.asarray(c.segment_lengths_m, float)
        )
        if self._lengths.shape != (len(SEGMENTS),):
            raise ValueError(f"segment_lengths_m: expected {len(SEGMENTS)} lengths, found {self._lengths.shape}")
        self._t_s: float | None = None
        self._last_seen_s = np.full(NUM_JOINTS, -np.inf)
        self._gated_run = np.zeros(NUM_JOINTS, np.int64)
        self._depth_run = np.zeros(NUM_JOINTS, np.int64)
        self._last: PoseFrame | None = None
        self._last_measured = np.zeros(NUM_JOINTS, bool)
        self._last_depth = np.zeros(NUM_JOINTS, bool)
        self.report = StepReport()
        # the compiled kernels' arguments, built once (``measure.measure`` documents their order)
        bank = self.bank
        self._bank_args = (bank.xp, bank.xv, bank.p00, bank.p01, bank.p11, bank.mu, bank.alive, bank._keep_v,
                           bank._accel_max)  # fmt: skip
        self._track_args = (self._last_seen_s, self._gated_run, self._depth_run)
        self._cfg = np.array([c.image_sigma_px, c.world_sigma_m, c.gate_chi2, c.snap_after_s, c.reacquire_frames, 0.0,
                              c.depth_gate_chi2, c.depth_noise_k, c.depth_sigma_floor_m, c.mono_depth_sigma_m,
                              c.limb_rel_tol, c.limb_abs_tol_m])  # fmt: skip
        if c.mode_share not in MODE_GROUPS:
            raise ValueError(f"mode_share: expected one of {sorted(MODE_GROUPS)}, found {c.mode_share!r}")
        self._mode_groups, min_good = MODE_GROUPS[c.mode_share]
        self._mode_min_good = float(min_good)
        self._mode_sums = np.zeros((3, int(self._mode_groups.max()) + 1))  #: share's per-group scratch
        self._cfg32 = np.array([c.min_confidence, c.depth_min_confidence, c.mode_min_confidence], np.float32)
        self._z = np.zeros((NUM_JOINTS, 8))
        self._r = np.ones((NUM_JOINTS, 8))
        self._use = np.zeros((NUM_JOINTS, 8), bool)
        self._rigid = rigid.RigidState(2)
        #: the mid-plane's smoothed normal and its uncertainty (``twin.project``; none yet)
        self._twin_plane = np.array([0.0, 0.0, 0.0, -1.0])
        self._twin_delta = np.zeros((NUM_JOINTS, 3))
        #: on holds, the movement configuration's tracker and how much of it is shown (``motion.py``)
        self._mover = PoseTracker(c.with_holds(False)) if c.holds and c.holds_follow_movement else None
        self._body_motion = motion.BodyMotion(c.movement_window_s, c.mode_min_confidence)
        self.movement_weight = 0.0
        self._delta = np.zeros((NUM_JOINTS, 8))
        #: the positions shown: the filters' plus the rigid groups' and the twin pull (on holds, blended
        #: with the movement tracker's while the body moves)
        self._shown = np.zeros((NUM_JOINTS, 8))
        #: what ``predict`` extrapolates with: the velocity times its Wiener gain (``measure.prediction_velocity``)
        self._v_pred = np.zeros((NUM_JOINTS, 8))
        self._v_noise = np.zeros((NUM_JOINTS, 3))  #: per joint and space: the variance of the velocity's wobble
        self._shown_est = (self._shown, self._v_pred, *self.bank.est[2:])
        #: the learnt scale of the measurement noise variances: world x, y, z and depth (``learn_noise``)
        self._noise_scale = np.ones(4)
        #: per joint: the share of frames fusion gave it depth, the frames counted, the variance it adds
        self._depth_share = np.full(NUM_JOINTS, 0.5 if c.depth_edge_prior_frames > 0 else 1.0)
        self._depth_frames = np.full(NUM_JOINTS, float(c.depth_edge_prior_frames))
        self._depth_edge_var = np.zeros(NUM_JOINTS)
        _warm_up()

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
        report = self.report = StepReport(swap_undone=swapped_before)
        if self._mover is not None:
            self._mover.update(frame)
        if c.fix_swaps:
            frame = self.fix_swap(frame)
        dt = self._advance(frame.t_s)
        if frame.tracking is not TrackingState.TRACKED:
            # not the player: learn nothing from it, let the filters coast and age
            self._last = frame
            return frame
        confidence = _c(frame.confidence)
        conf = kernels.noise_weight(confidence, c.min_confidence, c.visibility_power, c.max_noise_scale)
        fx = frame.intrinsics.fx_px if frame.intrinsics is not None else DEFAULT_FX_PX
        self._cfg[5] = bank.maneuver_var(dt)
        self._cfg[7] = c.depth_noise_k * np.sqrt(self._noise_scale[3])  # the depth noise learnt on held joints
        xyz, source = _c(frame.camera_xyz_m), _c(frame.source)
        if c.depth_edge_sigma_m > 0:  # joints that only sometimes have depth: their samples count less
            measure.depth_edge_variance(source, confidence, xyz, self._cfg32[1], c.depth_edge_rate, self._depth_frames,
                                        self._depth_share, c.depth_edge_sigma_m, self._depth_edge_var)  # fmt: skip
        # steps 3-4 of the module docstring: gate, manoeuvres, re-acquisition, depth checks (``measure.py``)
        flags = np.zeros((5, NUM_JOINTS), bool)  # accepted, depth used, gated, depth offered, depth rejected
        measure.measure(_c(frame.image_xy_px), _c(frame.world_xyz_m), xyz, confidence, source, conf,
                        self._bank_args, bank.est, bank.single, self._track_args, self._lengths, measure.SEGMENT_ORDER,
                        self._cfg, self._cfg32, frame.t_s, dt, fx, _unit_q_array(dt) if dt > 0 else _NO_Q, self._z,
                        self._r, self._use, flags, self._depth_edge_var)  # fmt: skip
        # the still model runs: the world axes' learnt scales, then this frame's innovations teach the next
        if not bank.single:
            self._r[:, WORLD] *= self._noise_scale[:3]
            measure.learn_noise(self._z, self._r, self._use, bank.est, bank.alive, bank.mu, confidence, flags[1],
                                self._cfg32[2], c.noise_learning_rate, c.max_learnt_noise_scale**2,
                                self._noise_scale)  # fmt: skip
        bank.update(self._z, self._r, self._use, dt)
        accept, depth = flags[0], flags[1]
        # poorly seen joints take their group's mode; the pixels' speed drives the 3D axes' process noise
        measure.share(bank.xp, bank.xv, bank.p00, bank.p01, bank.p11, bank.mu, bank.alive, bank.speed, bank.est,
                      bank.single, confidence, conf, accept, np.float32(c.mode_min_confidence),
                      c.speed_min_confidence, fx, self._mode_groups, self._mode_min_good,
                      self._mode_sums)  # fmt: skip
        if dt > 0:  # the velocity predict() extrapolates with
            measure.prediction_velocity(bank.v, bank.v_lp, self._use, bank.alive, dt / (c.velocity_noise_tau_s + dt),
                                        c.velocity_noise_weight, self._v_noise, self._v_pred)  # fmt: skip
        if c.rigid_groups:  # the head, hands, feet and trunk keep their shape (``rigid.py``)
            r = self._rigid
            rigid.project(bank.alive, bank.est, _RIGID_SPACES, r.template, r.rotation, r.ready, r.frames,
                          c.rigid_sigma_m, c.rigid_rate, c.rigid_turn_rad_s, c.rigid_swing_radius_m, dt,
                          self._delta)  # fmt: skip
            np.add(bank.p, self._delta, out=self._shown)
        else:
            self._shown[:] = bank.p
        if c.twin_pull:  # a side view's far limbs mirror the near ones (``twin.py``)
            self._twin_pull(conf, fx, dt)
        if self._mover is not None:  # on holds: the movement configuration's view while the body moves
            self._follow_movement(frame)
        report.depth_offered, report.depth_rejected, report.gated = flags[3], flags[4], flags[2]
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
            "position": self._shown, "velocity": self._v_pred, "image_c00": bank.c00[:, IMG],
            "image_c01": bank.c01[:, IMG], "image_c11": bank.c11[:, IMG], "alive": bank.alive,
            "last_seen_s": self._last_seen_s,
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
        return kernels.noise_weight(_c(confidence), c.min_confidence, c.visibility_power, c.max_noise_scale)

    def _twin_pull(self, noise_weight: np.ndarray, fx: float, dt_s: float) -> None:
        """Pull a side view's far-side joints shown toward their near twin's mirror image (``twin.py``)."""
        c, shown = self.config, self._shown[:, CAM]
        known = self.bank.alive[:, CAM].all(axis=1)
        twin.project(shown, known, noise_weight, c.image_sigma_px, fx, self._twin_plane, dt_s, c.twin_normal_tau_s,
                     *c.twin_side_view_cos, c.twin_sigma_m, c.twin_gate_m, self._twin_delta)  # fmt: skip
        shown += self._twin_delta

    def _follow_movement(self, frame: PoseFrame) -> None:
        """Blend the movement tracker's positions and velocities into those shown, by how much the
        whole body moves (``motion.py``)."""
        c, mover = self.config, self._mover
        assert mover is not None
        moved_px = self._body_motion.push(frame.t_s, _c(frame.image_xy_px), _c(frame.confidence))
        w = self.movement_weight = motion.movement_weight(moved_px, c.image_sigma_px, *c.movement_weight_sigmas)
        if w > 0:
            both = self.bank.alive & mover.bank.alive
            self._shown[both] += w * (mover._shown[both] - self._shown[both])
            self._v_pred[both] += w * (mover._v_pred[both] - self._v_pred[both])

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
        r = np.empty((NUM_JOINTS, 3))
        r[:, 0], r[:, 1], r[:, 2] = (c.image_sigma_px / conf) ** 2, (c.world_sigma_m / conf) ** 2, 0.05**2
        spaces = (_c(frame.image_xy_px), _c(frame.world_xyz_m), _c(frame.camera_xyz_m))
        perm = best_relabelling_from(kernels.swap_costs(spaces, bank.alive, bank.est, dt, _SIDED, r, _CANDIDATES))
        if perm is None:
            return frame
        self.report.swap_undone = True
        return relabel(frame, perm)

    def _compose(self, frame: PoseFrame, dt_s: float, measured: np.ndarray, depth: np.ndarray, t_s: float) -> PoseFrame:
        """The filtered pose ``dt_s`` past the last update: measured joints keep their confidence and
        source (DEPTH only where depth was used); coasting ones are PREDICTED, their confidence
        decaying as their position std grows; joints past ``max_coast_s`` MISSING (``kernels.compose``)."""
        img, world, cam = np.empty((NUM_JOINTS, 2)), np.empty((NUM_JOINTS, 3)), np.empty((NUM_JOINTS, 3))
        conf, source = np.empty(NUM_JOINTS, np.float32), np.empty(NUM_JOINTS, np.uint8)
        c = self.config
        any_alive = kernels.compose(self.bank.alive, self._last_seen_s, t_s, dt_s, c.max_coast_s, measured, depth,
                                    _c(frame.source), _c(frame.confidence), self._shown_est, c.image_sigma_px, img,
                                    world, cam, conf, source)  # fmt: skip
        return frame.with_changes(
            t_s=t_s,
            image_xy_px=img,
            world_xyz_m=world,
            camera_xyz_m=cam,
            confidence=conf,
            source=source,
            tracking=TrackingState.TRACKED if any_alive else TrackingState.NO_PLAYER,
        )


_NO_Q = np.zeros(3)
#: the 3D spaces whose groups keep their shape: the camera's (depth-fused) only. The pose model's
#: monocular world landmarks are its guesses, not a rigid body's measurements: pulled onto rigid
#: shapes there, the shared barbell quarter squat (squat_side_d) counted 0 of 4 instead of 3 under
#: four of `bench robustness`'s perturbations (faster, tilted, shins cut, dropout)
_RIGID_SPACES = np.array([CAM.start], np.int64)


def _c(a: np.ndarray) -> np.ndarray:
    """A writable C-contiguous copy: the compiled kernels then always see one array type (a frame's
    read-only or strided arrays would each need a compilation of their own, ~10 s, mid-game)."""
    return np.array(a, copy=True, order="C")


_warmed = False


def _warm_up() -> None:
    """Load (or, on a machine's first run, compile) the kernels once, before the first frame: a
    tracker is built when a pipeline starts, so the cost lands there, not on a frame."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    for holds in (False, True):
        tracker = PoseTracker(TrackerConfig().with_holds(holds))
        t = PoseFrame.empty(0.0, 0, (640, 480), TrackingState.TRACKED)
        xy = np.linspace(100.0, 300.0, 2 * NUM_JOINTS).reshape(NUM_JOINTS, 2)
        xyz = np.column_stack([np.linspace(-0.3, 0.3, NUM_JOINTS), np.linspace(-0.8, 0.8, NUM_JOINTS),
                               np.full(NUM_JOINTS, 2.5)])  # fmt: skip
        for i in range(3):
            frame = t.with_changes(t_s=i / 30, index=i, image_xy_px=xy + i, camera_xyz_m=xyz, world_xyz_m=xyz - 2.5,
                                   confidence=np.full(NUM_JOINTS, 0.9, np.float32),
                                   source=np.full(NUM_JOINTS, JointSource.DEPTH, np.uint8))  # fmt: skip
            tracker.update(frame)
            tracker.predict(frame.t_s + 0.03)
