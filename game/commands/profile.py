"""`repquest profile list|create NAME|export NAME`: the players' profiles (SQLite files)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from game.store import ProfileError, ProfileStore, create_profile, data_home, list_profiles, profiles_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("list", help="List the profiles.")
    p = sub.add_parser("create", help="Create a new profile.")
    p.add_argument("name", metavar="NAME")
    p = sub.add_parser("export", help="Write a profile (levels, sessions, every rep, settings) as JSON.")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--out", type=Path, metavar="FILE", help="write here instead of standard output")


def run(args: argparse.Namespace) -> int:
    from game.cli import UserError

    try:
        if args.action == "list":
            names = list_profiles()
            if not names:
                print(f"no profiles yet in {profiles_dir()} ('repquest play' makes one called 'player')")
            for name in names:
                print(name)
        elif args.action == "create":
            path = create_profile(args.name)
            print(f"created profile {args.name!r} in {path}")
        else:
            with ProfileStore.open(args.name, create=False) as store:
                for notice in store.notices:
                    print(notice, file=sys.stderr)
                text = json.dumps(store.export(), indent=1)
            if args.out is None:
                print(text)
            else:
                args.out.write_text(text + "\n", encoding="utf-8")
                print(f"wrote profile {args.name!r} to {args.out}")
    except ProfileError as e:
        raise UserError(str(e)) from None
    return 0


__all__ = ["add_arguments", "data_home", "run"]
