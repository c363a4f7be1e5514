"""`repquest devices`: webcams OpenCV can open and connected RealSense cameras."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-index",
        type=int,
        default=8,
        metavar="N",
        help="probe webcam indices 0..N-1 (default: 8)",
    )


def _list_realsense() -> tuple[list[dict[str, Any]] | None, str]:
    """(devices, problem): devices is None when RealSense support could not be loaded."""
    try:
        from sensors.realsense import list_devices

        list_fn: Callable[[], list[dict[str, Any]]] = list_devices
    except Exception as e:  # noqa: BLE001 - a missing or broken module becomes one line
        return None, f"{type(e).__name__}: {e}"
    try:
        return list_fn(), ""
    except Exception as e:  # noqa: BLE001
        return None, f"{type(e).__name__}: {e}"


def run(args: argparse.Namespace) -> int:
    from sensors.camera.capture import list_cameras

    if args.max_index < 1:
        print("repquest devices: --max-index must be 1 or more")
        return 2
    cameras = list_cameras(args.max_index)
    print(f"Webcams (OpenCV, indices 0..{args.max_index - 1}):")
    if not cameras:
        print("  none found (use --source video:PATH or the synthetic demo)")
    for index, info in cameras:
        fps = f", {info.fps:g} fps" if info.fps else ""
        print(f"  webcam:{index}  {info.width_px}x{info.height_px}{fps}")

    devices, problem = _list_realsense()
    print("RealSense:")
    if devices is None:
        print(f"  RealSense support unavailable ({problem}); install pyrealsense2 and libusb-1.0-0")
    elif not devices:
        print("  none found")
    for d in devices or []:
        serial = d.get("serial", "?")
        extras = ", ".join(f"{k} {d[k]}" for k in ("firmware", "usb_type") if d.get(k))
        print(f"  realsense:{serial}  {d.get('name', 'RealSense')}" + (f" ({extras})" if extras else ""))
    return 0
