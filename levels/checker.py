"""Check a level pack like a compiler checks code: every problem in one run, each with its place.

``check_file(path)`` / ``check_text(text, file)`` return a :class:`Report`: the
pack (when it has no errors), and every error and warning as
``file:line:column: severity: expected ..., found ...; hint``. Each level is
checked on its own, so one bad level never hides another's problems.

Errors: the file is not safe plain YAML, a value of the wrong kind, an
unknown key or exercise (with a did-you-mean), a goal the exercise cannot
reach (reps of a hold), a goal that cannot be finished in time even at the
fastest pace, star thresholds that do not rise, duplicate level ids, unlocks
naming unknown levels or forming a cycle, a file outside the pack's folder,
a pack needing a newer format.

Warnings: 3 stars out of reach even with every rep perfect (the best
possible score is computed by playing the level perfectly through its own
run object), a stage the camera view cannot judge, a level that never
unlocks, settings the mode ignores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from levels.best import best_run
from levels.files import ExerciseInfo, builtin_exercises, info, inside, load_exercises
from levels.graph import check_unlocks
from levels.model import FORMAT_VERSION, Boss, Circuit, Goal, Intervals, Level, Pack, Stage, Unlock
from levels.problems import PackError, Problem, ordered
from levels.safe_yaml import Loc, Positions, parse, read_text
from levels.schema import LEVEL, PACK
from levels.types import BAD, Ctx, did_you_mean

_BUILTIN: dict[str, ExerciseInfo] | None = None


def _builtin() -> dict[str, ExerciseInfo]:
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = builtin_exercises()
    return _BUILTIN


@dataclass
class Report:
    file: str
    problems: list[Problem] = field(default_factory=list)
    pack: Pack | None = None
    kind: str = "pack"  #: "pack" or "exercise" (the file is an exercise file)
    exercise_names: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_file(path: Path | str) -> Report:
    file = str(path)
    try:
        text = read_text(Path(path), file)
    except PackError as e:
        return Report(file, list(e.problems))
    return check_text(text, file, Path(path).parent)


def check_text(text: str, file: str, folder: Path | None = None) -> Report:
    """Check pack text named ``file`` (files it names are looked up in ``folder``, default: the file's)."""
    folder = Path(file).parent if folder is None else folder
    try:
        data, pos, problems = parse(text, file)
    except PackError as e:
        return Report(file, list(e.problems))
    report = Report(file, list(problems))
    if isinstance(data, dict) and _looks_like_exercise(data):
        return _check_exercise_file(text, file, report)
    ctx = Ctx(file, pos, report.problems, _placer(data))
    if not isinstance(data, dict):
        ctx.report((), f"expected a level pack (id, title and levels as 'key: value' lines), found "
                   f"{'a list' if isinstance(data, list) else 'a single value'}")  # fmt: skip
        return report
    raw = PACK.check(data, (), ctx)
    try:
        pack = _Builder(raw, data, folder, ctx).pack()
    except Exception as e:  # noqa: BLE001 - a checker bug must still end in a report, never a traceback
        line = ctx.problems[-1].line if ctx.problems else 1
        message = f"expected a pack the checker can read, found one that stopped it ({type(e).__name__})"
        ctx.problems.append(Problem(file, line, 1, "error", message, "please report this pack as a bug"))
        pack = None
    report.problems[:] = ordered(report.problems)
    if pack is not None and report.ok:
        report.pack = pack
    return report


def _looks_like_exercise(data: dict[Any, Any]) -> bool:
    if "levels" in data:
        return False
    if "signals" in data or "primary_signal" in data or "counting" in data:
        return True
    items = data.get("exercises")
    return isinstance(items, list) and any(isinstance(i, dict) and "signals" in i for i in items)


def _check_exercise_file(text: str, file: str, report: Report) -> Report:
    from exercises.catalog import load_exercise_file
    from exercises.yaml_source import SpecError

    report.kind = "exercise"
    try:
        defs = load_exercise_file(file, text)
    except SpecError as e:
        report.problems += [Problem(p.file, p.line, p.column, "error", p.message) for p in e.problems]
        report.problems[:] = ordered(report.problems)
        return report
    report.exercise_names = tuple(d.name for d in defs)
    return report


def _placer(data: Any) -> Any:
    """loc -> "level 'warm-up', stage 2" (levels by id, counted from 1 when they have none)."""

    def place(loc: Loc) -> str:
        if len(loc) < 2 or loc[0] != "levels" or not isinstance(loc[1], int):
            return ""
        levels = data.get("levels") if isinstance(data, dict) else None
        i = loc[1]
        level = levels[i] if isinstance(levels, list) and i < len(levels) else None
        lid = level.get("id") if isinstance(level, dict) else None
        name = f"level '{lid}'" if isinstance(lid, str) and lid else f"level {i + 1}"
        if len(loc) >= 4 and loc[2] == "stages" and isinstance(loc[3], int):
            name += f", stage {loc[3] + 1}"
        return name

    return place


def _ok(*values: Any) -> bool:
    """No value (or value inside a mapping or list) failed its check."""
    for v in values:
        if v is BAD:
            return False
        if isinstance(v, dict) and not _ok(*v.values()):
            return False
        if isinstance(v, list) and not _ok(*v):
            return False
    return True


class _Builder:
    """Turns checked raw values into model objects, checking what a schema cannot see."""

    def __init__(self, raw: dict[str, Any], data: dict[str, Any], folder: Path, ctx: Ctx) -> None:
        self.raw, self.data, self.folder, self.ctx = raw, data, folder, ctx
        self.exercises: dict[str, ExerciseInfo] = dict(_builtin())
        self.files: list[str] = []
        self.demo: list[tuple[str, str]] = []
        self._best_cache: dict[Any, Any] = {}
        self._fastest: dict[str, float] | None = None
        self._holds: frozenset[str] = frozenset()

    def pack(self) -> Pack | None:
        raw, ctx = self.raw, self.ctx
        fmt = raw.get("format", FORMAT_VERSION)
        if _ok(fmt) and fmt > FORMAT_VERSION:
            ctx.report(("format",), f"expected pack format {FORMAT_VERSION} or older, found {fmt}",
                       "update RepQuest to play this pack")  # fmt: skip
        if "title" in raw and "name" in raw:
            ctx.report(("name",), "expected 'title' or its old name 'name', found both", "remove 'name'", key=True)
        self._pack_exercises()
        image = self._image(raw.get("image"), ("image",))
        levels = raw.get("levels")
        built: list[Level | None] = []
        if isinstance(levels, list):
            built = [self._level(lv, i) for i, lv in enumerate(levels)]
            self._unique_ids()
            check_unlocks(self.data.get("levels"), built, self.ctx, self._best)
        if "id" not in raw or not _ok(raw.get("id"), levels) or any(lv is None for lv in built):
            return None
        title = raw.get("title") or raw.get("name") or raw.get("id")
        return Pack(
            id=raw["id"], title=str(title) if _ok(title) else raw["id"], levels=tuple(lv for lv in built if lv),
            version=str(raw.get("version", "1.0.0")), author=raw.get("author", ""),
            description=raw.get("description", ""), format=fmt if _ok(fmt) else FORMAT_VERSION,
            difficulty=raw.get("difficulty", ""), exercises=tuple(self.files), demo_motions=tuple(self.demo),
            folder=str(self.folder.resolve()), path=self.ctx.file, image=image,
        )  # fmt: skip

    # -- the pack's own exercises -------------------------------------------------------------
    def _pack_exercises(self) -> None:
        entries = self.raw.get("exercises", [])
        if not isinstance(entries, list):
            return
        from sensors.synthetic import EXERCISES as MOTIONS

        for i, entry in enumerate(entries):
            loc: Loc = ("exercises", i)
            name, demo = (entry.get("file"), entry.get("demo")) if isinstance(entry, dict) else (entry, None)
            if not isinstance(name, str):
                continue
            if isinstance(entry, dict):
                loc = (*loc, "file")
            path = inside(self.folder, name, loc, self.ctx, "an exercise file")
            if path is None:
                continue
            shown = str(Path(self.ctx.file).parent / name)
            defs, problems = load_exercises(path, shown)
            self.ctx.problems.extend(problems)
            if problems:
                continue
            self.files.append(str(path))
            for d in defs:
                if d.name in _builtin():
                    self.ctx.warn(loc, f"expected a new exercise name, found '{d.name}', which replaces the "
                                  "built-in one in this pack", "rename it to keep both")  # fmt: skip
                self.exercises[d.name] = info(d)
                if isinstance(demo, str):
                    if demo in MOTIONS:
                        self.demo.append((d.name, demo))
                    else:
                        self.ctx.report((*loc[:2], "demo"), f"expected a motion the synthetic avatar knows, "
                                        f"found '{demo}'", did_you_mean(demo, MOTIONS))  # fmt: skip

    def _image(self, name: Any, loc: Loc) -> str | None:
        if not isinstance(name, str):
            return None
        path = inside(self.folder, name, loc, self.ctx, "a picture")
        if path is not None and path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp"):
            self.ctx.report(loc, f"expected a .png, .jpg or .webp picture, found a '{path.suffix}' file")
            return None
        return str(path) if path is not None else None

    # -- levels ------------------------------------------------------------------------------------
    def _unique_ids(self) -> None:
        seen: dict[str, int] = {}
        for i, lv in enumerate(self.raw["levels"]):
            lid = lv.get("id") if isinstance(lv, dict) else None
            if not isinstance(lid, str) or lid is BAD:
                continue
            if lid in seen:
                self.ctx.report(("levels", i, "id"), f"expected a unique level id, found '{lid}' again "
                                f"(first: the level on line {self.ctx.pos.at(('levels', seen[lid]))[0]})",
                                "rename one of them")  # fmt: skip
            else:
                seen[lid] = i

    def _level(self, raw: Any, i: int) -> Level | None:
        if not isinstance(raw, dict):
            return None
        ctx, at = self.ctx, ("levels", i)
        before = sum(p.is_error for p in ctx.problems)
        schema_ok = _ok(raw) and "id" in raw and "title" in raw
        stages = self._stages(raw, at)
        mode = raw.get("mode", "classic")
        view = (raw.get("camera") or {}).get("view") if isinstance(raw.get("camera"), dict) else None
        if "view" in raw:
            if view is not None:
                ctx.report((*at, "view"), "expected 'camera: {view: ...}' or the old 'view', found both",
                           "remove 'view'", key=True)  # fmt: skip
            view = raw["view"]
        time_limit = raw.get("time_limit_s")
        old_goal = raw.get("goal")
        if isinstance(old_goal, dict) and "time_limit_s" in old_goal:
            if time_limit is not None:
                ctx.report((*at, "goal", "time_limit_s"), "expected one time limit, found 'time_limit_s' in the "
                           "level and in its goal", "keep the level's", key=True)  # fmt: skip
            time_limit = old_goal["time_limit_s"]
        if mode in ("timed", "boss") and time_limit is None and _ok(mode):
            ctx.report(at, f"expected 'time_limit_s' in a {mode} level, found it missing",
                       "add e.g. time_limit_s: 90")  # fmt: skip
        self._mode_sections(raw, at, mode)
        stars = raw.get("stars", [100, 200, 300])
        if isinstance(stars, list) and _ok(*stars) and not stars[0] < stars[1] < stars[2]:
            ctx.report((*at, "stars"), f"expected star thresholds that rise, found {stars}",
                       "write them as [1 star, 2 stars, 3 stars], e.g. [300, 600, 900]")  # fmt: skip
        if sum(p.is_error for p in ctx.problems) > before or stages is None or not schema_ok:
            return None
        u = raw.get("unlock", {})
        iv = raw.get("intervals")
        level = Level(
            id=raw["id"], title=raw["title"], stages=tuple(stages), mode=mode,
            description=raw.get("description", ""), difficulty=raw.get("difficulty"),
            view=view or "any", distance_m=(raw.get("camera") or {}).get("distance_m"),
            depth=raw.get("depth", "none"), time_limit_s=time_limit, stars=tuple(stars),
            unlock=Unlock(tuple(u.get("after", ())), u.get("stars", 1), u.get("pack_stars", 0)),
            circuit=Circuit(**raw["circuit"]) if mode == "circuit" and "circuit" in raw else None,
            intervals=_intervals(iv) if mode == "intervals" and isinstance(iv, dict) else None,
            boss=Boss(**raw["boss"]) if mode == "boss" and "boss" in raw else None,
            image=self._image(raw.get("image"), (*at, "image")),
        )  # fmt: skip
        self._judge(level, at)
        return level

    def _stages(self, raw: dict[str, Any], at: Loc) -> list[Stage] | None:
        ctx = self.ctx
        old = "exercise" in raw or "goal" in raw
        if old and "stages" in raw:
            ctx.report((*at, "exercise" if "exercise" in raw else "goal"), "expected either 'stages' or the old "
                       "'exercise' and 'goal', found both", "move the exercise into a stage", key=True)  # fmt: skip
            return None
        if old:
            for key in ("exercise", "goal"):
                if key not in raw:
                    ctx.report(at, f"expected the key '{key}' in a level with one exercise, found it missing",
                               "or list the exercises under 'stages'")  # fmt: skip
            goal = {k: v for k, v in (raw.get("goal") or {}).items() if k != "time_limit_s"}
            stage_raw = [{"exercise": raw.get("exercise"), "goal": goal}]
            return self._stage_list(stage_raw, at, old=True)
        if "stages" not in raw:
            if "title" in raw or "id" in raw:
                ctx.report(at, "expected the key 'stages' in a level, found it missing",
                           "add 'stages:' with '- exercise: squat' and a goal")  # fmt: skip
            return None
        stages = raw["stages"]
        return self._stage_list(stages, at, old=False) if isinstance(stages, list) else None

    def _stage_list(self, stages: list[Any], at: Loc, old: bool) -> list[Stage] | None:
        out: list[Stage] = []
        mode = self._raw_level(at).get("mode", "classic")
        iv = self._raw_level(at).get("intervals")
        tabata = mode == "intervals" and "every_s" not in (iv if isinstance(iv, dict) else {})
        for j, s in enumerate(stages):
            if not isinstance(s, dict):
                return None
            loc = at if old else (*at, "stages", j)
            ex_loc = (*at, "exercise") if old else (*loc, "exercise")
            goal_loc = (*at, "goal") if old else (*loc, "goal")
            name = s.get("exercise")
            ex = self._exercise(name, ex_loc) if isinstance(name, str) else None
            goal = self._goal(s.get("goal"), goal_loc, ex, mode, tabata, loc)
            if ex is None or goal is None or not _ok(*s.values()):
                out = []
                continue
            limit = s.get("time_limit_s")
            if limit is not None and goal.hold_s is not None and limit < goal.hold_s:
                self.ctx.report((*loc, "time_limit_s"), f"expected a time limit of at least the {goal.hold_s:g} s "
                                f"hold, found {limit:g} s")  # fmt: skip
            if mode == "intervals" and limit is not None:
                self.ctx.warn((*loc, "time_limit_s"), "expected no stage time limit in an intervals level (the "
                              "intervals set the time), found one; it is ignored", "remove it")  # fmt: skip
            if out is not None:
                out.append(Stage(ex.name, goal, limit, s.get("rest_s", 0.0), s.get("title", "")))
        return out if len(out) == len(stages) else None

    def _raw_level(self, at: Loc) -> dict[str, Any]:
        levels = self.raw.get("levels")
        lv = levels[at[1]] if isinstance(levels, list) and isinstance(at[1], int) else None
        return lv if isinstance(lv, dict) else {}

    def _exercise(self, name: str, loc: Loc) -> ExerciseInfo | None:
        if name is BAD:
            return None
        ex = self.exercises.get(name)
        if ex is None:
            self.ctx.report(loc, f"expected an exercise from the library or the pack, found '{name}'",
                            did_you_mean(name, sorted(self.exercises), listed=False)
                            or "list the pack's own exercise files under 'exercises'")  # fmt: skip
        return ex

    def _goal(self, raw: Any, loc: Loc, ex: ExerciseInfo | None, mode: str, tabata: bool, stage: Loc) -> Goal | None:
        ctx = self.ctx
        if raw is None or raw is BAD:
            if raw is None and not tabata:
                ctx.report(stage, "expected a 'goal' in the stage, found it missing",
                           "add e.g. goal: {reps: 10} or goal: {hold_s: 30}")  # fmt: skip
                return None
            return Goal() if raw is None else None
        kinds = [k for k in ("reps", "good_reps", "hold_s", "amrap_s") if k in raw]
        if tabata:
            ctx.warn(loc, "expected no goal in a Tabata-style intervals level (the work time is the goal), "
                     "found one; it is ignored", "remove it, or use intervals.every_s for EMOM")  # fmt: skip
            return Goal()
        if len(kinds) != 1:
            found = "none" if not kinds else " and ".join(kinds)
            ctx.report(loc, f"expected one of reps, good_reps, hold_s or amrap_s in the goal, found {found}",
                       "keep one")  # fmt: skip
            return None
        if "min_score" in raw and kinds != ["good_reps"]:
            ctx.report((*loc, "min_score"), "expected 'min_score' only with 'good_reps', found it with "
                       f"'{kinds[0]}'", "use good_reps, or remove min_score", key=True)  # fmt: skip
            return None
        if not _ok(*raw.values()):
            return None
        kind = kinds[0]
        if ex is not None and ex.kind == "hold" and kind != "hold_s":
            ctx.report((*loc, kind), f"expected a hold_s goal ('{ex.name}' is held, it counts no reps), found "
                       f"{kind}", key=True)  # fmt: skip
            return None
        if ex is not None and ex.kind == "reps" and kind == "hold_s":
            ctx.report((*loc, kind), f"expected a goal in reps ('{ex.name}' counts reps, it is not held), found "
                       "hold_s", "use reps, good_reps or amrap_s", key=True)  # fmt: skip
            return None
        if mode == "intervals" and kind == "amrap_s":
            ctx.report((*loc, kind), "expected reps or good_reps each interval in an EMOM level, found amrap_s",
                       key=True)  # fmt: skip
            return None
        return Goal(raw.get("reps"), raw.get("good_reps"), raw.get("min_score"), raw.get("hold_s"),
                    raw.get("amrap_s"))  # fmt: skip

    def _mode_sections(self, raw: dict[str, Any], at: Loc, mode: Any) -> None:
        for section in ("circuit", "intervals", "boss"):
            if section in raw and mode != section:
                self.ctx.report((*at, section), f"expected '{section}:' only in a {section} level, found it in a "
                                f"{mode} level", f"set mode: {section}, or remove '{section}:'", key=True)  # fmt: skip
        if mode == "boss" and "boss" not in raw:
            self.ctx.report(at, "expected a 'boss:' section in a boss level, found it missing",
                            "add boss: {name: Golem, health: 1000}")  # fmt: skip
        iv = raw.get("intervals")
        if mode == "intervals" and isinstance(iv, dict) and "every_s" in iv and ("work_s" in iv or "rest_s" in iv):
            self.ctx.report((*at, "intervals", "every_s"), "expected either every_s (EMOM) or work_s and "
                            "rest_s (Tabata), found both", key=True)  # fmt: skip

    def _judge(self, level: Level, at: Loc) -> None:
        """Warnings that need the whole level: stars out of reach, a view that cannot judge a stage."""
        best = self._best(level)
        if not best.completed:
            self.ctx.report((*at, "time_limit_s") if level.time_limit_s else at,
                            "expected a level a player can finish, found one that even perfect reps at the "
                            "fastest pace cannot finish in time", "give more time or a smaller goal")  # fmt: skip
        elif best.points < level.stars[2]:
            self.ctx.warn((*at, "stars"), f"expected 3 stars within reach, found a 3-star threshold of "
                          f"{level.stars[2]} points while perfect reps at the fastest pace score "
                          f"{best.points:.0f}", f"lower it to at most {int(best.points)}")  # fmt: skip
        if level.view == "any":
            return
        for j, stage in enumerate(level.stages):
            ex = self.exercises[stage.exercise]
            loc = (*at, "stages", j, "exercise") if "stages" in self._raw_level(at) else (*at, "exercise")
            if level.view not in ex.views:
                self.ctx.warn(loc, f"expected an exercise the {level.view} view can count, found '{ex.name}' "
                              f"(counted from {', '.join(ex.views)})", "change camera.view")  # fmt: skip
            elif ex.rule_views and not any(level.view in v for v in ex.rule_views):
                self.ctx.warn(loc, f"expected a view that can judge the form of '{ex.name}', found the {level.view} "
                              "view, where none of its form rules apply", "use camera view 'any' or "
                              f"'{_best_view(ex)}'")  # fmt: skip

    def _best(self, level: Level) -> Any:
        """The perfect player's result, memoised on what decides it (levels often share a shape)."""
        key = (level.mode, level.stages, level.time_limit_s, level.circuit, level.intervals, level.boss, level.stars)
        best = self._best_cache.get(key)
        if best is None:
            if self._fastest is None:
                self._fastest = {name: e.fastest_rep_s for name, e in self.exercises.items()}
                self._holds = frozenset(name for name, e in self.exercises.items() if e.kind == "hold")
            best = self._best_cache[key] = best_run(level, self._fastest, self._holds)
        return best


def _intervals(iv: dict[str, Any]) -> Intervals:
    if "every_s" in iv:
        return Intervals(rounds=iv.get("rounds", 8), work_s=None, rest_s=0.0, every_s=iv["every_s"])
    return Intervals(rounds=iv.get("rounds", 8), work_s=iv.get("work_s", 20.0), rest_s=iv.get("rest_s", 10.0))


def _best_view(ex: ExerciseInfo) -> str:
    counts = {v: sum(v in rv for rv in ex.rule_views) for v in ("front", "side")}
    return max(counts, key=lambda v: counts[v])


def load_pack(path: Path | str, text: str | None = None) -> Pack:
    """The checked pack; :class:`PackError` (a ``SpecError``) listing every problem when it has errors."""
    report = check_file(path) if text is None else check_text(text, str(path))
    if report.pack is None:
        if report.kind == "exercise":
            report.problems.insert(0, Problem(str(path), 1, 1, "error", "expected a level pack, found an exercise "
                                              "file", "list it under 'exercises' in a pack"))  # fmt: skip
        if not report.errors:  # e.g. a level that could not be built and whose problem was only a warning
            report.problems.append(Problem(str(path), 1, 1, "error", "expected a playable pack, found none"))
        raise PackError(report.problems)
    return report.pack


__all__ = ["LEVEL", "PACK", "Positions", "Report", "check_file", "check_text", "load_pack"]
