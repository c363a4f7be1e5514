"""A camera image made ready for the screen: scaled, mirrored and in the display's byte order.

The game shows the camera picture at its window's size, 60 frames a second.
Scaling a 640x480 image to 960x720 and converting it to the display's pixel
format costs ~5 ms of CPU a frame; done in the game's process it competes
with the loop (on its thread) or holds Python's GIL at the wrong moment (on
another thread). The source's child process
(:class:`~sensors.process_sensor.ProcessSensor`) does it instead with
:func:`to_display` when the game asks for a :class:`DisplayTarget`, so the
game only copies the finished pixels onto the screen. No pygame here: the
game names the display's byte order (pygame's ``frombuffer`` words).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: byte orders the game may ask for (pygame.image.frombuffer's names); the alpha/pad byte is 255
LAYOUTS = ("BGRA", "RGBA", "ARGB", "RGB")
#: the frame's ``meta`` key for :func:`brightness` of a colour image sent as a display image instead
BRIGHTNESS = "image_brightness"


@dataclass(frozen=True)
class DisplayTarget:
    """What the game wants of each camera image: ``size_px`` (width, height) on screen, the bytes of a
    pixel in ``layout`` order, flipped left to right when ``mirror``."""

    size_px: tuple[int, int]
    layout: str = "BGRA"
    mirror: bool = False

    def __post_init__(self) -> None:
        w, h = self.size_px
        if w <= 0 or h <= 0:
            raise ValueError(f"a display image needs a positive size, found {self.size_px}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"display layout must be one of {', '.join(LAYOUTS)}, found {self.layout!r}")


def to_display(rgb: np.ndarray, target: DisplayTarget) -> np.ndarray:
    """``rgb`` (H, W, 3) uint8 as (h, w, len(layout)) uint8 in ``target``'s size, order and mirroring.

    Converted before scaling when that is cheaper (fewer source pixels), mirrored on the source."""
    import cv2  # the sources that need a display image have OpenCV (the camera's, the avatar's renderer)

    w, h = target.size_px
    src = np.ascontiguousarray(rgb)
    if target.mirror:
        src = cv2.flip(src, 1)
    layout = target.layout
    if layout == "RGB":
        out = src
    elif layout == "BGRA":
        out = cv2.cvtColor(src, cv2.COLOR_RGB2BGRA)
    elif layout == "RGBA":
        out = cv2.cvtColor(src, cv2.COLOR_RGB2RGBA)
    else:  # ARGB
        out = np.empty((*src.shape[:2], 4), np.uint8)
        out[..., 0] = 255
        out[..., 1:] = src
    if out.shape[1] != w or out.shape[0] != h:
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(out)


def brightness(rgb: np.ndarray) -> float:
    """The mean brightness of an (H, W, 3) uint8 image, 0-255 (every 8th pixel each way): what the camera
    check's light test judges. The child sends it with a frame whose colour image became a display image."""
    return float(np.asarray(rgb[::8, ::8], dtype=np.float32).mean())
