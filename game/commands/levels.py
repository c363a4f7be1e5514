"""`repquest levels list|show|validate|new|schema`: browse, check and write level packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exercises.yaml_source import SpecError
from levels import Level, Pack, check_file, find_level, unlock_text
from levels.loader import BUILTIN_PACKS, builtin_pack_path, load_pack, pack_folders, user_pack_folder

EXIT_INVALID = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="List the levels of the built-in packs, your packs folder and --pack FILE.")
    p.add_argument("--pack", type=Path, action="append", default=[], help="also list this pack file")
    p = sub.add_parser("show", help="Show one level in detail.")
    p.add_argument("level_id", metavar="ID", help="a level id such as 'first-squats' or 'starter/first-squats'")
    p.add_argument("--pack", type=Path, action="append", default=[], help="also search this pack file")
    p = sub.add_parser("validate", help="Check pack (or exercise) files; prints file:line:column for each problem.")
    p.add_argument("files", type=Path, nargs="+", metavar="PATH", help="pack files, or folders of them")
    p = sub.add_parser("new", help="Write a commented starter pack NAME.yaml that validates.")
    p.add_argument("name", metavar="NAME", help="the new pack's file name, e.g. legs-day")
    p = sub.add_parser("schema", help="Print the pack format as JSON Schema (for editors).")
    p.add_argument("--out", type=Path, metavar="FILE", help="write it to FILE instead")


def _packs(extra: list[Path], user: bool = True) -> list[Pack]:
    """Built-in packs, then the player's folder (broken ones reported, skipped), then ``extra`` (must load)."""
    packs = [load_pack(builtin_pack_path(name)) for name in BUILTIN_PACKS]
    for path in pack_folders() if user else []:
        report = check_file(path)
        if report.pack is None:
            n = len(report.errors)
            print(f"{path}: skipped, {n} error{'s' if n != 1 else ''} (see 'repquest levels validate {path}')",
                  file=sys.stderr)  # fmt: skip
        else:
            packs.append(report.pack)
    return packs + [load_pack(p) for p in extra]


def _level_line(level: Level, pack: Pack) -> str:
    titles = {lv.id: lv.id for lv in pack.levels}
    lock = "" if level.unlock.always_open else f"  (unlock: {unlock_text(level, titles)})"
    return f"  {level.id:<18} {level.title:<22} {level.describe()}{lock}"


def _list(args: argparse.Namespace) -> int:
    packs = _packs(args.pack)
    print(f"packs folder: {user_pack_folder()}")
    for pack in packs:
        where = "built-in" if pack.folder == str(builtin_pack_path().parent.resolve()) else pack.path
        print(f"{pack.id}: {pack.title} ({len(pack.levels)} levels, {where})")
        for level in pack.levels:
            print(_level_line(level, pack))
    return 0


def _show(args: argparse.Namespace) -> int:
    try:
        pack, level = find_level(_packs(args.pack), args.level_id)
    except KeyError as e:
        print(f"repquest levels: error: {e.args[0]}", file=sys.stderr)
        return EXIT_INVALID
    titles = {lv.id: lv.title for lv in pack.levels}
    print(f"{pack.id}/{level.id}: {level.title}")
    print(f"  mode:      {level.mode}")
    for i, stage in enumerate(level.stages, 1):
        rest = f", then rest {stage.rest_s:g} s" if stage.rest_s else ""
        limit = f" within {stage.time_limit_s:g} s" if stage.time_limit_s else ""
        print(f"  stage {i}:   {stage.describe()}{limit}{rest}")
    print(f"  camera:    {level.view}" + (f", {level.distance_m:g} m away" if level.distance_m else "")
          + (f"; depth camera {level.depth}" if level.depth != "none" else ""))  # fmt: skip
    if level.time_limit_s:
        print(f"  time:      {level.time_limit_s:g} s")
    print(f"  stars:     {level.stars[0]} / {level.stars[1]} / {level.stars[2]} points")
    if not level.unlock.always_open:
        print(f"  unlock:    {unlock_text(level, titles)}")
    if level.description:
        print(f"  about:     {level.description}")
    return 0


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file())
        else:
            out.append(p)
    return out


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in _files(args.files):
        report = check_file(path)
        for problem in report.problems:
            print(problem, file=sys.stderr)
        e, w = len(report.errors), len(report.warnings)
        if e:
            failed += 1
            print(f"{path}: {e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}")
            continue
        warned = f", {w} warning{'s' if w != 1 else ''}" if w else ""
        if report.kind == "exercise":
            names = ", ".join(f"'{n}'" for n in report.exercise_names)
            print(f"{path}: ok, an exercise file with {names}{warned} (add it to a pack under 'exercises')")
        elif report.pack is not None:
            pack = report.pack
            modes = ", ".join(dict.fromkeys(lv.mode for lv in pack.levels))
            print(f"{path}: ok, pack '{pack.id}' with {len(pack.levels)} levels ({modes}){warned}")
    return EXIT_INVALID if failed else 0


def _new(args: argparse.Namespace) -> int:
    from levels.authoring import write_new_pack

    try:
        path, schema = write_new_pack(args.name)
    except FileExistsError as e:
        print(f"repquest levels: error: {e}", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {path}" + (f" and {schema} (the schema its first line names)" if schema else ""))
    print(f"next: repquest levels validate {path}   then   repquest play --pack {path} --watch")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from levels.authoring import schema_text

    if args.out:
        args.out.write_text(schema_text(), encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(schema_text())
    return 0


ACTIONS = {"list": _list, "show": _show, "validate": _validate, "new": _new, "schema": _schema}


def run(args: argparse.Namespace) -> int:
    try:
        return ACTIONS[args.action](args)
    except SpecError as e:  # a --pack that does not load: each problem is one "file:line:column: ..." line
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
