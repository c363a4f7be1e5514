"""Source options shared by every command that reads a pose source.

>>> add_source_arguments(parser, default="synthetic:squat")
>>> sensor = sensor_from_args(parser.parse_args())   # built, not opened

Options map one to one onto :class:`sensors.registry.SourceOptions`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sensors.contract import Sensor
from sensors.registry import SourceOptions, known_schemes, open_source

SOURCE_FORMS = (
    "synthetic[:exercise[,key=value...]], webcam[:index], video:PATH, image:PATH, "
    "realsense[:serial], realsense-file:PATH, recording:PATH"
)


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, found {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, found {text}")
    return value


def existing_file(text: str) -> Path:
    """argparse type: a path to an existing file."""
    path = Path(text).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def output_folder(text: str) -> Path:
    """argparse type: a folder to write into (created later if missing), not an existing file."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file; give a folder (it is created if missing)")
    return path


def check_output_folder(path: Path, option: str) -> Path:
    """Fail fast (one-line UserError, before any slow work) when the output folder ``path`` cannot be made;
    creates nothing, so a run that fails later leaves no empty folder behind."""
    from game.cli import UserError

    existing = path.expanduser().absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"{option} {path}: {existing} is a file, so the folder cannot be created")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{option} {path}: no permission to write in {existing}")
    return path


def add_source_arguments(parser: argparse.ArgumentParser, *, default: str | None = None) -> None:
    """Add ``--source`` and the options every source understands to ``parser``."""
    schemes = ", ".join(known_schemes())
    g = parser.add_argument_group("source")
    g.add_argument(
        "--source",
        "-s",
        default=default,
        required=default is None,
        metavar="SOURCE",
        help=f"where poses come from: {SOURCE_FORMS}; installed schemes: {schemes}"
        + (f" (default: {default})" if default else ""),
    )
    g.add_argument("--images", action="store_true", help="attach RGB (and depth) images to frames")
    g.add_argument(
        "--realtime",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="pace file sources at their capture rate (default: the source's own choice)",
    )
    g.add_argument("--width", type=positive_int, metavar="PX", help="requested capture width in pixels")
    g.add_argument("--height", type=positive_int, metavar="PX", help="requested capture height in pixels")
    g.add_argument("--fps", type=positive_float, help="requested capture rate (frames per second)")
    g.add_argument("--seed", type=int, help="seed for sources with randomness (synthetic noise)")
    g.add_argument("--pose-model", type=existing_file, metavar="FILE", help="a MediaPipe Tasks .task pose model")


def source_options(args: argparse.Namespace) -> SourceOptions:
    """The :class:`SourceOptions` named by the parsed arguments."""
    return SourceOptions(
        images=args.images,
        realtime=args.realtime,
        width_px=args.width,
        height_px=args.height,
        fps=args.fps,
        pose_model=args.pose_model,
        seed=args.seed,
    )


def sensor_from_args(args: argparse.Namespace) -> Sensor:
    """Build (not open) the sensor for ``args.source``; SensorError with one line when it cannot."""
    return open_source(args.source, source_options(args))
