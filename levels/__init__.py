"""Level packs: a YAML schema, a loader with ``file:line:column`` errors, built-in packs."""

from levels.loader import builtin_pack_path, find_level, load_builtin, load_pack
from levels.schema import Goal, Level, Pack, Unlock

__all__ = ["Goal", "Level", "Pack", "Unlock", "builtin_pack_path", "find_level", "load_builtin", "load_pack"]
