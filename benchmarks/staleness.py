"""Skeleton staleness: how far the drawn skeleton is from the body at the moment it is on screen.

A simulated clock replays the game's cadence without wall-clock noise: the
synthetic avatar (the game's demo source: RGB + depth images, 3 px landmark
noise) is captured at 30 fps and goes through the real pose pipeline
(:class:`~sensors.pipeline.PipelineSensor`: lock, swap fix, depth fusion,
gravity, Kalman tracker). A frame captured at ``t_c`` reaches the game at
``t_c + latency_ms`` (a modelled inference latency, stated in the figures;
the synthetic source has no model to time) and is drawn from the next
render tick on (60 fps). At each render tick ``t_d`` the drawn joints are
compared with the avatar's ground truth at ``t_d`` (a second, noise-free
avatar stream at 60 fps gives the truth at every tick):

- ``newest_frame``: no prediction, the newest processed frame as it is;
- ``arrival_relative``: ``predict(t_c + time since the frame arrived)``
  (the game before issue 11: the inference latency is not made up for);
- ``display_time``: ``predict(t_d)`` (what the game draws now).

Errors over the 12 limb joints (shoulders to ankles) in image pixels
(640x480) and in camera millimetres: mean and p95.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SENSOR_FPS = 30
RENDER_FPS = 60
LATENCY_MS = 40.0  #: modelled capture-to-pose latency: MediaPipe full ~30-40 ms a frame here (bench inference)
LIMBS = np.array([11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28])
WAYS = ("newest_frame", "arrival_relative", "display_time")


def _errors(drawn: Any, truth_xyz_m: np.ndarray, intrinsics: Any) -> tuple[np.ndarray, np.ndarray]:
    ok = drawn.source[LIMBS] != 0  # JointSource.MISSING
    truth_px = intrinsics.project(truth_xyz_m[LIMBS])
    px = np.linalg.norm(drawn.image_xy_px[LIMBS] - truth_px, axis=1)[ok]
    mm = 1000 * np.linalg.norm(drawn.camera_xyz_m[LIMBS] - truth_xyz_m[LIMBS], axis=1)[ok]
    return px[np.isfinite(px)], mm[np.isfinite(mm)]


def run(exercise: str, seconds: float, latency_ms: float = LATENCY_MS, seed: int = 1) -> dict[str, Any]:
    """Replay ``seconds`` of ``exercise`` at the game's cadence; errors per way of drawing."""
    from sensors.pipeline import PipelineSensor
    from sensors.registry import SourceOptions, open_source

    camera = PipelineSensor(open_source(f"synthetic:{exercise},reps=0", SourceOptions(images=True, seed=seed)))
    truth = open_source(f"synthetic:{exercise},reps=0,fps={RENDER_FPS},noise_px=0", SourceOptions(seed=seed))
    errs: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {w: ([], []) for w in (*WAYS, "at_capture")}
    lat_s = latency_ms / 1000
    with camera.open(), truth.open():
        pending = camera.read()  # the next captured frame, not yet arrived
        newest = None  # (processed frame, arrival time)
        for tick in range(round(seconds * RENDER_FPS)):
            t_d = tick / RENDER_FPS
            true_frame = truth.read()
            assert true_frame is not None
            if abs(true_frame.t_s - t_d) > 1e-9:
                raise RuntimeError(f"truth stream out of step: {true_frame.t_s} != {t_d}")
            while pending is not None and pending.t_s + lat_s <= t_d + 1e-9:
                newest = (pending, pending.t_s + lat_s)
                if pending.truth_camera_xyz_m is not None and pending.has_player:  # the noise floor: no delay
                    px, mm = _errors(pending, pending.truth_camera_xyz_m, pending.intrinsics)
                    errs["at_capture"][0].append(px)
                    errs["at_capture"][1].append(mm)
                pending = camera.read()
            if newest is None or t_d < 1.0:  # the first second: the tracker settles
                continue
            frame, arrived_s = newest
            drawn = {
                "newest_frame": frame,
                "arrival_relative": camera.predict(frame.t_s + (t_d - arrived_s)),
                "display_time": camera.predict(t_d),
            }
            assert true_frame.truth_camera_xyz_m is not None
            for way, pose in drawn.items():
                if pose is None or not pose.has_player:
                    continue
                px, mm = _errors(pose, true_frame.truth_camera_xyz_m, frame.intrinsics)
                errs[way][0].append(px)
                errs[way][1].append(mm)
    out: dict[str, Any] = {}
    for way, (pxs, mms) in errs.items():
        px, mm = np.concatenate(pxs), np.concatenate(mms)
        out[way] = {
            "error_px_mean": round(float(px.mean()), 2),
            "error_px_p95": round(float(np.percentile(px, 95)), 2),
            "error_mm_mean": round(float(mm.mean()), 1),
            "error_mm_p95": round(float(np.percentile(mm, 95)), 1),
        }
    return out


def figures(quick: bool) -> dict[str, Any]:
    """Staleness for the demo's squat (and, full run, fast jumping jacks) at 60 fps render, 30 fps sensor."""
    exercises = ("squat",) if quick else ("squat", "jumping_jack")
    seconds = 3.0 if quick else 15.0
    out: dict[str, Any] = {"latency_ms_modelled": LATENCY_MS, "render_fps": RENDER_FPS, "sensor_fps": SENSOR_FPS}
    for exercise in exercises:
        out[exercise] = run(exercise, seconds)
    return out
