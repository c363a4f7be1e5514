"""`repquest bench`: discovery, selection, the table, failures, and the real recording benchmark."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.commands.bench import format_table
from tests.cli_helpers import run_cli

FAST = """
def main(quick: bool = False) -> dict:
    return {"quick": quick, "frames_per_s": 12345.678, "error_px": 0.01234}
"""
BROKEN = """
def main(quick: bool = False) -> dict:
    raise RuntimeError("the sensor fell over")
"""


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    (tmp_path / "bench_fast.py").write_text(FAST)
    (tmp_path / "bench_other.py").write_text(FAST)
    (tmp_path / "helper.py").write_text("raise SystemExit('not a benchmark')\n")
    return tmp_path


def test_runs_every_benchmark_and_prints_a_table(capsys: pytest.CaptureFixture[str], bench_dir: Path) -> None:
    code, out, _ = run_cli(capsys, "bench", "--dir", str(bench_dir), "--quick")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["benchmark", "figure", "value"]
    assert any(line.split() == ["fast", "frames_per_s", "12,346"] for line in lines)
    assert any(line.split() == ["other", "quick", "True"] for line in lines)
    assert any(line.split() == ["fast", "error_px", "0.0123"] for line in lines)


def test_runs_only_the_named_benchmark(capsys: pytest.CaptureFixture[str], bench_dir: Path) -> None:
    _, out, _ = run_cli(capsys, "bench", "other", "--dir", str(bench_dir))
    names = {line.split()[0] for line in out.splitlines()[1:]}
    assert names == {"other"}


def test_list_names_the_benchmarks(capsys: pytest.CaptureFixture[str], bench_dir: Path) -> None:
    _, out, _ = run_cli(capsys, "bench", "--list", "--dir", str(bench_dir))
    assert out.split() == ["fast", "other"]


def test_unknown_name_is_one_line_with_did_you_mean(capsys: pytest.CaptureFixture[str], bench_dir: Path) -> None:
    code, _, err = run_cli(capsys, "bench", "fsat", "--dir", str(bench_dir))
    assert code == 2
    assert err.strip() == "repquest bench: error: unknown benchmark 'fsat' (known: fast, other); did you mean 'fast'?"


def test_missing_folder_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "bench", "--dir", str(tmp_path / "nope"))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "no benchmarks folder" in err


def test_failing_benchmark_is_reported_and_others_still_run(
    capsys: pytest.CaptureFixture[str], bench_dir: Path
) -> None:
    (bench_dir / "bench_broken.py").write_text(BROKEN)
    code, out, err = run_cli(capsys, "bench", "--dir", str(bench_dir))
    assert code == 1
    assert "broken failed: RuntimeError: the sensor fell over" in err
    assert {line.split()[0] for line in out.splitlines()[1:]} == {"fast", "other"}


def test_json_output_holds_the_figures(capsys: pytest.CaptureFixture[str], bench_dir: Path, tmp_path: Path) -> None:
    run_cli(capsys, "bench", "fast", "--dir", str(bench_dir), "--json", str(tmp_path / "f.json"))
    figures = json.loads((tmp_path / "f.json").read_text())
    assert figures["fast"]["frames_per_s"] == 12345.678
    assert figures["fast"]["elapsed_s"] >= 0


def test_table_aligns_columns() -> None:
    lines = format_table({"a": {"x": 1.5, "long_figure_name": 2000}}).splitlines()
    assert len({len(line) for line in lines}) == 1


def test_recording_benchmark_runs_quick_from_the_repo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "bench", "recording", "--quick")
    assert code == 0, err
    rows = {line.split()[1]: line.split()[2] for line in out.splitlines()[1:]}
    assert float(rows["pose_write_fps"].replace(",", "")) > 0
    assert float(rows["pose_read_fps"].replace(",", "")) > 0


def test_nested_figures_are_flattened_and_lists_summarised() -> None:
    table = format_table({"b": {"per_clip": [{"x": 1}, {"x": 2}], "synthetic": {"fps": 250.0}, "rate": None}})
    rows = {line.split()[1]: line.split(maxsplit=2)[2] for line in table.splitlines()[1:]}
    assert rows == {"per_clip": "[2 items; see --json]", "synthetic.fps": "250", "rate": "-"}


def test_benchmark_can_import_a_helper_beside_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "shared_helper_for_bench.py").write_text("FIGURE = 42\n")
    (tmp_path / "bench_uses_helper.py").write_text(
        "from shared_helper_for_bench import FIGURE\n\ndef main(quick=False):\n    return {'figure': FIGURE}\n"
    )
    code, out, err = run_cli(capsys, "bench", "--dir", str(tmp_path))
    assert code == 0, err
    assert any(line.split()[1:] == ["figure", "42"] for line in out.splitlines())


def test_folder_without_benchmarks_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "bench", "--dir", str(tmp_path))
    assert code == 2
    assert out == ""
    assert err.strip() == f"repquest bench: error: no benchmarks in {tmp_path}: expected files named bench_<name>.py"


def test_json_naming_a_folder_fails_before_running(capsys: pytest.CaptureFixture[str], bench_dir: Path) -> None:
    (bench_dir / "bench_broken.py").write_text(BROKEN)  # would print "failed" if anything ran
    code, out, err = run_cli(capsys, "bench", "--dir", str(bench_dir), "--json", str(bench_dir))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "is a folder" in err


def test_every_benchmark_in_the_repo_takes_the_quick_flag() -> None:
    import inspect

    from game.commands.bench import default_dir, discover, load_main

    for name, path in discover(default_dir()).items():
        params = inspect.signature(load_main(path)).parameters
        assert list(params)[:1] == ["quick"], f"{name}: main{inspect.signature(load_main(path))}"


def test_json_output_is_strict_json_with_null_for_nan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bench_undefined.py").write_text(
        "def main(quick: bool = False) -> dict:\n"
        "    return {'precision': float('nan'), 'rows': [{'ratio': float('inf')}], 'fps': 3.0}\n"
    )
    run_cli(capsys, "bench", "undefined", "--dir", str(tmp_path), "--json", str(tmp_path / "f.json"))

    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    figures = json.loads((tmp_path / "f.json").read_text(), parse_constant=refuse)
    assert figures["undefined"]["precision"] is None
    assert figures["undefined"]["rows"] == [{"ratio": None}]
    assert figures["undefined"]["fps"] == 3.0


def test_tracking_benchmark_runs_quick_and_scores_the_tracker(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "bench", "tracking", "--quick")
    assert code == 0, err
    rows = {line.split()[1]: line.split()[2] for line in out.splitlines()[1:]}
    assert float(rows["summary.occluder_rejected_pct_min"]) >= 95.0
    assert float(rows["jumping_jack_2.5m.swaps.undone_pct"]) >= 90.0
    assert float(rows["jumping_jack_2.5m.tracker_vs_one_euro.rmse_mm_ratio"]) < 1.0
    # where the camera measured depth the tracker is well ahead of One Euro on the same points
    well = "jumping_jack_2.5m.rmse_mm_by_depth_share.depth_ge_90pct"
    assert float(rows[f"{well}.tracker"]) < 0.7 * float(rows[f"{well}.one_euro"])
