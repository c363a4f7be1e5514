"""The IMU of a D435i / D455 on its own frame queue, and gravity from it.

The pipeline streams colour + depth only; the motion sensor (accelerometer and
gyro) is opened on its own with a ``rs.frame_queue``, so its 100-400 Hz frames
are never drained away by the colour/depth wait loop, nor do they crowd the
pipeline's queue. Each colour frame then takes the accelerometer samples of the
last :data:`WINDOW_S` before its timestamp, drops those taken while the gyro
says the camera turned, and turns their mean into gravity in the *colour*
camera's coordinates (the accel -> colour extrinsics' rotation applied).

:class:`ImuWindow` is the pure part (numpy only); :class:`MotionStream` holds
the librealsense objects. Live and recorded (``.db3``) sources share both.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from sensors.pipeline.gravity import gravity_from_accel

#: accelerometer samples averaged for one colour frame (seconds before its timestamp)
WINDOW_S = 0.25
#: samples taken while the camera turned faster than this (gyro, rad/s) are not used
STILL_RAD_S = 0.5
#: an accelerometer sample this close (ms) to a turning gyro sample is not used
TURN_MARGIN_MS = 20.0
#: motion frames the queue holds between two colour frames (400 Hz gyro + 250 Hz accel for ~6 s)
QUEUE_FRAMES = 4096
#: how long a recording's colour frame waits for the motion frames recorded up to its time
PLAYBACK_WAIT_S = 0.5


@dataclass(frozen=True, slots=True)
class ImuReading:
    """What a colour frame gets from the IMU: ``gravity_camera`` (unit vector, down, colour
    camera coordinates; None when no still accelerometer sample was in the window) and
    ``accel_m_s2`` (the mean sample in the IMU's axes), ``samples`` used."""

    gravity_camera: np.ndarray | None
    accel_m_s2: np.ndarray | None
    samples: int


class ImuWindow:
    """Recent accelerometer and gyro samples, by timestamp (ms, the device's clock).

    ``imu_to_camera`` (3, 3) rotates a vector from the IMU's axes to the colour camera's.
    """

    def __init__(self, imu_to_camera: np.ndarray | None = None, keep_s: float = 2.0) -> None:
        self.imu_to_camera = np.eye(3) if imu_to_camera is None else np.asarray(imu_to_camera, dtype=np.float64)
        self._keep_ms = keep_s * 1000.0
        self._accel: deque[tuple[float, np.ndarray]] = deque()
        self._gyro: deque[tuple[float, float]] = deque()  # (t_ms, |omega| rad/s)
        self.newest_ms = -float("inf")  #: timestamp of the newest sample of either kind

    def add_accel(self, t_ms: float, xyz: np.ndarray) -> None:
        self._accel.append((t_ms, np.asarray(xyz, dtype=np.float64)))
        self._seen(t_ms)

    def add_gyro(self, t_ms: float, xyz: np.ndarray) -> None:
        self._gyro.append((t_ms, float(np.linalg.norm(xyz))))
        self._seen(t_ms)

    def _seen(self, t_ms: float) -> None:
        self.newest_ms = max(self.newest_ms, t_ms)
        horizon = self.newest_ms - self._keep_ms
        for q in (self._accel, self._gyro):
            while q and q[0][0] < horizon:
                q.popleft()

    def reading(self, t_ms: float | None = None, window_s: float = WINDOW_S) -> ImuReading:
        """Gravity from the accelerometer samples in ``(t_ms - window_s, t_ms]`` (``t_ms`` None:
        the newest sample's time) that were taken while the camera was still."""
        end = self.newest_ms if t_ms is None else t_ms
        start = end - window_s * 1000.0
        picked = [(t, xyz) for t, xyz in self._accel if start < t <= end]
        if not picked:
            return ImuReading(None, None, 0)
        t_ms = np.array([t for t, _ in picked])
        xyz = np.array([v for _, v in picked])
        turning = np.array(
            [t for t, w in self._gyro if w > STILL_RAD_S and start - TURN_MARGIN_MS < t <= end + TURN_MARGIN_MS]
        )
        if turning.size:
            still = np.abs(t_ms[:, None] - turning[None, :]).min(axis=1) > TURN_MARGIN_MS
            xyz = xyz[still]
        if not len(xyz):
            return ImuReading(None, None, 0)
        accel = xyz.mean(axis=0)
        g_imu = gravity_from_accel(accel)
        g = None if g_imu is None else self.imu_to_camera @ g_imu
        return ImuReading(None if g is None else g / np.linalg.norm(g), accel, len(xyz))


def rotation_from_extrinsics(extrinsics: Any) -> np.ndarray:
    """``rs.extrinsics`` -> (3, 3) rotation; librealsense stores it column-major
    (``to = R @ from + t``)."""
    return np.asarray(extrinsics.rotation, dtype=np.float64).reshape(3, 3).T


def motion_profiles(sensor: Any, rs: Any) -> list[Any]:
    """The slowest motion_xyz32f accel profile and the slowest gyro profile a sensor offers."""
    chosen: dict[Any, Any] = {}
    for p in sensor.get_stream_profiles():
        kind = p.stream_type()
        if kind not in (rs.stream.accel, rs.stream.gyro) or p.format() != rs.format.motion_xyz32f:
            continue
        if kind not in chosen or p.fps() < chosen[kind].fps():
            chosen[kind] = p
    return list(chosen.values()) if rs.stream.accel in chosen else []


class MotionStream:
    """A device's motion sensor started on its own ``rs.frame_queue``; :meth:`reading` per colour frame.

    ``playback``: a recording played as fast as possible; a frame then waits until the
    motion frames recorded up to its time arrived, so every replay uses the same samples.
    """

    def __init__(self, sensor: Any, profiles: list[Any], rs: Any, imu_to_camera: np.ndarray, playback: bool) -> None:
        self._rs = rs
        self._sensor = sensor
        self._playback = playback
        self.window = ImuWindow(imu_to_camera)
        self._queue = rs.frame_queue(QUEUE_FRAMES, keep_frames=True)
        sensor.open(profiles)
        try:
            sensor.start(self._queue)
        except BaseException:
            sensor.close()
            raise
        self._started = True

    @staticmethod
    def open_on(device: Any, colour_profile: Any, rs: Any, playback: bool = False) -> MotionStream | None:
        """Start the motion sensor of ``device`` (None when it has none: a D435, a recording without IMU)."""
        for sensor in device.query_sensors():
            profiles = motion_profiles(sensor, rs)
            if not profiles:
                continue
            accel = next(p for p in profiles if p.stream_type() == rs.stream.accel)
            try:
                rotation = rotation_from_extrinsics(accel.get_extrinsics_to(colour_profile))
            except RuntimeError:  # no extrinsics registered: the IMU's axes are the depth camera's
                rotation = np.eye(3)
            try:
                return MotionStream(sensor, profiles, rs, rotation, playback)
            except RuntimeError:  # the IMU is busy (another program) or failed: colour and depth still work
                return None
        return None

    def _add(self, frame: Any) -> None:
        data = frame.as_motion_frame().get_motion_data()
        xyz = np.array([data.x, data.y, data.z], dtype=np.float64)
        if frame.profile.stream_type() == self._rs.stream.accel:
            self.window.add_accel(float(frame.get_timestamp()), xyz)
        else:
            self.window.add_gyro(float(frame.get_timestamp()), xyz)

    def _drain(self) -> None:
        while True:
            ok, frame = self._queue.try_wait_for_frame(0)
            if not ok:
                return
            self._add(frame)

    def reading(self, colour_t_ms: float, finished: Any = None) -> ImuReading:
        """The IMU's reading for a colour frame taken at ``colour_t_ms`` (the device's clock).

        Live: the newest :data:`WINDOW_S` of samples. Playback: the samples up to
        ``colour_t_ms``, after waiting (at most :data:`PLAYBACK_WAIT_S`, or until
        ``finished()`` says the file ended) for a sample recorded after it.
        """
        self._drain()
        if not self._playback:
            return self.window.reading()
        deadline = time.monotonic() + PLAYBACK_WAIT_S
        while self.window.newest_ms <= colour_t_ms and time.monotonic() < deadline:
            if finished is not None and finished():
                break
            ok, frame = self._queue.try_wait_for_frame(20)
            if ok:
                self._add(frame)
                self._drain()
        return self.window.reading(colour_t_ms)

    def close(self) -> None:
        if not self._started:
            return
        self._started = False
        with contextlib.suppress(RuntimeError):
            self._sensor.stop()
        with contextlib.suppress(RuntimeError):
            self._sensor.close()
