"""`repquest record`: write any source's pose stream to a ``.rq`` recording.

Stops at the end of a finite source, after ``--seconds`` of source time, after
``--frames`` frames, or on Ctrl-C (the file is finished properly in every case).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from game.cli import UserError
from game.sources import add_source_arguments, positive_float, positive_int, sensor_from_args
from sensors.contract import Sensor
from sensors.errors import SensorError
from sensors.recording import ImageCodec, RecordingWriter
from sensors.recording.format import RGB_CODECS
from sensors.registry import split_spec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Stops at the end of a finite source, after --seconds or --frames, or on Ctrl-C (the file is finished "
        "properly). Replay with --source recording:FILE. Example: repquest record --source synthetic:squat "
        "--seconds 5 --out squat.rq. Format: docs/recording-format.md."
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--out", "-o", required=True, type=Path, metavar="FILE", help="the .rq file to write (replaced if it exists)"
    )
    parser.add_argument("--seconds", type=positive_float, metavar="N", help="stop after N seconds of source time")
    parser.add_argument("--frames", type=positive_int, metavar="N", help="stop after N frames")
    parser.add_argument(
        "--image-codec",
        choices=RGB_CODECS,
        default="jpeg",
        help="how --images stores RGB: jpeg (lossy, small, fast; default) or png (lossless); depth is always lossless",
    )
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=10.0,
        metavar="S",
        help="give up when the source delivers no frame for S seconds (default: 10)",
    )


def _check_out(out: Path, source: str) -> None:
    if out.is_dir():
        raise UserError(f"--out {out}: is a folder; give a file name such as {out / 'session.rq'}")
    if not out.parent.is_dir():
        raise UserError(f"--out {out}: folder {out.parent} does not exist; create it first")
    scheme, target = split_spec(source)
    inputs = {target, target.partition(",")[0]}  # realsense-file:PATH,param=... names its file first
    if out.exists() and any(t and Path(t).expanduser().resolve() == out.resolve() for t in inputs):
        what = {"video": "video", "image": "image"}.get(scheme, "recording")
        raise UserError(f"--out {out}: is the {what} being read; write to another file")


def _intrinsics(sensor: Sensor) -> Mapping[str, Any] | None:
    value = getattr(sensor, "intrinsics", None)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value if isinstance(value, Mapping) else None


def _size(n_bytes: int) -> str:
    if n_bytes < 1000:
        return f"{n_bytes:,} bytes"
    return f"{n_bytes / 1e3:.1f} kB" if n_bytes < 1e6 else f"{n_bytes / 1e6:.1f} MB"


def _record(sensor: Sensor, writer: RecordingWriter, args: argparse.Namespace) -> None:
    """Copy frames from ``sensor`` to ``writer`` until a stop condition holds."""
    last_frame_wall_s = time.monotonic()
    while True:
        frame = sensor.read(timeout_s=min(1.0, args.timeout))
        if frame is None:
            if sensor.ended:
                return
            if time.monotonic() - last_frame_wall_s > args.timeout:
                raise UserError(f"{sensor.describe()}: no frame for {args.timeout:g} s (unplugged or busy?)")
            continue
        last_frame_wall_s = time.monotonic()
        if args.seconds is not None and writer.first_t_s is not None and frame.t_s - writer.first_t_s >= args.seconds:
            return
        writer.write(frame)
        if args.frames is not None and writer.frames >= args.frames:
            return


def run(args: argparse.Namespace) -> int:
    out: Path = args.out.expanduser()
    _check_out(out, args.source)
    interrupted = False
    with sensor_from_args(args) as sensor:
        caps = sensor.capabilities
        if not caps.is_finite and args.seconds is None and args.frames is None:
            print(f"recording {sensor.describe()} to {out} until Ctrl-C", file=sys.stderr)
        codec = ImageCodec(rgb=args.image_codec) if args.images else None
        with RecordingWriter(
            out, source=args.source, capabilities=caps, images=codec, intrinsics=_intrinsics(sensor)
        ) as writer:
            try:
                _record(sensor, writer, args)
            except KeyboardInterrupt:
                interrupted = True
            except SensorError as e:
                if writer.frames:
                    raise UserError(f"{e} (the {writer.frames} frames before it are saved in {out})") from e
                raise
    fps = (writer.frames - 1) / writer.duration_s if writer.duration_s > 0 else 0.0
    print(
        f"recorded {writer.frames} frames ({writer.duration_s:.2f} s of source time, {fps:.1f} fps) "
        f"from {args.source} to {out}: {_size(writer.bytes_written)}" + (" (stopped by Ctrl-C)" if interrupted else "")
    )
    return 0
