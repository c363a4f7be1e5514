"""The CLI as a new user meets it: --version, a misspelt subcommand, 'analyse', profiles, the game benchmark."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("repquest 0.")


def test_a_misspelt_subcommand_gets_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plya"]) == 2
    assert capsys.readouterr().err.strip() == "repquest: error: unknown command 'plya'; did you mean 'play'?"
    assert main(["zzz"]) == 2
    assert "commands: play, analyze" in capsys.readouterr().err


def test_analyse_is_accepted_as_analyze(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        ["analyse", "synthetic:squat,reps=2,noise_px=0", "--exercise", "squat", "--json", "--out", str(tmp_path)]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["reps"] == 2


def test_profiles_are_created_listed_and_exported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPQUEST_HOME", str(tmp_path))
    assert main(["profile", "create", "Ann"]) == 0
    assert main(["profile", "create", "Ann"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["profile", "list"]) == 0
    assert capsys.readouterr().out.strip() == "Ann"
    assert main(["profile", "export", "Ann", "--out", str(tmp_path / "ann.json")]) == 0
    assert json.loads((tmp_path / "ann.json").read_text())["profile"] == "Ann"
    assert main(["profile", "export", "Bob"]) == 2
    assert "no profile named 'Bob'" in capsys.readouterr().err


def test_the_game_benchmark_runs_quickly_and_reports_its_figures() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_game

        figures = bench_game.main(quick=True)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    for key in ("render_fps", "frame_ms_p50", "frame_ms_p99", "rss_mb_end", "rss_growth_mb_per_min"):
        assert isinstance(figures[key], float | int), key
    assert figures["with_screenshots"]["screenshots_saved"] >= 2
    assert figures["session_reps"] >= 1
    # each session is timed from the sensor's first frame: it says how long the start took, and frames
    # kept coming while it was timed
    for session in (figures, figures["sensor_in_this_process"], figures["with_screenshots"]):
        assert 0.0 < session["sensor_start_s"] < 120.0
        assert session["sensor_frames_per_s"] > 0.5
    assert figures["session_sensor_start_s"] > 0.0


def test_the_game_benchmark_says_so_when_the_sensor_never_delivers() -> None:
    from sensors.registry import register, unregister
    from tests import child_sources

    sys.path.insert(0, str(ROOT / "benchmarks"))
    register("silentcam", child_sources.silent)
    try:
        import bench_game

        with pytest.raises(bench_game.SensorNeverStarted, match=r"silentcam:squat.* no frame in 4 s \(load"):
            bench_game._session(2.0, None, source="silentcam:squat,reps=0,realtime=1", start_timeout_s=4.0)
        with pytest.raises(bench_game.SensorNeverStarted, match=r"did not open: .*no-such-clip\.mp4"):
            bench_game._session(2.0, None, source="video:/no-such-clip.mp4", start_timeout_s=60.0)
    finally:
        unregister("silentcam")
        sys.path.remove(str(ROOT / "benchmarks"))
