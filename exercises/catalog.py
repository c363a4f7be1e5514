"""Load exercise definitions: the built-in library (package data) and files that add exercises.

A file holds one exercise (top-level ``name: ...``) or several
(``exercises: [...]``). Every problem is reported as
``file:line:column: what was expected, what was found``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from exercises.spec import ExerciseDefinition, ExerciseFile, cross_check
from exercises.yaml_source import Problem, SpecError, load_yaml, validate


class UnknownExercise(ValueError):
    """An exercise name the library does not know; the message has a did-you-mean."""


def _at(pos: Any, loc: tuple[str | int, ...]) -> tuple[int, int]:
    for i in range(len(loc), -1, -1):
        mark = pos.values.get(loc[:i])
        if mark is not None:
            return mark.line + 1, mark.column + 1
    return 1, 1


def load_exercise_file(path: Path | str, text: str | None = None) -> list[ExerciseDefinition]:
    """The exercises in one YAML file; :class:`SpecError` (``file:line:col: ...``) when invalid."""
    file = str(path)
    if text is None and not Path(path).is_file():
        what = "a directory" if Path(path).is_dir() else "nothing there"
        raise SpecError([Problem(file, 1, 1, f"expected an exercise YAML file, found {what}")])
    data, pos = load_yaml(path, text)
    if isinstance(data, dict) and "exercises" in data:
        defs = list(validate(ExerciseFile, data, pos, file).exercises)
        prefixes: list[tuple[str | int, ...]] = [("exercises", i) for i in range(len(defs))]
    else:
        defs = [validate(ExerciseDefinition, data, pos, file)]
        prefixes = [()]
    problems = []
    for d, at in zip(defs, prefixes, strict=True):
        for loc, message in cross_check(d, at):
            line, col = _at(pos, loc)
            problems.append(Problem(file, line, col, message))
    seen: set[str] = set()
    for d, at in zip(defs, prefixes, strict=True):
        if d.name in seen:
            line, col = _at(pos, (*at, "name"))
            problems.append(Problem(file, line, col, f"expected unique exercise names, found '{d.name}' again"))
        seen.add(d.name)
    if problems:
        raise SpecError(sorted(problems, key=lambda p: (p.line, p.column)))
    return defs


class ExerciseLibrary(Mapping[str, ExerciseDefinition]):
    """Exercises by name; an unknown name raises :class:`UnknownExercise` with a did-you-mean."""

    def __init__(self, definitions: Iterable[ExerciseDefinition]) -> None:
        self._defs: dict[str, ExerciseDefinition] = {}
        for d in definitions:
            self._defs[d.name] = d

    def __getitem__(self, name: str) -> ExerciseDefinition:
        try:
            return self._defs[name]
        except KeyError:
            raise UnknownExercise(self._unknown_message(name)) from None

    def get(self, name: str, default: object = None) -> ExerciseDefinition:
        """Like ``[name]``: raises :class:`UnknownExercise` for an unknown name (never returns None)."""
        return self[name]

    def __contains__(self, name: object) -> bool:
        return name in self._defs

    def __iter__(self) -> Iterator[str]:
        return iter(self._defs)

    def __len__(self) -> int:
        return len(self._defs)

    def _unknown_message(self, name: str) -> str:
        key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
        names = sorted(self._defs)
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
        if not close:
            close = [n for n in names if key and (key in n or n in key)][:1]
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown exercise '{name}' (known: {', '.join(names)}){hint}"


def builtin_files() -> list[Path]:
    """The built-in library's YAML files (package data)."""
    folder = resources.files("exercises") / "library"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))


_BUILTIN: list[ExerciseDefinition] | None = None


def load_library(extra: Iterable[Path | str] = ()) -> ExerciseLibrary:
    """The built-in exercises plus those in ``extra`` files (a later file's exercise replaces an earlier one)."""
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = [d for f in builtin_files() for d in load_exercise_file(f)]
    defs = list(_BUILTIN)
    for f in extra:
        defs += _load_cached(Path(f))
    return ExerciseLibrary(defs)


_FILES: dict[tuple[str, int, int], list[ExerciseDefinition]] = {}
_MAX_CACHED_FILES = 64


def _load_cached(path: Path) -> list[ExerciseDefinition]:
    """:func:`load_exercise_file`, remembered while the file keeps its size and modification time
    (a game creates a coach per stage and per reconnect; the definitions are frozen models)."""
    try:
        st = path.stat()
    except OSError:
        return load_exercise_file(path)  # its own clear error
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    defs = _FILES.get(key)
    if defs is None:
        defs = load_exercise_file(path)
        if len(_FILES) >= _MAX_CACHED_FILES:
            _FILES.clear()
        _FILES[key] = defs
    return list(defs)
