"""Helpers for tests on the real clips in ``shared/data/clips`` (reached via the ``shared_data`` fixture).

Poses come from the pose cache (:mod:`sensors.pose_cache`), so a test pays
for MediaPipe only the first time a clip is seen on a machine. The cache
lives in ``$REPQUEST_CACHE_DIR`` (default ``~/.cache/repquest/poses``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sensors.pose import PoseFrame
from sensors.pose_cache import cached_frames, cached_poses


@dataclass(frozen=True, slots=True)
class ClipLabel:
    """One row of ``labels.csv``."""

    file: str  #: path below the data folder, e.g. ``clips/squat_side_a.mp4``
    exercise: str
    view: str
    reps: int
    partial_at_end: bool
    duration_s: float
    notes: str

    @property
    def stem(self) -> str:
        return Path(self.file).stem

    @property
    def shallow_reps_noted(self) -> bool:
        """The labels count shallow reps as reps; the engine may report them as partials."""
        return "shallow" in self.notes.lower()

    def count_matches(self, reps: int, partials: int) -> bool:
        """The issue's acceptance: ``reps`` exactly, or ``reps + partials`` where shallow reps are noted."""
        return reps == self.reps or (self.shallow_reps_noted and reps + partials == self.reps)


def clip_labels(shared_data: Path) -> list[ClipLabel]:
    with open(shared_data / "labels.csv", newline="") as f:
        return [
            ClipLabel(
                file=row["file"],
                exercise=row["exercise"],
                view=row["view"],
                reps=int(row["reps"]),
                partial_at_end=row["partial_at_end"] == "1",
                duration_s=float(row["duration_s"]),
                notes=row["notes"],
            )
            for row in csv.DictReader(f)
        ]


def clip_label(shared_data: Path, stem: str) -> ClipLabel:
    for label in clip_labels(shared_data):
        if label.stem == stem:
            return label
    raise KeyError(f"no clip {stem!r} in {shared_data / 'labels.csv'}")


def cached_clip(shared_data: Path, stem: str) -> Path:
    """The pose recording of ``clips/<stem>.mp4`` (computed on first use)."""
    return cached_poses(shared_data / "clips" / f"{stem}.mp4")


def clip_frames(shared_data: Path, stem: str) -> list[PoseFrame]:
    """Every pose frame of ``clips/<stem>.mp4``, from the cache."""
    return cached_frames(shared_data / "clips" / f"{stem}.mp4")
