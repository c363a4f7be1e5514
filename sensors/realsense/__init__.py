"""Intel RealSense sources: ``realsense[:serial]`` (live) and ``realsense-file:PATH`` (recording).

Both align depth to colour, run MediaPipe pose on the colour image and fuse
the landmarks with depth (:mod:`sensors.realsense.fusion`). Importing this
package does not import pyrealsense2 or MediaPipe; opening a source does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sensors.realsense.device import RealSenseLiveSensor
    from sensors.realsense.playback import RealSenseFileSensor
    from sensors.registry import SourceOptions

__all__ = ["list_devices", "open_file", "open_live"]


def open_live(target: str, options: SourceOptions) -> RealSenseLiveSensor:
    """``realsense[:serial]`` -> an unopened live sensor."""
    from sensors.realsense.device import open_live as _open_live

    return _open_live(target, options)


def open_file(target: str, options: SourceOptions) -> RealSenseFileSensor:
    """``realsense-file:PATH`` -> an unopened recording sensor."""
    from sensors.realsense.playback import open_file as _open_file

    return _open_file(target, options)


def list_devices() -> list[dict[str, Any]]:
    """Connected RealSense cameras as dicts (name, serial, firmware, usb_type, product_line); [] when none."""
    from sensors.realsense.device import list_devices as _list_devices

    return _list_devices()
