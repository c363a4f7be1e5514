"""Depth fusion's per-frame arithmetic, compiled with numba (one call per frame).

:func:`fuse_depth` in ``fusion.py`` works on 33 joints: in numpy each of its
~150 small operations costs a few microseconds of call overhead, far more than
the arithmetic (1.2 ms per frame on the 2-core dev box). These loops do the
same steps in one compiled call: the window search under every joint
(:func:`depth_under`), the root depth (:func:`anchor_depth`), occlusion gating,
self-occlusion (:func:`shared_surface`), skin points at a silhouette
(:func:`surface_beyond`), hidden joints' depths and the bone walk
(:func:`place_by_bones`). Every function here is the loop form of the
numpy it replaced, step for step (``tests/test_fusion_kernel.py`` checks them
against the numpy formulas); the docstrings in ``fusion.py`` hold the reasoning.

Compiled on first use and cached on disk (``cache=True``): the first process
pays ~2-4 s, later ones load the machine code.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

NO_DEPTH = 1e6  #: stands for an invalid pixel (farther than any surface, and finite)
DEPTH, MONOCULAR, MISSING = 2, 1, 0  #: JointSource values (checked against the enum in fusion.py)
#: a window's sorted depths split into surfaces where they jump by more than this + ``SURFACE_GAP_PER_M``
#: times the depth (:func:`depth_under`; :func:`surface_beyond` uses the same split)
SURFACE_GAP_M, SURFACE_GAP_PER_M = 0.05, 0.01


@njit(cache=True, nogil=True)
def _median_of_nearest_surface(
    vals: np.ndarray, nv: int, min_valid_fraction: float, surface_gap_m: float, gap_per_m: float
) -> float:
    """``vals[:nv]`` sorted valid depths: the median of the nearest surface holding enough of them."""
    thr = surface_gap_m + gap_per_m * vals[0]
    need = max(2.0, math.ceil(min_valid_fraction * nv))
    s = 0
    first_s, first_n = 0, -1
    while s < nv:
        e = s + 1
        while e < nv and vals[e] - vals[e - 1] <= thr:
            e += 1
        n = e - s
        if first_n < 0:
            first_s, first_n = s, n
        if n >= need:
            return 0.5 * (vals[s + (n - 1) // 2] + vals[s + n // 2])
        s = e
    return 0.5 * (vals[first_s + (first_n - 1) // 2] + vals[first_s + first_n // 2])  # none big enough: the nearest


@njit(cache=True, nogil=True)
def depth_under(
    depth_m: np.ndarray, xy_px: np.ndarray, window_px: int, min_valid_fraction: float,
    surface_gap_m: float, gap_per_m: float,
) -> np.ndarray:  # fmt: skip
    """(N,) the nearest consistent surface's median depth in a window under each point; NaN where none
    (see :func:`sensors.realsense.fusion.sample_depth_m`)."""
    h, w = depth_m.shape
    n_pts = xy_px.shape[0]
    out = np.full(n_pts, np.nan)
    r = window_px // 2
    vals = np.empty(window_px * window_px)
    for i in range(n_pts):
        x, y = xy_px[i, 0], xy_px[i, 1]
        if not (x >= 0 and x < w and y >= 0 and y < h):  # NaN: outside
            continue
        col, row = int(x), int(y)
        n_pixels = 0
        nv = 0
        for dr in range(-r, r + 1):
            rr = row + dr
            if rr < 0 or rr >= h:
                continue
            for dc in range(-r, r + 1):
                cc = col + dc
                if cc < 0 or cc >= w:
                    continue
                n_pixels += 1
                v = np.float64(depth_m[rr, cc])
                if v > 0 and v < NO_DEPTH:  # insertion sort: a window holds a few dozen pixels
                    k = nv
                    while k > 0 and vals[k - 1] > v:
                        vals[k] = vals[k - 1]
                        k -= 1
                    vals[k] = v
                    nv += 1
        if nv == 0 or nv < min_valid_fraction * n_pixels:
            continue
        out[i] = _median_of_nearest_surface(vals, nv, min_valid_fraction, surface_gap_m, gap_per_m)
    return out


@njit(cache=True, nogil=True)
def surface_beyond(
    depth_m: np.ndarray, xy_px: np.ndarray, radius_px: int, near_m: np.ndarray, check: np.ndarray,
    surface_gap_m: float, gap_per_m: float,
) -> np.ndarray:  # fmt: skip
    """(N,) whether the square of ``radius_px`` around a ``check``ed point holds a surface beyond its
    sample ``near_m`` (a valid pixel farther by more than the gap that splits surfaces in
    :func:`depth_under`): the point lies at a silhouette's edge."""
    h, w = depth_m.shape
    out = np.zeros(xy_px.shape[0], np.bool_)
    for i in range(xy_px.shape[0]):
        near = near_m[i]
        x, y = xy_px[i, 0], xy_px[i, 1]
        if not check[i] or not math.isfinite(near) or not (x >= 0 and x < w and y >= 0 and y < h):
            continue
        col, row = int(x), int(y)
        far = near + surface_gap_m + gap_per_m * near
        for rr in range(max(row - radius_px, 0), min(row + radius_px + 1, h)):
            for cc in range(max(col - radius_px, 0), min(col + radius_px + 1, w)):
                v = np.float64(depth_m[rr, cc])
                if v > far and v < NO_DEPTH:
                    out[i] = True
    return out


@njit(cache=True, nogil=True)
def anchor_depth(candidates_m: np.ndarray, weights: np.ndarray, inlier_m: float) -> float:
    """Hip-centre depth from per-joint estimates ``centre depth - world_z`` (NaN: unusable).

    A one-dimensional consensus: the estimate with the largest weight of others
    within ``inlier_m`` wins (a few joints sampling the wall behind or a limb
    in front cannot outvote the body), then the weighted median of its inliers.
    """
    n = candidates_m.shape[0]
    idx = np.empty(n, np.int64)
    m = 0
    for i in range(n):
        if math.isfinite(candidates_m[i]) and weights[i] > 0:
            idx[m] = i
            m += 1
    if m == 0:
        return math.nan
    best, best_w = 0, -1.0
    for a in range(m):
        ca = candidates_m[idx[a]]
        s = 0.0
        for b in range(m):
            if abs(ca - candidates_m[idx[b]]) < inlier_m:
                s += weights[idx[b]]
        if s > best_w:
            best, best_w = a, s
    cb = candidates_m[idx[best]]
    c = np.empty(m)
    wt = np.empty(m)
    k = 0
    for b in range(m):
        if abs(cb - candidates_m[idx[b]]) < inlier_m:
            c[k] = candidates_m[idx[b]]
            wt[k] = weights[idx[b]]
            k += 1
    order = np.argsort(c[:k])
    half = 0.0
    for t in range(k):  # summed in sorted order, as the cumulative sum below
        half += wt[order[t]]
    half *= 0.5
    cum = 0.0
    for t in range(k):
        cum += wt[order[t]]
        if cum >= half:
            return c[order[t]]
    return c[order[k - 1]]


@njit(cache=True, nogil=True)
def shared_surface(
    xy_px: np.ndarray, measured_m: np.ndarray, predicted_m: np.ndarray, visibility: np.ndarray,
    candidates: np.ndarray, same_limb: np.ndarray, shared_surface_m: float, limb_radius_m: float, f_px: float,
) -> np.ndarray:  # fmt: skip
    """(N,) candidate joints whose sample is the surface of another, nearer joint (self-occlusion).

    One surface point belongs to one body part: when two joints land within a
    limb's radius of each other in the image and sample the same depth, the
    one the skeleton puts farther back is hidden behind the other -- a far arm
    behind the near one, the far hip behind the near one in a side view. When
    the skeleton's depths lie within ``shared_surface_m`` of each other (or are
    unknown) it cannot tell, and the less visible one is behind: an occluded
    joint's world z is ~3x noisier, and a side view's far knee, its skeleton
    depth ~0.17 m +- that noise behind the near one, often came within 6 cm and
    kept the near knee's surface as its depth (``bench tracking``, push-up, in
    6-10 % of the far leg's frames, 133-166 mm in front of it; with the tie
    rule the push-up's tracked MPJPE 24.8 -> 23.8 mm).
    """
    n = measured_m.shape[0]
    out = np.zeros(n, np.bool_)
    for i in range(n):
        if not candidates[i] or not math.isfinite(measured_m[i]):
            continue
        for k in range(n):
            if k == i or same_limb[i, k] or not math.isfinite(measured_m[k]):
                continue
            if abs(measured_m[i] - measured_m[k]) >= shared_surface_m:
                continue
            radius_px = f_px * limb_radius_m / measured_m[k]
            if not math.hypot(xy_px[i, 0] - xy_px[k, 0], xy_px[i, 1] - xy_px[k, 1]) < radius_px:
                continue
            d = predicted_m[i] - predicted_m[k]
            tie = not (abs(d) > shared_surface_m)  # (NaN: no skeleton depth to tell them apart)
            behind = visibility[i] < visibility[k] if tie else d > 0
            if behind:
                out[i] = True
                break
    return out


@njit(cache=True, nogil=True)
def _lateral_var_px2(sigma_px: float, visibility: float) -> float:
    """A landmark's pixel noise variance across its ray (2 axes): std ``sigma_px / visibility^2``, at most
    3x (the tracker's measurement noise, ``sensors.tracking.kernels.noise_weight``); NaN counts as 0."""
    v = visibility if visibility > 0.0 else 0.0
    sigma = sigma_px * min(1.0 / max(v * v, 1e-6), 3.0)
    return 2.0 * sigma * sigma


@njit(cache=True, nogil=True)
def place_by_bones(
    xyz: np.ndarray, rays: np.ndarray, placed_in: np.ndarray, hidden: np.ndarray, lengths_m: np.ndarray,
    walk: np.ndarray, torso_count: int, vis: np.ndarray, width_count: int, length_over_depth_std: float,
    landmark_sigma_px: float, f_px: float,
) -> None:  # fmt: skip
    """Hidden joints moved (in place) along their rays towards a bone's length from a placed neighbour.

    ``xyz`` (33, 3) fused points (hidden ones at their predicted depth),
    ``rays`` (33, 3) pixel rays with z = 1, ``placed_in`` (33,) DEPTH joints,
    ``hidden`` (33,) joints to place, ``lengths_m`` (len(BONES),), ``walk`` (n, 3) rows (bone, parent,
    child): the torso's ``torso_count`` bones, then the limbs outwards; a joint is placed once. On the
    ray ``t * r``, ``|t r - P| = L`` has the roots ``t = c +- h``, ``c = r.P / |r|^2``,
    ``h = sqrt((r.P)^2 - |r|^2 (|P|^2 - L^2)) / |r|^2``.

    Two passes. First, a hidden limb joint (not a shoulder or hip) next to a DEPTH one along a limb
    bone, in either direction, is placed from every such neighbour (their depths averaged with weights
    ``1 / L^2``: a short bone, a hand's, leaves less room): pumping fists hide the wrists behind the
    knuckles, which have depth, while the elbows' landmarks sit at the silhouette's edge without any,
    and the walk from the torso reached the wrist only through a guessed elbow. Then the walk, from the
    torso outwards, places the rest from whatever neighbour it placed before. No real root (the pixel
    is farther from P than the bone is long, by the length's or the pixel's error): from a DEPTH
    neighbour the point of the ray nearest it, ``c``; from a placed one the predicted depth, as a
    placed joint's error would otherwise carry on down the chain (taking ``c`` there too pulled a
    side view's far limbs 15-30 mm towards the near side: wall sit, tuning seed 101, tracker RMSE
    0.600 -> 0.677 of One Euro's). ``bench tracking``'s fast high knees (eval seeds 1-6): tracker
    MPJPE 34.7 -> 28.7 mm (its wrists 55-75 -> 29-42 mm, tuning seeds 101-102), raw depth-lifted
    RMSE 80.7 -> 70.6 mm; raw RMSE lower on every stream.

    The first ``width_count`` bones are the shoulder and hip widths: a hidden joint less visible than
    its placed twin is behind it (that is why it is hidden), so it takes the far root. Any other bone
    takes the root nearer the predicted depth, but only as far as the two are worth: a bone lying
    near the image plane has ``h`` small, and ``h`` moves by ``L / h`` times any error of the length
    ``L`` -- so the root is blended with the prediction by inverse variance, the root's weight
    ``h^2 / (h^2 + (L k)^2)`` with ``k = length_over_depth_std`` (a length's std over the
    prediction's): a bone pointing along the ray snaps to the sphere, one across it keeps the model's
    depth. (Not clipped to ``c +- h``: that made high knees' tracker MPJPE 34.7 -> 35.1 mm, tuning
    seeds 101-102.)

    A width's far root is corrected for pixel noise: ``h^2 = L^2 - d^2`` (``d`` the parent's distance
    from the child's ray), and noise across the ray only ever adds to ``d^2``, by the two landmarks'
    variance across it on average (``_lateral_var_px2``: from ``landmark_sigma_px`` and the visibility,
    at the parent's depth over ``f_px``), so that is taken off ``d^2`` (never below 0) first. Without
    it, a side view's far hip, whose occluded landmark jitters ~3x, came out 14 mm too near its twin
    (``bench tracking``'s push-up, seed 1; with it 6 mm; the wall sit's 30 -> 10 mm) and the twin
    prior's mid-plane with it. Only the widths: a limb bone's root is already blended with the
    prediction by how well it is conditioned, and correcting every bone made the wall sit worse
    (tracker RMSE, eval seeds 1-6, 48.1 -> 48.9 mm; widths only 47.9). ``landmark_sigma_px`` 0: no
    correction.
    """
    n = xyz.shape[0]
    placed = placed_in.copy()
    todo = np.zeros(n, np.bool_)
    for j in range(n):
        todo[j] = hidden[j] and math.isfinite(rays[j, 0]) and math.isfinite(rays[j, 1]) and math.isfinite(rays[j, 2])
    trunk = np.zeros(n, np.bool_)  # the ends of the widths and the trunk's sides
    for s in range(walk.shape[0]):
        if walk[s, 0] < torso_count:
            trunk[walk[s, 1]] = trunk[walk[s, 2]] = True
    sum_w = np.zeros(n)  # first: limb joints next to a measured one, from every such neighbour
    sum_t = np.zeros(n)
    for s in range(walk.shape[0]):
        k, a, b = walk[s, 0], walk[s, 1], walk[s, 2]
        if k < torso_count or not math.isfinite(lengths_m[k]):
            continue
        for parent, child in ((a, b), (b, a)):
            if placed_in[parent] and todo[child] and not trunk[child]:
                t = _bone_depth(xyz, rays, parent, child, k, lengths_m[k], vis, width_count, length_over_depth_std,
                                landmark_sigma_px, f_px, True)  # fmt: skip
                w = 1.0 / (lengths_m[k] * lengths_m[k])
                sum_w[child] += w
                sum_t[child] += w * t
    for j in range(n):
        if sum_w[j] > 0:
            t = sum_t[j] / sum_w[j]
            xyz[j, 0], xyz[j, 1], xyz[j, 2] = rays[j, 0] * t, rays[j, 1] * t, rays[j, 2] * t
            placed[j] = True
    for s in range(walk.shape[0]):  # then the walk, from the torso outwards
        k, a, b = walk[s, 0], walk[s, 1], walk[s, 2]
        if not math.isfinite(lengths_m[k]):
            continue
        if placed[a] and todo[b] and not placed[b]:
            parent, child = a, b
        elif k < torso_count and placed[b] and todo[a] and not placed[a]:
            parent, child = b, a
        else:
            continue
        t = _bone_depth(xyz, rays, parent, child, k, lengths_m[k], vis, width_count, length_over_depth_std,
                        landmark_sigma_px, f_px, False)  # fmt: skip
        xyz[child, 0], xyz[child, 1], xyz[child, 2] = rays[child, 0] * t, rays[child, 1] * t, rays[child, 2] * t
        placed[child] = True


@njit(cache=True, nogil=True)
def _bone_depth(
    xyz: np.ndarray, rays: np.ndarray, parent: int, child: int, k: int, length: float, vis: np.ndarray,
    width_count: int, length_over_depth_std: float, landmark_sigma_px: float, f_px: float, measured_parent: bool,
) -> float:  # fmt: skip
    """The depth (``t`` on ``rays[child]``) :func:`place_by_bones` gives ``child`` from ``parent``
    along bone ``k`` of ``length`` metres (the reasoning is in its docstring)."""
    px, py, pz = xyz[parent, 0], xyz[parent, 1], xyz[parent, 2]
    rx, ry, rz = rays[child, 0], rays[child, 1], rays[child, 2]
    rr = rx * rx + ry * ry + rz * rz
    rp = rx * px + ry * py + rz * pz
    d2 = px * px + py * py + pz * pz - rp * rp / rr  # the parent's squared distance from the ray
    if landmark_sigma_px > 0 and k < width_count and pz > 0:  # less what pixel noise adds to it on average
        noise_px2 = _lateral_var_px2(landmark_sigma_px, vis[parent])
        noise_px2 += _lateral_var_px2(landmark_sigma_px, vis[child])
        d2 = max(d2 - noise_px2 * (pz / f_px) ** 2, 0.0)
    disc = rr * (length * length - d2)
    prior = xyz[child, 2]
    c = rp / rr
    if disc <= 0.0:
        return c if (measured_parent or not math.isfinite(prior)) else prior
    h = math.sqrt(disc) / rr
    if k < width_count and vis[child] < vis[parent]:
        return c + h
    if not math.isfinite(prior):
        return c - h
    root = c - h if abs(c - h - prior) < abs(c + h - prior) else c + h
    kl = length * length_over_depth_std
    return prior + h * h / (h * h + kl * kl) * (root - prior)


@njit(cache=True, nogil=True)
def fuse_frame(
    depth_m: np.ndarray, xy_px: np.ndarray, world_xyz_m: np.ndarray, vis: np.ndarray, present: np.ndarray,
    offset: np.ndarray, rays_in: np.ndarray, pinhole: np.ndarray, torso_weight: np.ndarray, same_limb: np.ndarray,
    bone_lengths_m: np.ndarray, walk: np.ndarray, torso_count: int,
    window_px: int, min_valid_fraction: float, min_depth_m: float, max_depth_m: float, min_visibility: float,
    tolerance_m: float, front_tolerance_m: float, anchor_inlier_m: float, shared_surface_m: float,
    limb_radius_m: float, estimate_hidden: bool, use_bones: bool,
    twin_pairs: np.ndarray, width_pairs: np.ndarray, side_of: np.ndarray, limb_of: np.ndarray,
    twin_weight: float, twin_gate_m: float, twin_agree_cos: float, length_over_depth_std: float,
    landmark_sigma_px: float, skin_point: np.ndarray, silhouette_margin_px: int,
):  # fmt: skip
    """One frame of :func:`sensors.realsense.fusion.fuse_depth`:
    (xyz (N, 3), source (N,) uint8, measured (N,), residual (N,), anchor).

    ``rays_in`` (N, 3) the pixels' undistorted rays with z = 1, or empty: then they are computed
    from ``pinhole`` (fx, fy, ppx, ppy) without distortion."""
    n = xy_px.shape[0]
    if rays_in.shape[0] == n:
        rays = rays_in
    else:
        rays = np.ones((n, 3))
        for j in range(n):
            rays[j, 0] = (xy_px[j, 0] - pinhole[2]) / pinhole[0]
            rays[j, 1] = (xy_px[j, 1] - pinhole[3]) / pinhole[1]
    f_px = pinhole[0]
    world_z = np.empty(n)
    skeleton = True
    for j in range(n):
        world_z[j] = world_xyz_m[j, 2]
        if present[j] and not math.isfinite(world_z[j]):
            skeleton = False
    tolerance = tolerance_m
    if not skeleton:  # no skeleton depth: only "near the torso" can be checked
        world_z[:] = 0.0
        tolerance = 2 * tolerance_m
    front_m = min(front_tolerance_m, tolerance) * tolerance / tolerance_m
    inlier_m = min(anchor_inlier_m, tolerance)
    n = xy_px.shape[0]
    measured = depth_under(depth_m, xy_px, window_px, min_valid_fraction, SURFACE_GAP_M, SURFACE_GAP_PER_M)
    usable = np.zeros(n, np.bool_)
    cand = np.empty(n)
    weights = np.zeros(n)
    for j in range(n):
        m = measured[j]
        if not (m >= min_depth_m and m <= max_depth_m):  # NaN too
            measured[j] = math.nan
            continue
        usable[j] = present[j] and vis[j] >= min_visibility
        cand[j] = m + offset[j] - world_z[j]
        if usable[j] and math.isfinite(world_z[j]):
            weights[j] = vis[j] * torso_weight[j]
    for j in range(n):
        if not math.isfinite(measured[j]):
            cand[j] = math.nan
    if silhouette_margin_px >= 0:  # a skin point at a silhouette's edge: its sample is the nearer skin beside it
        check = np.zeros(n, np.bool_)
        for j in range(n):
            check[j] = usable[j] and skin_point[j]
        edge = surface_beyond(depth_m, xy_px, window_px // 2 + silhouette_margin_px, measured, check, SURFACE_GAP_M,
                              SURFACE_GAP_PER_M)  # fmt: skip
        for j in range(n):
            if edge[j]:
                usable[j] = False
                weights[j] = 0.0
    anchor = anchor_depth(cand, weights, inlier_m)
    predicted = np.empty(n)
    residual = np.empty(n)
    is_depth = np.zeros(n, np.bool_)
    n_depth = 0
    for j in range(n):
        predicted[j] = anchor + world_z[j]
        residual[j] = measured[j] + offset[j] - predicted[j]
        if usable[j] and residual[j] < tolerance and residual[j] > -front_m:
            is_depth[j] = True
            n_depth += 1
    if n_depth >= 2:
        hidden_behind = shared_surface(
            xy_px, measured, predicted, vis, is_depth, same_limb, shared_surface_m, limb_radius_m, f_px
        )
        for j in range(n):
            if hidden_behind[j]:
                is_depth[j] = False
    anchored = math.isfinite(anchor)
    xyz = np.empty((n, 3))
    for j in range(n):
        if is_depth[j]:
            z = measured[j]
        elif estimate_hidden and anchored and present[j]:
            if math.isfinite(measured[j]) and residual[j] < 0:  # a surface in front of the joint hides it
                behind_surface = measured[j] + offset[j]
                z = behind_surface if not (predicted[j] >= behind_surface) else predicted[j]  # fmax
            else:
                z = predicted[j]
        else:
            z = math.nan
        for a in range(3):
            xyz[j, a] = rays[j, a] * z
        if is_depth[j] and offset[j] != 0:  # from the surface to the joint centre, along the ray
            norm = math.sqrt(xyz[j, 0] ** 2 + xyz[j, 1] ** 2 + xyz[j, 2] ** 2)
            scale = 1.0 + offset[j] / norm
            for a in range(3):
                xyz[j, a] *= scale
    if use_bones and estimate_hidden and anchored:
        hidden = np.empty(n, np.bool_)
        for j in range(n):
            hidden[j] = present[j] and not is_depth[j]
        place_by_bones(xyz, rays, is_depth, hidden, bone_lengths_m, walk, torso_count, vis, 2, length_over_depth_std,
                       landmark_sigma_px, f_px)  # fmt: skip
        if twin_weight > 0:
            twin_prior(
                xyz, rays, is_depth, present, vis, xy_px, twin_pairs, width_pairs, side_of, limb_of, pinhole,
                min_visibility, twin_weight, twin_gate_m, twin_agree_cos,
            )  # fmt: skip
    source = np.empty(n, np.uint8)
    for j in range(n):
        if is_depth[j]:
            source[j] = DEPTH
        elif present[j]:
            source[j] = MONOCULAR
        else:
            source[j] = MISSING
            xyz[j, 0] = xyz[j, 1] = xyz[j, 2] = math.nan
    return xyz, source, measured, residual, anchor


@njit(cache=True, nogil=True)
def _length(xyz: np.ndarray, a: int, b: int) -> float:
    dx, dy, dz = xyz[b, 0] - xyz[a, 0], xyz[b, 1] - xyz[a, 1], xyz[b, 2] - xyz[a, 2]
    return math.sqrt(dx * dx + dy * dy + dz * dz)


@njit(cache=True, nogil=True)
def learn_bones(
    lengths_m: np.ndarray, ring: np.ndarray, n_samples: np.ndarray, camera_xyz_m: np.ndarray, depth: np.ndarray,
    visibility: np.ndarray, parents: np.ndarray, children: np.ndarray, mirror: np.ndarray, min_visibility: float,
    min_samples: int,
) -> None:  # fmt: skip
    """One step of :meth:`sensors.realsense.fusion.BoneLengthEstimate.update` (``lengths_m``, the
    (bones, K) sample ``ring`` and ``n_samples`` updated in place; the reasoning is in that class's
    docstring): a bone's length is the median of its last K depth-measured samples."""
    nb = parents.shape[0]
    k_ring = ring.shape[1]
    measured = np.full(nb, np.nan)
    for b in range(nb):
        a, c = parents[b], children[b]
        if depth[a] and depth[c] and visibility[a] >= min_visibility and visibility[c] >= min_visibility:
            length = _length(camera_xyz_m, a, c)
            if not abs(camera_xyz_m[c, 2] - camera_xyz_m[a, 2]) > 0.5 * length:  # not along the ray
                measured[b] = length
    for b in range(nb):
        sample = measured[b]
        if not math.isfinite(sample):
            sample = measured[mirror[b]]
        if not (math.isfinite(sample) and sample > 0.01):
            continue
        ring[b, n_samples[b] % k_ring] = sample
        n_samples[b] += 1
        n = min(n_samples[b], k_ring)
        if n >= min_samples:
            lengths_m[b] = np.median(ring[b, :n])


@njit(cache=True, nogil=True)
def _eigenvalues_3x3(a: np.ndarray) -> tuple[float, float, float]:
    """Eigenvalues of a symmetric 3x3 matrix, ascending (the trigonometric closed form; no LAPACK,
    which would make the kernel's first compilation many times slower)."""
    p1 = a[0, 1] ** 2 + a[0, 2] ** 2 + a[1, 2] ** 2
    q = (a[0, 0] + a[1, 1] + a[2, 2]) / 3.0
    p2 = (a[0, 0] - q) ** 2 + (a[1, 1] - q) ** 2 + (a[2, 2] - q) ** 2 + 2.0 * p1
    p = math.sqrt(p2 / 6.0)
    if p < 1e-15:
        return q, q, q
    b = (a - q * np.eye(3)) / p
    det_b = (
        b[0, 0] * (b[1, 1] * b[2, 2] - b[1, 2] * b[2, 1])
        - b[0, 1] * (b[1, 0] * b[2, 2] - b[1, 2] * b[2, 0])
        + b[0, 2] * (b[1, 0] * b[2, 1] - b[1, 1] * b[2, 0])
    )
    phi = math.acos(min(max(det_b / 2.0, -1.0), 1.0)) / 3.0
    hi = q + 2.0 * p * math.cos(phi)
    lo = q + 2.0 * p * math.cos(phi + 2.0 * math.pi / 3.0)
    return lo, 3.0 * q - hi - lo, hi


@njit(cache=True, nogil=True)
def _null_vector_3x3(a: np.ndarray, value: float) -> np.ndarray:
    """Unit eigenvector of symmetric ``a`` for eigenvalue ``value``: the longest cross product of two
    rows of ``a - value I`` (the rows span the plane orthogonal to it)."""
    m = a - value * np.eye(3)
    best = np.zeros(3)
    best_n = -1.0
    for r1, r2 in ((0, 1), (0, 2), (1, 2)):
        c = np.cross(m[r1], m[r2])
        n = c[0] * c[0] + c[1] * c[1] + c[2] * c[2]
        if n > best_n:
            best, best_n = c, n
    return best / math.sqrt(best_n) if best_n > 0 else np.full(3, np.nan)


@njit(cache=True, nogil=True)
def lateral_axis(xyz: np.ndarray, group: np.ndarray, min_joints: int, min_spread: float) -> np.ndarray:
    """Unit normal (3,) of one side's limbs (the body's sagittal planes), pointing away from the camera.

    ``group`` (N,) 0 arm, 1 leg, -1 unused: the arm lies a little farther out than the leg (shoulders
    are wider than hips), so each group is centred on its own mean and the normal is the direction of
    least spread of both together. NaN with fewer than ``min_joints`` points or when they lie near a
    line (second principal spread below ``min_spread`` of the first)."""
    out = np.full(3, np.nan)
    centres = np.zeros((2, 3))
    counts = np.zeros(2)
    for j in range(xyz.shape[0]):
        if group[j] >= 0:
            centres[group[j]] += xyz[j]
            counts[group[j]] += 1
    if counts[0] + counts[1] < min_joints:
        return out
    cov = np.zeros((3, 3))
    for j in range(xyz.shape[0]):
        g = group[j]
        if g >= 0:
            d = xyz[j] - centres[g] / counts[g]
            cov += np.outer(d, d)
    lo, mid, hi = _eigenvalues_3x3(cov)
    if not mid > min_spread * min_spread * hi:
        return out
    normal = _null_vector_3x3(cov, lo)
    c = (centres[0] + centres[1]) / (counts[0] + counts[1])
    if normal[0] * c[0] + normal[1] * c[1] + normal[2] * c[2] < 0:  # away from the camera
        normal = -normal
    return normal


@njit(cache=True, nogil=True)
def sagittal_plane(
    xyz: np.ndarray, is_depth: np.ndarray, vis: np.ndarray, widths: np.ndarray, min_visibility: float
) -> tuple[np.ndarray, np.ndarray]:
    """(point (3,), unit normal (3,)) of the body's mid-plane from a placed width pair (``widths`` (2, 2):
    shoulders, then hips) with one end DEPTH and clearly seen and the other end without depth (a side
    view: its twin was placed a width behind it); NaN when no pair is such."""
    for w in range(widths.shape[0]):
        a, b = widths[w, 0], widths[w, 1]
        near_a = is_depth[a] and vis[a] >= min_visibility and not is_depth[b]
        near_b = is_depth[b] and vis[b] >= min_visibility and not is_depth[a]
        if not (near_a or near_b):
            continue
        d = xyz[b] - xyz[a]
        norm = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
        if not (norm > 1e-6):  # NaN too
            continue
        return 0.5 * (xyz[a] + xyz[b]), d / norm
    return np.full(3, np.nan), np.full(3, np.nan)


@njit(cache=True, nogil=True)
def twin_prior(
    xyz: np.ndarray, rays: np.ndarray, is_depth: np.ndarray, present: np.ndarray, vis: np.ndarray,
    xy_px: np.ndarray, pairs: np.ndarray, widths: np.ndarray, side_of: np.ndarray, limb_of: np.ndarray,
    pinhole: np.ndarray, min_visibility: float, weight: float, gate_m: float, agree_cos: float,
) -> None:  # fmt: skip
    """Hidden far-side joints' depths pulled (in place) towards their near twin's mirror image.

    In a side view the far limbs hide behind the near ones: their samples land on the near limb and
    the model's guesses for their depth are several times noisier than for x/y. A body is symmetric:
    a far joint lies about where its near twin's reflection in the body's mid-plane is
    (:func:`sagittal_plane`: from the near shoulder, or hip, and its twin placed a width behind it) --
    an arm held out from the side mirrored as well as one along the trunk. ``pairs`` (P, 3) rows
    (joint, twin, width bone). Only a joint without depth that the model sees less well than its twin
    (a DEPTH twin, clearly seen) moves along its own ray, by ``weight`` at most, less as its pixel lies
    farther from the reflection's (not at all beyond ``gate_m`` at its depth): a far leg that really is
    elsewhere (a lunge, a high knee) keeps its own estimate."""
    m, n = sagittal_plane(xyz, is_depth, vis, widths, min_visibility)
    if not math.isfinite(n[0]):
        return
    near_side = -1  # the side whose width end is DEPTH: its limbs' plane is the sharper normal
    for w in range(widths.shape[0]):
        for e in range(2):
            if near_side < 0 and is_depth[widths[w, e]] and not is_depth[widths[w, 1 - e]]:
                near_side = side_of[widths[w, e]]
    group = np.full(xyz.shape[0], -1, np.int64)
    for j in range(xyz.shape[0]):
        if side_of[j] == near_side and is_depth[j] and vis[j] >= min_visibility:
            group[j] = limb_of[j]
    plane_n = lateral_axis(xyz, group, 4, 0.15)
    if math.isfinite(plane_n[0]) and abs(plane_n[0] * n[0] + plane_n[1] * n[1] + plane_n[2] * n[2]) > agree_cos:
        sign = 1.0 if plane_n[0] * n[0] + plane_n[1] * n[1] + plane_n[2] * n[2] > 0 else -1.0
        n = n + sign * plane_n
        n = n / math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2])
    for p in range(pairs.shape[0]):
        j, i = pairs[p, 0], pairs[p, 1]
        if not present[j] or is_depth[j] or not vis[j] < vis[i]:
            continue
        if not is_depth[i] or vis[i] < min_visibility:
            continue
        if not math.isfinite(xyz[j, 2] + rays[j, 0] + rays[j, 1] + xy_px[j, 0] + xy_px[j, 1]):
            continue
        a_end, b_end = widths[pairs[p, 2], 0], widths[pairs[p, 2], 1]  # this limb's root pair
        mx = 0.5 * (xyz[a_end, 0] + xyz[b_end, 0])
        my = 0.5 * (xyz[a_end, 1] + xyz[b_end, 1])
        mz = 0.5 * (xyz[a_end, 2] + xyz[b_end, 2])
        if not math.isfinite(mx + my + mz):
            mx, my, mz = m[0], m[1], m[2]
        off = (xyz[i, 0] - mx) * n[0] + (xyz[i, 1] - my) * n[1] + (xyz[i, 2] - mz) * n[2]
        prior = xyz[i] - 2.0 * off * n
        if not prior[2] > 0:
            continue
        dx = pinhole[0] * prior[0] / prior[2] + pinhole[2] - xy_px[j, 0]
        dy = pinhole[1] * prior[1] / prior[2] + pinhole[3] - xy_px[j, 1]
        gate_px = pinhole[0] * gate_m / prior[2]
        closeness = 1.0 - (dx * dx + dy * dy) / (gate_px * gate_px)
        if closeness <= 0:
            continue
        a = weight * closeness
        for k in range(3):
            xyz[j, k] += a * (prior[k] - xyz[j, k])
