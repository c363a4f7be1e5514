"""Shared fixtures: the real data folder, headless SDL, temporary outputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# pygame must never try to open a window or a sound card in tests
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("REPQUEST_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip with a reason where it is absent."""
    if not (SHARED_DATA / "labels.csv").is_file():
        pytest.skip(f"real data not found at {SHARED_DATA} (set REPQUEST_SHARED_DATA to the shared/data folder)")
    return SHARED_DATA
