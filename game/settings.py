"""The player's settings, kept in their profile: source, mirror, volume, large text, colour-blind palette."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from game.store import ProfileStore


@dataclass
class Settings:
    source: str | None = None  #: a source spec, or None for the command line's / automatic choice
    mirror: bool = False  #: show the camera as a mirror (off: the picture as the camera sees it)
    volume: float = 0.7
    muted: bool = False
    large_text: bool = False
    colour_blind: bool = False  #: Okabe-Ito blue/orange/vermillion instead of green/amber/red

    @classmethod
    def load(cls, store: ProfileStore) -> Settings:
        saved = store.settings()
        out = cls()
        for f in fields(cls):
            value = saved.get(f.name)
            default = getattr(out, f.name)
            if f.name == "source" and (value is None or isinstance(value, str)):
                out.source = value or None
            elif isinstance(default, bool) and isinstance(value, bool):
                setattr(out, f.name, value)
            elif isinstance(default, float) and isinstance(value, int | float) and not isinstance(value, bool):
                setattr(out, f.name, max(0.0, min(1.0, float(value))))
        return out

    def save(self, store: ProfileStore) -> None:
        for key, value in asdict(self).items():
            store.set_setting(key, value)
