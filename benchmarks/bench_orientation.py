"""Upright inference on the real push-up and plank clips: with and without rotation.

For each clip (``pushup_*``, ``plank_*`` in ``../shared/data/clips``) the
``video:`` source runs twice, ``orientation=off`` and ``orientation=auto``,
over every frame (``--quick``: the first 60 frames of one clip), and reports:

* ``detection_rate``: frames with the player tracked / all frames;
* ``rotated_share``: frames the model saw turned by 90 degrees;
* ``jitter_px``: median over frames of the mean second difference
  ``|x[t+1] - 2 x[t] + x[t-1]|`` of the 12 limb and torso joints (pixels;
  smooth motion cancels out, frame-to-frame noise does not);
* ``step_px``: median frame-to-frame displacement of the same joints;
* ``elbow_range_deg``: 5th-95th percentile range of the elbow angle on the
  side the camera sees better (a push-up's elbows sweep ~70-90 deg);
* ``detector_only_rate``: detection rate with ``static_image_mode`` (the
  person detector on every 10th frame, no tracking). MediaPipe's tracking
  already turns its crop to the body's angle, so rotation matters most when
  the detector has to find the body again.

Target: rotation never lowers the detection rate on any clip.
Run: ``python benchmarks/bench_orientation.py [--quick]``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("REPQUEST_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
MODES = ("off", "auto")
# shoulders, elbows, wrists, hips, knees, ankles
BODY_JOINTS = np.array([11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28])


def elbow_angles_deg(xy: np.ndarray, side: str) -> np.ndarray:
    """Elbow angle (N,) from (N, 33, 2) image landmarks; NaN where a joint is missing."""
    s, e, w = (11, 13, 15) if side == "left" else (12, 14, 16)
    a = xy[:, s] - xy[:, e]
    b = xy[:, w] - xy[:, e]
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def clip_figures(path: Path, mode: str, max_frames: int | None) -> dict[str, Any]:
    from sensors.pose import TrackingState
    from sensors.registry import open_source

    xys, tracked, rotated, confidences = [], [], [], []
    t0 = time.perf_counter()
    with open_source(f"video:{path},orientation={mode}") as cam:
        for frame in cam:
            ok = frame.tracking is TrackingState.TRACKED and frame.visible.any()
            tracked.append(ok)
            rotated.append(frame.meta.get("rotation", "none") != "none")
            xys.append(frame.image_xy_px if ok else np.full((33, 2), np.nan))
            confidences.append(frame.confidence)
            if max_frames is not None and len(tracked) >= max_frames:
                break
    wall_s = time.perf_counter() - t0
    xy = np.array(xys)
    body = xy[:, BODY_JOINTS]
    step = np.linalg.norm(np.diff(body, axis=0), axis=2).mean(axis=1)
    accel = np.linalg.norm(body[2:] - 2 * body[1:-1] + body[:-2], axis=2).mean(axis=1)
    conf = np.array(confidences)
    side = "left" if conf[:, [11, 13, 15]].mean() >= conf[:, [12, 14, 16]].mean() else "right"
    elbow = elbow_angles_deg(xy, side)
    elbow = elbow[np.isfinite(elbow)]
    return {
        "frames": len(tracked),
        "detection_rate": round(float(np.mean(tracked)), 4),
        "rotated_share": round(float(np.mean(rotated)), 4),
        "jitter_px": round(float(np.nanmedian(accel)), 2) if np.isfinite(accel).any() else None,
        "step_px": round(float(np.nanmedian(step)), 2) if np.isfinite(step).any() else None,
        "elbow_side": side,
        "elbow_range_deg": round(float(np.percentile(elbow, 95) - np.percentile(elbow, 5)), 1) if elbow.size else None,
        "ms_per_frame": round(1000 * wall_s / max(len(tracked), 1), 1),
    }


def detector_only_rate(path: Path, mode: str, stride: int, max_frames: int | None) -> float:
    """Detection rate with ``static_image_mode`` (the person detector runs on every frame,
    no tracking), on every ``stride``-th frame."""
    import cv2

    from sensors.camera.estimator import PoseEstimator

    cap = cv2.VideoCapture(str(path))
    found: list[bool] = []
    with PoseEstimator(orientation=mode, static_image_mode=True) as est:
        index = 0
        while cap.grab():
            if index % stride == 0:
                _, bgr = cap.retrieve()
                frame = est.estimate(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), index / 30, index)
                found.append(frame.has_player)
                if max_frames is not None and len(found) >= max_frames:
                    break
            index += 1
    cap.release()
    return round(float(np.mean(found)), 4) if found else float("nan")


def main(quick: bool = False) -> dict[str, Any]:
    clips_dir = SHARED_DATA / "clips"
    if not clips_dir.is_dir():
        return {"skipped": f"real data not found at {SHARED_DATA}"}
    clips = sorted(p for p in clips_dir.glob("*.mp4") if p.name.startswith(("pushup", "plank")))
    if quick:
        clips = [c for c in clips if c.name == "pushup_side_b.mp4"] or clips[:1]
    max_frames = 60 if quick else None
    rows = []
    never_lower = True
    for clip in clips:
        per_mode = {mode: clip_figures(clip, mode, max_frames) for mode in MODES}
        detector = {mode: detector_only_rate(clip, mode, 10, 6 if quick else None) for mode in MODES}
        never_lower &= per_mode["auto"]["detection_rate"] >= per_mode["off"]["detection_rate"]
        never_lower &= detector["auto"] >= detector["off"]
        rows.append(
            {
                "clip": clip.name,
                **{f"{m}.{k}": v for m, f in per_mode.items() for k, v in f.items()},
                **{f"{m}.detector_only_rate": v for m, v in detector.items()},
            }
        )
    return {"rotation_never_lowers_detection": bool(never_lower), "clips": rows}


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "orientation")
