"""Files a pack names (its exercises, pictures): confined to the pack's folder, read with limits.

A pack comes from a stranger, so a path that leaves the pack's folder (``..``,
an absolute path, a symbolic link pointing out) is refused without being read,
and a message never quotes anything from outside the folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from exercises.spec import ExerciseDefinition
from levels.problems import PackError, Problem
from levels.safe_yaml import parse, read_text
from levels.types import Ctx

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def inside(folder: Path, name: str, loc: tuple[str | int, ...], ctx: Ctx, what: str) -> Path | None:
    """``folder/name`` when it is a file inside ``folder``; else a problem at ``loc`` and None."""
    if not name or name.startswith(("/", "\\", "~")) or "\x00" in name or (len(name) > 1 and name[1] == ":"):
        ctx.report(loc, f"expected {what} given relative to the pack's folder, found an absolute path",
                   "put the file next to the pack and write its name")  # fmt: skip
        return None
    root = folder.resolve()
    try:
        path = (root / name).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        ctx.report(loc, f"expected {what} in the pack's folder, found a path that cannot be followed")
        return None
    if not path.is_relative_to(root):
        ctx.report(loc, f"expected {what} inside the pack's folder, found a path that leads out of it",
                   "copy the file into the pack's folder")  # fmt: skip
        return None
    if not path.is_file():
        ctx.report(loc, f"expected {what}, found no file '{_shown(name)}' in the pack's folder")
        return None
    return path


def _shown(name: str) -> str:
    return os.path.normpath(name) if len(name) <= 80 else name[:77] + "..."


@dataclass(frozen=True, slots=True)
class ExerciseInfo:
    """What the checker needs to know about an exercise."""

    name: str
    kind: str  #: "reps" or "hold"
    views: tuple[str, ...]
    rule_views: tuple[tuple[str, ...], ...]  #: the views of each form rule
    fastest_rep_s: float


def info(d: ExerciseDefinition) -> ExerciseInfo:
    fastest = d.counting.rep_s.min if d.counting is not None else 0.4
    return ExerciseInfo(d.name, d.kind, tuple(d.views), tuple(tuple(r.views) for r in d.rules), float(fastest))


def builtin_exercises() -> dict[str, ExerciseInfo]:
    from exercises import load_library

    return {name: info(d) for name, d in load_library().items()}


def load_exercises(path: Path, shown: str) -> tuple[list[ExerciseDefinition], list[Problem]]:
    """Exercises in a file (read with the pack limits), with problems named after ``shown``."""
    from exercises.catalog import load_exercise_file
    from exercises.yaml_source import SpecError

    try:
        text = read_text(path, shown, "an exercise")
        parse(text, shown)  # the limits (aliases, nesting, tags) before the exercise loader sees it
        return load_exercise_file(shown, text), []
    except PackError as e:
        return [], list(e.problems)
    except SpecError as e:
        return [], [Problem(p.file, p.line, p.column, "error", p.message) for p in e.problems]
