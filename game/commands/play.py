"""`repquest play`: the game. Headless (no display, or --headless) runs a bounded demo and saves screenshots."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from exercises.yaml_source import SpecError
from game.sources import check_output_folder, existing_file, output_folder, positive_float, positive_int

#: a headless run with no --seconds stops after this long at most; it ends sooner, with the results of the level
HEADLESS_DEFAULT_S = 120.0
DEFAULT_SCREENSHOTS = Path("out/screenshots")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        "-s",
        metavar="SPEC",
        help="pose source, e.g. webcam:0, realsense, video:clip.mp4, synthetic:squat,noise_px=3 "
        "(default: a webcam if one is found, else the synthetic demo doing each level's exercise)",
    )
    parser.add_argument("--level", metavar="ID", help="level to select first, e.g. first-squats")
    parser.add_argument("--pack", type=Path, metavar="FILE", help="a level pack YAML file (default: the built-in pack)")
    parser.add_argument(
        "--watch",
        action="store_true",
        help="with --pack: reload the pack whenever its file changes; its errors show in the game",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no window: play the selected level as a demo, save screenshots, print what happened "
        "(automatic when there is no display)",
    )
    parser.add_argument(
        "--seconds",
        type=positive_float,
        metavar="N",
        help=f"end after N seconds even if the level is not over (headless: at most {HEADLESS_DEFAULT_S:g}; "
        "the demo ends by itself once the level's results are shown)",
    )
    parser.add_argument(
        "--screenshots",
        type=output_folder,
        metavar="DIR",
        help=f"save screenshots here (headless default: ./{DEFAULT_SCREENSHOTS}); F12 saves one when windowed",
    )
    parser.add_argument(
        "--fps",
        type=positive_int,
        default=60,
        metavar="N",
        help="frames drawn per second, whatever the camera's rate (default 60)",
    )
    parser.add_argument(
        "--profile", metavar="NAME", help="the player's profile (default 'player'; headless: none kept)"
    )
    parser.add_argument(
        "--json", action="store_true", help="headless: print one JSON document with the level's result instead of text"
    )
    parser.add_argument("--seed", type=int, help="seed for the synthetic demo's noise")
    parser.add_argument(
        "--pose-model", type=existing_file, metavar="FILE", help="a MediaPipe Tasks .task pose model for camera sources"
    )


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    from game.cli import UserError

    headless = args.headless or not has_display()
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

    from game.session import play
    from game.store import ProfileError
    from levels import find_level, load_builtin, load_pack
    from levels.watch import PackWatcher

    if args.watch and not args.pack:
        raise UserError("--watch needs --pack FILE (the pack to reload when it changes)")
    watch = PackWatcher(args.pack) if args.watch else None
    try:
        if watch is not None and watch.report.pack is None:
            for problem in watch.report.problems:
                print(problem, file=sys.stderr)
            pack = load_builtin()  # shown once the file is fixed; the game opens on the errors
        else:
            pack = load_pack(args.pack) if args.pack else load_builtin()
        if args.level:
            find_level([pack], args.level)
    except SpecError as e:
        raise UserError(str(e).replace("\n", "; ")) from None
    except KeyError as e:
        raise UserError(e.args[0]) from None
    level_id = args.level.rpartition("/")[2] if args.level else None
    screenshots = args.screenshots or (DEFAULT_SCREENSHOTS if headless else None)
    if screenshots is not None:
        check_output_folder(screenshots, "--screenshots")
    seconds = args.seconds or (HEADLESS_DEFAULT_S if headless else None)
    if args.json and not headless:
        raise UserError("--json needs --headless (a window has no single result to print)")
    try:
        return play(
            pack, source=args.source, level_id=level_id, headless=headless, seconds=seconds,
            screenshots=screenshots, fps=args.fps, seed=args.seed, pose_model=args.pose_model,
            profile=args.profile, as_json=args.json, watch=watch,
        )  # fmt: skip
    except ProfileError as e:
        raise UserError(str(e)) from None
