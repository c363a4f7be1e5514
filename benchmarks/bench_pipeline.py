"""The pose pipeline: its cost per frame, and whether the form engine counts better on tracked or raw joints.

* ``overhead_us_per_frame`` -- every stage but inference (player lock, swap
  fix, depth fusion, gravity, tracker) on a synthetic depth stream with
  noise, dropouts and swaps (CPU time per frame, per stage and in total;
  target <= 1 ms), and the same without depth (webcam-like: lock, swap fix,
  gravity, tracker). The synthetic camera's known "up" is removed, so gravity
  comes from the floor in the depth map as it would from a RealSense without
  IMU. The first five frames are timed apart (``first_5_frames_ms``): they load
  the compiled numba kernels from their on-disk cache, or compile them (seconds)
  after a change to their source. ``numpy_op_us`` is one small numpy operation's CPU time in the same
  run and ``*_ops`` the costs in that unit: the machine is shared, and this
  ratio is what compares between runs.
* ``counting`` -- the form engine's exact-count rate and mean |count error|
  on the same frames, raw (the untracked chain) vs tracked (the full chain):
  synthetic streams at 3 and 5 px landmark noise (every library exercise the
  avatar does, front and side where it counts reps), and the shared real
  clips (cached MediaPipe poses; ``--quick``: three clips already cached).

Run: ``python benchmarks/bench_pipeline.py [--quick]`` or ``repquest bench pipeline``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from sensors.contract import Capabilities
from sensors.pipeline import PipelineConfig, PosePipeline
from sensors.pose import PoseFrame
from sensors.registry import open_source

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("REPQUEST_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
SYNTHETIC = ("squat", "pushup", "jumping_jack", "lunge", "bicep_curl", "lateral_raise", "high_knees", "situp")
RAW = PipelineConfig(track=False)


def _yardstick_us(n: int = 2000) -> float:
    """CPU time of one small numpy operation on this machine now (the unit the stages are also given in,
    so figures from a loaded and an idle machine compare)."""
    a, b = np.zeros(33), np.ones(33)
    t0 = time.thread_time()
    for _ in range(n):
        np.add(a, b)
    return 1e6 * (time.thread_time() - t0) / n


def overhead(quick: bool) -> dict[str, Any]:
    """CPU per frame of each stage and of the whole chain (microseconds, thread CPU time), and the
    same in small-numpy-operation units (``*_ops``)."""
    out: dict[str, Any] = {}
    unit_us = _yardstick_us()
    out["numpy_op_us"] = unit_us
    for name, spec, caps in (
        ("depth", "synthetic:squat,depth_map=1,dropout=0.03,swap=0.02,noise_px=4", Capabilities(has_depth=True)),
        ("webcam_like", "synthetic:squat,dropout=0.03,swap=0.02,noise_px=4", Capabilities()),
    ):
        with open_source(f"{spec},reps={1 if quick else 3}") as cam:
            frames = [f.with_changes(meta={k: v for k, v in f.meta.items() if k != "up_camera"}) for f in cam]
        pipe = PosePipeline(capabilities=caps)
        t0 = time.perf_counter()
        for f in frames[:5]:  # the first frames load (or compile) the numba kernels: timed apart
            pipe.process(f)
        first_ms = 1000 * (time.perf_counter() - t0)
        pipe.reset()
        per = dict.fromkeys((s.name for s in pipe.stages), 0.0)
        t0 = time.thread_time()
        for f in frames:
            for stage in pipe.stages:
                t1 = time.thread_time()
                f = stage(f)
                per[stage.name] += time.thread_time() - t1
        total_us = 1e6 * (time.thread_time() - t0) / len(frames)
        stages_us = {k: 1e6 * v / len(frames) for k, v in per.items()}
        besides_tracker = sum(v for k, v in stages_us.items() if k not in ("tracker", "swap_fix"))
        out[name] = {
            "total_us": total_us,
            **{f"{k}_us": v for k, v in stages_us.items()},
            "lock_fusion_gravity_us": besides_tracker,
            "total_ops": total_us / unit_us,
            "lock_fusion_gravity_ops": besides_tracker / unit_us,
            "first_5_frames_ms": first_ms,
        }
    return out


def _count(frames: list[PoseFrame], exercise: str, config: PipelineConfig, caps: Capabilities) -> tuple[int, int]:
    from exercises import load_library
    from game.report.analysis import analyze_frames

    pipe = PosePipeline(config, caps)
    processed = [pipe.process(f) for f in frames]
    s = analyze_frames(processed, load_library()[exercise]).summary
    return s.reps, s.partials


def synthetic_counts(quick: bool) -> dict[str, Any]:
    rows = {"raw": [0, 0.0, 0], "tracked": [0, 0.0, 0]}
    for noise in (3, 5):
        for ex in SYNTHETIC[:2] if quick else SYNTHETIC:
            for seed in (1,) if quick else (1, 2):
                with open_source(f"synthetic:{ex},reps=5,noise_px={noise},dropout=0.02,swap=0.01,seed={seed}") as cam:
                    frames = list(cam)
                for label, cfg in (("raw", RAW), ("tracked", PipelineConfig())):
                    reps, _ = _count(frames, ex, cfg, Capabilities())
                    rows[label][0] += int(reps == 5)
                    rows[label][1] += abs(reps - 5)
                    rows[label][2] += 1
    return {
        k: {"exact_pct": 100.0 * v[0] / v[2], "mean_abs_error": v[1] / v[2], "streams": v[2]} for k, v in rows.items()
    }


def real_counts(quick: bool) -> dict[str, Any]:
    if not (SHARED_DATA / "labels.csv").is_file():
        return {"skipped": f"real data not found at {SHARED_DATA}"}
    from bench_counting import load_labels, ours_exact

    from exercises import load_library
    from sensors.pose_cache import cached_frames, is_cached

    lib = load_library()
    exact = {"raw": 0, "tracked": 0}
    err = {"raw": 0, "tracked": 0}
    n = 0
    caps = Capabilities()  # the cache holds the video source's unlocked poses; the pipeline locks
    for label in load_labels(SHARED_DATA):
        video = SHARED_DATA / label["file"]
        if label["exercise"] not in lib or (quick and (not is_cached(video) or n >= 3)):
            continue
        frames = cached_frames(video)
        n += 1
        for name, cfg in (("raw", RAW), ("tracked", PipelineConfig())):
            reps, partials = _count(frames, label["exercise"], cfg, caps)
            exact[name] += int(ours_exact(label, reps, partials))
            err[name] += abs(reps - int(label["reps"]))
    if not n:
        return {"skipped": "no cached clip (run `repquest bench counting` once)"}
    return {k: {"exact_pct": 100.0 * exact[k] / n, "mean_abs_error": err[k] / n, "clips": n} for k in exact}


def main(quick: bool = False) -> dict[str, Any]:
    return {
        "overhead_us_per_frame": overhead(quick),
        "counting_synthetic": synthetic_counts(quick),
        "counting_real": real_counts(quick),
    }


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "pipeline")
