"""The player's best stars per level, kept between sessions in a small JSON file.

Where: ``$REPQUEST_HOME/progress.json``, else ``$XDG_DATA_HOME/repquest/``,
else ``~/.local/share/repquest/``. A missing or unreadable file means "no
progress yet"; it never stops the game.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def progress_path() -> Path:
    home = os.environ.get("REPQUEST_HOME")
    if home:
        return Path(home) / "progress.json"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "repquest" / "progress.json"


def _key(pack_id: str, level_id: str) -> str:
    return f"{pack_id}/{level_id}"


def load_stars(pack_id: str, path: Path | None = None) -> dict[str, int]:
    """Best stars per level id of ``pack_id`` ({} when there is no readable file)."""
    try:
        data = json.loads((path or progress_path()).read_text(encoding="utf-8"))
        stars = data["stars"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(stars, dict):  # a hand-edited or foreign file
        return {}
    prefix = f"{pack_id}/"
    return {k[len(prefix) :]: int(v) for k, v in stars.items() if k.startswith(prefix) and isinstance(v, int)}


def save_stars(pack_id: str, best_stars: dict[str, int], path: Path | None = None) -> bool:
    """Merge ``best_stars`` into the file (keeping other packs); False when it cannot be written."""
    path = path or progress_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        old = data.get("stars") if isinstance(data, dict) else None
        stars = dict(old) if isinstance(old, dict) else {}
    except (OSError, ValueError):
        stars = {}
    for level_id, n in best_stars.items():
        key = _key(pack_id, level_id)
        stars[key] = max(int(n), int(stars.get(key, 0)) if isinstance(stars.get(key), int) else 0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": 1, "stars": stars}, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return False
    return True
