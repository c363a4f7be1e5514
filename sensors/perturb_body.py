"""Perturbations of the body and the scene: other proportions, motion blur, a person walking past.

Companions of :mod:`sensors.perturb` (which changes the camera and the
tempo), for three of the field's known failure cases:

* bodies unlike the training set: ``short_limbs`` (a child's or a short-legged
  adult's proportions) and ``wide_body`` (a heavier build: shoulders and hips
  farther apart, the limbs moving with them);
* fast-movement blur: ``motion_blur``, where a joint's landmark trails and
  scatters by the distance it moves during the exposure and its confidence
  falls;
* people walking through the frame: ``passer_by``, where someone crosses the
  picture in front of the player, hiding the joints behind them, and for the
  moment they cover the player's middle the pose model follows the walker.

Each is a pure function of the frames (seeded where random). None should change
a rep count.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sensors.joints import Joint
from sensors.pose import PoseFrame

Frames = list[PoseFrame]

J = Joint
#: limb chains and the joint each scales about
LEG_CHAINS: tuple[tuple[Joint, tuple[Joint, ...]], ...] = (
    (J.LEFT_HIP, (J.LEFT_KNEE, J.LEFT_ANKLE, J.LEFT_HEEL, J.LEFT_FOOT_INDEX)),
    (J.RIGHT_HIP, (J.RIGHT_KNEE, J.RIGHT_ANKLE, J.RIGHT_HEEL, J.RIGHT_FOOT_INDEX)),
)
ARM_CHAINS: tuple[tuple[Joint, tuple[Joint, ...]], ...] = (
    (J.LEFT_SHOULDER, (J.LEFT_ELBOW, J.LEFT_WRIST, J.LEFT_PINKY, J.LEFT_INDEX, J.LEFT_THUMB)),
    (J.RIGHT_SHOULDER, (J.RIGHT_ELBOW, J.RIGHT_WRIST, J.RIGHT_PINKY, J.RIGHT_INDEX, J.RIGHT_THUMB)),
)
SHORT_LEG_SCALE = 0.8  #: legs 20 % shorter against the trunk (a child of ~8 has legs ~45 % of height vs ~50 %)
SHORT_ARM_SCALE = 0.85
WIDE_SCALE = 1.35  #: shoulder and hip widths 35 % wider

EXPOSURE_S = 1 / 30  #: a webcam indoors exposes for about the whole frame time
BLUR_SCATTER = 0.3  #: the landmark's scatter as a fraction of its blur streak
BLUR_CONFIDENCE_LENGTH_OF_HEIGHT = 0.05  #: a streak this long (of body height) halves the confidence

PASS_S = 1.2  #: the walker crosses the whole picture in this time
WALKER_WIDTH_OF_HEIGHT = 0.35  #: the walker's silhouette width, of the player's body height
WALKER_SCALE = 1.15  #: nearer the camera than the player
HIDDEN_CONFIDENCE_SCALE = 0.2
HIDDEN_NOISE_OF_HEIGHT = 0.05


def body_height_px(frames: Frames) -> float:
    """The player's median height in the picture (px) over the frames with a pose."""
    spans = [np.nanmax(f.image_xy_px[:, 1]) - np.nanmin(f.image_xy_px[:, 1]) for f in frames if f.confidence.max() > 0]
    return float(np.nanmedian(spans)) if spans else 100.0


def _scale_chains(arr: np.ndarray, chains: tuple[tuple[Joint, tuple[Joint, ...]], ...], scale: float) -> np.ndarray:
    """Each chain's joints moved to ``root + scale * (joint - root)``: every bone of the chain ``scale`` times as long,
    its angles unchanged."""
    out = arr.copy()
    for root, members in chains:
        idx = list(members)
        out[idx] = arr[root] + scale * (arr[idx] - arr[root])
    return out


def _reshape(frame: PoseFrame, fn: Callable[[np.ndarray], np.ndarray]) -> PoseFrame:
    return frame.with_changes(
        image_xy_px=fn(frame.image_xy_px), world_xyz_m=fn(frame.world_xyz_m), camera_xyz_m=fn(frame.camera_xyz_m)
    )


def _short_limbs(frames: Frames) -> Frames:
    def shorten(arr: np.ndarray) -> np.ndarray:
        return _scale_chains(_scale_chains(arr, LEG_CHAINS, SHORT_LEG_SCALE), ARM_CHAINS, SHORT_ARM_SCALE)

    return [_reshape(f, shorten) for f in frames]


def _widen(arr: np.ndarray) -> np.ndarray:
    """Shoulders and hips pushed apart about their midpoints; each arm and leg moves with its root."""
    out = arr.copy()
    for (left, right), chains in (
        ((J.LEFT_SHOULDER, J.RIGHT_SHOULDER), ARM_CHAINS),
        ((J.LEFT_HIP, J.RIGHT_HIP), LEG_CHAINS),
    ):
        mid = (arr[left] + arr[right]) / 2
        for root, members in chains:
            shift = (WIDE_SCALE - 1.0) * (arr[root] - mid)
            out[[root, *members]] = arr[[root, *members]] + shift
    return out


def _wide_body(frames: Frames) -> Frames:
    return [_reshape(f, _widen) for f in frames]


def _velocity(values: np.ndarray, t_s: np.ndarray) -> np.ndarray:
    """Per-frame velocity (frames, joints, axes) by central differences; zero where undefined."""
    if len(t_s) < 2:
        return np.zeros_like(values)
    v = np.gradient(values, t_s, axis=0)
    return np.nan_to_num(v, nan=0.0, posinf=0.0, neginf=0.0)


def _motion_blur(frames: Frames) -> Frames:
    """Each joint's landmark at the middle of the exposure (trailing by half its streak), scattered by a share of the
    streak, and its confidence lowered the longer the streak."""
    if len(frames) < 3:
        return list(frames)
    rng = np.random.default_rng(13)
    t_s = np.array([f.t_s for f in frames])
    height_px = body_height_px(frames)
    fields = {"image_xy_px": None, "world_xyz_m": None, "camera_xyz_m": None}
    moved: dict[str, np.ndarray] = {}
    streak_px = np.zeros((len(frames), len(frames[0].confidence)))
    for name in fields:
        values = np.stack([getattr(f, name) for f in frames])
        v = _velocity(values, t_s)
        streak = np.linalg.norm(v, axis=2) * EXPOSURE_S
        scatter = rng.normal(0.0, 1.0, values.shape) * (BLUR_SCATTER * streak)[..., None]
        moved[name] = values - v * (EXPOSURE_S / 2) + scatter
        if name == "image_xy_px":
            streak_px = streak
    confidence_scale = 1.0 / (1.0 + streak_px / (BLUR_CONFIDENCE_LENGTH_OF_HEIGHT * height_px))
    return [
        f.with_changes(
            image_xy_px=moved["image_xy_px"][i],
            world_xyz_m=moved["world_xyz_m"][i],
            camera_xyz_m=moved["camera_xyz_m"][i],
            confidence=f.confidence * confidence_scale[i],
        )
        for i, f in enumerate(frames)
    ]


def _hip_centre(values: np.ndarray) -> np.ndarray:
    return (values[J.LEFT_HIP] + values[J.RIGHT_HIP]) / 2  # NaN where unknown (a webcam's camera coordinates)


def _hip_centred_median(frames: Frames, name: str) -> np.ndarray:
    """The median body of ``frames`` in field ``name``, centred on the hips (NaN where never known)."""
    stacked = np.stack([getattr(f, name) - _hip_centre(getattr(f, name)) for f in frames])
    known = np.isfinite(stacked).any(axis=0)
    out = np.full(stacked.shape[1:], np.nan)
    if known.any():
        out[known] = np.nanmedian(stacked[:, known], axis=0)
    return out


def _passer_by(frames: Frames) -> Frames:
    """Someone walks across the picture, left to right, in front of the player, passing the player's middle at
    the clip's middle (where a short clip's one rep is).

    Joints behind the walker's silhouette (a vertical band) are guessed: lower confidence and more error. While
    the band covers the player's hip centre, the pose model follows the walker instead: a standing body (the
    player's own median pose, nearer the camera) at the band's centre.
    """
    seen = [f for f in frames if f.confidence.max() > 0]
    if len(seen) < 3:
        return list(frames)
    rng = np.random.default_rng(17)
    height_px = body_height_px(frames)
    half_width_px = WALKER_WIDTH_OF_HEIGHT * height_px / 2
    walker_xy = _hip_centred_median(seen, "image_xy_px")
    walker_world = _hip_centred_median(seen, "world_xyz_m")
    walker_cam = _hip_centred_median(seen, "camera_xyz_m")
    t_mid_s = (frames[0].t_s + frames[-1].t_s) / 2
    player_x = float(np.nanmedian([_hip_centre(f.image_xy_px)[0] for f in seen]))
    out = []
    for f in frames:
        speed_px_s = (f.image_size_px[0] + 2 * half_width_px) / PASS_S
        band_x = player_x + (f.t_s - t_mid_s) * speed_px_s
        if not -half_width_px <= band_x <= f.image_size_px[0] + half_width_px or f.confidence.max() <= 0:
            out.append(f)
            continue
        hip_x, hip_y = _hip_centre(f.image_xy_px)
        if abs(hip_x - band_x) < half_width_px / 2:
            hip_cam = _hip_centre(f.camera_xyz_m)
            out.append(
                f.with_changes(
                    image_xy_px=walker_xy * WALKER_SCALE + np.array([band_x, hip_y]),
                    world_xyz_m=walker_world,
                    camera_xyz_m=walker_cam + hip_cam - np.array([0.0, 0.0, 0.5]),
                    confidence=np.full_like(f.confidence, 0.9),
                )
            )
            continue
        hidden = np.abs(f.image_xy_px[:, 0] - band_x) < half_width_px
        xy = f.image_xy_px.copy()
        xy[hidden] += rng.normal(0.0, HIDDEN_NOISE_OF_HEIGHT * height_px, (int(hidden.sum()), 2))
        conf = f.confidence.copy()
        conf[hidden] *= HIDDEN_CONFIDENCE_SCALE
        out.append(f.with_changes(image_xy_px=xy, confidence=conf))
    return out


#: name -> perturbation of the body or the scene (merged into :data:`sensors.perturb.PERTURBATIONS`)
BODY_PERTURBATIONS: dict[str, Callable[[Frames], Frames]] = {
    "short_limbs": _short_limbs,
    "wide_body": _wide_body,
    "motion_blur": _motion_blur,
    "passer_by": _passer_by,
}
