"""What live and recorded RealSense sources share: a worker that turns
colour + depth framesets into fused pose frames.

The worker thread owns the pipeline's frames, the ``rs.align`` block and the
MediaPipe estimator. It hands frames to :meth:`Sensor.read` through a
:class:`~sensors.latest.LatestSlot`: live cameras and real-time playback
overwrite it (only the newest frame is kept, latency never queues up);
as-fast-as-possible playback waits until the reader took the frame, so no
frame is lost.
"""

from __future__ import annotations

import contextlib
import threading
from abc import abstractmethod
from typing import Any

import numpy as np

from sensors.camera.estimator import PoseEstimator
from sensors.contract import Sensor
from sensors.errors import SensorError, SourceSpecError, SourceUnavailable
from sensors.latest import LatestSlot, SlotClosed
from sensors.pose import PoseFrame
from sensors.realsense._rs import colour_to_rgb, depth_to_metres, first_line, import_rs, intrinsics_from_rs
from sensors.realsense.fusion import TYPICAL_SURFACE_OFFSET_M, FusionParams, Intrinsics, fuse_depth
from sensors.realsense.imu import MotionStream
from sensors.registry import SourceOptions, parse_target

#: how long the worker blocks on the pipeline before checking whether it must stop
POLL_S = 0.1

ORIENTATIONS = ("auto", "upright", "off")
TARGET_HELP = "surface_offset=typical|METRES (default 0) and orientation=auto|upright|off"


def split_target(target: str, scheme: str) -> tuple[str, FusionParams, str]:
    """``"a.db3,surface_offset=typical"`` -> ``("a.db3", FusionParams(...), "auto")``.

    Trailing ``key=value`` parts are parameters (:func:`sensors.registry.parse_target`):
    ``surface_offset`` (``typical`` = :data:`TYPICAL_SURFACE_OFFSET_M`, or
    metres) and ``orientation`` (upright inference, see the estimator).
    """
    head, params = parse_target(target, scheme, {"surface_offset", "orientation"}, TARGET_HELP)
    orientation = params.get("orientation", "auto")
    if orientation not in ORIENTATIONS:
        raise SourceSpecError(f"source '{scheme}': orientation={orientation!r}; expected auto, upright or off")
    offset_text = params.get("surface_offset", "0")
    offset: float | np.ndarray
    if offset_text == "typical":
        offset = TYPICAL_SURFACE_OFFSET_M
    else:
        try:
            offset = float(offset_text)
        except ValueError:
            offset = float("nan")
        if not 0.0 <= offset <= 0.3:
            raise SourceSpecError(
                f"source '{scheme}': surface_offset={offset_text!r}; expected 'typical' or metres from 0 to 0.3"
            )
    return head, FusionParams(surface_offset_m=offset), orientation


class RealSenseSensor(Sensor):
    """Base of ``realsense`` and ``realsense-file``; subclasses start the pipeline and number frames."""

    def __init__(self, options: SourceOptions, fusion: FusionParams | None = None, orientation: str = "auto") -> None:
        super().__init__()
        self.options = options
        self.fusion = fusion or FusionParams()
        self.orientation = orientation
        self._rs: Any = None
        self._pipeline: Any = None
        self._align: Any = None
        self._estimator: PoseEstimator | None = None
        self._depth_scale_m = 0.001
        self._intrinsics: Intrinsics | None = None
        self._motion: MotionStream | None = None  # the IMU (D435i, D455), on its own frame queue
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._slot = LatestSlot[PoseFrame]()  # replaced in _open (lossless or not: the subclass knows then)
        self._finished = False  # the stream has no more framesets

    # -- for subclasses ----------------------------------------------------------
    @property
    @abstractmethod
    def _lossless(self) -> bool:
        """True: the worker waits for the reader (no frame dropped)."""

    @abstractmethod
    def _start_pipeline(self) -> tuple[Any, Any]:
        """Start and return ``(pipeline, profile)``; raise SourceUnavailable on failure."""

    @abstractmethod
    def _next_frameset(self) -> tuple[Any, int, float] | None:
        """The next ``(frameset, index, t_s)`` to process; None when there is none yet.

        Call :meth:`_finish` when a finite stream is exhausted; raise
        SourceUnavailable when the device fails.
        """

    def _extra_meta(self) -> dict[str, Any]:
        return {}

    def _begin(self) -> None:
        """Called once the streams (and the IMU's queue) are set up: let frames flow."""

    def _stream_ended(self) -> bool:
        """True when a finite stream has played its last frame (no more motion frames will come)."""
        return False

    @property
    def has_imu(self) -> bool:
        """The device (or recording) has an accelerometer: frames carry ``gravity_camera``."""
        return self._motion is not None

    @property
    def intrinsics(self) -> Intrinsics | None:
        """The colour camera's intrinsics (depth is aligned to it); None before open()."""
        return self._intrinsics

    # -- lifecycle -----------------------------------------------------------------
    def _open(self) -> None:
        self._rs = import_rs()
        self._pipeline, profile = self._start_pipeline()
        try:
            depth_sensor = profile.get_device().first_depth_sensor()
            self._depth_scale_m = float(depth_sensor.get_depth_scale())
            colour = profile.get_stream(self._rs.stream.color).as_video_stream_profile()
            self._intrinsics = intrinsics_from_rs(colour.get_intrinsics())
            self._align = self._rs.align(self._rs.stream.color)
            if self._motion is None and self.capabilities.is_live:  # a recording opened it before starting
                self._motion = MotionStream.open_on(profile.get_device(), colour, self._rs)
            self._estimator = PoseEstimator(pose_model=self.options.pose_model, orientation=self.orientation)
            self._begin()
        except BaseException:
            self._stop_pipeline()
            raise
        self._slot = LatestSlot[PoseFrame](self._lossless)
        self._thread = threading.Thread(target=self._work, name=f"{self.describe()} worker", daemon=True)
        self._thread.start()

    def _close(self) -> None:
        self._stop.set()
        self._slot.close()
        if self._thread is not None:
            self._thread.join(timeout=10.0)
        self._stop_pipeline()
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None

    def _stop_pipeline(self) -> None:
        motion, self._motion = self._motion, None
        if motion is not None:
            motion.close()
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            with contextlib.suppress(RuntimeError):  # already stopped by librealsense (e.g. end of file)
                pipeline.stop()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        try:
            frame = self._slot.take(timeout_s)
        except SensorError:
            self._mark_ended()
            raise
        if frame is None and self._slot.finished:
            self._mark_ended()
        return frame

    # -- worker --------------------------------------------------------------------
    def _finish(self) -> None:
        """A finite stream played its last frameset."""
        self._finished = True

    def _work(self) -> None:
        try:
            while not self._stop.is_set() and not self._finished:
                item = self._next_frameset()
                if item is None:
                    continue
                frame = self._process(*item)
                if frame is not None and not self._stop.is_set():
                    self._slot.put(frame)
            self._slot.finish()
        except SlotClosed:
            return
        except SensorError as e:
            self._slot.finish(e)
        except Exception as e:  # noqa: BLE001 - surfaced to the reader as one clear line
            self._slot.finish(SourceUnavailable(f"{self.describe()}: {type(e).__name__}: {first_line(e)}"))

    def _process(self, frameset: Any, index: int, t_s: float) -> PoseFrame | None:
        """One colour + depth frameset -> a fused pose frame (None if a stream is missing)."""
        aligned = self._align.process(frameset)
        colour = aligned.get_color_frame()
        depth = aligned.get_depth_frame()
        if not colour or not depth:
            return None
        assert self._intrinsics is not None  # set by _open
        try:
            rgb = colour_to_rgb(colour)
        except ValueError as e:
            raise SourceUnavailable(f"{self.describe()}: {e}") from e
        depth_m = depth_to_metres(depth, self._depth_scale_m)
        assert self._estimator is not None
        pose = self._estimator.estimate(rgb, t_s, index)
        meta = dict(pose.meta)
        meta.update(self._extra_meta())
        meta["depth_scale_m"] = self._depth_scale_m
        extra: dict[str, Any] = {"rgb": rgb, "depth_m": depth_m} if self.options.images else {}
        extra["intrinsics"] = self._intrinsics
        if self._motion is not None:
            imu = self._motion.reading(float(colour.get_timestamp()), self._stream_ended)
            extra["gravity_camera"] = imu.gravity_camera
            meta["imu_samples"] = imu.samples
        if not pose.has_player:
            return pose.with_changes(meta=meta, **extra)
        present = pose.source != 0
        fused = fuse_depth(
            pose.image_xy_px, pose.world_xyz_m, pose.confidence, present, depth_m, self._intrinsics, self.fusion
        )
        meta["depth_anchor_m"] = fused.anchor_m
        return pose.with_changes(camera_xyz_m=fused.camera_xyz_m, source=fused.source, meta=meta, **extra)
