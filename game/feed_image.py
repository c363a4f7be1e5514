"""The camera picture for the feed area, ready to blit, with as little work on the game thread as possible.

Scaling a 640x480 image to 960x720 and converting it to the display's pixel
format costs ~5 ms of CPU, several times that when the CPU is shared.
:class:`CameraImage` gets it done where it costs the loop least:

- a source in a child process (the real-time game): the child scales,
  mirrors and converts each image to the display's byte order
  (:class:`~sensors.display_image.DisplayTarget`, told again on a resize or a
  mirror change); here the finished pixels are copied straight from shared
  memory into one screen-format surface kept for the purpose (no allocation,
  no conversion, no thread);
- a source in this process, threaded: :class:`ImageScaler` scales on a
  worker thread (OpenCV releases the GIL);
- stepped tests (no threads): scaled on the game thread.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game import draw
from sensors import frame_ring
from sensors.display_image import DisplayTarget
from sensors.pose import PoseFrame
from sensors.process_sensor import DisplayImage

if TYPE_CHECKING:
    from game.poses import PoseService

Key = tuple[int, int]  #: (sensor generation, frame index)


def layout_of(surface: pygame.Surface) -> str:
    """The byte order of ``surface``'s pixels in pygame's ``frombuffer`` words ("BGRA" for the usual
    XRGB8888 display); "RGB" when it is not 32-bit or not one of the orders the child can make."""
    if surface.get_bytesize() != 4:
        return "RGB"
    order = ["A"] * 4
    for name, mask, shift in zip("RGB", surface.get_masks()[:3], surface.get_shifts()[:3], strict=True):
        if mask != 0xFF << shift or shift % 8:
            return "RGB"
        byte = shift // 8 if sys.byteorder == "little" else 3 - shift // 8
        order[byte] = name
    layout = "".join(order)
    return layout if layout in ("BGRA", "RGBA", "ARGB") else "RGB"


class CameraImage:
    """One scene's camera picture. ``threaded``: a source in this process is scaled on a worker thread."""

    def __init__(self, threaded: bool) -> None:
        self.threaded = threaded
        self._surface: pygame.Surface | None = None  #: what is shown now (the feed rect's size once ready)
        self._shown: DisplayImage | None = None  #: the child's image copied into it last
        self._key: tuple[Key, tuple[int, int], bool] | None = None  #: the local image scaled last
        self._asked: tuple[Key, tuple[int, int]] | None = None
        self._scaler: ImageScaler | None = None
        self.copied = 0  #: images of the child copied to the screen surface (tests)

    def surface(
        self, poses: PoseService, frame: PoseFrame, key: Key, rect: pygame.Rect, mirror: bool, screen: pygame.Surface
    ) -> pygame.Surface | None:
        """The picture of ``frame`` (or the newest the child made) at ``rect``'s size; None when there is none yet."""
        target = DisplayTarget(rect.size, layout_of(screen), mirror)
        if poses.set_display(target):  # the source's process makes it
            image = poses.display
            if image is not None and image is not self._shown:
                self._shown = image
                if image.target == target:
                    self._copy(image, screen)
            if self._surface is not None and self._surface.get_size() != rect.size:
                # resized: the last picture stretched, once, until the child's new size arrives
                self._surface = pygame.transform.scale(self._surface, rect.size)
            if self._surface is not None or frame_ring.available():
                return self._surface  # None: the backdrop for the frame or two until the first one comes
            # no shared memory on this system: the child sends the colour image itself
        if frame.rgb is None:
            return None
        return self._local(frame.rgb, key, rect.size, mirror, screen)

    def _copy(self, image: DisplayImage, screen: pygame.Surface) -> None:
        h, w = image.shape[:2]
        layout = image.target.layout
        if layout == "RGB":  # a display the child cannot match: its RGB bytes, converted here
            rgb = np.empty(image.shape, np.uint8)
            if image.copy_into(rgb):
                self._surface = pygame.image.frombuffer(rgb.tobytes(), (w, h), "RGB").convert(screen)
                self.copied += 1
            return
        surface = self._surface
        if surface is None or surface.get_size() != (w, h) or surface.get_masks() != screen.get_masks():
            surface = pygame.Surface((w, h), 0, screen)  # the screen's pixel format: the blit is a plain copy
        pixels = np.frombuffer(surface.get_buffer(), np.uint8).reshape(h, surface.get_pitch())
        # a False here (the child reused the slot mid-copy: 4 of its frames in a ~1 ms copy) leaves a mixed
        # picture that the next image replaces; a slot already reused before the copy is not copied
        if image.copy_into(pixels[:, : w * 4].reshape(h, w, 4)):
            self.copied += 1
        del pixels  # the surface stays locked while its pixels are viewed
        self._surface = surface

    def _local(
        self, rgb: np.ndarray, key: Key, size_px: tuple[int, int], mirror: bool, screen: pygame.Surface
    ) -> pygame.Surface | None:
        """A source in this process: scaled on the scaler's thread when threaded, else here."""
        if not self.threaded:
            if self._key != (key, size_px, mirror) or self._surface is None:
                self._surface = _oriented(draw.rgb_surface(rgb, size_px), mirror)
                self._key = (key, size_px, mirror)
            return self._surface
        if self._scaler is None:
            self._scaler = ImageScaler()
        if self._asked != (key, size_px):
            self._scaler.request(key, rgb, size_px)
            self._asked = (key, size_px)
        done = self._scaler.take()
        if done is not None and done[1] == size_px:
            image = pygame.image.frombuffer(done[2], done[1], "RGB")
            self._surface = _oriented(image.convert() if screen.get_bitsize() == 32 else image.copy(), mirror)
        if self._surface is not None and self._surface.get_size() == size_px:
            return self._surface
        return None

    def close(self, poses: PoseService) -> None:
        """Stop the scaler (if any) and let the source send its colour images again."""
        poses.set_display(None)
        if self._scaler is not None:
            self._scaler.close()


def _oriented(image: pygame.Surface, mirror: bool) -> pygame.Surface:
    return pygame.transform.flip(image, True, False) if mirror else image


class ImageScaler:
    """Scales camera images on a worker thread (a source in this process), keeping only the newest request."""

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
