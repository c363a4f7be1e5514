"""RealSense depth fusion cost and recording playback speed.

* ``fusion_ms`` -- :func:`sensors.realsense.fusion.fuse_depth` per frame
  (sampling 33 windows, anchor fit, gating, deprojection) on a 640x480 depth
  map of a body with noise and holes; target: small next to inference (~20-40 ms).
* ``accuracy`` -- on the synthetic avatar (rendered depth with RealSense-like
  noise, true joint centres known): 3D error of DEPTH joints without and with
  ``TYPICAL_SURFACE_OFFSET_M``, share of occluded joints (a plate in front of
  the hands, the body's own limbs) kept out of DEPTH, share of clear joints
  that become DEPTH.
* ``playback`` -- a ``.db3`` recording (MediaPipe's pose.jpg as colour, a
  consistent body depth map) written with pyrealsense2's software device and
  read back: the bare pipeline + ``rs.align`` rate, and ``realsense-file:``
  end to end (MediaPipe + fusion), with fusion's share of the frame time.

Run: ``python benchmarks/bench_fusion.py [--quick]`` or ``repquest bench fusion``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from sensors.joints import NUM_JOINTS, Joint
from sensors.realsense.fusion import TYPICAL_SURFACE_OFFSET_M, FusionParams, Intrinsics, fuse_depth
from sensors.realsense.playback import start_playback
from sensors.realsense.testing import (
    body_depth_map,
    default_intrinsics,
    fusion_accuracy,
    letterbox,
    write_recording,
)
from sensors.registry import SourceOptions, open_source

W, H = 640, 480
SHARED_DATA = Path(os.environ.get("REPQUEST_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def _person_rgb() -> np.ndarray:
    """MediaPipe's pose test image, letterboxed to 640x480 (a grey frame when the data is absent)."""
    import cv2

    image = SHARED_DATA / "mediapipe_testdata" / "pose.jpg"
    bgr = cv2.imread(str(image)) if image.is_file() else None
    if bgr is None:
        return np.full((H, W, 3), 128, np.uint8)
    return letterbox(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), (W, H))


def _synthetic_scene(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Landmarks (33, 2) px, world (33, 3) m and a noisy depth map of a standing body."""
    xy = np.column_stack([rng.uniform(200, 440, NUM_JOINTS), rng.uniform(60, 440, NUM_JOINTS)])
    for left, right, y in ((Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, 150), (Joint.LEFT_HIP, Joint.RIGHT_HIP, 260)):
        xy[left], xy[right] = (350, y), (290, y)
    world = np.zeros((NUM_JOINTS, 3))
    world[:, 2] = rng.normal(0, 0.08, NUM_JOINTS)
    depth = body_depth_map((W, H), xy, world, hip_depth_m=2.5)
    depth += rng.normal(0, 0.01, depth.shape).astype(np.float32)  # ~1 cm noise at 2.5 m
    depth[rng.random(depth.shape) < 0.03] = 0.0  # 3 % holes
    return xy, world, depth


def bench_fusion_ms(frames: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    xy, world, depth = _synthetic_scene(rng)
    intr = default_intrinsics(W, H)
    vis, present = np.ones(NUM_JOINTS), np.ones(NUM_JOINTS, bool)
    params = FusionParams()
    times = []
    for _ in range(frames):
        jitter = xy + rng.normal(0, 1.5, xy.shape)
        t0 = time.perf_counter()
        fuse_depth(jitter, world, vis, present, depth, intr, params)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median": statistics.median(times), "p95": float(np.percentile(times, 95))}


def _pipeline_fps(path: Path) -> float:
    """Bare ``rs.pipeline`` playback + ``rs.align`` + numpy conversion, no inference."""
    import pyrealsense2 as rs

    pipeline, _, playback = start_playback(rs, path)
    playback.resume()
    align = rs.align(rs.stream.color)
    n, t0 = 0, time.perf_counter()
    while True:
        ok, frameset = pipeline.try_wait_for_frames(500)
        if not ok:
            break
        aligned = align.process(frameset)
        np.asanyarray(aligned.get_depth_frame().get_data()).astype(np.float32)
        np.array(aligned.get_color_frame().get_data())
        n += 1
    elapsed = time.perf_counter() - t0 - 0.5  # the last wait timed out
    pipeline.stop()
    return n / max(elapsed, 1e-9)


def bench_playback(frames: int, workdir: Path) -> dict[str, Any]:
    from sensors.camera.estimator import PoseEstimator

    rgb = _person_rgb()
    with PoseEstimator(static_image_mode=True) as est:
        pose = est.estimate(rgb, 0.0, 0)
    if pose.has_player:
        depth = body_depth_map((W, H), pose.image_xy_px, pose.world_xyz_m)
    else:
        depth = np.full((H, W), 3.0, np.float32)
    # a little motion so the model tracks rather than repeats: shift the frames sideways
    rgbs = [np.roll(rgb, 2 * k, axis=1) for k in range(frames)]
    depths = [np.roll(depth, 2 * k, axis=1) for k in range(frames)]
    path = workdir / "bench.db3"
    t0 = time.perf_counter()
    write_recording(path, rgbs, depths)
    write_s = time.perf_counter() - t0
    del rgbs, depths

    pipeline_fps = _pipeline_fps(path)
    fusion_s = 0.0
    n = 0
    depth_joints = []
    t0 = time.perf_counter()
    with open_source(f"realsense-file:{path}", SourceOptions()) as sensor:
        for frame in sensor:
            n += 1
            depth_joints.append(int(np.sum(frame.source == 2)))
    total_s = time.perf_counter() - t0
    # fusion's share, measured separately on this recording's geometry
    intr = default_intrinsics(W, H)
    if pose.has_player:
        t1 = time.perf_counter()
        for _ in range(50):
            fuse_depth(pose.image_xy_px, pose.world_xyz_m, pose.confidence, pose.visible, depth, intr)
        fusion_s = (time.perf_counter() - t1) / 50
    return {
        "frames": n,
        "write_fps": frames / write_s,
        "bytes_per_frame": path.stat().st_size / frames,
        "pipeline_align_fps": pipeline_fps,
        "end_to_end_fps": n / total_s,
        "end_to_end_ms_per_frame": 1000 * total_s / max(n, 1),
        "fusion_share_pct": 100 * fusion_s / (total_s / max(n, 1)),
        "depth_joints_mean": float(np.mean(depth_joints)) if depth_joints else 0.0,
        "person_found": bool(pose.has_player),
    }


#: synthetic-avatar scenes scored against ground truth (a plate in front of the hands in the first)
ACCURACY_SCENES = {
    "curl_plate_front": "bicep_curl,view=front,occluder=plate",
    "squat_front": "squat,view=front",
    "squat_side": "squat,view=side",
    "pushup_side": "pushup,view=side",
}


def bench_accuracy(quick: bool) -> dict[str, Any]:
    """Fusion against the avatar's true joint centres, without and with the surface offset."""
    import itertools

    out: dict[str, Any] = {}
    scenes = dict(itertools.islice(ACCURACY_SCENES.items(), 1 if quick else None))
    for name, target in scenes.items():
        spec = f"synthetic:{target},images=1,depth_map=1,reps={1 if quick else 3}"
        with open_source(spec) as sensor:
            frames = list(sensor)
            si = sensor.intrinsics  # type: ignore[attr-defined]
        intr = Intrinsics(si.width_px, si.height_px, si.fx, si.fy, si.cx, si.cy)
        plain = fusion_accuracy(frames, intr)
        offset = fusion_accuracy(frames, intr, FusionParams(surface_offset_m=TYPICAL_SURFACE_OFFSET_M))
        out[name] = {
            "frames": len(frames),
            "error_cm_median": plain["error_cm_median"],
            "error_cm_p90": plain["error_cm_p90"],
            "offset_error_cm_median": offset["error_cm_median"],
            "offset_error_cm_p90": offset["error_cm_p90"],
            "occluded_joints": int(plain["occluded_joints"]),
            "occluded_gated_pct": plain["occluded_gated_pct"],
            "clear_depth_pct": plain["clear_depth_pct"],
        }
    return out


def main(quick: bool = False) -> dict[str, Any]:
    fusion = bench_fusion_ms(200 if quick else 3000)
    accuracy = bench_accuracy(quick)
    with tempfile.TemporaryDirectory() as tmp:
        playback = bench_playback(10 if quick else 90, Path(tmp))
    return {"fusion_ms": fusion, "accuracy": accuracy, "playback": playback}


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "fusion")
