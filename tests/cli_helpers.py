"""Running the ``repquest`` CLI in-process from tests."""

from __future__ import annotations

import pytest

from game.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``main(argv)`` with argparse's SystemExit turned into an exit code; returns ``(code, stdout, stderr)``."""
    try:
        code = main(list(argv))
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
