"""Which colour + depth modes a RealSense's USB link can carry (pure; no pyrealsense2).

On a USB 2 port a D400 camera cannot stream 1280x720 colour and depth at 30
fps together; librealsense then fails with a cryptic "Couldn't resolve
requests". :func:`usb2_problem` says so in one line, with the modes that fit.
"""

from __future__ import annotations

#: usable payload of a USB 2.0 high-speed link for isochronous video, bytes/s (of ~60 MB/s raw)
USB2_BUDGET_BYTES_PER_S = 40e6
#: bytes per pixel on the wire: colour (rgb8 is sent as YUYV, 2 B) + depth (z16, 2 B)
BYTES_PER_PX = 2 + 2
#: D400 colour+depth modes, largest first
MODES: tuple[tuple[int, int, int], ...] = (
    (1280, 720, 30), (1280, 720, 15), (848, 480, 30), (640, 480, 30), (848, 480, 15),
    (640, 480, 15), (640, 360, 30), (480, 270, 30), (424, 240, 30), (640, 480, 6),
)  # fmt: skip


def is_usb2(usb_type: str) -> bool:
    """librealsense's ``usb_type_descriptor`` ("2.1", "3.2", ...) names a USB 2 link."""
    return usb_type.strip().startswith("2")


def stream_bytes_per_s(width_px: int, height_px: int, fps: float) -> float:
    return width_px * height_px * fps * BYTES_PER_PX


def modes_that_fit(budget_bytes_per_s: float = USB2_BUDGET_BYTES_PER_S) -> list[tuple[int, int, int]]:
    return [m for m in MODES if stream_bytes_per_s(*m) <= budget_bytes_per_s]


def usb2_problem(usb_type: str, width_px: int, height_px: int, fps: float) -> str | None:
    """A one-line explanation when a USB 2 link cannot carry colour + depth at this mode, else None."""
    if not is_usb2(usb_type) or stream_bytes_per_s(width_px, height_px, fps) <= USB2_BUDGET_BYTES_PER_S:
        return None
    fit = ", ".join(f"--width {w} --height {h} --fps {f}" for w, h, f in modes_that_fit()[:4])
    return (
        f"the camera is on a USB {usb_type} link, which cannot carry colour and depth at "
        f"{width_px}x{height_px} {fps:g} fps; plug it into a USB 3 port (and a USB 3 cable), "
        f"or pick a mode that fits USB 2: {fit}"
    )
