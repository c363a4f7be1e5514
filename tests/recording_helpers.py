"""Pose frames built in the test (no source needed) for the recording tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sensors.contract import Capabilities
from sensors.pose import JointSource, PoseFrame, TrackingState
from sensors.recording import ImageCodec, RecordingReader, RecordingWriter

SIZE_PX = (64, 48)


def make_frame(i: int, rng: np.random.Generator, *, images: bool = False, dt_s: float = 1 / 30) -> PoseFrame:
    """A frame with awkward values: NaN for missing joints, ground truth, meta, varying tracking."""
    source = rng.integers(0, 4, 33).astype(np.uint8)
    missing = source == JointSource.MISSING
    xy = rng.random((33, 2)) * SIZE_PX
    xy[missing] = np.nan
    conf = rng.random(33).astype(np.float32)
    conf[missing] = 0
    cam = rng.normal(0, 1, (33, 3))
    cam[missing] = np.nan
    tracking = TrackingState.PLAYER_LOST if i % 7 == 6 else TrackingState.TRACKED
    return PoseFrame(
        t_s=1000.0 + i * dt_s,
        index=i,
        image_size_px=SIZE_PX,
        image_xy_px=xy,
        camera_xyz_m=cam,
        world_xyz_m=rng.normal(0, 0.5, (33, 3)),
        confidence=conf,
        source=source,
        tracking=tracking,
        truth_camera_xyz_m=rng.normal(0, 1, (33, 3)) if i % 2 == 0 else None,
        meta={"rep": i, "phase": ("down", i % 3)} if i % 3 else {},
        rgb=rng.integers(0, 256, (SIZE_PX[1], SIZE_PX[0], 3), dtype=np.uint8) if images else None,
        depth_m=(rng.random((SIZE_PX[1], SIZE_PX[0])) * 4).astype(np.float32) if images else None,
    )


def make_frames(n: int, seed: int = 0, **kw: object) -> list[PoseFrame]:
    rng = np.random.default_rng(seed)
    return [make_frame(i, rng, **kw) for i in range(n)]  # type: ignore[arg-type]


def write_recording(
    path: Path, frames: list[PoseFrame], images: ImageCodec | None = None, source: str = "test:frames"
) -> Path:
    caps = Capabilities(has_depth=images is not None, has_images=images is not None, nominal_fps=30.0)
    with RecordingWriter(path, source=source, capabilities=caps, images=images) as w:
        for f in frames:
            w.write(f)
    return path


def frames_of(path: Path, images: bool = False) -> list[PoseFrame]:
    """Every frame of the recording at ``path``, read through :class:`RecordingReader`."""
    reader = RecordingReader(path)
    try:
        return [reader.frame(i, images) for i in range(reader.frames)]
    finally:
        reader.close()
