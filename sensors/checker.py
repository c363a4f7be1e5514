"""A conformance checker any sensor implementation can be run through.

>>> from sensors.checker import check_sensor
>>> check_sensor(lambda: MySensor(...))   # raises ConformanceError listing every failure
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from sensors.contract import Capabilities, Sensor, SensorState
from sensors.errors import SensorStateError
from sensors.joints import NUM_JOINTS
from sensors.pose import JointSource, PoseFrame, TrackingState


class ConformanceError(AssertionError):
    """The sensor broke the contract; the message lists every failure found."""


def _expect_state_error(problems: list[str], what: str, call: Callable[[], object]) -> None:
    try:
        call()
    except SensorStateError as e:
        if not str(e):
            problems.append(f"{what}: SensorStateError without a message")
    except Exception as e:  # noqa: BLE001 - any other exception is itself a finding
        problems.append(f"{what}: expected SensorStateError, got {type(e).__name__}: {e}")
    else:
        problems.append(f"{what}: expected SensorStateError, nothing was raised")


def check_frame(frame: object, problems: list[str], where: str = "frame") -> None:
    """Append to ``problems`` every way ``frame`` breaks the pose-frame rules."""
    if not isinstance(frame, PoseFrame):
        problems.append(f"{where}: expected a PoseFrame, found {type(frame).__name__}")
        return
    n = NUM_JOINTS
    shapes = {"image_xy_px": (n, 2), "camera_xyz_m": (n, 3), "world_xyz_m": (n, 3), "confidence": (n,), "source": (n,)}
    for name, shape in shapes.items():
        arr = getattr(frame, name)
        if arr.shape != shape:
            problems.append(f"{where}.{name}: expected shape {shape}, found {arr.shape}")
        if arr.flags.writeable:
            problems.append(f"{where}.{name}: array is writeable; frames must be immutable")
    if not np.isfinite(frame.t_s):
        problems.append(f"{where}.t_s: expected a finite monotonic time, found {frame.t_s}")
    conf = frame.confidence
    if np.any((conf < 0) | (conf > 1)) or np.any(np.isnan(conf)):
        problems.append(f"{where}.confidence: expected values in [0, 1]")
    valid = {int(v) for v in JointSource}
    if not set(np.unique(frame.source).tolist()) <= valid:
        problems.append(f"{where}.source: values outside JointSource")
    missing = frame.source == JointSource.MISSING
    if np.any(conf[missing] > 0):
        problems.append(f"{where}: MISSING joints must have confidence 0")
    seen = ~missing
    if np.any(~np.isfinite(frame.image_xy_px[seen])):
        problems.append(f"{where}.image_xy_px: non-finite position for a joint that is not MISSING")
    if frame.tracking is TrackingState.NO_PLAYER and seen.any():
        problems.append(f"{where}: tracking is NO_PLAYER but some joints are not MISSING")
    w, h = frame.image_size_px
    if w <= 0 or h <= 0:
        problems.append(f"{where}.image_size_px: expected positive (width, height), found {(w, h)}")
    if frame.rgb is not None and frame.rgb.shape != (h, w, 3):
        problems.append(f"{where}.rgb: expected shape {(h, w, 3)}, found {frame.rgb.shape}")
    if frame.depth_m is not None and frame.depth_m.shape != (h, w):
        problems.append(f"{where}.depth_m: expected shape {(h, w)}, found {frame.depth_m.shape}")


def _check_replay(first: list[PoseFrame], second: list[PoseFrame], problems: list[str]) -> None:
    if len(second) != len(first):
        problems.append(f"replay: a second run delivered {len(second)} frames, the first {len(first)}")
        return
    offset = second[0].t_s - first[0].t_s
    for a, b in zip(first, second, strict=True):
        if not a.same_pose_as(b.with_changes(t_s=b.t_s - offset)):
            problems.append(f"replay: frame {a.index} differs between two runs of the same finite source")
            return


def check_sensor(make: Callable[[], Sensor], frames: int = 10, timeout_s: float = 10.0, replay: bool = True) -> None:
    """Run a sensor through the whole contract; raise :class:`ConformanceError` on any breach.

    ``make`` must build a new, unopened sensor each call. Up to ``frames``
    frames are read, each within ``timeout_s``. A finite, non-live source must
    replay identically: a second sensor from ``make`` delivers the same frames
    (same indices and poses, timestamps equal up to a constant offset);
    ``replay=False`` skips this for sources paced by the wall clock (real-time
    playback drops frames by design).
    """
    problems: list[str] = []
    sensor = make()
    if not isinstance(sensor, Sensor):
        raise ConformanceError(f"make() returned {type(sensor).__name__}, expected a Sensor")
    if sensor.state is not SensorState.CREATED:
        problems.append(f"new sensor: expected state CREATED, found {sensor.state}")
    if not isinstance(sensor.capabilities, Capabilities):
        problems.append("capabilities: expected a Capabilities instance")
    if not sensor.describe():
        problems.append("describe(): expected a non-empty name")
    _expect_state_error(problems, "read() before open()", sensor.read)

    if sensor.open() is not sensor:
        problems.append("open(): expected it to return the sensor itself")
    if sensor.state is not SensorState.OPEN:
        problems.append(f"after open(): expected state OPEN, found {sensor.state}")
    _expect_state_error(problems, "open() twice", sensor.open)

    got: list[PoseFrame] = []
    while len(got) < frames and not sensor.ended:
        frame = sensor.read(timeout_s=timeout_s)
        if frame is None:
            if not sensor.ended:
                problems.append(f"read(timeout_s={timeout_s}) returned no frame and the stream has not ended")
                break
            continue
        check_frame(frame, problems, f"frame {len(got)}")
        got.append(frame)
    if not got:
        problems.append("no frame was read")
    for a, b in itertools.pairwise(got):
        if b.index <= a.index:
            problems.append(f"frame indices must increase: {a.index} then {b.index}")
            break
        if b.t_s < a.t_s:
            problems.append(f"timestamps must not go back: {a.t_s} then {b.t_s}")
            break
    caps = sensor.capabilities
    if caps.has_depth and got and all(f.depth_m is None for f in got) and any(f.rgb is not None for f in got):
        problems.append("capabilities.has_depth is True but frames with images carry no depth_m")

    sensor.close()
    if sensor.state is not SensorState.CLOSED:
        problems.append(f"after close(): expected state CLOSED, found {sensor.state}")
    try:
        sensor.close()
    except Exception as e:  # noqa: BLE001
        problems.append(f"close() twice must be harmless, raised {type(e).__name__}: {e}")
    _expect_state_error(problems, "read() after close()", sensor.read)
    _expect_state_error(problems, "open() after close()", sensor.open)

    with make() as ctx:
        if ctx.state is not SensorState.OPEN:
            problems.append("'with' did not open the sensor")
        again: list[PoseFrame] = []
        while len(again) < len(got) and not ctx.ended:
            frame = ctx.read(timeout_s=timeout_s)
            if frame is not None:
                again.append(frame)
            if not (replay and caps.is_finite and not caps.is_live):
                break
    if ctx.state is not SensorState.CLOSED:
        problems.append("leaving 'with' did not close the sensor")
    if replay and caps.is_finite and not caps.is_live and got:
        _check_replay(got, again, problems)

    if problems:
        raise ConformanceError(f"{sensor.describe()} breaks the sensor contract:\n- " + "\n- ".join(problems))
