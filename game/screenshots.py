"""Screenshots: one when each scene settles, and every few seconds of play.

The frame is copied on the game thread (``tobytes`` in the surface's own
32-bit layout: under half a millisecond at 1280x720, where ``surfarray.array3d``
takes over ten); unpacking, PNG encoding and writing happen on a writer thread (OpenCV releases the GIL while it
encodes), so a screenshot never stretches a frame. :meth:`Screenshotter.flush`
waits for the files.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np
import pygame

SETTLE_S = 0.8  #: a scene is captured once it has been shown this long
PLAY_EVERY_S = 5.0  #: the play scene is captured again every this many seconds


class Screenshotter:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.saved: list[Path] = []
        self._last_scene: str | None = None
        self._last_age_s = -1.0
        self._next_s = 0.0
        self._just_saved = False
        self._queue: queue.Queue[tuple[Path, bytes, tuple[int, int]] | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write, name="screenshots", daemon=True)
        self._writer.start()
        self.errors: list[str] = []

    def save(self, surface: pygame.Surface, label: str) -> Path:
        """Copy ``surface`` now; the PNG is written by the writer thread (see :meth:`flush`)."""
        path = self.folder / f"{len(self.saved) + 1:02d}-{label}.png"
        pixels = pygame.image.tobytes(surface, "RGBX")  # a plain copy, no per-pixel work here
        self._queue.put((path, pixels, surface.get_size()))
        self.saved.append(path)
        self._just_saved = True
        return path

    def _write(self) -> None:
        import cv2

        while True:
            item = self._queue.get()
            if item is None:
                self._queue.task_done()
                return
            path, pixels, (w, h) = item
            try:
                rgbx = np.frombuffer(pixels, np.uint8).reshape(h, w, 4)
                bgr = np.ascontiguousarray(rgbx[:, :, 2::-1])
                tmp = path.with_name(path.stem + ".part.png")  # the file appears whole, never half-written
                if cv2.imwrite(str(tmp), bgr):
                    tmp.replace(path)
                else:
                    self.errors.append(f"could not write {path}")
            except Exception as e:  # noqa: BLE001 - a failed screenshot never stops the game
                self.errors.append(f"{path}: {e}")
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        """Wait until every screenshot asked for is on disk."""
        self._queue.join()

    def close(self) -> None:
        """Write every screenshot asked for, then stop the writer thread; harmless twice."""
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join()

    def maybe_save(self, surface: pygame.Surface, scene: str, age_s: float, settle_s: float = SETTLE_S) -> Path | None:
        """Save once ``scene`` (shown for ``age_s``) has settled (``settle_s``), then every PLAY_EVERY_S in play."""
        if age_s < self._last_age_s:  # a new scene (or the same kind entered again)
            self._last_scene = None
        self._last_age_s = age_s
        if self._just_saved:  # a requested shot counts as this period's
            self._just_saved = False
            self._next_s = age_s + PLAY_EVERY_S
        if age_s < settle_s:
            return None
        if self._last_scene != scene:
            self._last_scene = scene
            self._next_s = age_s + PLAY_EVERY_S
            return self.save(surface, scene)
        if scene == "play" and age_s >= self._next_s:
            self._next_s = age_s + PLAY_EVERY_S
            return self.save(surface, scene)
        return None
