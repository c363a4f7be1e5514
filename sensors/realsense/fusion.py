"""Depth fusion: pure numpy, no pyrealsense2, no I/O.

A RealSense frame gives an RGB image, a depth map aligned to it (metres,
0 = no depth) and the colour camera's intrinsics. MediaPipe gives 33
landmarks in pixels plus hip-centred "world" landmarks in metres. Fusion:

1. :func:`sample_depth_m` -- the depth under each landmark: the nearest
   consistent surface among the valid (non-zero) pixels of a small window, so
   one hole or one flying pixel does not matter and a limb at a depth edge is
   not blended with what lies behind it.
2. :func:`deproject_px` -- pixel + depth -> camera-frame point (x right, y
   down, z forward, metres), the same maths as librealsense's
   ``rs2_deproject_pixel_to_point`` for every distortion model it has.
3. :func:`fuse_depth` -- occlusion gating. The skeleton predicts each joint's
   depth: ``anchor_m + world_z_m`` (MediaPipe's world z is relative to the
   hips; the anchor is the hips' depth, fitted robustly from the torso). A
   joint whose measured surface is much closer than predicted is hidden behind
   something (a barbell plate, the other arm); much farther means the pixel
   missed the body and hit the wall. Only joints that agree within
   ``tolerance_m`` become DEPTH; the rest stay MONOCULAR with a 3D estimate on
   their pixel's ray at the predicted depth (or NaN when nothing anchors the
   skeleton).

The measured point is on the body's surface; a joint centre lies a few cm
behind it, a face point on it. ``surface_offset_m`` (default 0) pushes DEPTH
points that far along their ray; :data:`TYPICAL_SURFACE_OFFSET_M` holds a
typical adult's figures (half a limb's thickness at a joint, 0 for the face).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sensors.bones import BONES, TORSO_BONES, bone_ends, mirror_bone_index
from sensors.intrinsics import DISTORTION_MODELS, Intrinsics  # noqa: F401 - re-exported; the one type lives there
from sensors.joints import MIRROR_INDEX, NUM_JOINTS, Joint
from sensors.pose import JointSource
from sensors.realsense import fusion_kernel as kernel

TORSO_JOINTS = (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_HIP, Joint.RIGHT_HIP)


def _typical_offsets() -> np.ndarray:
    """Distance (m) from the skin a depth camera sees to each landmark, along the ray.

    What a landmark *is* decides it. The face points (nose, eyes, ears, mouth corners) and the heel and
    toe tip are points on the skin: 0 (seen head-on; an ear or a heel seen edge-on lies at the
    silhouette and its sample is the nearer skin beside it -- no offset fits that, so such a sample is
    not taken as the point's depth at all: ``FusionParams.silhouette_margin_px``). Shoulders, elbows,
    wrists, hips, knees and ankles are joint centres inside a roughly round limb: half its thickness,
    from typical adult girths (ANSUR II, Gordon et al. 2014, NATICK/TR-15/007; men and women averaged,
    rounded) as circumference / 2 pi -- the upper arm at the shoulder ~32 cm -> 5.0 cm, elbow ~27 cm ->
    4.2 cm, wrist ~16.5 cm -> 2.6 cm, knee ~38 cm -> 6.0 cm, ankle ~22.5 cm -> 3.6 cm; the hip joint ~8
    cm behind the groin's skin (thigh ~58 cm at the crotch -> 9 cm, the femoral head a little in front
    of the thigh's axis). The hand points are knuckles inside a hand ~3 cm thick: 1.5 cm. A round limb
    gives the same offset from every side, so one figure serves all views. The synthetic avatar draws
    its limbs with the same radii (``sensors/synthetic/scene.py``).
    """
    off = np.zeros(NUM_JOINTS)  # face points, heels, toe tips: on the skin
    for side in ("LEFT", "RIGHT"):
        for name, metres in (("SHOULDER", 0.05), ("ELBOW", 0.042), ("WRIST", 0.026), ("HIP", 0.08),
                             ("KNEE", 0.06), ("ANKLE", 0.036), ("PINKY", 0.015), ("INDEX", 0.015),
                             ("THUMB", 0.015)):  # fmt: skip
            off[Joint[f"{side}_{name}"]] = metres
    off.flags.writeable = False
    return off


#: (33,) metres: a typical adult's skin-to-landmark distance along the ray (0 for points on the skin)
TYPICAL_SURFACE_OFFSET_M: np.ndarray = _typical_offsets()


def sample_depth_m(
    depth_m: np.ndarray, xy_px: np.ndarray, window_px: int = 5, min_valid_fraction: float = 0.3,
    surface_gap_m: float = kernel.SURFACE_GAP_M, gap_per_m: float = kernel.SURFACE_GAP_PER_M,
) -> np.ndarray:  # fmt: skip
    """Robust depth under each point: the nearest consistent surface in a small window.

    ``depth_m`` (H, W) metres with 0 for "no depth"; ``xy_px`` (N, 2) pixels
    (NaN allowed). The valid pixels of the ``window_px`` x ``window_px``
    window around each point (clipped at the image border) are split into
    surfaces where consecutive depths (sorted) jump by more than
    ``surface_gap_m + gap_per_m * depth`` (the sensor's noise grows with
    distance); the nearest surface holding at least ``min_valid_fraction`` of
    them (and two pixels) wins and its median is returned -- a limb in front of
    the torso at a depth edge, not a blend of both; a flying pixel or a hole
    never. NaN when the point is outside the image or fewer than
    ``min_valid_fraction`` of the window's pixels hold depth.
    """
    if window_px < 1 or window_px % 2 == 0:
        raise ValueError(f"window_px must be a positive odd number, found {window_px}")
    xy = _ro(np.asarray(xy_px, dtype=np.float64).reshape(-1, 2), np.float64)
    return kernel.depth_under(_ro(depth_m, np.float32), xy, window_px, min_valid_fraction, surface_gap_m, gap_per_m)


def _undistort_normalised(x: np.ndarray, y: np.ndarray, intr: Intrinsics) -> tuple[np.ndarray, np.ndarray]:
    """Distorted normalised image coordinates -> ideal ones (librealsense 2.5x maths)."""
    c = intr.coeffs
    if intr.model in ("none", "modified_brown_conrady"):
        return x, y
    if intr.model in ("inverse_brown_conrady", "brown_conrady"):
        xo, yo = x, y
        for _ in range(10):  # fixed-point iteration, 10 steps as librealsense does
            r2 = x * x + y * y
            icdist = 1.0 / (1.0 + ((c[4] * r2 + c[1]) * r2 + c[0]) * r2)
            xq, yq = (x / icdist, y / icdist) if intr.model == "inverse_brown_conrady" else (x, y)
            dx = 2 * c[2] * xq * yq + c[3] * (r2 + 2 * xq * xq)
            dy = 2 * c[3] * xq * yq + c[2] * (r2 + 2 * yq * yq)
            x = (xo - dx) * icdist
            y = (yo - dy) * icdist
        return x, y
    rd = np.maximum(np.sqrt(x * x + y * y), np.finfo(np.float32).eps)
    if intr.model == "kannala_brandt4":
        theta = rd.copy()
        for _ in range(4):  # Newton on theta * (1 + k1 t^2 + ...) = rd
            t2 = theta * theta
            f = theta * (1 + t2 * (c[0] + t2 * (c[1] + t2 * (c[2] + t2 * c[3])))) - rd
            df = 1 + t2 * (3 * c[0] + t2 * (5 * c[1] + t2 * (7 * c[2] + 9 * t2 * c[3])))
            theta = theta - f / df
        scale = np.tan(theta) / rd
    else:  # ftheta
        scale = (np.tan(c[0] * rd) / np.arctan(2 * np.tan(c[0] / 2.0))) / rd
    return x * scale, y * scale


def deproject_px(xy_px: np.ndarray, depth_m: np.ndarray, intr: Intrinsics) -> np.ndarray:
    """Pixels (N, 2) with depths (N,) metres -> camera-frame points (N, 3) metres.

    x right, y down, z forward (z equals the depth). NaN depth gives NaN points.
    """
    xy = np.asarray(xy_px, dtype=np.float64)
    z = np.asarray(depth_m, dtype=np.float64)
    x = (xy[:, 0] - intr.ppx_px) / intr.fx_px
    y = (xy[:, 1] - intr.ppy_px) / intr.fy_px
    x, y = _undistort_normalised(x, y, intr)
    return np.stack([x * z, y * z, z], axis=1)


@dataclass(frozen=True, slots=True)
class FusionParams:
    """Tuning of :func:`fuse_depth` (defaults measured on synthetic bodies; see docs/realsense.md)."""

    window_px: int = 5  #: depth sampling window (odd)
    min_valid_fraction: float = 0.3  #: share of window pixels that must hold depth
    tolerance_m: float = 0.25  #: a sample this far behind the predicted centre is still the joint's surface ...
    front_tolerance_m: float = 0.15  #: ... and this far in front (nearer is something hiding it)
    min_visibility: float = 0.5  #: MediaPipe visibility below this never becomes DEPTH
    min_depth_m: float = 0.2  #: nearer readings are discarded (sensor minimum range)
    max_depth_m: float = 8.0  #: farther readings are discarded
    #: metres pushed along the ray from surface to joint centre: scalar or (33,)
    surface_offset_m: float | np.ndarray = field(default=0.0)
    estimate_hidden: bool = True  #: give non-DEPTH joints a 3D point at the predicted depth
    anchor_inlier_m: float = 0.12  #: joints whose root estimates agree this well vote for one root depth
    shared_surface_m: float = 0.06  #: two joints whose samples are this close in depth ...
    limb_radius_m: float = 0.07  #: ... and this close across the image sample one surface
    #: a hidden far-side joint moves this share of the way to the body's width behind its near twin (0:
    #: off). 0.4 since the tracker's own twin pull (``sensors/tracking/twin.py``) smooths the mirror over
    #: time: tracker RMSE (``bench tracking``, tuning seeds 101-104) at 0 / 0.2 / 0.4 / 0.6 / 0.8, e.g.
    #: squat side 32.5 / 31.3 / 31.4 / 32.5 / 34.7 mm, lunge side 28.5 / 28.0 / 28.4 / 29.5 / 31.3,
    #: push-up 24.6 / 23.5 / 23.1 / 23.4 / 24.2, plank 56.0 / 55.4 / 55.0 / 54.9 / 54.9; fusion alone
    #: gains most at 0.8 (``tests/test_fusion_side_view.py``)
    twin_weight: float = 0.4
    twin_gate_m: float = 0.3  #: ... less as its pixel lies farther from that prior's, not at all beyond this
    #: the mirror's normal: the near limbs' plane when it is within this of the width pair's direction
    twin_plane_agree_deg: float = 25.0
    #: a learnt bone length's std over a hidden joint's predicted depth's (the bone walk's blend; 0: snap)
    length_over_depth_std: float = 0.3
    #: the pose model's landmark noise (px std at visibility 1; as the tracker's, it grows as 1 /
    #: visibility^2, at most 3x). A hidden far-side joint's ray passes its placed twin at a distance
    #: d, and the width L puts it sqrt(L^2 - d^2) along the ray from there; pixel noise only ever adds
    #: to d^2 (by its variance across the ray, on average), so the bone walk takes that variance off
    #: d^2 first (``fusion_kernel.place_by_bones``). 0: not corrected
    landmark_sigma_px: float = 3.0
    #: a skin point (:data:`SKIN_POINTS`: the face, heels, toe tips) whose sampling window, widened by
    #: this many pixels, also holds a surface beyond its sample lies at a silhouette's edge (an ear seen
    #: from the front): its sample is the nearer skin beside it, not its depth, so it does not become
    #: DEPTH (only "not in front of that surface"); -1: off. 3: the landmark noise's std at visibility
    #: 1 (the pixel jitters that far inside the outline)
    silhouette_margin_px: int = 3


@dataclass(frozen=True, slots=True)
class FusionResult:
    """Output of :func:`fuse_depth`.

    ``camera_xyz_m`` (33, 3), ``source`` (33,) uint8 JointSource values,
    ``measured_depth_m`` (33,) the sampled surface depth (NaN where none),
    ``residual_m`` (33,) measured minus predicted depth (both of the joint
    centre), ``anchor_m`` the fitted hip-centre depth (NaN when no joint had
    usable depth).
    """

    camera_xyz_m: np.ndarray
    source: np.ndarray
    measured_depth_m: np.ndarray
    residual_m: np.ndarray
    anchor_m: float


#: landmarks that are points on the skin, not centres inside a limb: the face, the heels, the toe tips
SKIN_POINTS: tuple[Joint, ...] = tuple(j for j in Joint if j < Joint.LEFT_SHOULDER) + (
    Joint.LEFT_HEEL, Joint.RIGHT_HEEL, Joint.LEFT_FOOT_INDEX, Joint.RIGHT_FOOT_INDEX,
)  # fmt: skip
_SKIN_POINT = np.zeros(NUM_JOINTS, bool)
_SKIN_POINT[list(SKIN_POINTS)] = True
_TORSO = np.zeros(NUM_JOINTS, bool)
_TORSO[list(TORSO_JOINTS)] = True
_TORSO_WEIGHT = np.where(_TORSO, 2.0, 1.0)
J = Joint  #: the torso's joints count double in the root fit
if (kernel.DEPTH, kernel.MONOCULAR, kernel.MISSING) != (JointSource.DEPTH, JointSource.MONOCULAR, JointSource.MISSING):
    raise RuntimeError("sensors.realsense.fusion_kernel: its JointSource values differ from sensors.pose's")


def _same_limb() -> np.ndarray:
    """(33, 33) joints that may share a surface: one face, one hand, one foot, or the two ends of a
    bone on one side of the body (elbow and wrist, hip and knee); a joint and itself."""
    side = np.array([0 if "LEFT" in j.name else 1 if "RIGHT" in j.name else 2 for j in Joint])
    part = np.full(NUM_JOINTS, -1)
    part[: Joint.LEFT_SHOULDER] = 0  # the face
    for k, side_name in enumerate(("LEFT", "RIGHT")):
        hand = [Joint[f"{side_name}_{n}"] for n in ("WRIST", "PINKY", "INDEX", "THUMB")]
        foot = [Joint[f"{side_name}_{n}"] for n in ("ANKLE", "HEEL", "FOOT_INDEX")]
        part[hand], part[foot] = 1 + 2 * k, 2 + 2 * k
    out = (part[:, None] == part[None, :]) & (part[:, None] >= 0)
    for a, b in BONES:
        if side[a] == side[b]:
            out[a, b] = out[b, a] = True
    np.fill_diagonal(out, True)
    return out


_SAME_LIMB = _same_limb()


def fuse_depth(
    image_xy_px: np.ndarray,
    world_xyz_m: np.ndarray,
    visibility: np.ndarray,
    present: np.ndarray,
    depth_m: np.ndarray,
    intr: Intrinsics,
    params: FusionParams | None = None,
    bone_lengths_m: np.ndarray | None = None,
) -> FusionResult:
    """Fuse one frame's landmarks with its aligned depth map.

    ``image_xy_px`` (33, 2) pixels, ``world_xyz_m`` (33, 3) hip-centred metres
    (NaN allowed: then the gate falls back to the torso depth with a doubled
    tolerance), ``visibility`` (33,) in [0, 1], ``present`` (33,) bool (joints
    the model reported), ``depth_m`` (H, W) aligned to the image, metres.

    Depths are compared at the joint *centres*: a sample is the surface, so
    ``surface_offset_m`` is added before the root (anchor) is fitted and the
    gate applied. A joint whose sample lies in front of its predicted centre
    (hidden) is put on its ray at the predicted depth, but never in front of
    the surface that hides it. With the player's ``bone_lengths_m`` (one per
    :data:`sensors.bones.BONES`, NaN: unknown), a hidden joint is moved
    towards where its ray lies that bone's length from its placed neighbour
    (:func:`fusion_kernel.place_by_bones`; a measured neighbour first, so a
    wrist hidden behind its fist hangs from the knuckles): the far hip a hip
    width behind the near one in a side view; then a hidden far-side joint towards its near
    twin's mirror image (:func:`fusion_kernel.twin_prior`).
    """
    p = params or FusionParams()
    xy = _ro(image_xy_px, np.float64)
    pinhole = intr.model in ("none", "modified_brown_conrady")  # no undistortion: rays in the kernel
    rays = _NO_RAYS if pinhole else _ro(deproject_px(xy, np.ones(len(xy)), intr), np.float64)
    use_bones = bone_lengths_m is not None
    xyz, source, measured, residual, anchor = kernel.fuse_frame(
        _ro(depth_m, np.float32), xy, _ro(world_xyz_m, np.float64), _ro(visibility, np.float64),
        _ro(present, np.bool_), _offsets(p.surface_offset_m), rays,
        _ro(np.array((intr.fx_px, intr.fy_px, intr.ppx_px, intr.ppy_px)), np.float64), _TORSO_WEIGHT, _SAME_LIMB,
        _ro(bone_lengths_m, np.float64) if use_bones else _NO_LENGTHS, _WALK, _TORSO_COUNT, p.window_px,
        p.min_valid_fraction, p.min_depth_m, p.max_depth_m, p.min_visibility, p.tolerance_m, p.front_tolerance_m,
        p.anchor_inlier_m, p.shared_surface_m, p.limb_radius_m, p.estimate_hidden, use_bones, _TWIN_PAIRS,
        _WIDTH_PAIRS, _SIDE_OF, _LIMB_OF, p.twin_weight, p.twin_gate_m,
        float(np.cos(np.radians(p.twin_plane_agree_deg))), p.length_over_depth_std, p.landmark_sigma_px,
        _SKIN_POINT, p.silhouette_margin_px,
    )  # fmt: skip
    return FusionResult(
        camera_xyz_m=xyz, source=source, measured_depth_m=measured, residual_m=residual, anchor_m=float(anchor)
    )


def _ro(a: np.ndarray, dtype: type) -> np.ndarray:
    """``a`` as a read-only C-contiguous array of ``dtype`` (a view when it already is one). The
    kernels are compiled once per argument type, read-only-ness included: one type each, always."""
    out = np.ascontiguousarray(a, dtype=dtype)
    if out.flags.writeable:
        out = out.view()
        out.flags.writeable = False
    return out


_NO_RAYS = _ro(np.empty((0, 3)), np.float64)
_SIDE_OF = np.array([0 if "LEFT" in j.name else 1 if "RIGHT" in j.name else -1 for j in Joint], dtype=np.int64)


def _twin_pairs() -> np.ndarray:
    """(P, 3) rows (joint, its left/right twin, the width bone between the two sides): arms and hands
    a shoulder width apart, legs and feet a hip width."""
    rows = []
    for j in Joint:
        if _SIDE_OF[j] < 0 or j < Joint.LEFT_SHOULDER:  # the face has no width bone
            continue
        twin = MIRROR_INDEX[j]
        arm = not any(part in j.name for part in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT"))
        rows.append((int(j), twin, 0 if arm else 1))  # TORSO_BONES[0] shoulder width, [1] hip width
    return np.array(rows, dtype=np.int64)


_TWIN_PAIRS = _twin_pairs()
_LIMB_OF = np.full(NUM_JOINTS, -1, dtype=np.int64)  #: 0 arm, 1 leg, -1 face
_LIMB_OF[_TWIN_PAIRS[:, 0]] = _TWIN_PAIRS[:, 2]
_WIDTH_PAIRS = np.array([(a, b) for a, b in TORSO_BONES[:2]], dtype=np.int64)  #: shoulders, hips
_OFFSETS_CACHE: list[tuple[object, np.ndarray]] = []  #: the last offsets given and their (33,) array


def _offsets(surface_offset_m: float | np.ndarray) -> np.ndarray:
    """(33,) surface-to-centre offsets (m) from a scalar or an array (the last one's array is kept:
    one ``FusionParams`` per stream)."""
    if _OFFSETS_CACHE and _OFFSETS_CACHE[0][0] is surface_offset_m:
        return _OFFSETS_CACHE[0][1]
    if np.isscalar(surface_offset_m):
        out = _ro(np.full(NUM_JOINTS, float(surface_offset_m)), np.float64)  # type: ignore[arg-type]
    else:
        out = _ro(np.broadcast_to(np.asarray(surface_offset_m, np.float64), (NUM_JOINTS,)), np.float64)
    if not np.isscalar(surface_offset_m):  # a scalar's identity says nothing of its value
        _OFFSETS_CACHE[:] = [(surface_offset_m, out)]
    return out


_TORSO_COUNT = len(TORSO_BONES)
_MIRROR_BONE = mirror_bone_index(BONES)
_PARENTS, _CHILDREN = bone_ends(BONES)
#: bones walked when placing hidden joints: the torso twice (either end may be the known one), then the limbs
_WALK = np.array([(k, a, b) for k, (a, b) in enumerate(TORSO_BONES)] * 2 + [
    (k + _TORSO_COUNT, a, b) for k, (a, b) in enumerate(BONES[_TORSO_COUNT:])
], dtype=np.int64)  # fmt: skip
_NO_LENGTHS = np.full(len(BONES), np.nan)


class BoneLengthEstimate:
    """The player's bone lengths (one per :data:`sensors.bones.BONES`), learnt while fusing.

    Only depth measures a length: a bone gets a sample when both ends are DEPTH
    and clearly seen (visibility >= ``min_visibility``: a less visible joint
    may sit on a nearer body part's surface) and it lies within 60 degrees of
    the image plane (pointing along the ray, one end hides the other), else its
    left/right mirror's measurement (a body is symmetric). Its length is the
    median of its last ``window`` samples, once it has ``min_samples`` -- NaN
    (unknown: no bone walk, no twin prior) until then. The model's monocular
    world landmarks are never used: their depth is several times noisier than
    their x/y, so a width or trunk measured from them comes out too long (in a
    side view by 40 % on the synthetic avatar), and a median cannot remove a bias.
    """

    def __init__(self, window: int = 64, min_samples: int = 5, min_visibility: float = 0.8) -> None:
        if window < 1 or not 1 <= min_samples <= window:
            raise ValueError(f"BoneLengthEstimate: need 1 <= min_samples <= window, found {min_samples}, {window}")
        self.window, self.min_samples, self.min_visibility = window, min_samples, min_visibility
        self.reset()

    def reset(self) -> None:
        self.lengths_m = np.full(len(BONES), np.nan)
        self._ring = np.full((len(BONES), self.window), np.nan)
        self._count = np.zeros(len(BONES), np.int64)

    def copy(self) -> BoneLengthEstimate:
        """An independent estimate with the same state (e.g. lengths calibrated on a warm-up)."""
        out = BoneLengthEstimate(self.window, self.min_samples, self.min_visibility)
        out.lengths_m, out._ring, out._count = self.lengths_m.copy(), self._ring.copy(), self._count.copy()
        return out

    def update(self, camera_xyz_m: np.ndarray, depth: np.ndarray, visibility: np.ndarray) -> np.ndarray:
        """Learn from one fused frame (``depth`` (33,) its DEPTH joints); returns the lengths."""
        lengths = self.lengths_m.copy()  # a new array: callers may hold the old one
        kernel.learn_bones(
            lengths, self._ring, self._count, _ro(camera_xyz_m, np.float64), _ro(depth, np.bool_),
            _ro(visibility, np.float64), _PARENTS, _CHILDREN, _MIRROR_BONE, self.min_visibility, self.min_samples,
        )  # fmt: skip
        self.lengths_m = lengths
        return self.lengths_m


for _static in (_SKIN_POINT, _TORSO_WEIGHT, _SAME_LIMB, _WALK, _NO_LENGTHS, _TWIN_PAIRS, _WIDTH_PAIRS, _SIDE_OF,
                _LIMB_OF, _PARENTS, _CHILDREN, _MIRROR_BONE):  # fmt: skip
    _static.flags.writeable = False


def _load_kernels() -> None:
    """Call every kernel once on a tiny frame, at import: numba loads them from its on-disk cache
    (~0.5 s), or compiles them (tens of seconds, once per checkout) -- never in the middle of a
    stream, where a source's read would time out."""
    depth = np.full((8, 8), 2.0, np.float32)
    xy = np.full((NUM_JOINTS, 2), 4.0)
    world = np.zeros((NUM_JOINTS, 3))
    vis, present = np.ones(NUM_JOINTS), np.ones(NUM_JOINTS, bool)
    intr = Intrinsics(8, 8, 8.0, 8.0, 4.0, 4.0)
    fused = fuse_depth(xy, world, vis, present, depth, intr, FusionParams(surface_offset_m=TYPICAL_SURFACE_OFFSET_M),
                       np.full(len(BONES), 0.3))  # fmt: skip
    BoneLengthEstimate().update(fused.camera_xyz_m, fused.source == 2, vis)
    sample_depth_m(depth, xy[:2])


_load_kernels()
