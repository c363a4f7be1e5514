"""Camera images scaled for the screen off the game thread.

Scaling a 640x480 image to 960x720 costs a few milliseconds, and several
times that when the CPU is shared; done on the game thread it stretches
frames past 16.7 ms. :class:`ImageScaler` scales on a worker thread with
OpenCV (which releases the GIL) and keeps only the newest request; the game
thread turns the finished pixels into a surface (a copy) and blits it.
"""

from __future__ import annotations

import threading

import numpy as np

Key = tuple[int, int]  #: (sensor generation, frame index)


class ImageScaler:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._request: tuple[Key, np.ndarray, tuple[int, int]] | None = None
        self._done: tuple[Key, tuple[int, int], bytes] | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="feed-image", daemon=True)
        self._thread.start()

    def request(self, key: Key, rgb: np.ndarray, size_px: tuple[int, int]) -> None:
        """Ask for ``rgb`` scaled to ``size_px``; replaces any request not started yet."""
        with self._cond:
            self._request = (key, rgb, size_px)
            self._cond.notify()

    def take(self) -> tuple[Key, tuple[int, int], bytes] | None:
        """The newest finished image (key, size, RGB bytes), once; None when nothing new."""
        with self._cond:
            done, self._done = self._done, None
        return done

    def _work(self) -> None:
        import cv2

        while True:
            with self._cond:
                while self._request is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                key, rgb, size_px = self._request  # type: ignore[misc]
                self._request = None
            h, w = rgb.shape[:2]
            out = rgb if (w, h) == size_px else cv2.resize(rgb, size_px, interpolation=cv2.INTER_LINEAR)
            data = np.ascontiguousarray(out).tobytes()
            with self._cond:
                self._done = (key, size_px, data)

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
