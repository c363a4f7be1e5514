"""`repquest analyze SOURCE --exercise NAME`: count reps and score form on any source.

Prints a per-rep table and totals (or, with ``--json``, exactly one JSON
document on stdout) and writes a plot, key frames and ``analysis.json`` to
``--out`` (default ``./analysis/<stem>/``). A bare path is a video file;
videos are analysed from the pose cache (:mod:`sensors.pose_cache`) unless
``--no-cache``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.cli import UserError
from game.report import (
    Analysis,
    JpegStore,
    ProgressBar,
    analyze_frames,
    build_document,
    dumps,
    explain,
    format_legend,
    format_rep_table,
    format_totals,
)
from game.report.outputs import write_outputs
from game.report.reference import load_reference, reference_scores
from game.sources import check_output_folder
from sensors.contract import Sensor
from sensors.pipeline import PipelineSensor, holds_config
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, known_schemes, open_source, split_spec

#: seconds of work after which a progress bar is shown even when stderr is not a terminal
LONG_WORK_S = 5.0
INFERENCE_S_PER_FRAME = 0.03  #: rough MediaPipe cost, to decide whether an input is "long"
ENGINE_S_PER_FRAME = 0.001
SUFFIX_SCHEMES = {".rq": "recording", ".bag": "realsense-file", ".db3": "realsense-file"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        metavar="SOURCE",
        help="a video file (a bare path means video:PATH), recording:PATH, realsense-file:PATH "
        "or synthetic[:exercise[,key=value...]]",
    )
    parser.add_argument(
        "--exercise",
        "-e",
        required=True,
        metavar="NAME",
        help="exercise to analyse: a library name (e.g. squat) or an exercise YAML file (./calf_raise.yaml)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout instead of the table")
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: ./analysis/<stem>/)")
    parser.add_argument(
        "--reference",
        type=Path,
        metavar="FILE",
        help="a recording (.rq) or video of a coach's rep or set to score each rep against",
    )
    parser.add_argument("--no-cache", action="store_true", help="run pose inference on a video even if it is cached")
    parser.add_argument("--seed", type=int, help="seed for sources with randomness (synthetic noise)")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal or the input is long)",
    )


@dataclass(slots=True)
class ResolvedSource:
    """What SOURCE names: the spec, and the file behind it when there is one."""

    spec: str
    scheme: str
    path: Path | None
    stem: str


def resolve_source(text: str) -> ResolvedSource:
    """``clip.mp4`` -> ``video:clip.mp4``; ``x.rq`` -> ``recording:x.rq``; specs pass through."""
    scheme, target = split_spec(text) if ":" in text else ("", text)
    if scheme not in known_schemes() and (not scheme or Path(text).expanduser().exists()):
        path = Path(text).expanduser()
        scheme = SUFFIX_SCHEMES.get(path.suffix.lower(), "video")
        return ResolvedSource(f"{scheme}:{path}", scheme, path, path.stem)
    if scheme in ("video", "recording", "realsense-file", "image"):
        path = Path(target).expanduser()
        return ResolvedSource(f"{scheme}:{path}", scheme, path, path.stem)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{scheme}_{target}" if target else scheme).strip("_")
    return ResolvedSource(text, scheme, None, stem)


def load_definition(name: str) -> Any:
    """A library exercise by name, or the one exercise in a YAML file (``./calf_raise.yaml``)."""
    from exercises import SpecError, UnknownExercise, load_exercise_file, load_library

    if name.lower().endswith((".yaml", ".yml")) or "/" in name:
        path = Path(name).expanduser()
        if not path.is_file():
            raise UserError(f"--exercise {name}: expected an exercise YAML file, found nothing there")
        try:
            defs = load_exercise_file(path)  # reads this one file only; rules are data, never code
        except SpecError as e:
            raise UserError(str(e).strip()) from None
        if len(defs) != 1:
            names = ", ".join(d.name for d in defs)
            raise UserError(f"{path}: expected one exercise for --exercise, found {len(defs)} ({names})")
        return defs[0]
    try:
        return load_library()[name]
    except UnknownExercise as e:
        raise UserError(str(e).strip().splitlines()[0]) from None


def _total_frames(sensor: Sensor, src: ResolvedSource) -> int | None:
    count = getattr(sensor, "frame_count", None)
    if isinstance(count, int):
        return count
    if src.scheme == "video" and src.path is not None:
        return video_frame_count(src.path)
    return None


def video_frame_count(path: Path) -> int | None:
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if cap.isOpened() else 0
    finally:
        cap.release()
    return n if n > 0 else None


def _progress(label: str, total: int | None, s_per_frame: float, wanted: bool | None) -> ProgressBar:
    long_input = total is not None and total * s_per_frame > LONG_WORK_S
    enabled = wanted if wanted is not None else (sys.stderr.isatty() or long_input)
    return ProgressBar(label, total, enabled=enabled)


@dataclass(slots=True)
class Run:
    """The analysis plus where key-frame images come from and how long each stage took."""

    analysis: Analysis
    src: ResolvedSource
    pose_file: Path | None = None  #: the recording the poses were read from (cache or recording: source)
    images: JpegStore | None = None
    timing: dict[str, float] = field(default_factory=dict)


def _frames_keeping_images(sensor: Sensor, store: JpegStore | None) -> Iterator[PoseFrame]:
    for frame in sensor:
        if store is not None:
            store.add(frame)
        yield frame


def analyze_source(src: ResolvedSource, definition: Any, args: argparse.Namespace) -> Run:
    """Open the source (through the pose cache for videos) and run the engine over it."""
    timing: dict[str, float] = {}
    spec, pose_file = src.spec, None
    if src.scheme == "video" and src.path is not None and not args.no_cache:
        from sensors.pose_cache import cached_poses, file_sha256, is_cached

        t0 = time.perf_counter()
        digest = file_sha256(src.path) if src.path.is_file() else None  # hash the video once
        if not is_cached(src.path, sha256=digest):
            with _progress("pose inference", video_frame_count(src.path), INFERENCE_S_PER_FRAME, args.progress) as bar:
                pose_file = cached_poses(src.path, on_frame=bar.update, sha256=digest)
        else:
            pose_file = cached_poses(src.path, sha256=digest)
        timing["pose_cache_s"] = time.perf_counter() - t0
        spec = f"recording:{pose_file}"
    elif src.scheme == "recording" and src.path is not None:
        pose_file = src.path
    options = SourceOptions(images=False, realtime=False, seed=args.seed)
    config = holds_config(definition.kind == "hold")  # the tracker as the game runs it for this exercise
    sensor: Sensor = PipelineSensor(open_source(spec, options), config)  # the engine counts on the pipeline's poses
    if not sensor.capabilities.is_finite:
        raise UserError(
            f"{src.spec}: the stream never ends, so analyze would never finish; record a set first "
            f"(repquest record --source {src.spec} --seconds 30 --out set.rq) or, for synthetic, give reps=N"
        )
    store = None
    if src.scheme not in ("video", "recording") and sensor.capabilities.has_images:
        sensor = PipelineSensor(open_source(spec, SourceOptions(images=True, realtime=False, seed=args.seed)), config)
        store = JpegStore()
    cost = INFERENCE_S_PER_FRAME if spec.startswith(("video:", "realsense-file:")) else ENGINE_S_PER_FRAME
    t0 = time.perf_counter()
    with sensor, _progress("analysing", _total_frames(sensor, src), cost, args.progress) as bar:
        analysis = analyze_frames(_frames_keeping_images(sensor, store), definition, on_frame=bar.update)
    timing["analysis_s"] = time.perf_counter() - t0
    timing["engine_s"] = analysis.engine_time_s
    return Run(analysis, src, pose_file, store, timing)


def check_has_person(analysis: Analysis, src: ResolvedSource) -> None:
    where = str(src.path) if src.path is not None else src.spec
    if analysis.n_frames == 0:
        what = "the recording holds no frames" if src.scheme == "recording" else "the source delivered no frames"
        raise UserError(f"{where}: {what}; nothing to analyse")
    if analysis.frames_with_player == 0:
        raise UserError(f"no person was detected in {analysis.n_frames} frames of {where}")


def run(args: argparse.Namespace) -> int:
    t_start = time.perf_counter()
    definition = load_definition(args.exercise)
    src = resolve_source(args.source)
    out_dir = args.out if args.out is not None else Path("analysis") / src.stem
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir}: is a file; give a folder for the plot, key frames and analysis.json")
    check_output_folder(out_dir, "--out")
    reference = load_reference(args.reference, definition) if args.reference is not None else None
    result = analyze_source(src, definition, args)
    check_has_person(result.analysis, src)
    ref_scores = reference_scores(result.analysis, reference) if reference is not None else None
    t0 = time.perf_counter()
    outputs = write_outputs(result, out_dir, ref_scores)
    result.timing["outputs_s"] = time.perf_counter() - t0
    result.timing["total_s"] = time.perf_counter() - t_start
    ref_info = reference.describe() if reference is not None else None
    doc = build_document(result.analysis, src.spec, outputs, ref_info, ref_scores, result.timing)
    (out_dir / "analysis.json").write_text(dumps(doc) + "\n")
    if args.json:
        print(dumps(doc))
        return 0
    print(f"{definition.name} on {src.spec}: {result.analysis.n_frames} frames, {result.analysis.duration_s:.1f} s")
    print(format_rep_table(result.analysis, ref_scores))
    if result.analysis.summary.per_rep:
        print(format_legend(result.analysis))
    print(format_totals(result.analysis))
    for line in explain(result.analysis):
        print(line)
    print(f"plot, key frames and analysis.json in {out_dir}/")
    return 0
