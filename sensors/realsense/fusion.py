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
behind it. ``surface_offset_m`` (default 0) pushes DEPTH points that far
along their ray; :data:`TYPICAL_SURFACE_OFFSET_M` holds rough half-thicknesses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sensors.bones import BONES, TORSO_BONES, bone_ends, bone_lengths, mirror_bone_index
from sensors.intrinsics import DISTORTION_MODELS, Intrinsics  # noqa: F401 - re-exported; the one type lives there
from sensors.joints import NUM_JOINTS, Joint
from sensors.pose import JointSource

TORSO_JOINTS = (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_HIP, Joint.RIGHT_HIP)


def _typical_offsets() -> np.ndarray:
    """Rough distance (m) from the visible body surface to each joint centre."""
    off = np.full(NUM_JOINTS, 0.03)  # face, hands, feet: thin
    for j in (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER):
        off[j] = 0.05
    for j in (Joint.LEFT_HIP, Joint.RIGHT_HIP):
        off[j] = 0.08
    for j in (Joint.LEFT_KNEE, Joint.RIGHT_KNEE, Joint.LEFT_ELBOW, Joint.RIGHT_ELBOW):
        off[j] = 0.04
    off.flags.writeable = False
    return off


#: (33,) metres: a typical adult's surface-to-joint-centre distance seen from the front
TYPICAL_SURFACE_OFFSET_M: np.ndarray = _typical_offsets()


_WINDOW_OFFSETS: dict[int, tuple[np.ndarray, np.ndarray]] = {}
_NO_DEPTH = 1e6  #: stands for an invalid pixel when sorting (farther than any surface, and finite)


def _window_offsets(window_px: int) -> tuple[np.ndarray, np.ndarray]:
    """(win*win,) row and column offsets of a square window, cached."""
    if window_px not in _WINDOW_OFFSETS:
        r = window_px // 2
        dr, dc = np.meshgrid(np.arange(-r, r + 1), np.arange(-r, r + 1), indexing="ij")
        _WINDOW_OFFSETS[window_px] = (dr.ravel(), dc.ravel())
    return _WINDOW_OFFSETS[window_px]


def sample_depth_m(
    depth_m: np.ndarray, xy_px: np.ndarray, window_px: int = 5, min_valid_fraction: float = 0.3,
    surface_gap_m: float = 0.05, gap_per_m: float = 0.01,
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
    h, w = depth_m.shape
    xy = np.asarray(xy_px, dtype=np.float64)
    out = np.full(len(xy), np.nan)
    x, y = xy[:, 0], xy[:, 1]
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)  # NaN compares False
    if not inside.any():
        return out
    cols = x[inside].astype(np.int64)  # non-negative: truncation is floor
    rows = y[inside].astype(np.int64)
    dr, dc = _window_offsets(window_px)
    r = window_px // 2
    if r <= rows.min() and rows.max() < h - r and r <= cols.min() and cols.max() < w - r:
        patch = depth_m.ravel()[(rows * w + cols)[:, None] + (dr * w + dc)].astype(np.float64)  # (m, win*win)
        valid = (patch > 0) & (patch < _NO_DEPTH)
        n_pixels: np.ndarray | int = len(dr)
    else:  # a window crosses the border: clip it
        rr, cc = rows[:, None] + dr, cols[:, None] + dc
        in_image = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
        patch = depth_m[np.clip(rr, 0, h - 1), np.clip(cc, 0, w - 1)].astype(np.float64)
        valid = in_image & (patch > 0) & (patch < _NO_DEPTH)
        n_pixels = in_image.sum(axis=1)
    n_valid = valid.sum(axis=1)
    enough = (n_valid > 0) & (n_valid >= min_valid_fraction * n_pixels)
    if not enough.any():
        return out
    vals = np.sort(np.where(valid[enough], patch[enough], _NO_DEPTH), axis=1)  # valid first, nearest first
    nv = n_valid[enough]
    m, k = vals.shape
    # sorted pixels split into surfaces where the depth jumps; the invalid ones (at _NO_DEPTH) are one more
    jump = (vals[:, 1:] - vals[:, :-1]) > surface_gap_m + gap_per_m * vals[:, :1]
    pos = np.arange(k)
    start = np.zeros((m, k), np.int64)
    start[:, 1:] = np.where(jump, pos[1:], 0)
    np.maximum.accumulate(start, axis=1, out=start)  # index where each pixel's surface starts
    end = np.full((m, k), k, np.int64)
    end[:, :-1] = np.where(jump, pos[1:], k)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]  # ... and where the next starts
    size = end - start
    need = np.maximum(2.0, np.ceil(min_valid_fraction * nv))
    ok = (size >= need[:, None]) & (pos < nv[:, None])
    j = np.argmax(ok, axis=1)  # the nearest big surface; none (cannot happen with enough pixels): the nearest
    i = np.arange(m)
    s0, count = start[i, j], np.minimum(size[i, j], nv)
    median = 0.5 * (vals[i, s0 + (count - 1) // 2] + vals[i, s0 + count // 2])
    idx = np.flatnonzero(inside)[enough]
    out[idx] = median
    return out


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


_TORSO = np.zeros(NUM_JOINTS, bool)
_TORSO[list(TORSO_JOINTS)] = True
_TORSO_WEIGHT = np.where(_TORSO, 2.0, 1.0)
J = Joint  #: the torso's joints count double in the root fit
_DEPTH, _MONOCULAR, _MISSING = int(JointSource.DEPTH), int(JointSource.MONOCULAR), int(JointSource.MISSING)


def _fit_anchor(candidates_m: np.ndarray, weights: np.ndarray, inlier_m: float) -> float:
    """Hip-centre depth from per-joint estimates ``centre depth - world_z`` (NaN: unusable).

    A one-dimensional consensus: the estimate with the largest weight of others
    within ``inlier_m`` wins (a few joints sampling the wall behind or a limb
    in front cannot outvote the body), then the weighted median of its inliers.
    """
    ok = np.isfinite(candidates_m) & (weights > 0)
    if not ok.any():
        return float("nan")
    c, w = candidates_m[ok], weights[ok]
    near = np.abs(c[:, None] - c[None, :]) < inlier_m  # (n, n)
    best = int(np.argmax(near @ w))
    inl = near[best]
    c, w = c[inl], w[inl]
    order = np.argsort(c)
    cum = np.cumsum(w[order])
    return float(c[order][np.searchsorted(cum, 0.5 * cum[-1])])


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


def _shared_surface(
    xy_px: np.ndarray, measured_m: np.ndarray, predicted_m: np.ndarray, visibility: np.ndarray,
    candidates: np.ndarray, p: FusionParams, f_px: float,
) -> np.ndarray:  # fmt: skip
    """(33,) joints whose sample is the surface of another, nearer joint (self-occlusion).

    One surface point belongs to one body part: when two joints land within a
    limb's radius of each other in the image and sample the same depth, the
    one the skeleton puts farther back (less visible, on a tie) is hidden
    behind the other -- a far arm behind the near one, the far hip behind the
    near one in a side view.
    """
    idx = np.flatnonzero(np.isfinite(measured_m))
    out = np.zeros(NUM_JOINTS, bool)
    if len(idx) < 2:
        return out
    xy, d, pred, vis = xy_px[idx], measured_m[idx], predicted_m[idx], visibility[idx]
    radius_px = f_px * p.limb_radius_m / d
    dist_px = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    same = (dist_px < radius_px[None, :]) & (np.abs(d[:, None] - d[None, :]) < p.shared_surface_m)
    # row i hidden behind column k: k predicted nearer (or, when the skeleton cannot tell, more visible)
    behind = np.where(np.isfinite(pred[:, None] - pred[None, :]), pred[:, None] - pred[None, :] > p.shared_surface_m,
                      vis[:, None] < vis[None, :])  # fmt: skip
    same &= ~_SAME_LIMB[np.ix_(idx, idx)]
    hidden = (same & behind).any(axis=1)
    out[idx] = hidden & candidates[idx]
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
    :data:`sensors.bones.BONES`, NaN: unknown), a hidden joint is put instead
    where its ray lies that bone's length from its placed neighbour (the
    solution nearer the predicted depth): the far hip a hip width behind the
    near one in a side view, the far knee a thigh from the far hip.
    """
    p = params or FusionParams()
    vis = np.asarray(visibility, dtype=np.float64)
    measured = sample_depth_m(depth_m, image_xy_px, p.window_px, p.min_valid_fraction)
    in_range = np.isfinite(measured) & (measured >= p.min_depth_m) & (measured <= p.max_depth_m)
    measured = np.where(in_range, measured, np.nan)
    usable = in_range & present & (vis >= p.min_visibility)
    offset = p.surface_offset_m if np.isscalar(p.surface_offset_m) else np.asarray(p.surface_offset_m, np.float64)
    centre = measured + offset  # the joint centre lies about ``offset`` behind the surface

    world_z = np.asarray(world_xyz_m, dtype=np.float64)[:, 2]
    tolerance = p.tolerance_m
    if not np.all(np.isfinite(world_z[present])):
        world_z = np.zeros(NUM_JOINTS)  # no skeleton depth: only "near the torso" can be checked
        tolerance = 2 * p.tolerance_m
    weights = np.where(usable & np.isfinite(world_z), vis * _TORSO_WEIGHT, 0.0)
    anchor = _fit_anchor(centre - world_z, weights, min(p.anchor_inlier_m, tolerance))
    predicted = anchor + world_z
    residual = centre - predicted
    front = min(p.front_tolerance_m, tolerance) * tolerance / p.tolerance_m
    is_depth = usable & (residual < tolerance) & (residual > -front)
    if is_depth.sum() >= 2:
        is_depth &= ~_shared_surface(image_xy_px, measured, predicted, vis, is_depth, p, intr.fx_px)

    z = np.where(is_depth, measured, np.nan)
    if p.estimate_hidden and np.isfinite(anchor):
        hidden_z = predicted
        in_front = np.isfinite(measured) & (residual < 0)  # a surface in front of the joint hides it
        hidden_z = np.where(in_front, np.fmax(predicted, measured + offset), predicted)
        z = np.where(~is_depth & present, hidden_z, z)
    rays = deproject_px(image_xy_px, np.ones(NUM_JOINTS), intr)  # (33, 3) with z = 1
    xyz = rays * z[:, None]
    if np.any(offset != 0) and is_depth.any():  # DEPTH points: from the surface to the joint centre
        d = xyz[is_depth]
        norm = np.sqrt(np.einsum("ij,ij->i", d, d))
        xyz[is_depth] = d * (1.0 + np.broadcast_to(offset, (NUM_JOINTS,))[is_depth] / norm)[:, None]
    if bone_lengths_m is not None and p.estimate_hidden and np.isfinite(anchor):
        xyz = _place_by_bones(xyz, rays, is_depth, present & ~is_depth, bone_lengths_m)

    source = np.where(is_depth, _DEPTH, np.where(present, _MONOCULAR, _MISSING)).astype(np.uint8)
    xyz[~present] = np.nan
    return FusionResult(
        camera_xyz_m=xyz, source=source, measured_depth_m=measured, residual_m=residual, anchor_m=anchor
    )


_TORSO_COUNT = len(TORSO_BONES)
_MIRROR_BONE = mirror_bone_index(BONES)
#: bones walked when placing hidden joints: the torso twice (either end may be the known one), then the limbs
_WALK = [(k, a, b) for k, (a, b) in enumerate(TORSO_BONES)] * 2 + [
    (k + _TORSO_COUNT, a, b) for k, (a, b) in enumerate(BONES[_TORSO_COUNT:])
]


def _place_by_bones(
    xyz: np.ndarray, rays: np.ndarray, measured: np.ndarray, hidden: np.ndarray, lengths_m: np.ndarray
) -> np.ndarray:
    """Hidden joints moved along their rays to a bone's length from a placed neighbour.

    ``xyz`` (33, 3) fused points (hidden ones at their predicted depth),
    ``rays`` (33, 3) pixel rays with z = 1, ``measured`` (33,) DEPTH joints,
    ``hidden`` (33,) joints to place, ``lengths_m`` (len(BONES),). Walks the
    torso, then the limbs outwards; a joint is placed once. On the ray
    ``t * r``, ``|t r - P| = L`` gives ``t = (r.P +- sqrt((r.P)^2 - |r|^2 (|P|^2 - L^2))) / |r|^2``:
    the root nearer the predicted depth is kept; no real root (the pixel is
    farther from P than the bone is long): the point of the ray nearest P.
    """
    todo_mask = hidden & np.isfinite(rays).all(axis=1)
    if not todo_mask.any():
        return xyz
    out = xyz.copy()
    placed, todo = measured.tolist(), todo_mask.tolist()  # plain Python: a short walk of scalar steps
    known = np.isfinite(lengths_m).tolist()
    pts, ray, length_of = out.tolist(), rays.tolist(), lengths_m.tolist()
    for k, a, b in _WALK:
        if not known[k]:
            continue
        if placed[a] and todo[b] and not placed[b]:
            parent, child = a, b
        elif k < _TORSO_COUNT and placed[b] and todo[a] and not placed[a]:
            parent, child = b, a
        else:
            continue
        px, py, pz = pts[parent]
        rx, ry, rz = ray[child]
        rr = rx * rx + ry * ry + rz * rz
        rp = rx * px + ry * py + rz * pz
        length = length_of[k]
        disc = rp * rp - rr * (px * px + py * py + pz * pz - length * length)
        prior = pts[child][2]
        if disc <= 0.0:
            t = rp / rr
        else:  # rays have z = 1: t is the depth
            root = math.sqrt(disc)
            near, far = (rp - root) / rr, (rp + root) / rr
            t = near if (not math.isfinite(prior) or abs(near - prior) < abs(far - prior)) else far
        pts[child] = [rx * t, ry * t, rz * t]
        out[child] = pts[child]
        placed[child] = True
    return out


class BoneLengthEstimate:
    """The player's bone lengths (one per :data:`sensors.bones.BONES`), learnt while fusing.

    Each frame gives a sample per bone: measured in 3D when both ends are DEPTH
    and clearly seen (visibility >= ``min_visibility``: a less visible joint
    may sit on a nearer body part's surface) and the bone lies within 60 degrees
    of the image plane (pointing along the ray, one end hides the other), else
    its left/right mirror's measurement (a body is symmetric), else the
    model's world landmarks (noisier: learnt more slowly). Samples move the
    estimate by a bounded step, so a few wrong ones cannot drag it.
    """

    def __init__(
        self, rate: float = 0.1, world_rate: float = 0.03, max_step_m: float = 0.15, min_visibility: float = 0.8
    ) -> None:
        self.rate, self.world_rate, self.max_step_m = rate, world_rate, max_step_m
        self.min_visibility = min_visibility
        self.reset()

    def reset(self) -> None:
        self.lengths_m = np.full(len(BONES), np.nan)
        self._count = np.zeros(len(BONES))

    def update(
        self, camera_xyz_m: np.ndarray, depth: np.ndarray, world_xyz_m: np.ndarray, visibility: np.ndarray
    ) -> np.ndarray:
        """Learn from one fused frame (``depth`` (33,) its DEPTH joints); returns the lengths."""
        clear = depth & (np.asarray(visibility) >= self.min_visibility)
        measured = np.where(clear[:, None], camera_xyz_m, np.nan)
        sample = bone_lengths(measured)
        parents, children = bone_ends(BONES)
        along_ray = np.abs(measured[children, 2] - measured[parents, 2]) > 0.5 * sample
        sample = np.where(along_ray, np.nan, sample)  # one end may sit on the other's surface: not measured
        sample = np.where(np.isfinite(sample), sample, sample[_MIRROR_BONE])
        rate = np.where(np.isfinite(sample), self.rate, self.world_rate)
        sample = np.where(np.isfinite(sample), sample, bone_lengths(np.asarray(world_xyz_m, dtype=np.float64)))
        ok = np.isfinite(sample) & (sample > 0.01)
        self._count += ok
        rate = np.maximum(rate, 1.0 / np.maximum(self._count, 1))  # a plain mean of the first samples
        cur = np.where(np.isfinite(self.lengths_m), self.lengths_m, sample)
        step = np.clip(sample - cur, -self.max_step_m, self.max_step_m)
        self.lengths_m = np.where(ok, cur + rate * step, self.lengths_m)
        return self.lengths_m
