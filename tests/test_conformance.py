"""Every pose source in the repo honours the sensor contract (one parametrized test).

Each case builds its input the way a user would meet it: the synthetic avatar
directly; a pose recording written from it; a real video, a still image and a
"webcam" (the real webcam code driven through ``cv2.VideoCapture`` opened on a
video file, since no machine here has a camera); a RealSense ``.db3`` recorded
with pyrealsense2's software device and played through a real ``rs.pipeline``;
and the example third-party plugin. The shared-data cases skip with a reason
where ``../shared/data`` is absent.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors import Sensor, SourceOptions, check_sensor, open_source
from sensors.contract import Capabilities
from sensors.recording.writer import RecordingWriter
from tests.sensor_helpers import FileAsCamera

REPO = Path(__file__).resolve().parents[1]
Factory = Callable[[], Sensor]


def _synthetic(tmp: Path, data: Path | None) -> Factory:
    return lambda: open_source("synthetic:squat,reps=2,seed=4")


def _synthetic_images(tmp: Path, data: Path | None) -> Factory:
    return lambda: open_source("synthetic:pushup,reps=1,view=side,mode=depth", SourceOptions(images=True))


def _synthetic_no_person(tmp: Path, data: Path | None) -> Factory:
    return lambda: open_source("synthetic:squat,reps=1,person=0")


def _recording(tmp: Path, data: Path | None) -> Factory:
    path = tmp / "squat.rq"
    with open_source("synthetic:squat,reps=1,seed=2") as src, RecordingWriter(path, source="synthetic:squat") as out:
        for frame in src:
            out.write(frame)
    return lambda: open_source(f"recording:{path}")


def _video(tmp: Path, data: Path | None) -> Factory:
    assert data is not None
    return lambda: open_source(f"video:{data / 'clips' / 'squat_side_c.mp4'}")


def _image(tmp: Path, data: Path | None) -> Factory:
    assert data is not None
    return lambda: open_source(f"image:{data / 'mediapipe_testdata' / 'pose.jpg'}")


def _webcam(tmp: Path, data: Path | None) -> Factory:
    assert data is not None
    from sensors.camera import webcam

    clip = data / "clips" / "squat_side_c.mp4"
    return lambda: webcam.open_source("0", SourceOptions(), open_capture=lambda: FileAsCamera(clip))


def _realsense_file(tmp: Path, data: Path | None) -> Factory:
    assert data is not None
    from sensors.realsense.testing import letterbox, write_recording

    rgb = letterbox(
        cv2.cvtColor(cv2.imread(str(data / "mediapipe_testdata" / "pose.jpg")), cv2.COLOR_BGR2RGB), (640, 480)
    )
    depth = np.full((480, 640), 2.5, np.float32)  # a flat wall 2.5 m away
    path = write_recording(tmp / "person.db3", [rgb] * 3, [depth] * 3)
    return lambda: open_source(f"realsense-file:{path}")


def _realsense_file_imu(tmp: Path, data: Path | None) -> Factory:
    """A D435i recording: colour, depth and the IMU's accelerometer and gyro frames."""
    from sensors.realsense.testing import write_recording

    accel = np.tile([0.5, -9.7, -1.2], (4, 5, 1)) + np.random.default_rng(0).normal(0, 0.05, (4, 5, 3))
    rgb = [np.full((120, 160, 3), 90, np.uint8)] * 4
    path = write_recording(tmp / "imu.db3", rgb, [np.full((120, 160), 2.0, np.float32)] * 4, accel_m_s2=accel)
    return lambda: open_source(f"realsense-file:{path}")


def _plugin(tmp: Path, data: Path | None) -> Factory:
    src = REPO / "examples" / "repquest-sensor-example" / "src" / "repquest_sensor_example" / "__init__.py"
    spec = importlib.util.spec_from_file_location("repquest_sensor_example", src)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    csv_path = tmp / "landmarks.csv"
    header = ["frame"] + [f"{k}_{j}" for j in range(33) for k in ("x", "y", "z", "visibility")]
    rows = [
        [str(i)] + [f"{v:.4f}" for j in range(33) for v in (0.4 + 0.004 * j, 0.2 + 0.02 * j, 0.0, 0.9)]
        for i in range(5)
    ]
    csv_path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n")
    return lambda: module.open_source(str(csv_path), SourceOptions())


CASES: dict[str, tuple[Callable[[Path, Path | None], Factory], bool]] = {
    # name: (factory builder, needs ../shared/data)
    "synthetic": (_synthetic, False),
    "synthetic-images-depth": (_synthetic_images, False),
    "synthetic-no-person": (_synthetic_no_person, False),
    "recording": (_recording, False),
    "video": (_video, True),
    "image": (_image, True),
    "webcam": (_webcam, True),
    "realsense-file": (_realsense_file, True),
    "realsense-file-imu": (_realsense_file_imu, False),
    "plugin-example": (_plugin, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_source_passes_the_sensor_contract(case: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    build, needs_data = CASES[case]
    data = request.getfixturevalue("shared_data") if needs_data else None
    check_sensor(build(tmp_path, data), frames=5)


@pytest.mark.parametrize("case", list(CASES))
def test_source_passes_the_contract_through_the_pipeline(
    case: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The same sources wrapped in the pose pipeline (lock, swap fix, fusion, gravity, tracker)."""
    from sensors.pipeline import PipelineSensor

    build, needs_data = CASES[case]
    data = request.getfixturevalue("shared_data") if needs_data else None
    make = build(tmp_path, data)
    check_sensor(lambda: PipelineSensor(make()), frames=5)


def test_every_builtin_scheme_is_covered() -> None:
    from sensors.registry import BUILTIN_BACKENDS

    covered = {name.split("-images")[0].split("-no-")[0] for name in CASES}
    # the live RealSense has no device here; its no-camera error is tested in test_realsense_errors
    assert set(BUILTIN_BACKENDS) - {"realsense"} <= covered


def test_capabilities_are_declared_by_every_covered_source(tmp_path: Path) -> None:
    sensor = _synthetic_images(tmp_path, None)()
    assert isinstance(sensor.capabilities, Capabilities)
    assert sensor.capabilities.has_depth
