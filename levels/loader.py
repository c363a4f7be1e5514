"""Where packs are: the built-in ones (package data), the player's folder, and files named on the command line."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from levels.checker import load_pack
from levels.model import Level, Pack

#: the built-in packs, in the order they are listed
BUILTIN_PACKS = ("starter", "depth", "seated")


def builtin_pack_path(name: str = "starter") -> Path:
    """Path of a built-in pack shipped as package data."""
    return Path(str(resources.files("levels") / "packs" / f"{name}.yaml"))


def load_builtin(name: str = "starter") -> Pack:
    return load_pack(builtin_pack_path(name))


def builtin_packs() -> list[Pack]:
    return [load_builtin(name) for name in BUILTIN_PACKS]


def user_pack_folder() -> Path:
    """``$REPQUEST_HOME/packs``, else ``$XDG_DATA_HOME/repquest/packs``, else ``~/.local/share/repquest/packs``
    (the folder next to the game's progress file)."""
    home = os.environ.get("REPQUEST_HOME")
    if home:
        return Path(home) / "packs"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "repquest" / "packs"


def pack_folders() -> list[Path]:
    """Pack files in the player's folder: ``packs/*.yaml`` and ``packs/NAME/pack.yaml`` (sorted)."""
    folder = user_pack_folder()
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.is_file()]
    found += [p for p in folder.glob("*/pack.yaml") if p.is_file()]
    return sorted(found)


def find_level(packs: Iterable[Pack], level_id: str) -> tuple[Pack, Level]:
    """The level called ``level_id`` (or ``pack/level``); KeyError with a did-you-mean."""
    pack_id, _, wanted = level_id.rpartition("/")
    ids: list[str] = []
    for pack in packs:
        for level in pack.levels:
            ids.append(f"{pack.id}/{level.id}")
            if level.id == wanted and pack_id in ("", pack.id):
                return pack, level
    short = [i.split("/", 1)[1] for i in ids]
    close = difflib.get_close_matches(wanted, short, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(short)})"
    raise KeyError(f"unknown level '{level_id}'{hint}")
