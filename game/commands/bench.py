"""`repquest bench`: run the benchmark scripts in ``benchmarks/`` and print their figures.

A benchmark is ``benchmarks/bench_<name>.py`` with ``main(quick: bool) -> dict``
of figures (units in the names); see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import math
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from game.cli import UserError

Figures = Mapping[str, Any]


def default_dir() -> Path:
    """``benchmarks/`` beside the installed packages (a source checkout), else in the current folder."""
    beside = Path(__file__).resolve().parents[2] / "benchmarks"
    return beside if beside.is_dir() else Path.cwd() / "benchmarks"


def discover(folder: Path) -> dict[str, Path]:
    """``{"recording": .../bench_recording.py, ...}``, sorted by name."""
    if not folder.is_dir():
        raise UserError(f"no benchmarks folder at {folder}; they ship with the source checkout (or pass --dir)")
    found = {p.stem.removeprefix("bench_"): p for p in sorted(folder.glob("bench_*.py"))}
    if not found:
        raise UserError(f"no benchmarks in {folder}: expected files named bench_<name>.py")
    return found


def select(known: Mapping[str, Path], names: list[str]) -> list[str]:
    """The benchmarks to run: all when ``names`` is empty; UserError with a did-you-mean otherwise."""
    chosen = []
    for name in names:
        key = name.removeprefix("bench_").removesuffix(".py")
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise UserError(f"unknown benchmark '{name}' (known: {', '.join(known) or 'none'}){hint}")
        chosen.append(key)
    return chosen or list(known)


def load_main(path: Path) -> Callable[[bool], Figures]:
    """The ``main`` of a benchmark script; its folder is put on ``sys.path`` for sibling helpers."""
    spec = importlib.util.spec_from_file_location(f"_repquest_bench_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise UserError(f"{path}: cannot be loaded as a Python module")
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main = getattr(module, "main", None)
    if not callable(main):
        raise UserError(f"{path}: has no main(quick: bool) -> dict function")
    return main


def flatten(figures: Figures, prefix: str = "") -> dict[str, Any]:
    """Nested dicts become dotted names (``synthetic.fps``); lists are summarised by their length."""
    out: dict[str, Any] = {}
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            out[name] = f"[{len(value)} items; see --json]"
        else:
            out[name] = value
    return out


def format_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def format_table(results: Mapping[str, Figures]) -> str:
    """Rows of ``benchmark  figure  value``, columns aligned."""
    rows = [("benchmark", "figure", "value")]
    rows += [(bench, k, format_value(v)) for bench, figures in results.items() for k, v in flatten(figures).items()]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}".rstrip() for a, b, c in rows)


def script_main(main: Callable[[bool], Figures], name: str) -> None:
    """What a benchmark script runs under ``if __name__ == "__main__"``: ``--quick``, then a table."""
    parser = argparse.ArgumentParser(description=f"benchmark {name}")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds) that checks the benchmark works")
    args = parser.parse_args()
    print(format_table({name: main(args.quick)}))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all), e.g. recording")
    parser.add_argument("--quick", action="store_true", help="short runs that check each benchmark works")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--dir", type=Path, help="the benchmarks folder (default: benchmarks/ of the checkout)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON to FILE")


def run(args: argparse.Namespace) -> int:
    known = discover(args.dir or default_dir())
    names = select(known, args.names)
    if args.list:
        print("\n".join(names))
        return 0
    if args.json is not None and args.json.is_dir():
        raise UserError(f"--json {args.json}: is a folder; give a file name such as {args.json / 'bench.json'}")
    if args.json is not None and not args.json.parent.is_dir():
        raise UserError(f"--json {args.json}: folder {args.json.parent} does not exist")
    results: dict[str, dict[str, Any]] = {}
    failed = 0
    for name in names:
        start = time.perf_counter()
        try:
            figures = dict(load_main(known[name])(args.quick))
        except UserError:
            raise
        except Exception as e:  # noqa: BLE001 - a failing benchmark is reported and the others still run
            print(f"repquest bench: {name} failed: {type(e).__name__}: {e}", file=sys.stderr)
            failed += 1
            continue
        figures["elapsed_s"] = time.perf_counter() - start
        results[name] = figures
    if results:
        print(format_table(results))
    if args.json is not None:
        args.json.write_text(json.dumps(_strict_json(results), indent=2, default=str, allow_nan=False) + "\n")
    return 1 if failed else 0


def _strict_json(value: Any) -> Any:
    """NaN and infinities become null, so the file is JSON any parser reads."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict_json(v) for v in value]
    return value
