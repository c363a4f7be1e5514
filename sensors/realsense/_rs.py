"""Small pyrealsense2 glue shared by the live, file and testing modules."""

from __future__ import annotations

from typing import Any

import numpy as np

from sensors.errors import MissingDependency
from sensors.realsense.fusion import Intrinsics

_INSTALL = "pip install pyrealsense2 (and on Debian: apt-get install libusb-1.0-0)"


def import_rs() -> Any:
    """``pyrealsense2``, or :class:`MissingDependency` naming the install command."""
    from sensors.native_log import quiet_native_logs

    quiet_native_logs()  # librealsense logs from C++ straight to fd 2
    try:
        import pyrealsense2 as rs
    except ImportError as e:
        raise MissingDependency(f"pyrealsense2 cannot be imported ({e}); install it with: {_INSTALL}") from e
    return rs


def first_line(error: BaseException) -> str:
    """The useful part of a librealsense error, on one line."""
    text = " ".join(str(error).split())
    _, sep, reason = text.partition("Reason: ")
    return (reason if sep else text) or type(error).__name__


def intrinsics_from_rs(intr: Any) -> Intrinsics:
    """``rs.intrinsics`` -> :class:`Intrinsics`."""
    return Intrinsics(
        width_px=int(intr.width),
        height_px=int(intr.height),
        fx_px=float(intr.fx),
        fy_px=float(intr.fy),
        ppx_px=float(intr.ppx),
        ppy_px=float(intr.ppy),
        model=str(intr.model.name),
        coeffs=tuple(float(c) for c in intr.coeffs[:5]),  # type: ignore[arg-type]
    )


def intrinsics_to_rs(intr: Intrinsics) -> Any:
    """:class:`Intrinsics` -> ``rs.intrinsics``."""
    rs = import_rs()
    out = rs.intrinsics()
    out.width, out.height = intr.width_px, intr.height_px
    out.fx, out.fy, out.ppx, out.ppy = intr.fx_px, intr.fy_px, intr.ppx_px, intr.ppy_px
    out.model = getattr(rs.distortion, intr.model)
    out.coeffs = list(intr.coeffs)
    return out


def colour_to_rgb(frame: Any) -> np.ndarray:
    """A colour ``rs.video_frame`` -> a fresh (H, W, 3) uint8 RGB array.

    Raises ValueError for pixel formats other than rgb8/bgr8/rgba8/bgra8.
    """
    rs = import_rs()
    fmt = frame.profile.format()
    data = np.asanyarray(frame.get_data())
    if fmt == rs.format.rgb8:
        return np.array(data, dtype=np.uint8, copy=True)
    if fmt == rs.format.bgr8:
        return np.ascontiguousarray(data[..., ::-1])
    if fmt == rs.format.rgba8:
        return np.ascontiguousarray(data[..., :3])
    if fmt == rs.format.bgra8:
        return np.ascontiguousarray(data[..., 2::-1])
    raise ValueError(f"colour format {fmt.name}: expected rgb8, bgr8, rgba8 or bgra8")


def depth_to_metres(frame: Any, depth_scale_m: float) -> np.ndarray:
    """A z16 ``rs.depth_frame`` -> a fresh (H, W) float32 array in metres (0 = no depth)."""
    raw = np.asanyarray(frame.get_data())
    return raw.astype(np.float32) * np.float32(depth_scale_m)
