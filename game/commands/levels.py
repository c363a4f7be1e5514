"""`repquest levels list|show ID|validate FILE`: browse and check level packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exercises.yaml_source import SpecError
from levels import Level, Pack, find_level, load_builtin, load_pack

EXIT_INVALID = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="List the levels of the built-in pack (and --pack FILE).")
    p.add_argument("--pack", type=Path, action="append", default=[], help="also list this pack file")
    p = sub.add_parser("show", help="Show one level in detail.")
    p.add_argument("level_id", metavar="ID", help="a level id such as 'first-squats' or 'starter/first-squats'")
    p.add_argument("--pack", type=Path, action="append", default=[], help="also search this pack file")
    p = sub.add_parser("validate", help="Check a level pack file; prints file:line:column for each problem.")
    p.add_argument("file", type=Path, metavar="FILE")


def _packs(extra: list[Path]) -> list[Pack]:
    return [load_builtin(), *(load_pack(p) for p in extra)]


def _level_line(level: Level) -> str:
    lock = f"  (unlocks after {level.unlock.after})" if level.unlock.after else ""
    return f"  {level.id:<16} {level.title:<20} {level.exercise:<14} {level.goal.describe()}{lock}"


def _list(args: argparse.Namespace) -> int:
    for pack in _packs(args.pack):
        print(f"{pack.id}: {pack.name} ({len(pack.levels)} levels)")
        for level in pack.levels:
            print(_level_line(level))
    return 0


def _show(args: argparse.Namespace) -> int:
    try:
        pack, level = find_level(_packs(args.pack), args.level_id)
    except KeyError as e:
        print(f"repquest levels: error: {e.args[0]}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{pack.id}/{level.id}: {level.title}")
    print(f"  exercise:  {level.exercise} (view: {level.view})")
    print(f"  goal:      {level.goal.describe()}")
    print(f"  stars:     {level.stars[0]} / {level.stars[1]} / {level.stars[2]} points")
    if level.unlock.after:
        print(f"  unlock:    after {level.unlock.after} with {level.unlock.stars} star(s)")
    if level.description:
        print(f"  about:     {level.description}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    pack = load_pack(args.file)
    reps = sum(lv.goal.reps is not None for lv in pack.levels)
    print(f"{args.file}: ok, pack '{pack.id}' with {len(pack.levels)} levels ({reps} rep goals)")
    return 0


ACTIONS = {"list": _list, "show": _show, "validate": _validate}


def run(args: argparse.Namespace) -> int:
    try:
        return ACTIONS[args.action](args)
    except SpecError as e:  # each problem is one "file:line:column: ..." line
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
