"""Form-engine cost per frame, and where `repquest analyze` spends its time.

Figures:

* ``synthetic_ms_per_frame``: per exercise of the library, the form engine's
  ``update`` cost on synthetic avatar frames (the frames are generated first,
  so only the engine is timed). Target: <= 0.3 ms per frame per exercise.
* ``real_ms_per_frame``: the same on the cached MediaPipe poses of the real
  clips (``sensors.pose_cache``; ``--quick`` uses only clips already cached).
* ``analyze``: ``repquest analyze --no-cache`` on a 30 s 1280x720 clip
  (``squat_front_a.mp4``; ``--quick``: the 6 s ``jumpingjack_front_a.mp4``):
  total wall time, time in pose inference + decoding, time in the engine,
  and the engine's share. There the engine runs on the main thread while
  MediaPipe runs in the sensor's worker thread, so its per-frame figure
  includes waiting for the GIL and the CPU; ``real_ms_per_frame`` is the
  engine's own cost on the same poses.

Run: ``python benchmarks/bench_engine.py [--quick]``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("REPQUEST_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
TARGET_MS_PER_FRAME = 0.3


def synthetic_frames(exercise: str, n: int, seed: int = 0) -> list[Any]:
    """Up to ``n`` frames of the synthetic avatar doing ``exercise`` (no images)."""
    from sensors.registry import SourceOptions, open_source

    frames = []
    with open_source(f"synthetic:{exercise}", SourceOptions(seed=seed, realtime=False)) as sensor:
        for frame in sensor:
            frames.append(frame)
            if len(frames) >= n:
                break
    return frames


def engine_ms_per_frame(frames: list[Any], definition: Any, repeats: int = 3) -> float:
    """Best-of-``repeats`` mean cost of ``FormEngine.update`` in ms per frame."""
    from exercises import FormEngine

    best = float("inf")
    for _ in range(repeats):
        engine = FormEngine(definition)
        t0 = time.perf_counter()
        for frame in frames:
            engine.update(frame)
        best = min(best, time.perf_counter() - t0)
    return 1000.0 * best / max(len(frames), 1)


def bench_synthetic(quick: bool) -> dict[str, float]:
    from exercises import load_library

    lib = load_library()
    n = 150 if quick else 900
    out = {}
    for name in sorted(lib):
        try:
            frames = synthetic_frames(name, n)
        except Exception as e:  # noqa: BLE001 - an exercise the avatar cannot do is reported, not fatal
            print(f"bench_engine: synthetic:{name} skipped ({e})", file=sys.stderr)
            continue
        out[name] = round(engine_ms_per_frame(frames, lib[name]), 4)
    return out


def bench_real(quick: bool) -> dict[str, float]:
    from exercises import load_library
    from sensors.pose_cache import cached_frames, is_cached

    if not (SHARED_DATA / "labels.csv").is_file():
        return {}
    lib = load_library()
    out = {}
    with open(SHARED_DATA / "labels.csv", newline="") as f:
        labels = list(csv.DictReader(f))
    for label in labels:
        video = SHARED_DATA / label["file"]
        if quick and not is_cached(video):
            continue
        frames = cached_frames(video)
        out[Path(label["file"]).stem] = round(engine_ms_per_frame(frames, lib[label["exercise"]]), 4)
    return out


def bench_analyze(quick: bool) -> dict[str, Any]:
    """Time ``repquest analyze --no-cache`` end to end (stdout captured, outputs in a temp folder)."""
    from game.cli import main as cli_main

    clip, exercise = ("jumpingjack_front_a", "jumping_jack") if quick else ("squat_front_a", "squat")
    video = SHARED_DATA / "clips" / f"{clip}.mp4"
    if not video.is_file():
        return {"skipped": f"{video} not found"}
    with tempfile.TemporaryDirectory() as tmp:
        buf = io.StringIO()
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(buf):
            code = cli_main(
                ["analyze", str(video), "--exercise", exercise, "--no-cache", "--json", "--no-progress", "--out", tmp]
            )
        wall_s = time.perf_counter() - t0
    if code != 0:
        return {"clip": clip, "error": f"exit code {code}"}
    doc = json.loads(buf.getvalue())
    timing = doc["timing_s"]
    engine_s, analysis_s = timing["engine_s"], timing["analysis_s"]
    return {
        "clip": clip,
        "frames": doc["frames"],
        "duration_s": round(doc["duration_s"], 2),
        "total_s": round(wall_s, 2),
        "inference_and_decode_s": round(analysis_s - engine_s, 2),
        "engine_s": round(engine_s, 3),
        "outputs_s": round(timing.get("outputs_s", 0.0), 2),
        "engine_share": round(engine_s / wall_s, 4),
        "inference_share": round((analysis_s - engine_s) / wall_s, 4),
        "engine_ms_per_frame": round(doc["engine_ms_per_frame"], 4),
        "reps": doc["reps"],
    }


def main(quick: bool = False) -> dict[str, Any]:
    synthetic = bench_synthetic(quick)
    real = bench_real(quick)
    worst = max([*synthetic.values(), *real.values()], default=float("nan"))
    return {
        "target_ms_per_frame": TARGET_MS_PER_FRAME,
        "worst_ms_per_frame": worst,
        "within_target": bool(worst <= TARGET_MS_PER_FRAME),
        "synthetic_ms_per_frame": synthetic,
        "real_ms_per_frame": real,
        "analyze": bench_analyze(quick),
    }


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "engine")
