"""Load level packs: YAML -> :class:`levels.schema.Pack`, every error with ``file:line:column``.

Beyond the schema, a pack is checked for unique level ids, unlocks that name
an earlier level, and exercise names the library knows (with a did-you-mean).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from exercises.yaml_source import Problem, SpecError, load_yaml, validate
from levels.schema import Level, Pack

#: package data folder with the built-in packs
BUILTIN_PACKS = ("starter",)


def known_exercises(extra: Iterable[Path | str] = ()) -> dict[str, str] | None:
    """Exercise name -> kind ("reps" or "hold") in the library (plus ``extra`` files), or None without a library."""
    try:
        from exercises import load_library
    except ImportError:
        return None
    try:
        return {name: d.kind for name, d in load_library(extra=list(extra)).items()}
    except FileNotFoundError:  # a source tree without the library folder
        return None


def _goal_problem(level: Level, kind: str) -> str | None:
    """A goal the exercise can never reach: reps of a hold, or seconds held of a rep exercise."""
    if kind == "hold" and level.goal.reps is not None:
        return f"expected a hold_s goal ('{level.exercise}' is held, it counts no reps), found reps"
    if kind == "reps" and level.goal.hold_s is not None:
        return f"expected a reps goal ('{level.exercise}' counts reps, it has no hold time), found hold_s"
    return None


def _check(
    pack: Pack, file: str, at: Callable[[tuple[str | int, ...]], tuple[int, int]], names: dict[str, str] | None
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(loc: tuple[str | int, ...], message: str) -> None:
        line, col = at(loc)
        problems.append(Problem(file, line, col, message))

    seen: dict[str, int] = {}
    for i, level in enumerate(pack.levels):
        if level.id in seen:
            first = seen[level.id] + 1
            problem(("levels", i, "id"), f"expected a unique level id, found '{level.id}' again (first: level {first})")
        after = level.unlock.after
        if after is not None and after not in seen:
            earlier = ", ".join(seen) or "none"
            problem(
                ("levels", i, "unlock", "after"),
                f"expected the id of an earlier level (earlier: {earlier}), found '{after}'",
            )
        seen.setdefault(level.id, i)
        a, b, c = level.stars
        if not 0 <= a < b < c:
            problem(("levels", i, "stars"), f"expected star thresholds rising from 0, found {list(level.stars)}")
        if names is not None and level.exercise not in names:
            close = difflib.get_close_matches(level.exercise, sorted(names), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(sorted(names))})"
            problem(("levels", i, "exercise"), f"expected an exercise from the library, found '{level.exercise}'{hint}")
        elif names is not None and (wrong := _goal_problem(level, names[level.exercise])):
            problem(("levels", i, "goal"), wrong)
    return problems


def load_pack(path: Path | str, text: str | None = None) -> Pack:
    """Load and check a pack; raises :class:`SpecError` (one ``file:line:column: ...`` per problem)."""
    file = str(path)
    if text is None and not Path(path).is_file():
        what = "a directory" if Path(path).is_dir() else "nothing there"
        raise SpecError([Problem(file, 1, 1, f"expected a level pack YAML file, found {what}")])
    data, pos = load_yaml(path, text)
    pack = validate(Pack, data, pos, file)

    def at(loc: tuple[str | int, ...]) -> tuple[int, int]:
        for i in range(len(loc), -1, -1):
            mark = pos.values.get(loc[:i])
            if mark is not None:
                return mark.line + 1, mark.column + 1
        return 1, 1

    folder = Path(path).parent
    extra = [str((folder / name).resolve()) for name in pack.exercises]
    problems = [
        Problem(file, *at(("exercises", i)), f"expected an exercise YAML file, found nothing at {p}")
        for i, p in enumerate(extra)
        if not Path(p).is_file()
    ]
    if problems:
        raise SpecError(problems)
    problems = _check(pack, file, at, known_exercises(extra))  # an exercise file's own errors raise here
    if problems:
        raise SpecError(problems)
    return pack.model_copy(update={"exercises": extra})


def builtin_pack_path(name: str = "starter") -> Path:
    """Path of a built-in pack shipped as package data."""
    return Path(str(resources.files("levels") / "packs" / f"{name}.yaml"))


def load_builtin(name: str = "starter") -> Pack:
    return load_pack(builtin_pack_path(name))


def find_level(packs: Iterable[Pack], level_id: str) -> tuple[Pack, Level]:
    """The level called ``level_id`` (or ``pack/level``); KeyError with a did-you-mean."""
    pack_id, _, wanted = level_id.rpartition("/")
    ids: list[str] = []
    for pack in packs:
        for level in pack.levels:
            ids.append(f"{pack.id}/{level.id}")
            if level.id == wanted and pack_id in ("", pack.id):
                return pack, level
    short = [i.split("/", 1)[1] for i in ids]
    close = difflib.get_close_matches(wanted, short, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(short)})"
    raise KeyError(f"unknown level '{level_id}'{hint}")
