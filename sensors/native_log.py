"""Keep native libraries' log lines off the player's terminal.

MediaPipe, TensorFlow Lite and librealsense write diagnostics straight to
file descriptor 2 from C++ threads ("Created TensorFlow Lite XNNPACK
delegate", "Feedback manager requires a model..."), which buries RepQuest's
own one-line messages. While a command runs, fd 2 points at a log file and
Python's ``sys.stderr`` at a duplicate of the original terminal, so only
RepQuest's messages reach the user. ``REPQUEST_NATIVE_LOG=-`` turns this off;
``REPQUEST_NATIVE_LOG=PATH`` picks the file.

The sensors library is quiet by default too, not only under ``repquest``
commands: :func:`quiet_native_logs` (called before MediaPipe or librealsense
is first loaded) redirects fd 2 for the rest of the process the same way,
unless stderr is already redirected or captured (a ``repquest`` command,
pytest) or ``REPQUEST_NATIVE_LOG=-``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ENV = "REPQUEST_NATIVE_LOG"


def default_log_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "repquest" / "native.log"


_quieted = False


def quiet_native_logs() -> Path | None:
    """Send native log lines to the log file for the rest of the process (idempotent).

    Returns the log path, or None when nothing was redirected."""
    global _quieted
    if _quieted:
        return None
    _quieted = True
    setting = os.environ.get(ENV, "")
    stderr = sys.stderr
    if setting == "-" or stderr is None or stderr is not sys.__stderr__:
        return None
    path = Path(setting) if setting else default_log_path()
    try:
        stderr.flush()
        path.parent.mkdir(parents=True, exist_ok=True)
        log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.stderr = terminal
    return path


@contextlib.contextmanager
def native_stderr_to_log() -> Iterator[Path | None]:
    """Redirect fd 2 to the native log for the duration; yields the log path (None when off)."""
    setting = os.environ.get(ENV, "")
    old_stderr = sys.stderr
    if setting == "-" or old_stderr is not sys.__stderr__ or old_stderr is None:  # off, captured, or no stderr
        yield None
        return
    path = Path(setting) if setting else default_log_path()
    try:
        old_stderr.flush()
        path.parent.mkdir(parents=True, exist_ok=True)
        log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        saved_fd = os.dup(2)
    except (OSError, ValueError, io.UnsupportedOperation):
        yield None  # no usable fd 2 (embedded, odd capture): leave things as they are
        return
    terminal = os.fdopen(os.dup(saved_fd), "w", buffering=1, encoding="utf-8", errors="replace")
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.stderr = terminal
    try:
        yield path
    finally:
        terminal.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        sys.stderr = old_stderr
        terminal.close()
