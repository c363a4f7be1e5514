"""MediaPipe's own landmark smoothing (``smooth_landmarks``) on vs off, on the shared real clips.

The pipeline's tracker filters the landmarks again, so the question is whether
MediaPipe's filter earns its delay. Per clip, both pose streams (each cached:
``pose_cache.cached_poses(..., smoothing=False)`` runs MediaPipe once more with
the filter off, ~8 min for the 32 clips on this machine) are compared:

- ``lag_ms``: the time shift (1/8-frame steps, linear interpolation) that
  minimises the squared pixel difference of the well-seen landmarks
  (confidence > 0.7 in both) between a stream and the *unsmoothed* landmarks:
  MediaPipe's filter alone (``mediapipe``), and the pipeline's tracked output
  on smoothed (``tracked_on``) and unsmoothed (``tracked_off``) input;
- ``jitter``: mean |second difference| of those landmarks per frame, in units
  of the clip's median shoulder-to-hip length (raw and after the pipeline);
- counts: the form engine as shipped on both (exact against ``labels.csv``).

There is no ground truth on real clips, so lag is relative to the unsmoothed
model output (itself not lag-free: MediaPipe's ROI follows the previous frame).
``--quick`` uses only clips whose both streams are already cached.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from bench_counting import SHARED_DATA, count_error, load_labels

MIN_CONFIDENCE = 0.7
MAX_SHIFT_FRAMES = 6.0
SHIFT_STEP_FRAMES = 0.125
MIN_FRAMES = 20  #: a joint seen well in fewer frames is left out of the lag


def pixel_arrays(frames: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(t_s (n,), xy_px (n, 33, 2), confidence (n, 33))``."""
    return (
        np.array([f.t_s for f in frames], dtype=np.float64),
        np.array([f.image_xy_px for f in frames], dtype=np.float64),
        np.array([f.confidence for f in frames], dtype=np.float64),
    )


def lag_frames(a_px: np.ndarray, b_px: np.ndarray, ok: np.ndarray) -> float:
    """The shift s (frames) minimising the mean squared difference between ``a(t)`` and
    ``b(t - s)`` over the joints and frames where ``ok``; s > 0: ``a`` lags ``b``."""
    n = a_px.shape[0]
    idx = np.arange(n, dtype=np.float64)
    best_err, best_s = np.inf, 0.0
    for s in np.arange(-MAX_SHIFT_FRAMES, MAX_SHIFT_FRAMES + 1e-9, SHIFT_STEP_FRAMES):
        src = idx - s
        inside = (src >= 0) & (src <= n - 1)
        err, count = 0.0, 0
        for j in range(a_px.shape[1]):
            m = ok[:, j] & inside
            if m.sum() < MIN_FRAMES:
                continue
            for axis in range(2):
                d = a_px[m, j, axis] - np.interp(src[m], idx, b_px[:, j, axis])
                d = d[np.isfinite(d)]  # a frame the pipeline left without a player (NaN joints)
                err += float(d @ d)
                count += d.size
        if count and err / count < best_err:
            best_err, best_s = err / count, float(s)
    return best_s


def trunk_px(xy_px: np.ndarray) -> float:
    """Median shoulder-mid to hip-mid length (px): the clip's scale."""
    shoulders = (xy_px[:, 11] + xy_px[:, 12]) / 2
    hips = (xy_px[:, 23] + xy_px[:, 24]) / 2
    return float(np.nanmedian(np.linalg.norm(shoulders - hips, axis=1)))


def jitter(xy_px: np.ndarray, ok: np.ndarray, scale_px: float) -> float:
    """Mean |second difference| of the ``ok`` landmarks, in units of ``scale_px`` per frame²."""
    d2 = xy_px[2:] - 2 * xy_px[1:-1] + xy_px[:-2]
    m = ok[2:] & ok[1:-1] & ok[:-2] & np.isfinite(d2).all(axis=2)
    return float(np.mean(np.linalg.norm(d2, axis=2)[m]) / scale_px) if m.any() else float("nan")


def streams(video: Path, smoothing: bool) -> tuple[list[Any], list[Any]]:
    """``(raw frames, pipeline frames)`` of the clip's cached poses (computed on a miss)."""
    from sensors.pipeline import PipelineSensor
    from sensors.pose_cache import cached_poses, recording_frames
    from sensors.registry import SourceOptions, open_source

    path = cached_poses(video, smoothing=smoothing)
    raw = recording_frames(path)
    with PipelineSensor(open_source(f"recording:{path}", SourceOptions(images=False, realtime=False))) as sensor:
        return raw, list(sensor)


def count(frames: list[Any], definition: Any) -> tuple[int, int]:
    from exercises import FormEngine
    from game.report.analysis import analyze_frames

    s = analyze_frames(frames, definition, engine=FormEngine(definition)).summary
    return s.reps, s.partials


def clip_row(label: dict[str, str], lib: Any) -> dict[str, Any]:
    video = SHARED_DATA / label["file"]
    raw_on, piped_on = streams(video, True)
    raw_off, piped_off = streams(video, False)
    n = min(len(raw_on), len(raw_off), len(piped_on), len(piped_off))
    t_s, on_px, on_conf = pixel_arrays(raw_on[:n])
    _, off_px, off_conf = pixel_arrays(raw_off[:n])
    _, tracked_on_px, _ = pixel_arrays(piped_on[:n])
    _, tracked_off_px, _ = pixel_arrays(piped_off[:n])
    ok = (on_conf > MIN_CONFIDENCE) & (off_conf > MIN_CONFIDENCE)
    frame_ms = 1000.0 * (t_s[-1] - t_s[0]) / max(n - 1, 1)
    scale_px = trunk_px(off_px)
    definition = lib[label["exercise"]]
    reps_on, partials_on = count(piped_on, definition)
    reps_off, partials_off = count(piped_off, definition)
    return {
        "clip": Path(label["file"]).stem,
        "label_reps": int(label["reps"]),
        "lag_ms": {
            "mediapipe": round(lag_frames(on_px, off_px, ok) * frame_ms, 1),
            "tracked_on": round(lag_frames(tracked_on_px, off_px, ok) * frame_ms, 1),
            "tracked_off": round(lag_frames(tracked_off_px, off_px, ok) * frame_ms, 1),
        },
        "jitter": {
            "raw_on": jitter(on_px, ok, scale_px),
            "raw_off": jitter(off_px, ok, scale_px),
            "tracked_on": jitter(tracked_on_px, ok, scale_px),
            "tracked_off": jitter(tracked_off_px, ok, scale_px),
        },
        "on": f"{reps_on}+{partials_on}p",
        "off": f"{reps_off}+{partials_off}p",
        "exact_on": count_error(label, reps_on, partials_on) == 0,
        "exact_off": count_error(label, reps_off, partials_off) == 0,
    }


def main(quick: bool = False) -> dict[str, Any]:
    """Figures: medians of lag and jitter over the clips, exact counts both ways, per-clip rows."""
    from exercises import load_library
    from sensors.pose_cache import is_cached

    if not (SHARED_DATA / "labels.csv").is_file():
        return {"skipped": f"real data not found at {SHARED_DATA}"}
    lib = load_library()
    labels = load_labels(SHARED_DATA)
    if quick:
        labels = [
            lab
            for lab in labels
            if is_cached(SHARED_DATA / lab["file"]) and is_cached(SHARED_DATA / lab["file"], smoothing=False)
        ][:2]
        if not labels:
            return {"skipped": "--quick needs clips cached both ways; run the full benchmark once"}
    rows = [clip_row(label, lib) for label in labels]

    def median(group: str, key: str) -> float:
        return round(float(np.median([r[group][key] for r in rows])), 4)

    return {
        "clips": len(rows),
        "lag_ms_median": {k: median("lag_ms", k) for k in ("mediapipe", "tracked_on", "tracked_off")},
        "jitter_median": {k: median("jitter", k) for k in ("raw_on", "raw_off", "tracked_on", "tracked_off")},
        "exact": {
            "on": f"{sum(r['exact_on'] for r in rows)}/{len(rows)}",
            "off": f"{sum(r['exact_off'] for r in rows)}/{len(rows)}",
        },
        "changed": {
            r["clip"]: f"{r['on']} -> {r['off']} (label {r['label_reps']})" for r in rows if r["on"] != r["off"]
        },
        "per_clip": rows,
    }


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "smoothing")
