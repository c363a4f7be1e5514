"""Write RealSense recordings (``.db3``) without a camera.

A ``pyrealsense2.software_device`` with a depth sensor (z16) and a colour
sensor (rgb8) is recorded by ``pyrealsense2.recorder``, exactly as a camera
would be; the file plays back through a real ``rs.pipeline`` (and so through
``realsense-file:PATH``). Used by tests and benchmarks.

>>> write_recording(tmp / "a.db3", rgb_frames, depth_frames_m)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sensors.joints import SKELETON_EDGES, Joint
from sensors.pose import JointSource, PoseFrame
from sensors.realsense._rs import import_rs, intrinsics_to_rs
from sensors.realsense.fusion import TORSO_JOINTS, FusionParams, Intrinsics, fuse_depth, sample_depth_m

#: joints painted as discs at exactly their own depth by :func:`body_depth_map`
DISC_JOINTS = (
    Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_ELBOW, Joint.RIGHT_ELBOW,
    Joint.LEFT_WRIST, Joint.RIGHT_WRIST, Joint.LEFT_HIP, Joint.RIGHT_HIP,
    Joint.LEFT_KNEE, Joint.RIGHT_KNEE, Joint.LEFT_ANKLE, Joint.RIGHT_ANKLE,
)  # fmt: skip

#: first frame's device timestamp (ms); real cameras start far from 0 too
START_TIMESTAMP_MS = 12_345.0


def default_intrinsics(width_px: int, height_px: int) -> Intrinsics:
    """A D435-like colour camera (about 69 x 42 degrees) for the given image size."""
    f = 615.0 * width_px / 640.0
    return Intrinsics(width_px, height_px, f, f, (width_px - 1) / 2.0, (height_px - 1) / 2.0)


def body_depth_map(
    size_px: tuple[int, int],
    image_xy_px: np.ndarray,
    world_xyz_m: np.ndarray,
    hip_depth_m: float = 2.5,
    background_m: float = 4.0,
    limb_radius_px: int = 12,
    joint_radius_px: int = 9,
) -> np.ndarray:
    """A depth map (H, W) float32 metres of a body consistent with a pose, in front of a wall.

    Each joint j lies at depth ``hip_depth_m + world_xyz_m[j, 2]`` (MediaPipe
    world z is relative to the hips). Bones are drawn as thick lines at the
    mean depth of their ends, the torso as a polygon, and each joint of
    :data:`DISC_JOINTS` as a disc at exactly its own depth; nearer surfaces
    hide farther ones (z-buffer). ``size_px`` is (width, height).
    """
    import cv2

    w, h = size_px
    depth = np.full((h, w), background_m, dtype=np.float32)
    xy = np.asarray(image_xy_px, dtype=np.float64)
    z = hip_depth_m + np.asarray(world_xyz_m, dtype=np.float64)[:, 2]

    def paint(draw: object, value: float) -> None:
        mask = np.zeros((h, w), np.uint8)
        draw(mask)  # type: ignore[operator]
        np.minimum(depth, np.where(mask > 0, np.float32(value), np.float32(np.inf)), out=depth)

    def pt(j: int) -> tuple[int, int]:
        return round(xy[j, 0]), round(xy[j, 1])

    torso = np.array([pt(j) for j in (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP, Joint.LEFT_HIP)])
    paint(lambda m: cv2.fillPoly(m, [torso.astype(np.int32)], (255,)), float(np.mean(z[list(TORSO_JOINTS)])))
    for a, b in SKELETON_EDGES:
        paint(lambda m, a=a, b=b: cv2.line(m, pt(a), pt(b), (255,), 2 * limb_radius_px), float((z[a] + z[b]) / 2))
    head_r = max(int(np.linalg.norm(xy[Joint.LEFT_EAR] - xy[Joint.RIGHT_EAR]) * 0.7), limb_radius_px)
    paint(lambda m: cv2.circle(m, pt(Joint.NOSE), head_r, (255,), -1), float(z[Joint.NOSE]))
    for j in DISC_JOINTS:  # the joint's own depth right around its pixel
        disc = np.zeros((h, w), np.uint8)
        cv2.circle(disc, pt(j), joint_radius_px, (255,), -1)
        depth[disc > 0] = np.float32(z[j])
    return depth


def letterbox(rgb: np.ndarray, size_px: tuple[int, int]) -> np.ndarray:
    """``rgb`` scaled to fit (width, height) and centred on black, aspect kept."""
    import cv2

    w, h = size_px
    scale = min(w / rgb.shape[1], h / rgb.shape[0])
    nw, nh = round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)
    small = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.zeros((h, w, 3), np.uint8)
    y0, x0 = (h - nh) // 2, (w - nw) // 2
    out[y0 : y0 + nh, x0 : x0 + nw] = small
    return out


def _video_stream(rs: object, kind: str, intr: Intrinsics, fps: float, uid: int) -> object:
    vs = rs.video_stream()  # type: ignore[attr-defined]
    vs.type = getattr(rs.stream, kind)  # type: ignore[attr-defined]
    vs.index, vs.uid = 0, uid
    vs.width, vs.height, vs.fps = intr.width_px, intr.height_px, round(fps)
    vs.bpp = 2 if kind == "depth" else 3
    vs.fmt = rs.format.z16 if kind == "depth" else rs.format.rgb8  # type: ignore[attr-defined]
    vs.intrinsics = intrinsics_to_rs(intr)
    return vs


def write_recording(
    path: Path | str,
    rgb_frames: Sequence[np.ndarray],
    depth_frames_m: Sequence[np.ndarray],
    *,
    fps: float = 30.0,
    colour_intrinsics: Intrinsics | None = None,
    depth_intrinsics: Intrinsics | None = None,
    depth_to_colour_translation_m: tuple[float, float, float] = (0.0, 0.0, 0.0),
    depth_scale_m: float = 0.001,
    accel_m_s2: np.ndarray | None = None,
    gyro_rad_s: np.ndarray | None = None,
    imu_to_colour_rotation: np.ndarray | None = None,
) -> Path:
    """Record ``rgb_frames`` ((H, W, 3) uint8 RGB) and ``depth_frames_m`` ((h, w) metres, 0 = none).

    Depth and colour may differ in size; the intrinsics default to
    :func:`default_intrinsics` of each size. The extrinsics from depth to
    colour are a pure translation (metres), registered so ``rs.align`` works
    on playback. Depth is quantised to ``depth_scale_m`` (z16). Returns the path.

    ``accel_m_s2`` (frames, k, 3): an IMU (a D435i's motion module) recorded too, k
    accelerometer samples per colour frame, evenly spaced over the frame interval up to
    the frame's timestamp; ``gyro_rad_s`` the same shape (default: still). The IMU's
    extrinsics to colour are ``imu_to_colour_rotation`` (3, 3; default identity).
    """
    rs = import_rs()
    path = Path(path)
    if len(rgb_frames) != len(depth_frames_m) or not rgb_frames:
        raise ValueError(
            f"expected as many colour as depth frames (>0), found {len(rgb_frames)} and {len(depth_frames_m)}"
        )
    ch, cw = rgb_frames[0].shape[:2]
    dh, dw = depth_frames_m[0].shape
    c_intr = colour_intrinsics or default_intrinsics(cw, ch)
    d_intr = depth_intrinsics or default_intrinsics(dw, dh)
    if (c_intr.width_px, c_intr.height_px) != (cw, ch) or (d_intr.width_px, d_intr.height_px) != (dw, dh):
        raise ValueError("intrinsics size must match the frames' size")

    device = rs.software_device()
    depth_sensor = device.add_sensor("Depth")
    colour_sensor = device.add_sensor("Color")
    depth_sensor.add_read_only_option(rs.option.depth_units, float(depth_scale_m))
    depth_profile = depth_sensor.add_video_stream(_video_stream(rs, "depth", d_intr, fps, 0))
    depth_profile = depth_profile.as_video_stream_profile()
    colour_profile = colour_sensor.add_video_stream(_video_stream(rs, "color", c_intr, fps, 1))
    colour_profile = colour_profile.as_video_stream_profile()
    extrinsics = rs.extrinsics()
    extrinsics.rotation = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    extrinsics.translation = [float(t) for t in depth_to_colour_translation_m]
    depth_profile.register_extrinsics_to(colour_profile, extrinsics)

    motion = _add_motion(
        rs, device, colour_profile, fps, accel_m_s2, gyro_rad_s, imu_to_colour_rotation, len(rgb_frames)
    )

    recorder = rs.recorder(str(path), device)
    depth_sensor.open(depth_profile)
    colour_sensor.open(colour_profile)
    queues = (rs.frame_queue(len(rgb_frames) * 2 + 2), rs.frame_queue(len(rgb_frames) * 2 + 2))
    depth_sensor.start(queues[0])
    colour_sensor.start(queues[1])
    if motion is not None:
        motion.start()
    keep_alive: list[np.ndarray] = []  # librealsense reads the pixels after on_video_frame returns
    try:
        for k, (rgb, depth_m) in enumerate(zip(rgb_frames, depth_frames_m, strict=True)):
            if rgb.shape != (ch, cw, 3) or depth_m.shape != (dh, dw):
                raise ValueError(f"frame {k}: sizes change within the recording")
            z16 = np.clip(np.rint(np.nan_to_num(depth_m) / depth_scale_m), 0, 65535).astype(np.uint16)
            pixels = np.ascontiguousarray(rgb, dtype=np.uint8)
            keep_alive += [z16, pixels]
            t_ms = START_TIMESTAMP_MS + k * 1000.0 / fps
            if motion is not None:
                motion.push(k, t_ms)
            # depth first, then colour: the playback syncer then pairs frame k with frame k
            for sensor, profile, data, bpp, width in (
                (depth_sensor, depth_profile, z16, 2, dw),
                (colour_sensor, colour_profile, pixels, 3, cw),
            ):
                frame = rs.software_video_frame()  # a fresh one each time (reuse corrupts the heap)
                frame.pixels = data
                frame.bpp = bpp
                frame.stride = bpp * width
                frame.timestamp = t_ms
                frame.domain = rs.timestamp_domain.hardware_clock
                frame.frame_number = k
                frame.profile = profile
                sensor.on_video_frame(frame)
    finally:
        depth_sensor.stop()
        colour_sensor.stop()
        depth_sensor.close()
        colour_sensor.close()
        if motion is not None:
            motion.stop()
        recorder.pause()
        del recorder  # closing the recorder finishes the file
    return path


class _Motion:
    """The software device's motion module: accel + gyro frames pushed before each colour frame."""

    def __init__(
        self, rs: Any, sensor: Any, profiles: tuple[Any, Any], accel: np.ndarray, gyro: np.ndarray, fps: float
    ):
        self.rs, self.sensor, self.profiles = rs, sensor, profiles
        self.accel, self.gyro, self.fps = accel, gyro, fps
        self.queue = rs.frame_queue(accel.size * 2 + 2)
        self.number = 0

    def start(self) -> None:
        self.sensor.open(list(self.profiles))
        self.sensor.start(self.queue)

    def push(self, k: int, colour_t_ms: float) -> None:
        n = self.accel.shape[1]
        for i in range(n):  # samples at colour_t - (n-1-i)/n frame intervals
            t_ms = colour_t_ms - (n - 1 - i) * 1000.0 / (self.fps * n)
            for profile, sample in zip(self.profiles, (self.accel[k, i], self.gyro[k, i]), strict=True):
                vec = self.rs.vector()
                vec.x, vec.y, vec.z = (float(v) for v in sample)
                frame = self.rs.software_motion_frame()
                frame.data = vec
                frame.timestamp = t_ms
                frame.domain = self.rs.timestamp_domain.hardware_clock
                frame.frame_number = self.number
                frame.profile = profile
                self.sensor.on_motion_frame(frame)
            self.number += 1

    def stop(self) -> None:
        self.sensor.stop()
        self.sensor.close()


def _add_motion(
    rs: Any, device: Any, colour_profile: Any, fps: float, accel: np.ndarray | None, gyro: np.ndarray | None,
    rotation: np.ndarray | None, frames: int,
) -> _Motion | None:  # fmt: skip
    if accel is None:
        return None
    accel = np.asarray(accel, dtype=np.float64)
    if accel.ndim != 3 or accel.shape[0] != frames or accel.shape[2] != 3:
        raise ValueError(f"accel_m_s2: expected shape ({frames}, k, 3), found {accel.shape}")
    gyro = np.zeros_like(accel) if gyro is None else np.asarray(gyro, dtype=np.float64)
    if gyro.shape != accel.shape:
        raise ValueError(f"gyro_rad_s: expected shape {accel.shape}, found {gyro.shape}")
    sensor = device.add_sensor("Motion Module")
    rate = round(fps * accel.shape[1])
    profiles = []
    for kind, uid in ((rs.stream.accel, 2), (rs.stream.gyro, 3)):
        stream = rs.motion_stream()
        stream.type, stream.index, stream.uid, stream.fps = kind, 0, uid, rate
        stream.fmt = rs.format.motion_xyz32f
        stream.intrinsics = rs.motion_device_intrinsic()
        profiles.append(sensor.add_motion_stream(stream).as_motion_stream_profile())
    extrinsics = rs.extrinsics()
    r = np.eye(3) if rotation is None else np.asarray(rotation, dtype=np.float64)
    extrinsics.rotation = [float(v) for v in r.T.reshape(-1)]  # column-major
    extrinsics.translation = [0.0, 0.0, 0.0]
    for profile in profiles:
        profile.register_extrinsics_to(colour_profile, extrinsics)
    return _Motion(rs, sensor, (profiles[0], profiles[1]), accel, gyro, fps)


def fusion_accuracy(
    frames: Sequence[PoseFrame], intr: Intrinsics, params: FusionParams | None = None
) -> dict[str, float]:
    """Fuse frames that carry ground truth (the synthetic avatar with a depth map) and score it.

    Each frame needs ``depth_m`` and ``truth_camera_xyz_m``. A joint counts as
    *occluded* when the depth map at its true pixel is over 20 cm nearer than
    the joint; *clear* when it is not occluded and its visibility is >= 0.5.
    Returns ``error_cm_median`` / ``error_cm_p90`` (3D error of DEPTH joints
    against the true joint centres), ``occluded_gated_pct`` (occluded joints
    not marked DEPTH), ``clear_depth_pct`` (clear joints marked DEPTH) and the
    counts behind them.
    """
    errors: list[np.ndarray] = []
    occluded_n = gated_n = clear_n = clear_depth_n = 0
    for f in frames:
        if not f.has_player or f.depth_m is None or f.truth_camera_xyz_m is None:
            continue
        present = f.source != JointSource.MISSING
        fused = fuse_depth(f.image_xy_px, f.world_xyz_m, f.confidence, present, f.depth_m, intr, params)
        truth = f.truth_camera_xyz_m
        truth_px = np.column_stack(
            [truth[:, 0] / truth[:, 2] * intr.fx_px + intr.ppx_px, truth[:, 1] / truth[:, 2] * intr.fy_px + intr.ppy_px]
        )
        surface_m = sample_depth_m(f.depth_m, truth_px, 3)
        occluded = present & np.isfinite(surface_m) & (surface_m < truth[:, 2] - 0.2)
        clear = present & (f.confidence >= 0.5) & ~occluded
        is_depth = fused.source == JointSource.DEPTH
        errors.append(np.linalg.norm(fused.camera_xyz_m[is_depth] - truth[is_depth], axis=1))
        occluded_n += int(occluded.sum())
        gated_n += int((occluded & ~is_depth).sum())
        clear_n += int(clear.sum())
        clear_depth_n += int((clear & is_depth).sum())
    err = np.concatenate(errors) if errors else np.zeros(0)
    return {
        "error_cm_median": float(100 * np.median(err)) if err.size else float("nan"),
        "error_cm_p90": float(100 * np.percentile(err, 90)) if err.size else float("nan"),
        "occluded_gated_pct": 100.0 * gated_n / occluded_n if occluded_n else float("nan"),
        "clear_depth_pct": 100.0 * clear_depth_n / clear_n if clear_n else float("nan"),
        "occluded_joints": float(occluded_n),
        "depth_joints": float(err.size),
    }
