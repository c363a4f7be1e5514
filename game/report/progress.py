"""A small text progress bar for long inputs, written to stderr.

It redraws one line with ``\\r`` when the stream is a terminal and prints a
line every ~10 % otherwise (so logs stay short). No dependency.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30
#: non-TTY streams get a line at most this often
LOG_EVERY_S = 5.0


class ProgressBar:
    """``bar.update(done)`` as work proceeds, ``bar.close()`` at the end.

    ``total`` may be None when the length is unknown (then only the count and
    the rate are shown). Disabled bars do nothing.
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        stream: TextIO | None = None,
        enabled: bool = True,
        min_interval_s: float = 0.1,
    ) -> None:
        self.label = label
        self.total = total if total and total > 0 else None
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._min_interval_s = min_interval_s if self._tty else LOG_EVERY_S
        self._start_s = time.perf_counter()
        self._last_draw_s = -float("inf")
        self._done = 0
        self._drawn = False

    def update(self, done: int) -> None:
        """Report that ``done`` items are finished (absolute, not an increment)."""
        self._done = done
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last_draw_s >= self._min_interval_s:
            self._last_draw_s = now
            self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line."""
        if not self.enabled:
            return
        self._draw(time.perf_counter())
        if self._tty:
            self.stream.write("\n")
        self.stream.flush()
        self.enabled = False

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _draw(self, now_s: float) -> None:
        self.stream.write(
            ("\r" if self._tty else "") + format_progress(self.label, self._done, self.total, now_s - self._start_s)
        )
        if not self._tty:
            self.stream.write("\n")
        self.stream.flush()
        self._drawn = True


def format_progress(label: str, done: int, total: int | None, elapsed_s: float) -> str:
    """One line: ``label [#####.....]  45% 405/900 frames  38.2 fps  eta 13 s``."""
    rate = done / elapsed_s if elapsed_s > 0 else 0.0
    if total is None:
        return f"{label} {done} frames  {rate:5.1f} fps  {elapsed_s:4.0f} s"
    frac = min(max(done / total, 0.0), 1.0)
    filled = round(frac * BAR_WIDTH)
    eta = f"eta {(total - done) / rate:4.0f} s" if rate > 0 and done < total else f"{elapsed_s:4.0f} s"
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    return f"{label} [{bar}] {frac:4.0%} {done}/{total} frames  {rate:5.1f} fps  {eta}"
