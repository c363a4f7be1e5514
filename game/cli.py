"""``repquest`` command line: one subcommand per module in ``game.commands``.

Every error the program expects (bad source, corrupt file, missing camera,
invalid level pack) is printed as one line on stderr with a non-zero exit;
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from game.native_log import native_stderr_to_log
from sensors.errors import SensorError

#: subcommand -> module in game.commands with ``add_arguments(parser)`` and ``run(args) -> int``
COMMANDS: dict[str, str] = {
    "play": "Play a workout level (default: the synthetic demo when no camera is found).",
    "analyze": "Count reps and score form on a video, recording, RealSense file or synthetic source.",
    "record": "Record any source's pose stream to a .rq file.",
    "levels": "List, show and validate level packs.",
    "devices": "List cameras and RealSense devices.",
    "bench": "Run the benchmarks and print their figures.",
    "profile": "List, create and export player profiles (progress, sessions, every rep).",
}
#: other spellings a subcommand answers to
ALIASES: dict[str, tuple[str, ...]] = {"analyze": ("analyse",)}

EXIT_USER_ERROR = 2


class UserError(Exception):
    """An error the user can fix; printed as one line."""


class OneLineErrorParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit 2), e.g.
    ``repquest record: error: the following arguments are required: --out (see 'repquest record --help')``.
    Subcommand parsers inherit the class."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="repquest",
        description="RepQuest: a camera fitness game. Sources are named "
        "synthetic[:exercise[,key=value...]], webcam[:index], video:PATH, "
        "realsense[:serial], realsense-file:PATH, recording:PATH.",
    )
    parser.add_argument("--version", action="version", version=f"repquest {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"game.commands.{name}")
        p = sub.add_parser(name, help=help_text, description=help_text, aliases=ALIASES.get(name, ()))
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def version() -> str:
    """The installed package's version (the source tree's pyproject when not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("repquest")
    except PackageNotFoundError:
        return "0.1.0+source"


def unknown_command(word: str) -> str | None:
    """A one-line error for a misspelt subcommand (with a did-you-mean), or None when ``word`` is known."""
    import difflib

    known = [*COMMANDS, *(a for names in ALIASES.values() for a in names)]
    if word.startswith("-") or word in known:
        return None
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f" (commands: {', '.join(COMMANDS)})"
    return f"repquest: error: unknown command '{word}'{hint}"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv:
        problem = unknown_command(argv[0])
        if problem is not None:
            print(problem, file=sys.stderr)
            return EXIT_USER_ERROR
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    with native_stderr_to_log():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args._run(args))
    except (SensorError, UserError, FileNotFoundError, IsADirectoryError, PermissionError) as e:
        print(f"repquest {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(f"repquest {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `repquest analyze ... --json | head`: the reader left, nothing to report
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
