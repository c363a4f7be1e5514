"""``realsense[:serial]``: a live Intel RealSense camera.

Colour (rgb8) and depth (z16) are streamed together, depth is aligned to
colour, MediaPipe runs on the colour image and the landmarks are fused with
depth. Only the newest frameset is processed (older ones are drained), so
latency never queues up. Frame times are converted to monotonic seconds.
"""

from __future__ import annotations

import time
from typing import Any

from sensors.contract import Capabilities
from sensors.errors import SourceUnavailable
from sensors.realsense._rs import first_line, import_rs
from sensors.realsense._stream import POLL_S, RealSenseSensor, split_target
from sensors.realsense.fusion import FusionParams
from sensors.realsense.usb import usb2_problem
from sensors.registry import SourceOptions

NO_CAMERA = "no RealSense camera found (is it plugged in? run `repquest devices`)"
DEFAULT_SIZE_PX = (640, 480)
DEFAULT_FPS = 30
#: no frame for this long -> the camera is considered gone
STALL_S = 5.0

_INFO_FIELDS = {
    "name": "name",
    "serial": "serial_number",
    "firmware": "firmware_version",
    "usb_type": "usb_type_descriptor",
    "product_line": "product_line",
}


def _info(device: Any, rs: Any, field: str) -> str:
    key = getattr(rs.camera_info, field)
    try:
        return str(device.get_info(key)) if device.supports(key) else ""
    except RuntimeError:
        return ""


def list_devices() -> list[dict[str, str]]:
    """Connected RealSense cameras: ``[{name, serial, firmware, usb_type, product_line}]``."""
    rs = import_rs()
    try:
        devices = list(rs.context().query_devices())
    except RuntimeError as e:
        raise SourceUnavailable(f"realsense: librealsense cannot list cameras ({first_line(e)})") from e
    return [{key: _info(d, rs, field) for key, field in _INFO_FIELDS.items()} for d in devices]


class DeviceClock:
    """Maps a camera's frame timestamps (ms) to monotonic seconds, never going back.

    System and global time are milliseconds since the epoch: shifted by the
    wall-to-monotonic offset taken at the first frame. A hardware clock has
    its own origin: its first frame is placed at that frame's arrival time.
    """

    def __init__(self) -> None:
        self._offset_s: float | None = None  # monotonic - device seconds
        self._last_t_s = -float("inf")

    def to_monotonic_s(self, timestamp_ms: float, wall_clock: bool, now_monotonic_s: float, now_wall_s: float) -> float:
        ts_s = timestamp_ms / 1000.0
        if self._offset_s is None:
            self._offset_s = now_monotonic_s - (now_wall_s if wall_clock else ts_s)
        t_s = max(ts_s + self._offset_s, self._last_t_s)
        self._last_t_s = t_s
        return t_s


class RealSenseLiveSensor(RealSenseSensor):
    """A RealSense camera -> MediaPipe pose -> depth fusion."""

    scheme = "realsense"

    def __init__(
        self, serial: str, options: SourceOptions, fusion: FusionParams | None = None, orientation: str = "auto"
    ) -> None:
        super().__init__(options, fusion, orientation)
        self.serial = serial.strip()
        self._fps = float(options.fps or DEFAULT_FPS)
        self._clock = DeviceClock()
        self._last_number: int | None = None
        self._index = -1
        self._last_frame_wall = 0.0
        self._device_info: dict[str, str] = {}

    def describe(self) -> str:
        return f"realsense:{self.serial}" if self.serial else "realsense"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            has_depth=True, has_images=True, nominal_fps=self._fps, is_live=True, is_finite=False, fuses_depth=True,
            has_imu=self.has_imu,
        )  # fmt: skip

    @property
    def _lossless(self) -> bool:
        return False

    def _start_pipeline(self) -> tuple[Any, Any]:
        rs = self._rs
        found = list_devices()
        if not found:
            raise SourceUnavailable(NO_CAMERA)
        if self.serial and self.serial not in {d["serial"] for d in found}:
            serials = ", ".join(f"{d['serial']} ({d['name']})" for d in found)
            raise SourceUnavailable(
                f"realsense:{self.serial}: no RealSense camera with that serial number (connected: {serials})"
            )
        width, height = self.options.width_px or DEFAULT_SIZE_PX[0], self.options.height_px or DEFAULT_SIZE_PX[1]
        fps = round(self._fps)
        chosen = next((d for d in found if d["serial"] == self.serial), found[0]) if self.serial else found[0]
        problem = usb2_problem(chosen.get("usb_type", ""), width, height, fps)
        if problem is not None:
            raise SourceUnavailable(f"{self.describe()}: {problem}")
        pipeline = rs.pipeline()
        attempts = (
            ((width, height), (width, height)),  # same size for both streams
            ((width, height), (0, 0)),  # any depth size the camera offers
        )
        last_error: RuntimeError | None = None
        for (cw, ch), (dw, dh) in attempts:
            config = rs.config()
            if self.serial:
                config.enable_device(self.serial)
            config.enable_stream(rs.stream.color, cw, ch, rs.format.rgb8, fps)
            config.enable_stream(rs.stream.depth, dw, dh, rs.format.z16, fps)
            try:
                profile = pipeline.start(config)
            except RuntimeError as e:
                last_error = e
                continue
            device = profile.get_device()
            self._device_info = {key: _info(device, rs, field) for key, field in _INFO_FIELDS.items()}
            self._last_frame_wall = time.monotonic()
            return pipeline, profile
        assert last_error is not None
        raise SourceUnavailable(
            f"{self.describe()}: cannot stream colour {width}x{height} + depth at {fps} fps "
            f"({first_line(last_error)}); try another --width/--height/--fps"
        )

    def _device_time_to_monotonic(self, frame: Any) -> float:
        """A frame's timestamp (ms, device or system clock) -> monotonic seconds."""
        rs = self._rs
        wall = frame.get_frame_timestamp_domain() in (rs.timestamp_domain.system_time, rs.timestamp_domain.global_time)
        return self._clock.to_monotonic_s(float(frame.get_timestamp()), wall, time.monotonic(), time.time())

    def _next_frameset(self) -> tuple[Any, int, float] | None:
        ok, frameset = self._pipeline.try_wait_for_frames(int(POLL_S * 1000))
        if not ok:
            if time.monotonic() - self._last_frame_wall > STALL_S:
                raise SourceUnavailable(
                    f"{self.describe()}: the camera stopped sending frames for {STALL_S:.0f} s (unplugged?)"
                )
            return None
        seen = 1
        while True:  # keep only the newest frameset
            newer = self._pipeline.poll_for_frames()
            if not newer:
                break
            frameset, seen = newer, seen + 1
        self._last_frame_wall = time.monotonic()
        colour = frameset.get_color_frame()
        if not colour:
            return None
        number = colour.get_frame_number()
        if number == self._last_number:
            return None
        self._last_number = number
        self._index += seen  # frames drained unprocessed still count
        return frameset, self._index, self._device_time_to_monotonic(colour)

    def _extra_meta(self) -> dict[str, Any]:
        return {"device": dict(self._device_info)}


def open_live(target: str, options: SourceOptions) -> RealSenseLiveSensor:
    """Registry factory for ``realsense[:SERIAL][,surface_offset=...][,orientation=...]``."""
    serial, fusion, orientation = split_target(target, "realsense")
    return RealSenseLiveSensor(serial, options, fusion, orientation)
