"""Changes to a pose stream that must not change a rep count: mirror, rate, tempo, size, roll, tilt, crop, noise...

Pure functions from a list of :class:`~sensors.pose.PoseFrame` to another,
applied to a clip's raw poses (before the pose pipeline) to ask whether a
count holds for the ways the world differs from one recording: the camera
mirrored, another frame rate, a faster or slower player, a player smaller
or off-centre in the picture, a rolled or tilted camera, feet cut off by
the picture's edge, a weaker (noisier) pose model, joints that drop out;
and, from :mod:`sensors.perturb_body`, other body proportions, motion blur
and someone walking past. Used by ``repquest bench robustness`` and its tests.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

from sensors.joints import MIRROR_INDEX, Joint
from sensors.perturb_body import BODY_PERTURBATIONS, body_height_px
from sensors.pose import PoseFrame

Frames = list[PoseFrame]
Perturb = Callable[[Frames], Frames]

ROLL_DEG = 8.0
PITCH_DEG = 12.0
FOCAL_OF_WIDTH = 1.0  # a webcam's focal length is about its image width (a ~53 degree field of view)
SMALL_SCALE = 0.6
CUT_OF_SHIN = 0.5  #: the picture's lower edge, as a fraction of the way from the knees down to the ankles
CUT_OFF_CONFIDENCE_SCALE = 0.3  #: the model's visibility of a joint it places outside the picture (median 0.24)
CUT_OFF_NOISE_OF_HEIGHT = 0.02  #: ...and the extra error of that guess
NOISE_OF_HEIGHT = 0.015
NOISE_M = 0.02
DROPOUT = 0.1


def _mirror(frames: Frames) -> Frames:
    idx = np.array(MIRROR_INDEX)
    flip = np.array([-1.0, 1.0, 1.0])
    out = []
    for f in frames:
        w_px = f.image_size_px[0]
        xy = f.image_xy_px[idx].copy()
        xy[:, 0] = w_px - xy[:, 0]
        out.append(
            f.with_changes(
                image_xy_px=xy,
                world_xyz_m=f.world_xyz_m[idx] * flip,
                camera_xyz_m=f.camera_xyz_m[idx] * flip,
                confidence=f.confidence[idx],
                source=f.source[idx],
                rgb=None if f.rgb is None else f.rgb[:, ::-1].copy(),
                depth_m=None if f.depth_m is None else f.depth_m[:, ::-1].copy(),
            )
        )
    return out


def _retime(scale: float) -> Perturb:
    def retime(frames: Frames) -> Frames:
        t0 = frames[0].t_s if frames else 0.0
        return [f.with_changes(t_s=t0 + (f.t_s - t0) * scale) for f in frames]

    return retime


def _half_fps(frames: Frames) -> Frames:
    return frames[::2]


def _double_fps(frames: Frames) -> Frames:
    """A frame between each two (a 60 fps phone video): joints halfway, the lower confidence of the two;
    frame numbers doubled so they stay unique."""
    out: Frames = []
    for a, b in itertools.pairwise(frames):
        out.append(a.with_changes(index=2 * a.index))
        both = a.confidence.max() > 0 and b.confidence.max() > 0
        out.append(
            a.with_changes(
                index=2 * a.index + 1,
                t_s=(a.t_s + b.t_s) / 2,
                image_xy_px=(a.image_xy_px + b.image_xy_px) / 2 if both else a.image_xy_px,
                world_xyz_m=(a.world_xyz_m + b.world_xyz_m) / 2 if both else a.world_xyz_m,
                camera_xyz_m=(a.camera_xyz_m + b.camera_xyz_m) / 2 if both else a.camera_xyz_m,
                confidence=np.minimum(a.confidence, b.confidence),
            )
        )
    return [*out, *(f.with_changes(index=2 * f.index) for f in frames[-1:])]


def _small(frames: Frames) -> Frames:
    out = []
    for f in frames:
        w_px, h_px = f.image_size_px
        offset = np.array([0.05 * w_px, (1.0 - SMALL_SCALE) * h_px * 0.8])
        out.append(f.with_changes(image_xy_px=f.image_xy_px * SMALL_SCALE + offset))
    return out


def _roll(frames: Frames) -> Frames:
    a = math.radians(ROLL_DEG)
    rot2 = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    rot3 = np.eye(3)
    rot3[:2, :2] = rot2
    out = []
    for f in frames:
        centre = np.array(f.image_size_px, dtype=float) / 2
        xy = (f.image_xy_px - centre) @ rot2.T + centre
        out.append(
            f.with_changes(image_xy_px=xy, world_xyz_m=f.world_xyz_m @ rot3.T, camera_xyz_m=f.camera_xyz_m @ rot3.T)
        )
    return out


def _pitch(deg: float) -> Perturb:
    """The camera tilted ``deg`` about its horizontal axis (positive: looking down, as from a shelf).

    A camera turning about its own centre moves every image point by the
    homography K R K^-1 (exact for a pinhole camera, whatever the depth); the
    camera and world coordinates turn with R.
    """
    a = math.radians(deg)
    rot3 = np.array([[1.0, 0.0, 0.0], [0.0, math.cos(a), -math.sin(a)], [0.0, math.sin(a), math.cos(a)]])

    def pitch(frames: Frames) -> Frames:
        out = []
        for f in frames:
            w_px, h_px = f.image_size_px
            f_px = FOCAL_OF_WIDTH * w_px
            centred = (f.image_xy_px - np.array([w_px / 2, h_px / 2])) / f_px
            rays = np.column_stack([centred, np.ones(len(centred))])
            turned = rays @ rot3.T
            xy = turned[:, :2] / turned[:, 2:3] * f_px + np.array([w_px / 2, h_px / 2])
            out.append(
                f.with_changes(image_xy_px=xy, world_xyz_m=f.world_xyz_m @ rot3.T, camera_xyz_m=f.camera_xyz_m @ rot3.T)
            )
        return out

    return pitch


def _upright(frames: Frames) -> bool:
    """Whether the body mostly stands: the trunk (hips to shoulders) within 45 deg of the camera's vertical,
    in the pose model's 3D (a push-up seen from the front looks upright in the picture)."""
    shoulders = [Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER]
    hips = [Joint.LEFT_HIP, Joint.RIGHT_HIP]
    trunk = np.array(
        [np.nanmean(f.world_xyz_m[shoulders], axis=0) - np.nanmean(f.world_xyz_m[hips], axis=0) for f in frames]
    )
    ok = np.isfinite(trunk).all(axis=1)
    if not ok.any():
        return False
    lean_deg = np.degrees(np.arccos(np.clip(-trunk[ok, 1] / np.linalg.norm(trunk[ok], axis=1), -1.0, 1.0)))
    return bool(np.median(lean_deg) < 45.0)


def _cut_shins(frames: Frames) -> Frames:
    """The picture cut at mid-shin of a standing player (a camera too close or too low): the feet are outside it.

    Streams of a body mostly on the floor (push-ups, bridges) are left as they are.

    The pose model still places joints it cannot see by the body it can,
    with lower visibility (the shared clips' out-of-frame joints: median
    0.24) and more error; this keeps their positions, outside the shorter
    picture, with their confidence scaled down and noise added.
    """
    knees = [Joint.LEFT_KNEE, Joint.RIGHT_KNEE]
    ankles = [Joint.LEFT_ANKLE, Joint.RIGHT_ANKLE]
    seen = [f for f in frames if f.confidence.max() > 0]
    if not seen or not _upright(seen):
        return list(frames)  # a body on the floor has no shins below the rest of it to cut
    knee_y = float(np.nanmedian([np.nanmean(f.image_xy_px[knees, 1]) for f in seen]))
    ankle_y = float(np.nanmedian([np.nanmean(f.image_xy_px[ankles, 1]) for f in seen]))
    cut_y = knee_y + CUT_OF_SHIN * (ankle_y - knee_y)
    rng = np.random.default_rng(5)
    sigma_px = CUT_OFF_NOISE_OF_HEIGHT * body_height_px(frames)
    out = []
    for f in frames:
        below = f.image_xy_px[:, 1] > cut_y
        xy = f.image_xy_px.copy()
        xy[below] += rng.normal(0.0, sigma_px, (int(below.sum()), 2))
        conf = f.confidence.copy()
        conf[below] *= CUT_OFF_CONFIDENCE_SCALE
        w_px, h_px = f.image_size_px
        out.append(f.with_changes(image_xy_px=xy, confidence=conf, image_size_px=(w_px, min(h_px, max(1, int(cut_y))))))
    return out


def _noise(frames: Frames) -> Frames:
    rng = np.random.default_rng(7)
    sigma_px = NOISE_OF_HEIGHT * body_height_px(frames)
    out = []
    for f in frames:
        out.append(
            f.with_changes(
                image_xy_px=f.image_xy_px + rng.normal(0.0, sigma_px, f.image_xy_px.shape),
                world_xyz_m=f.world_xyz_m + rng.normal(0.0, NOISE_M, f.world_xyz_m.shape),
                camera_xyz_m=f.camera_xyz_m + rng.normal(0.0, NOISE_M, f.camera_xyz_m.shape),
            )
        )
    return out


def _dropout(frames: Frames) -> Frames:
    rng = np.random.default_rng(11)
    out = []
    for f in frames:
        conf = f.confidence.copy()
        conf[rng.random(conf.shape) < DROPOUT] = 0.05
        out.append(f.with_changes(confidence=conf))
    return out


#: name -> perturbation; "original" leaves the stream as it is
PERTURBATIONS: dict[str, Perturb] = {
    "original": lambda frames: frames,
    "mirror": _mirror,
    "half_fps": _half_fps,
    "double_fps": _double_fps,
    "faster": _retime(1 / 1.5),
    "slower": _retime(1.5),
    "small": _small,
    "roll": _roll,
    "tilt_down": _pitch(PITCH_DEG),
    "tilt_up": _pitch(-PITCH_DEG),
    "cut_shins": _cut_shins,
    "noise": _noise,
    "dropout": _dropout,
    **BODY_PERTURBATIONS,
}
