"""The README's two commands, the shared setup script and .ci/run."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("setup.sh", "play.sh", "test.sh")


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## The two commands.*?```bash\n(.*?)```", text, re.S)
    assert block is not None, "README has no 'The two commands' section with a bash block"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_names_the_play_and_test_scripts() -> None:
    assert _readme_commands() == ["bash scripts/play.sh", "bash scripts/test.sh"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = ROOT / ".ci" / "run"
    assert ci.stat().st_mode & stat.S_IXUSR
    lines = [ln.strip() for ln in ci.read_text(encoding="utf-8").splitlines()]
    commands = [ln for ln in lines if ln and not ln.startswith("#") and not ln.startswith(("set ", "cd "))]
    assert commands == [_readme_commands()[1]]


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_is_valid_bash(name: str) -> None:
    proc = subprocess.run(["bash", "-n", str(ROOT / "scripts" / name)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_setup_rejects_a_python_that_is_not_311(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON": "/nonexistent/python3.11", "REPQUEST_VENV": str(tmp_path / "venv")}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "setup.sh")], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "PYTHON=/nonexistent/python3.11 is not a working Python 3.11" in proc.stderr
    assert not (tmp_path / "venv").exists()


@pytest.mark.slow
def test_setup_installs_once_then_skips_pip(tmp_path: Path) -> None:
    """A venv that sees this environment's packages: the first run installs RepQuest, the second is quick."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {**os.environ, "REPQUEST_VENV": str(venv), "PYTHON": sys.executable}
    setup = ["bash", str(ROOT / "scripts" / "setup.sh")]

    first = subprocess.run(setup, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "installing RepQuest" in first.stderr
    assert (venv / ".repquest-install").is_file()

    start_s = time.monotonic()
    second = subprocess.run(setup, capture_output=True, text=True, env=env, timeout=60)
    assert second.returncode == 0, second.stderr
    assert "installing" not in second.stderr
    assert time.monotonic() - start_s < 10
    assert subprocess.run([str(venv / "bin" / "repquest"), "levels", "list"], capture_output=True).returncode == 0
