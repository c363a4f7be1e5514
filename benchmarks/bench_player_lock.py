"""How often the player lock throws the only person away, on every shared real clip.

For each clip in ``shared/data/labels.csv`` the cached MediaPipe poses
(:mod:`sensors.pose_cache`) are replayed through a fresh :class:`PlayerLock`
(the cache's own tracking flags are reset first, so the figure is the current
lock's, whatever lock filled the cache): ``person_frames`` are frames where
MediaPipe saw someone, ``lost_frames`` those the lock reported as
``PLAYER_LOST``. The shared clips hold one person except where their notes say
so (``squat_front34_d`` pans to other people after 25.5 s, ``squat_side_d`` has
someone moving in the background), so a lost frame is almost always the player
thrown away. Target: a camera cut or a posture change costs at most half a
second (``lost_fraction`` under 10 % on every clip, about 3 % over all). The
synthetic walker's stolen frames (a second person) are reported too: they must
stay lost (``walker_stolen_lost_fraction`` >= 0.85).

Run: ``python benchmarks/bench_player_lock.py [--quick]`` (``--quick``: only
clips already in the cache, and a shorter walker stream).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("REPQUEST_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def clip_row(video: Path, quick: bool) -> dict[str, Any] | None:
    """One clip's person/lost frame counts; None when skipped in quick mode."""
    from sensors.player_lock import PlayerLock, relock
    from sensors.pose import TrackingState
    from sensors.pose_cache import cached_frames, is_cached

    if quick and not is_cached(video):
        return None
    frames = cached_frames(video)
    out = relock(frames, PlayerLock())
    person = sum(bool(f.visible.any()) for f in frames)
    lost = sum(f.tracking is TrackingState.PLAYER_LOST for f in out)
    return {
        "clip": video.stem,
        "frames": len(frames),
        "person_frames": person,
        "lost_frames": lost,
        "lost_fraction": round(lost / person, 4) if person else 0.0,
    }


def walker_rates(quick: bool) -> dict[str, float]:
    """On the synthetic walker: share of stolen frames reported lost, share of own frames tracked."""
    from sensors import open_source
    from sensors.player_lock import PlayerLock
    from sensors.pose import TrackingState

    stolen = own = stolen_lost = own_tracked = 0
    for exercise in ("squat",) if quick else ("squat", "pushup", "lunge"):
        lock = PlayerLock()
        with open_source(f"synthetic:{exercise},walker=1,reps={2 if quick else 4}") as cam:
            for f in cam:
                out = lock.update(f)
                if f.meta["walker_reported"]:
                    stolen += 1
                    stolen_lost += out.tracking is TrackingState.PLAYER_LOST
                elif f.visible.any():
                    own += 1
                    own_tracked += out.tracking is TrackingState.TRACKED
    return {
        "walker_stolen_lost_fraction": round(stolen_lost / max(stolen, 1), 4),
        "walker_own_tracked_fraction": round(own_tracked / max(own, 1), 4),
    }


def main(quick: bool = False) -> dict[str, Any]:
    figures: dict[str, Any] = walker_rates(quick)
    if not (SHARED_DATA / "labels.csv").is_file():
        figures["skipped"] = f"real data not found at {SHARED_DATA}"
        return figures
    with open(SHARED_DATA / "labels.csv", newline="") as f:
        labels = list(csv.DictReader(f))
    rows = [r for label in labels if (r := clip_row(SHARED_DATA / label["file"], quick)) is not None]
    person = sum(r["person_frames"] for r in rows)
    lost = sum(r["lost_frames"] for r in rows)
    figures.update(
        clips=len(rows),
        person_frames=person,
        lost_frames=lost,
        lost_fraction=round(lost / person, 4) if person else 0.0,
        clips_over_10pct_lost=sum(r["lost_fraction"] > 0.10 for r in rows),
        per_clip=rows,
    )
    return figures


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "player_lock")
