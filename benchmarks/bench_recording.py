"""Recording write/read speed (target: >= 5,000 pose frames/s each way).

Frames are built here (random poses, smooth 640x480 images with noise, a
noisy depth ramp in whole millimetres, as a RealSense delivers it) so the
figures measure the file format alone; ``synthetic_squat`` is what
``record --images`` writes for the synthetic avatar (target <= 150 kB a frame).
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


def synthetic_squat(path: Path, frames: int) -> dict[str, float]:
    """``record --images`` of the synthetic squat (640x480 JPEG colour + whole-mm depth):
    bytes per frame and the size of a 12 s recording (target <= 150 kB a frame)."""
    from sensors.registry import open_source

    with open_source("synthetic:squat,reps=0,images=1,seed=1") as cam:
        got = [cam.read() for _ in range(frames)]
    figures = measure([f for f in got if f is not None], ImageCodec(rgb="jpeg"), path)
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
        figures["synthetic_squat"] = synthetic_squat(Path(tmp) / "squat.rq", 30 if quick else 360)
    figures["pose_frames"] = n_pose
    figures["image_frames_640x480"] = n_images
    return figures


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "recording")
