"""Exact-count rate on the shared real clips: RepQuest's form engine vs a two-threshold baseline.

Both counters see the same cached MediaPipe poses of each clip in
``shared/data/clips`` (:mod:`sensors.pose_cache`; the first run pays for
inference). A clip counts as exact for RepQuest when ``reps`` equals the
label, or ``reps + partials`` does where the labels note shallow reps (the
issue's acceptance rule); the baseline has no partials, so only ``reps``.

Run: ``python benchmarks/bench_counting.py [--quick]`` (``--quick``: only
clips already in the cache).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

# a sibling helper: benchmarks/ is on sys.path both as a script and under `repquest bench`
from baseline_counter import count_reps

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("REPQUEST_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def load_labels(data: Path) -> list[dict[str, str]]:
    with open(data / "labels.csv", newline="") as f:
        return list(csv.DictReader(f))


def ours_exact(label: dict[str, str], reps: int, partials: int) -> bool:
    want = int(label["reps"])
    return reps == want or ("shallow" in label["notes"].lower() and reps + partials == want)


def count_clip(label: dict[str, str], data: Path, quick: bool) -> dict[str, Any] | None:
    """One clip's row: label, ours (reps, partials), baseline reps; None when skipped in quick mode."""
    from exercises import load_library
    from game.report.analysis import analyze_frames
    from sensors.pose_cache import cached_poses, is_cached
    from sensors.recording import RecordingReader

    video = data / label["file"]
    if quick and not is_cached(video):
        return None
    reader = RecordingReader(cached_poses(video))
    try:
        frames = [reader.frame(i) for i in range(reader.frames)]
    finally:
        reader.close()
    exercise = label["exercise"]
    lib = load_library()
    baseline = count_reps(frames, exercise)
    want = int(label["reps"])
    row: dict[str, Any] = {
        "clip": Path(label["file"]).stem,
        "exercise": exercise,
        "label_reps": want,
        "ours_reps": None,
        "ours_partials": None,
        "ours_exact": False,
        "baseline_reps": baseline,
        "baseline_exact": baseline == want,
        "frames": len(frames),
    }
    if exercise not in lib:  # counted as a miss, and said so
        row["error"] = f"exercise '{exercise}' is not in the library"
        return row
    analysis = analyze_frames(frames, lib[exercise])
    s = analysis.summary
    row.update(
        ours_reps=s.reps,
        ours_partials=s.partials,
        ours_exact=ours_exact(label, s.reps, s.partials),
        engine_ms_per_frame=round(analysis.engine_ms_per_frame, 4),
    )
    return row


def main(quick: bool = False) -> dict[str, Any]:
    """Figures: per-clip rows and both exact-count rates."""
    if not (SHARED_DATA / "labels.csv").is_file():
        return {"skipped": f"real data not found at {SHARED_DATA}"}
    rows = [r for label in load_labels(SHARED_DATA) if (r := count_clip(label, SHARED_DATA, quick)) is not None]
    n = len(rows)
    return {
        "clips": n,
        "ours_exact_rate": sum(r["ours_exact"] for r in rows) / n if n else None,
        "baseline_exact_rate": sum(r["baseline_exact"] for r in rows) / n if n else None,
        "side_by_side": {r["clip"]: side_by_side(r) for r in rows},
        "per_clip": rows,
    }


def side_by_side(row: dict[str, Any]) -> str:
    """``label 13 | ours 12+1p exact | baseline 10 miss`` for the table."""
    ours = f"{row['ours_reps']}+{row['ours_partials']}p" if row["ours_reps"] is not None else "n/a"
    return (
        f"label {row['label_reps']} | ours {ours} {'exact' if row['ours_exact'] else 'miss'}"
        f" | baseline {row['baseline_reps']} {'exact' if row['baseline_exact'] else 'miss'}"
    )


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "counting")
