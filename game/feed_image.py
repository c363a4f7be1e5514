"""The camera feed of every scene that shows the camera (camera check, calibration, play): the picture,
ready to blit with as little work on the game thread as possible, and the skeleton over it.

:class:`CameraFeed` is the one drawer: it letterboxes the picture in the
scene's area, mirrors it (and the skeleton) as the settings say, and draws
the skeleton. The picture comes from :class:`CameraImage`.

Scaling a 640x480 image to 960x720 and converting it to the display's pixel
format costs ~5 ms of CPU, several times that when the CPU is shared.
:class:`CameraImage` gets it done where it costs the loop least:

- a source in a child process (the real-time game): the child scales,
  mirrors and converts each image to the display's byte order
  (:class:`~sensors.display_image.DisplayTarget`, told again on a resize or a
  mirror change); here the finished pixels are copied straight from shared
  memory into one screen-format surface kept for the purpose (no allocation,
  no conversion, no thread);
- a source in this process, threaded: :class:`ImageScaler` makes it on a
  worker thread (OpenCV releases the GIL);
- stepped tests (no threads): made on the game thread.

All three make it with the same function, the child's
:func:`~sensors.display_image.to_display`.

Each scene has its own :class:`CameraFeed` and closes it on leaving; the next
scene's feed asks the source's process for its own size.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game import draw
from sensors import frame_ring
from sensors.display_image import DisplayTarget, to_display
from sensors.pose import PoseFrame
from sensors.process_sensor import DisplayImage

if TYPE_CHECKING:
    from game.app import App
    from game.poses import PoseService

Key = tuple[int, int]  #: (sensor generation, frame index)
LETTERBOX = (8, 8, 14)  #: the bars beside a picture narrower than its area


class CameraFeed:
    """A scene's camera feed: :meth:`draw` fits the picture into an area, mirrored as the player's settings
    say, and draws the skeleton over it; :meth:`close` when the scene leaves."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.image = CameraImage(threaded=app.options.threaded_feed)

    def draw(
        self,
        surface: pygame.Surface,
        area: pygame.Rect,
        frame: PoseFrame | None,
        pose: PoseFrame | None = None,
        faulty: Mapping[tuple[int, int], int] | None = None,
        width_px: int = 6,
    ) -> pygame.Rect | None:
        """The picture of ``frame`` in ``area`` (letterboxed) and ``pose``'s skeleton (default: ``frame``'s)
        over it, ``faulty`` limbs dashed; the backdrop where there is no picture yet. Returns the picture's
        rect (None without a frame)."""
        if frame is None:
            draw.backdrop(surface, area)
            return None
        app = self.app
        rect = draw.fit_rect(frame.image_size_px, area)
        mirror = app.settings.mirror
        key = (app.poses.generation, frame.index)
        image = self.image.surface(app.poses, frame, key, rect, mirror, surface)
        if rect != area or image is None:
            surface.fill(LETTERBOX, area)  # a camera image that fills the area covers it all
        if image is not None:
            surface.blit(image, rect.topleft)
        else:
            draw.backdrop(surface, rect)
        pose = pose if pose is not None else frame
        draw.draw_skeleton(surface, draw.mirrored(pose) if mirror else pose, rect, width_px=width_px, faulty=faulty)
        return rect

    @property
    def copied(self) -> int:
        """Pictures made by the source's process copied to the screen (tests)."""
        return self.image.copied

    def close(self) -> None:
        self.image.close(self.app.poses)


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
        self._key: tuple[Key, DisplayTarget] | None = None  #: the local image made last
        self._asked: tuple[Key, DisplayTarget] | None = None
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
            if self._surface is not None or (frame.rgb is None and frame_ring.available()):
                return self._surface  # None: the backdrop for the frame or two until the first one comes
            # the child's first frames, before it heard of the target (or no shared memory on this system):
            # their colour image, made here on the game thread (no scaler thread for the few frames)
            if frame.rgb is None:
                return None
            return self._local(frame.rgb, key, target, threaded=False)
        if frame.rgb is None:
            return None
        return self._local(frame.rgb, key, target, threaded=self.threaded)

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

    def _local(self, rgb: np.ndarray, key: Key, target: DisplayTarget, threaded: bool) -> pygame.Surface | None:
        """A colour image received here: made with the child's :func:`~sensors.display_image.to_display` (in
        RGB order), on the scaler's thread when ``threaded``, else here."""
        local = DisplayTarget(target.size_px, "RGB", target.mirror)
        if not threaded:
            if self._key != (key, local) or self._surface is None:
                self._surface = rgb_surface(to_display(rgb, local))
                self._key = (key, local)
            return self._surface
        if self._scaler is None:
            self._scaler = ImageScaler()
        if self._asked != (key, local):
            self._scaler.request(key, rgb, local)
            self._asked = (key, local)
        done = self._scaler.take()
        if done is not None and done[1] == local:
            self._surface = rgb_surface(done[2])
        if self._surface is not None and self._surface.get_size() == local.size_px:
            return self._surface
        return None

    def close(self, poses: PoseService) -> None:
        """Stop the scaler (if any) and let the source send its colour images again."""
        poses.set_display(None)
        if self._scaler is not None:
            self._scaler.close()


def rgb_surface(rgb: np.ndarray) -> pygame.Surface:
    """An (H, W, 3) uint8 RGB image as a surface in the display's pixel format (once per camera frame, so
    each of the more render frames blits it fast)."""
    h, w = rgb.shape[:2]
    surface = pygame.image.frombuffer(np.ascontiguousarray(rgb).data, (w, h), "RGB")  # borrows the pixels
    return surface.convert() if pygame.display.get_surface() is not None else surface.copy()


class ImageScaler:
    """Makes camera images for the screen on a worker thread (a source in this process; OpenCV releases the
    GIL), keeping only the newest request."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._request: tuple[Key, np.ndarray, DisplayTarget] | None = None
        self._done: tuple[Key, DisplayTarget, np.ndarray] | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="feed-image", daemon=True)
        self._thread.start()

    def request(self, key: Key, rgb: np.ndarray, target: DisplayTarget) -> None:
        """Ask for ``rgb`` made for ``target``; replaces any request not started yet."""
        with self._cond:
            self._request = (key, rgb, target)
            self._cond.notify()

    def take(self) -> tuple[Key, DisplayTarget, np.ndarray] | None:
        """The newest finished image (key, target, pixels), once; None when nothing new."""
        with self._cond:
            done, self._done = self._done, None
        return done

    def _work(self) -> None:
        while True:
            with self._cond:
                while self._request is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                key, rgb, target = self._request  # type: ignore[misc]
                self._request = None
            out = to_display(rgb, target)
            with self._cond:
                self._done = (key, target, out)

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
