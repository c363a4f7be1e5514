"""Watch a pack file (and the exercise files it names) for changes: ``repquest play --pack FILE --watch``."""

from __future__ import annotations

import time
from pathlib import Path

from levels.checker import Report, check_file

POLL_EVERY_S = 0.5


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class PackWatcher:
    """``poll()`` returns a fresh :class:`Report` when the pack or one of its exercise files changed, else None.

    Checks the files' modification time and size at most every ``every_s`` seconds (cheap enough per frame)."""

    def __init__(self, path: Path | str, every_s: float = POLL_EVERY_S) -> None:
        self.path = Path(path)
        self.every_s = every_s
        self.report = check_file(self.path)
        self._files = self._watched()
        self._stamps = {p: _stamp(p) for p in self._files}
        self._next_s = time.monotonic() + every_s

    def _watched(self) -> list[Path]:
        extra = [Path(p) for p in self.report.pack.exercises] if self.report.pack is not None else []
        return [self.path, *extra]

    def changed(self) -> bool:
        return any(_stamp(p) != s for p, s in self._stamps.items())

    def poll(self, now_s: float | None = None) -> Report | None:
        now_s = time.monotonic() if now_s is None else now_s
        if now_s < self._next_s:
            return None
        self._next_s = now_s + self.every_s
        if not self.changed():
            return None
        self.report = check_file(self.path)
        self._files = self._watched()
        self._stamps = {p: _stamp(p) for p in self._files}
        return self.report
