"""What the README shows runs as shown."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from levels import load_pack

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(section: str, lang: str) -> str:
    match = re.search(rf"## {re.escape(section)}.*?```{lang}\n(.*?)```", README, re.S)
    assert match is not None, f"README section '{section}' has no {lang} block"
    return match.group(1)


def test_sensor_layer_script_prints_knee_angles(tmp_path: Path) -> None:
    script = _block("Using the sensor layer from any game loop", "python")
    assert len(script.strip().splitlines()) <= 12
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    angles = [float(m) for m in re.findall(r"left knee\s+([\d.]+) deg", proc.stdout)]
    assert len(angles) >= 10
    assert max(angles) > 160  # standing
    assert min(angles) < 110  # at the bottom of a squat


def test_level_pack_example_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "legs-day.yaml"
    path.write_text(_block("Writing a level pack", "yaml"), encoding="utf-8")
    pack = load_pack(path)
    assert [level.id for level in pack.levels] == ["warm-up", "lunge-circuit"]
    assert [level.mode for level in pack.levels] == ["classic", "circuit"]


def test_level_pack_error_example_is_what_validate_prints(tmp_path: Path) -> None:
    shown = re.search(r"^(legs-day\.yaml:\d+:\d+: .*)$", README, re.M)
    assert shown is not None
    path = tmp_path / "legs-day.yaml"
    path.write_text(_block("Writing a level pack", "yaml").replace("exercise: squat", "exercise: squats", 1), "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "game", "levels", "validate", "legs-day.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == shown.group(1)
