"""Recording write/read speed (target: >= 5,000 pose frames/s each way).

Frames are built here (random poses, smooth 640x480 images with noise, a
noisy depth ramp in whole millimetres, as a RealSense delivers it) so the
figures measure the file format alone; ``synthetic_squat`` is what
``record --images`` writes for the synthetic avatar (target <= 150 kB a frame),
colour (JPEG) and depth (lossless) separately, and ``realsense_like_squat`` the
same with the depth a D435 would report (``realsense_depth.py``): the avatar's
depth noise is independent from pixel to pixel, which no lossless codec can
shrink below ``depth_noise_bound_bytes_per_frame``; a stereo camera's is not.
Run: ``python benchmarks/bench_recording.py [--quick]`` or ``repquest bench recording``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from sensors.contract import Capabilities
from sensors.pose import PoseFrame
from sensors.recording import ImageCodec, RecordingSensor, RecordingWriter
from sensors.recording import format as fmt

W, H = 640, 480


def make_frames(n: int, images: bool, seed: int = 0) -> list[PoseFrame]:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:H, 0:W]
    base_rgb = np.stack([xx * 255 // W, yy * 255 // H, (xx + yy) * 255 // (W + H)], axis=-1).astype(np.int16)
    base_depth = (1.5 + 2.0 * yy / H).astype(np.float32)
    rgbs, depths = [], []
    for _ in range(8 if images else 0):  # a pool of distinct images, reused, keeps memory small
        rgbs.append(np.clip(base_rgb + rng.integers(-6, 7, base_rgb.shape), 0, 255).astype(np.uint8))
        depth = base_depth + rng.normal(0, 0.004, base_depth.shape).astype(np.float32)
        depth[:, :8] = 0  # invalid band at the edge, as a RealSense gives
        depth = np.rint(depth * np.float32(1000)).astype(np.uint16).astype(np.float32) * np.float32(0.001)  # z16 mm
        depths.append(depth)
    frames = []
    for i in range(n):
        rgb = rgbs[i % len(rgbs)] if images else None
        depth = depths[i % len(depths)] if images else None
        frames.append(
            PoseFrame(
                t_s=i / 30,
                index=i,
                image_size_px=(W, H),
                image_xy_px=rng.random((33, 2)) * (W, H),
                camera_xyz_m=rng.normal(0, 1, (33, 3)),
                world_xyz_m=rng.normal(0, 0.5, (33, 3)),
                confidence=rng.random(33).astype(np.float32),
                source=np.ones(33, np.uint8),
                truth_camera_xyz_m=rng.normal(0, 1, (33, 3)),
                meta={"rep": i},
                rgb=rgb,
                depth_m=depth,
            )
        )
    return frames


def measure(frames: list[PoseFrame], codec: ImageCodec | None, path: Path) -> dict[str, float]:
    """Frames per second writing ``frames`` to ``path`` and replaying them through ``recording:``."""
    caps = Capabilities(has_depth=codec is not None, has_images=codec is not None)
    start = time.perf_counter()
    with RecordingWriter(path, source="bench", capabilities=caps, images=codec) as writer:
        for frame in frames:
            writer.write(frame)
    write_s = time.perf_counter() - start
    start = time.perf_counter()
    with RecordingSensor(path, images=codec is not None) as sensor:
        got = sum(1 for _ in sensor)
    read_s = time.perf_counter() - start
    assert got == len(frames)
    return {
        "write_fps": len(frames) / write_s,
        "read_fps": got / read_s,
        "bytes_per_frame": path.stat().st_size / len(frames),
    }


def squat_frames(frames: int, realsense_like_depth: bool) -> list[PoseFrame]:
    """The synthetic squat with images (640x480). ``realsense_like_depth``: its exact depth
    turned into what a D435 reports (``realsense_depth.py``) instead of the avatar's own
    i.i.d. noise (sigma = 0.0015 z^2 per pixel, independent between neighbours)."""
    from realsense_depth import realsense_like

    from sensors.registry import open_source

    spec = "synthetic:squat,reps=0,images=1,seed=1" + (",depth_noise=0" if realsense_like_depth else "")
    rng = np.random.default_rng(0)
    out = []
    with open_source(spec) as cam:
        for _ in range(frames):
            f = cam.read()
            if f is None:
                continue
            if realsense_like_depth and f.depth_m is not None:
                f = f.with_changes(depth_m=realsense_like(f.depth_m, rng))
            out.append(f)
    return out


def noise_bound_bytes(depth_m: np.ndarray, k_per_m: float = 0.0015) -> float:
    """A lower bound on any lossless code of the avatar's depth noise: each valid pixel's
    Gaussian (sigma = k z^2, in mm) quantised to 1 mm carries ~log2(sigma sqrt(2 pi e)) bits,
    and neighbours are independent, so no predictor removes it."""
    z = depth_m[depth_m > 0].astype(np.float64)
    sigma_mm = k_per_m * z * z * 1000.0
    return float(np.maximum(np.log2(sigma_mm * np.sqrt(2 * np.pi * np.e)), 0.0).sum() / 8.0)


def squat_recording(path: Path, frames: list[PoseFrame]) -> dict[str, float]:
    """``record --images`` of ``frames``: bytes per frame (whole file, colour JPEG, depth),
    write/read fps, the size of 12 s, and the depth as the version-1 16-bit PNG took it."""
    import cv2

    figures = measure(frames, ImageCodec(rgb="jpeg"), path)
    codec = ImageCodec(rgb="jpeg")
    rgb = [f.rgb for f in frames if f.rgb is not None]
    depth = [f.depth_m for f in frames if f.depth_m is not None]
    figures["colour_bytes_per_frame"] = float(np.mean([len(fmt.encode_rgb(x, codec)) for x in rgb]))
    figures["depth_bytes_per_frame"] = float(np.mean([len(fmt.encode_depth(d)) for d in depth]))
    start = time.perf_counter()
    png = [
        cv2.imencode(".png", np.rint(d * 1000).astype(np.uint16), [cv2.IMWRITE_PNG_COMPRESSION, 1])[1] for d in depth
    ]
    figures["depth_png_v1_ms"] = 1000 * (time.perf_counter() - start) / len(depth)
    figures["depth_png_v1_bytes_per_frame"] = float(np.mean([len(b) for b in png]))
    start = time.perf_counter()
    for d in depth:
        fmt.encode_depth(d)
    figures["depth_encode_ms"] = 1000 * (time.perf_counter() - start) / len(depth)
    encoded = [fmt.encode_depth(d) for d in depth]
    start = time.perf_counter()
    for data in encoded:
        fmt.decode_depth(data)
    figures["depth_decode_ms"] = 1000 * (time.perf_counter() - start) / len(depth)
    figures["mb_per_12_s"] = figures["bytes_per_frame"] * 30 * 12 / 1e6
    return figures


def main(quick: bool = False) -> dict[str, Any]:
    n_pose, n_images = (2_000, 30) if quick else (30_000, 300)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="repquest-bench-") as tmp:
        cases = [
            ("pose", n_pose, None),
            ("jpeg_depth", n_images, ImageCodec(rgb="jpeg")),
            ("png_depth", n_images, ImageCodec(rgb="png")),
        ]
        for name, n, codec in cases:
            frames = make_frames(n, images=codec is not None)
            for key, value in measure(frames, codec, Path(tmp) / f"{name}.rq").items():
                figures[f"{name}_{key}"] = value
        n = 20 if quick else 150
        squat = squat_frames(n, realsense_like_depth=False)
        figures["synthetic_squat"] = squat_recording(Path(tmp) / "squat.rq", squat)
        figures["synthetic_squat"]["depth_noise_bound_bytes_per_frame"] = float(
            np.mean([noise_bound_bytes(f.depth_m) for f in squat if f.depth_m is not None])
        )
        del squat
        figures["realsense_like_squat"] = squat_recording(
            Path(tmp) / "rs.rq", squat_frames(n, realsense_like_depth=True)
        )
    figures["pose_frames"] = n_pose
    figures["image_frames_640x480"] = n_images
    return figures


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "recording")
